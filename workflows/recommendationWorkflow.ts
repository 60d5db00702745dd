import { Mutex } from 'async-mutex';
import {
  ApplicationFailure,
  type RetryPolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { calendarDateInLondon } from '../domain/calendar';
import { decide, type CommandContext, type Decision, type RecommendationState } from '../domain/lifecycle';
import { plannedNudges, type Nudge } from '../domain/reminders/plan';
import { remindersSupersede, type ReminderSettings } from '../domain/reminders/policy';
import { createWorkingCalendar } from '../domain/workingDays';
import type { Activities } from '../activities';
import type { RecordedItem } from '../activities/recordTransition';
import {
  COMMAND_REFUSED,
  VERSION_MISMATCH,
  commandUpdate,
  nextNudgeQuery,
  recordQuery,
  reminderScheduleQuery,
  remindersChangedSignal,
  resyncUpdate,
  stateQuery,
  type CommandRequest,
  type CommandResult,
  type RecommendationWorkflowInput,
  type WorkflowRecord,
} from './messages';

const recordRetry: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' };

/**
 * Recording a transition (and reading the record back) is one short database transaction in the worker that
 * decided it: a local activity saves the round trips through the Temporal server.
 */
const { recordTransition, readRecord, sendNudgeNow } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: recordRetry,
});

const emailRetry: RetryPolicy = { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' };

/** Emails that could not go out with their transition or reminder go out here, together, with retries. */
const { sendOutboundEmails } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: emailRetry });

const refusal = (reason: string) => ApplicationFailure.create({ type: COMMAND_REFUSED, message: reason, nonRetryable: true });
const versionMismatch = (expected: number, current: number) =>
  ApplicationFailure.create({
    type: VERSION_MISMATCH,
    message: `The recommendation is now at version ${current}, not ${expected}.`,
    details: [current],
    nonRetryable: true,
  });

/** How often one command re-decides after finding PostgreSQL moved on without this workflow, before giving up. */
const MAX_CATCH_UPS = 5;

/**
 * One recommendation, for its whole life. PostgreSQL is the record; this workflow decides commands and schedules
 * reminders. Every command arrives as an update whose id is the request's key. Handlers run one at a time under a
 * mutex, and each decides again inside it against the state it will change. The transition is written with
 * compare-and-set on the item's version: if PostgreSQL moved on without this workflow (a workflow task lost in a
 * crash), the workflow adopts the record and decides again, so the two never stay apart.
 */
