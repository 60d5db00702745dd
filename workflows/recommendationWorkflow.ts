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
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { calendarDateInLondon } from '../domain/calendar';
import { decide, type CommandContext, type Decision, type RecommendationState } from '../domain/lifecycle';
import { plannedNudges, type Nudge } from '../domain/reminderPolicy';
import { createWorkingCalendar } from '../domain/workingDays';
import type { Activities } from '../activities';
import {
  COMMAND_REFUSED,
  commandUpdate,
  nextNudgeQuery,
  remindersChangedSignal,
  stateQuery,
  type CommandRequest,
  type CommandResult,
  type RecommendationWorkflowInput,
} from './messages';

const recordTransitionRetry: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' };

/** Before the `record-transition-locally` patch, transitions were recorded by a regular activity. */
const { recordTransition: recordTransitionRemotely } = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: recordTransitionRetry });

/**
 * Recording a transition is one short database transaction in the worker that decided it: a local activity
 * saves the round trips through the Temporal server (an activity task and two workflow tasks per command).
 */
const { recordTransition: recordTransitionLocally } = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: recordTransitionRetry });

const emailRetry: RetryPolicy = { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' };

/**
 * The emails a command causes go out with its transition (recordTransition, since the `emails-sent-with-transition`
 * patch); those that could not go then, and nudges, go out here, together in one activity with retries (before the
 * `send-emails-together` patch, one activity each).
 */
const { sendOutboundEmail, sendOutboundEmails } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: emailRetry });

/** Queues a reminder or escalation (rendered, on the audit trail, into the outbox or the recipient's digest). */
const { sendNudge } = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: recordTransitionRetry });

/**
 * From the `send-nudges-now` patch: queues it and sends its emails in one local activity in the worker whose timer
 * fired (one workflow task per reminder instead of three and two activity tasks, for when thousands fall due at
 * once). The emails the SMTP server did not take come back, and go out with `sendOutboundEmails` and its retries.
 */
const { sendNudgeNow } = proxyLocalActivities<Activities>({ startToCloseTimeout: '1 minute', retry: recordTransitionRetry });

/** Every patch of this workflow's code besides `patches-decided-at-start`, in the order they were made. */
const PATCH = {
  recordTransitionLocally: 'record-transition-locally',
  emailsSentWithTransition: 'emails-sent-with-transition',
  sendEmailsTogether: 'send-emails-together',
  sendNudgesNow: 'send-nudges-now',
} as const;

const refusal = (reason: string) => ApplicationFailure.create({ type: COMMAND_REFUSED, message: reason, nonRetryable: true });

/**
 * One recommendation, for its whole life. Every command arrives as an update: the validator refuses what
 * the lifecycle does not allow before it enters history; the handler records the transition (row, audit
 * events and outbox in one transaction) and only then moves the state on. Emails go out from the main loop.
 */
