import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor, Directory, LifecycleCommand, RecommendationState, RoutingItem, RoutingRule } from '../domain/lifecycle';
import type { ReminderPolicy } from '../domain/reminderPolicy';
import type { IsoDate } from '../domain/vocabulary';

/** The messages of a recommendation's workflow, defined once for the workflow and the api alike. */

export const recommendationWorkflowType = 'recommendationWorkflow';

export function recommendationWorkflowId(recommendationId: string): string {
  return `recommendation-${recommendationId}`;
}

export interface RecommendationWorkflowInput {
  state: RecommendationState;
  /** Outbox rows recorded but not yet sent, carried across continue-as-new. */
  unsentEmailIds?: string[];
  /**
   * Continue as new once the history is this long. Unset, the server's suggestion decides (thousands of
   * events); tests set a small number to exercise continue-as-new.
   */
  historyLimit?: number;
  /** The force's reminder settings; without them (workflows started before reminders existed) nothing is scheduled. */
  reminders?: ReminderSettings;
  /** Keys of the nudges already sent, carried across continue-as-new so none is sent twice. */
  sentNudgeKeys?: string[];
  /** Every nudge due up to this instant has been sent (ISO timestamp), carried across continue-as-new. */
  checkedUntil?: string;
  /** Exact instants the state keeps only as dates (when the current approval step opened…), for second-level policies. */
  anchors?: { approvalStepOpenedAt?: string; extensionStepOpenedAt?: string; hmicfrsSubmittedAt?: string };
}

/** What the reminder schedule of every item depends on, edited by administrators. */
export interface ReminderSettings {
  policy: ReminderPolicy;
  /** Force-specific closure days, on top of England and Wales bank holidays. */
  closedDays: IsoDate[];
  /** The force's committee meetings: owners are asked for an update before each. */
  committeeMeetings: IsoDate[];
}

export interface CommandRequest {
  command: LifecycleCommand;
  actor: Actor;
  /** The actor's name at the time, for the audit trail. */
  actorLabel: string;
  /**
   * What the lifecycle needs to know of the world to open approval steps: the people and delegations and the
   * force's routing rules as they are now, read by the caller. Carried in the update so that deciding stays
   * deterministic and replays exactly.
   */
  directory?: Directory;
  routing?: { rules: RoutingRule[]; item: Omit<RoutingItem, 'category'> };
}

export interface CommandResult {
  state: RecommendationState;
  transitionId: string;
}

/** Error type of a command the lifecycle refuses; the api answers it with 409 and the reason. */
export const COMMAND_REFUSED = 'CommandRefused';

export const commandUpdate = defineUpdate<CommandResult, [CommandRequest]>('command');
export const stateQuery = defineQuery<RecommendationState>('state');
/** The next reminder or escalation the item's workflow is sleeping until, if any. */
export const nextNudgeQuery = defineQuery<{ at: string; kind: string; key: string } | null>('nextNudge');
/** New reminder settings: the workflow reschedules at once. A signal, as nobody waits for an answer. */
export const remindersChangedSignal = defineSignal<[ReminderSettings]>('remindersChanged');