export async function recommendationWorkflow(input: RecommendationWorkflowInput): Promise<void> {
  let state: RecommendationState = input.state;
  let version = input.version;
  const unsentEmailIds: string[] = [...(input.unsentEmailIds ?? [])];
  const lock = new Mutex();
  let transitions = 0;
  let reminders = input.reminders;
  let scheduleChanges = 0;
  let anchors = input.anchors ?? {};
  const sentNudgeKeys: string[] = [...(input.sentNudgeKeys ?? [])];
  let upcoming: Nudge | null = null;
  /**
   * Every nudge due up to this instant has been sent. Planning starts here rather than now, so a nudge whose time
   * passed while the worker was down, or before a change of settings reached this workflow, is sent late, not lost.
   */
  let checkedUntil = input.checkedUntil ?? new Date(Date.now()).toISOString();

  // One working calendar while the closure days stay the same: it works out each year's bank holidays once.
  let calendarFor: { closedDays: readonly string[]; calendar: ReturnType<typeof createWorkingCalendar> } | null = null;
  /** The reminders and escalations the policy gives for the state as it is now, earliest first, skipping any already sent. */
  const planAhead = (): Nudge[] => {
    if (!reminders) return [];
    if (calendarFor?.closedDays !== reminders.closedDays)
      calendarFor = { closedDays: reminders.closedDays, calendar: createWorkingCalendar({ extraClosedDays: reminders.closedDays }) };
    const { calendar } = calendarFor;
    return plannedNudges(state, reminders.policy, calendar, checkedUntil, {
      anchors,
      committeeMeetings: reminders.committeeMeetings,
    }).filter((nudge) => !sentNudgeKeys.includes(nudge.key));
  };
  const planNextNudge = (): Nudge | null => planAhead()[0] ?? null;

  /** Moves to a recorded state (one this workflow decided, or PostgreSQL's own), and wakes the main loop to replan. */
  const moveTo = (next: RecommendationState, nextVersion: number) => {
    anchors = anchorsAfter(anchors, state, next, new Date(Date.now()).toISOString());
    state = next;
    version = nextVersion;
    transitions++;
  };
  const adopt = (recorded: RecordedItem) => {
    if (recorded.version !== version || JSON.stringify(recorded.state) !== JSON.stringify(state)) moveTo(recorded.state, recorded.version);
    for (const id of recorded.pendingOutboxIds) if (!unsentEmailIds.includes(id)) unsentEmailIds.push(id);
  };

  /** Takes later reminder settings, from the api's signal or from an activity that found this workflow missed one. */
  const follow = (settings: ReminderSettings) => {
    if (!remindersSupersede(reminders, settings)) return;
    reminders = settings;
    scheduleChanges++;
  };
  const followFromActivity = (settings: ReminderSettings | undefined) => {
    if (settings && patched('reminders-from-activities')) follow(settings);
  };
  setHandler(remindersChangedSignal, follow);
  setHandler(nextNudgeQuery, () => (upcoming ? { at: upcoming.at, kind: upcoming.kind, key: upcoming.key } : null));
  setHandler(reminderScheduleQuery, () => ({
    settingsRevision: reminders?.revision ?? null,
    sendTime: reminders?.policy.sendTime ?? null,
    planned: planAhead().slice(0, 20),
  }));
  setHandler(stateQuery, () => state);
  setHandler(recordQuery, (): WorkflowRecord => ({ state, version }));

  const decideNow = (request: CommandRequest): Decision => {
    const now = Date.now();
    const context: CommandContext = {
      actor: request.actor,
      today: calendarDateInLondon(now),
      now: new Date(now).toISOString(),
      directory: request.directory,
      routing: request.routing,
    };
    return decide(state, request.command, context);
  };

  /** Decides and records one command; runs under the lock. */
  const apply = async (request: CommandRequest): Promise<CommandResult> => {
    // The api read a later version than this workflow knows: catch up with the record before judging anything.
    if (request.recordedVersion > version) {
      const record = await readRecord({ recommendationId: state.recommendationId, remindersRevision: reminders?.revision });
      adopt(record);
      followFromActivity(record.reminders);
    }
    for (let attempt = 0; ; attempt++) {
      if (request.expectedVersion !== undefined && request.expectedVersion !== version)
        throw versionMismatch(request.expectedVersion, version);
      const decision = decideNow(request);
      if (!decision.accepted) throw refusal(decision.reason);
      const outcome = await recordTransition({
        commandId: request.commandId,
        recommendationId: state.recommendationId,
        expectedVersion: version,
        actor: request.actor,
        actorLabel: request.actorLabel,
        occurredAt: new Date(Date.now()).toISOString(),
        command: request.command,
        before: state,
        after: decision.state,
        events: decision.events,
        remindersRevision: reminders?.revision,
        emailBatch: request.emailBatch,
      });
      followFromActivity(outcome.reminders);
      switch (outcome.outcome) {
        case 'recorded': {
          moveTo(decision.state, outcome.version);
          // Emails the activity already sent with the transition are not sent again from the main loop.
          unsentEmailIds.push(...outcome.outboxIds.filter((id) => !outcome.finished.includes(id)));
          return { state, version, commandId: request.commandId };
        }
        case 'already_recorded':
          // This very command was recorded before (a retry after a lost workflow task): its outcome is the record's.
          adopt(outcome.record);
          return { state, version, commandId: request.commandId };
        case 'version_moved':
          if (attempt >= MAX_CATCH_UPS)
            throw refusal('the recommendation kept changing while this was being decided, and nothing was recorded: try again');
          adopt(outcome.record);
          continue;
        case 'key_reused':
          // Never a silent no-op: the same key for another command is a bug upstream. Fails the workflow task loudly.
          throw new Error(
            `Command key ${request.commandId} was recorded for a different ${outcome.recordedType} command; refusing ${request.command.type}`,
          );
      }
    }
  };

  setHandler(commandUpdate, (request) => lock.runExclusive(() => apply(request)), {
    validator: (request) => {
      // A workflow behind the record cannot judge yet: the handler catches up first, then decides. A stale version
      // is refused before the lifecycle is asked, as HTTP checks preconditions first.
      if (request.recordedVersion > version) return;
      if (request.expectedVersion !== undefined && request.expectedVersion !== version) {
        if (request.expectedVersion < version) throw versionMismatch(request.expectedVersion, version);
        return;
      }
      const decision = decideNow(request);
      if (!decision.accepted) throw refusal(decision.reason);
    },
  });

  setHandler(resyncUpdate, () =>
    lock.runExclusive(async () => {
      const before: WorkflowRecord = { state, version };
      const record = await readRecord({ recommendationId: state.recommendationId, remindersRevision: reminders?.revision });
      adopt(record);
      followFromActivity(record.reminders);
      return { before, after: { state, version }, changed: before.version !== version || before.state !== state };
    }),
  );

  const historyIsLong = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (input.historyLimit !== undefined && info.historyLength >= input.historyLimit);
  };

  for (;;) {
    const seen = { transitions, scheduleChanges };
    upcoming = planNextNudge();
    const overdue = upcoming !== null && Date.parse(upcoming.at) <= Date.now();
    if (!overdue && reminders) checkedUntil = new Date(Date.now()).toISOString();
    const sleepMs = upcoming && !overdue ? Math.max(1, Date.parse(upcoming.at) - Date.now()) : undefined;
    const wake = () =>
      unsentEmailIds.length > 0 || historyIsLong() || transitions !== seen.transitions || scheduleChanges !== seen.scheduleChanges;
    const woke = overdue ? false : sleepMs === undefined ? (await condition(wake), true) : await condition(wake, sleepMs);
    if (!woke && upcoming) {
      // Its time has come (or passed while nobody was looking), and nothing changed meanwhile: send it.
      const nudge = upcoming;
      const sent = await sendNudgeNow({ recommendationId: state.recommendationId, nudge, occurredAt: new Date(Date.now()).toISOString() });
      sentNudgeKeys.push(nudge.key);
      unsentEmailIds.push(...sent.outboxIds);
      continue;
    }
    const batch = [...unsentEmailIds];
    if (batch.length) await sendOutboundEmails(batch);
    unsentEmailIds.splice(0, batch.length);
    if (historyIsLong()) {
      // A fresh run carries only the record, unsent mail and what the reminders need; in-flight commands finish first.
      await condition(() => allHandlersFinished() && !lock.isLocked());
      if (unsentEmailIds.length === 0) {
        await continueAsNew<typeof recommendationWorkflow>({
          state,
          version,
          unsentEmailIds,
          historyLimit: input.historyLimit,
          reminders,
          sentNudgeKeys: sentNudgeKeys.slice(-500),
          checkedUntil,
          anchors,
        });
      }
    }
  }
}

/** Exact instants of the moments reminders are measured from, for policies in seconds (the state keeps dates). */
function anchorsAfter(
  anchors: NonNullable<RecommendationWorkflowInput['anchors']>,
  before: RecommendationState,
  after: RecommendationState,
  now: string,
): NonNullable<RecommendationWorkflowInput['anchors']> {
  const step = (chain: RecommendationState['approval']) =>
    chain ? `${chain.current}:${chain.steps[chain.current]?.approverId ?? ''}:${chain.startedOn}` : '';
  return {
    approvalStepOpenedAt: step(before.approval) !== step(after.approval) ? now : anchors.approvalStepOpenedAt,
    extensionStepOpenedAt:
      step(before.pendingExtension?.chain ?? null) !== step(after.pendingExtension?.chain ?? null) ? now : anchors.extensionStepOpenedAt,
    hmicfrsSubmittedAt: before.hmicfrs?.submittedOn !== after.hmicfrs?.submittedOn ? now : anchors.hmicfrsSubmittedAt,
  };
}