export async function recommendationWorkflow(input: RecommendationWorkflowInput): Promise<void> {
  // A patch's first use in a run records a marker and upserts the TemporalChangeVersion search attribute: a write to
  // the server's visibility store. From the `patches-decided-at-start` patch, a run decides every patch in its first
  // task, so that write is not part of the moment thousands of reminders fall due together (their first reminder
  // was each run's first use of `send-nudges-now`). Runs begun without it decide each patch where it is used, as
  // before: replaying one, this answers false.
  if (patched('patches-decided-at-start')) for (const patch of Object.values(PATCH)) patched(patch);
  let state: RecommendationState = input.state;
  const unsentEmailIds: string[] = [...(input.unsentEmailIds ?? [])];
  let applying = false;
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
  /** The next reminder or escalation the policy gives for the state as it is now, skipping any already sent. */
  const planNextNudge = (): Nudge | null => {
    if (!reminders) return null;
    if (calendarFor?.closedDays !== reminders.closedDays) calendarFor = { closedDays: reminders.closedDays, calendar: createWorkingCalendar({ extraClosedDays: reminders.closedDays }) };
    const { calendar } = calendarFor;
    const nudges = plannedNudges(state, reminders.policy, calendar, checkedUntil, { anchors, committeeMeetings: reminders.committeeMeetings });
    return nudges.find((nudge) => !sentNudgeKeys.includes(nudge.key)) ?? null;
  };

  setHandler(remindersChangedSignal, (settings) => {
    reminders = settings;
    scheduleChanges++;
  });
  setHandler(nextNudgeQuery, () => (upcoming ? { at: upcoming.at, kind: upcoming.kind, key: upcoming.key } : null));

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

  setHandler(stateQuery, () => state);

  setHandler(
    commandUpdate,
    async (request): Promise<CommandResult> => {
      // Commands apply one at a time, each against the state the previous one left.
      await condition(() => !applying);
      applying = true;
      try {
        const decision = decideNow(request);
        if (!decision.accepted) throw refusal(decision.reason);
        const transitionId = uuid4();
        const recordTransition = patched(PATCH.recordTransitionLocally) ? recordTransitionLocally : recordTransitionRemotely;
        const recorded = await recordTransition({
          transitionId,
          recommendationId: state.recommendationId,
          actor: request.actor,
          actorLabel: request.actorLabel,
          occurredAt: new Date(Date.now()).toISOString(),
          command: request.command.type,
          before: state,
          after: decision.state,
          events: decision.events,
        });
        anchors = anchorsAfter(anchors, state, decision.state, new Date(Date.now()).toISOString());
        state = decision.state;
        transitions++;
        // Emails the activity already sent with the transition are not sent again from the main loop.
        const finished = patched(PATCH.emailsSentWithTransition) ? new Set(recorded.finished ?? []) : new Set<string>();
        unsentEmailIds.push(...recorded.outboxIds.filter((id) => !finished.has(id)));
        return { state, transitionId };
      } finally {
        applying = false;
      }
    },
    {
      validator: (request) => {
        const decision = decideNow(request);
        if (!decision.accepted) throw refusal(decision.reason);
      },
    },
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
    const wake = () => unsentEmailIds.length > 0 || historyIsLong() || transitions !== seen.transitions || scheduleChanges !== seen.scheduleChanges;
    // Without a nudge to wait for, this is the plain wait of workflows started before reminders existed (replay-safe).
    const woke = overdue ? false : sleepMs === undefined ? (await condition(wake), true) : await condition(wake, sleepMs);
    if (!woke && upcoming) {
      // Its time has come (or passed while nobody was looking), and nothing changed meanwhile: send it.
      const nudge = upcoming;
      const nudgeInput = { recommendationId: state.recommendationId, nudge, occurredAt: new Date(Date.now()).toISOString() };
      const sent = patched(PATCH.sendNudgesNow) ? await sendNudgeNow(nudgeInput) : await sendNudge(nudgeInput);
      sentNudgeKeys.push(nudge.key);
      unsentEmailIds.push(...sent.outboxIds);
      continue;
    }
    if (patched(PATCH.sendEmailsTogether)) {
      const batch = [...unsentEmailIds];
      if (batch.length) await sendOutboundEmails(batch);
      unsentEmailIds.splice(0, batch.length);
    } else {
      while (unsentEmailIds.length > 0) {
        await sendOutboundEmail(unsentEmailIds[0]!);
        unsentEmailIds.shift();
      }
    }
    if (historyIsLong()) {
      // A fresh run carries only the state, unsent mail and what the reminders need; in-flight commands finish first.
      await condition(() => allHandlersFinished() && !applying);
      if (unsentEmailIds.length === 0) {
        await continueAsNew<typeof recommendationWorkflow>({
          state,
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
  const step = (chain: RecommendationState['approval']) => (chain ? `${chain.current}:${chain.steps[chain.current]?.approverId ?? ''}:${chain.startedOn}` : '');
  return {
    approvalStepOpenedAt: step(before.approval) !== step(after.approval) ? now : anchors.approvalStepOpenedAt,
    extensionStepOpenedAt: step(before.pendingExtension?.chain ?? null) !== step(after.pendingExtension?.chain ?? null) ? now : anchors.extensionStepOpenedAt,
    hmicfrsSubmittedAt: before.hmicfrs?.submittedOn !== after.hmicfrs?.submittedOn ? now : anchors.hmicfrsSubmittedAt,
  };
}
