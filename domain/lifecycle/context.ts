import type { Role, IsoDate } from '../vocabulary';
import type { Person, RoutingItem, RoutingRule } from '../approvalRouting';
import type { Delegation } from '../delegation';
import type { RecommendationState } from './states';
import type { LifecycleEventData } from './events';

/** Who issues a command. `personId` is null for the system itself (timers, imports). */
export interface Actor {
  personId: string | null;
  roles: Role[];
  /** People this actor currently stands in for through an active delegation. */
  delegatesFor?: string[];
}

/** The people and delegations as they are today, used to resolve approvers when a step opens. */
export interface Directory {
  people: Person[];
  delegations: Delegation[];
}

export interface CommandContext {
  actor: Actor;
  today: IsoDate;
  /** ISO timestamp of the command, if the caller has one; copied onto every event as `at`, never required. */
  now?: string;
  /** Needed by commands that open an approval step; without it nobody can be found to approve. */
  directory?: Directory;
  /** The force's routing rules (default: `defaultRoutingRules`) and what routing knows about the item. */
  routing?: { rules?: RoutingRule[]; item?: Omit<RoutingItem, 'category'> };
}

/** Who must hear about an event, and which message template to use. */
export const notificationTemplates = [
  'assigned_to_you',
  'lead_for_item',
  'handed_over',
  'approval_requested',
  'approver_needed',
  'approval_outdated',
  'evidence_amended',
  'evidence_rejected',
  'extension_requested',
  'extension_approved',
  'extension_refused',
  'ready_for_self_certification',
  'ready_for_hmicfrs_submission',
  'hmicfrs_not_accepted',
  'item_closed',
  'item_reopened',
] as const;
export type NotificationTemplate = (typeof notificationTemplates)[number];

export interface LifecycleNotification {
  personId: string;
  template: NotificationTemplate;
}

/** How an event was recorded: before/after hold only the fields that changed. */
export interface LifecycleEventRecord {
  before: Partial<RecommendationState>;
  after: Partial<RecommendationState>;
  /** Who must be told (one entry per person and template). */
  notify?: LifecycleNotification[];
  /** When it happened, if the command's context said (`context.now`). */
  at?: string;
}

/** What happened (its typed facts) and what it changed; `describeEvent` puts it into words. */
export type LifecycleEvent = LifecycleEventData & LifecycleEventRecord;

export type Decision = { accepted: true; state: RecommendationState; events: LifecycleEvent[] } | { accepted: false; reason: string };
