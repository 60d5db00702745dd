import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor, Directory, LifecycleCommand, RecommendationState, RoutingItem, RoutingRule } from '../domain/lifecycle';
import type { Nudge } from '../domain/reminders/plan';
import type { ReminderSettings } from '../domain/reminders/policy';

export type { ReminderSettings };
import type { IsoDate } from '../domain/vocabulary';

/** The messages of a recommendation's workflow, defined once for the workflow and the api alike. */

export const recommendationWorkflowType = 'recommendationWorkflow';

export function recommendationWorkflowId(recommendationId: string): string {
  return `recommendation-${recommendationId}`;
}

export interface RecommendationWorkflowInput {
  state: RecommendationState;
  /** The item's version in PostgreSQL that `state` was read at (0 for a new item); every recorded command adds one. */
  version: number;
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

export interface CommandRequest {
  /**
   * The request's idempotency key (its Idempotency-Key header, or one the api minted): the Temporal update id and
   * the key of the transition's receipt in PostgreSQL, so a retry finds the first outcome instead of acting twice.
   */
  commandId: string;
  /** The item's version the api read from PostgreSQL just before: a workflow behind it catches up before deciding. */
  recordedVersion: number;
  /** The version the caller based the command on (If-Match, or the version the page showed): another is refused (412). */
  expectedVersion?: number;
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
  /**
   * The batch of commands this one belongs to (a bulk assignment, the demo start): its emails are held for the batch,
   * so each person gets one email for the batch (entities/emailBatches.ts). Not part of what the command asks.
   */
  emailBatch?: string;
}

export interface CommandResult {
  state: RecommendationState;
  /** The item's version once the command is recorded. */
  version: number;
  commandId: string;
}

/** The workflow's view of its item, for the consistency check: PostgreSQL must hold the same. */
export interface WorkflowRecord {
  state: RecommendationState;
  version: number;
}

export interface ResyncResult {
  before: WorkflowRecord;
  after: WorkflowRecord;
  changed: boolean;
}

/** Error type of a command the lifecycle refuses; the api answers it with 409 and the reason. */
export const COMMAND_REFUSED = 'CommandRefused';
/** Error type of a command based on a version that is no longer current (details: [current version]); the api answers 412. */
export const VERSION_MISMATCH = 'VersionMismatch';

export const commandUpdate = defineUpdate<CommandResult, [CommandRequest]>('command');
export const stateQuery = defineQuery<RecommendationState>('state');
/** The state with the version it was recorded at. */
export const recordQuery = defineQuery<WorkflowRecord>('record');
/** Reads the item back from PostgreSQL and adopts it (the consistency check's repair); serialized with commands. */
export const resyncUpdate = defineUpdate<ResyncResult, []>('resync');
/** The next reminder or escalation the item's workflow is sleeping until, if any. */
export const nextNudgeQuery = defineQuery<{ at: string; kind: string; key: string } | null>('nextNudge');
/** New reminder settings: the workflow reschedules at once. A signal, as nobody waits for an answer. */
export const remindersChangedSignal = defineSignal<[ReminderSettings]>('remindersChanged');

/** What the item's workflow plans, from its own settings: the nudges still to come, earliest first. */
export interface ReminderSchedule {
  /** The revision of the reminder settings the workflow follows (null: none, or from before revisions). */
  settingsRevision: number | null;
  sendTime: string | null;
  planned: Nudge[];
}
export const reminderScheduleQuery = defineQuery<ReminderSchedule>('reminderSchedule');

export function reminderDigestWorkflowId(taskQueue: string): string {
  return `reminder-digests-${taskQueue}`;
}
/** When the digest workflow sends its next round, and the settings revision it last handed to every item. */
export const nextDigestRunQuery = defineQuery<{ at: string | null; settingsRevision: number | null }>('nextDigestRun');
/** The reminder settings changed (this revision): the digest workflow hands them to every item and moves its timer. */
export const reminderSettingsChangedSignal = defineSignal<[{ revision: number }]>('reminderSettingsChanged');
