import type { IsoDate } from '../vocabulary';
import { epochDayOf, londonWallClock } from '../calendar';
import type { RecommendationState } from '../lifecycle/states';
import { workingStatuses } from '../lifecycle/states';
import type { WorkingCalendar } from '../workingDays';
import { overdueFrom } from '../overdue';
import { applyOffset, firstRepeatAfter, instantOf, offsetLabel, sendInstant, type Anchor, type Moment } from './offsets';
import { committeeUpdateRequests, isOpenForCommittee, quietStatuses } from './committee';
import { assertReminderPolicy, type ReminderPolicy } from './policy';

/**
 * When the product nudges people about an item (docs/reminders.md, "What people expect"), as pure
 * functions of the item's state, the force's policy, its working calendar and the time now. The workflow asks for
 * the next nudge, sleeps until it, sends it under its key (so a retry or a replay never sends twice), and asks
 * again; any change to the item (an extension, evidence, a closure) changes what is planned.
 */

export const nudgeKinds = [
  'due_reminder',
  'off_target',
  'off_target_dcc',
  'off_target_repeat',
  'approval_chase',
  'approval_escalation',
  'hmicfrs_chase',
  'committee_update_request',
  'committee_update_chase',
] as const;
export type NudgeKind = (typeof nudgeKinds)[number];

/** Who a nudge goes to, relative to the item; the workflow resolves people (and delegates) when it sends. */
export type NudgeRecipients = 'owner' | 'owner_and_lead' | 'dcc' | 'approver' | 'next_approver' | 'liaison_lead';

export interface Nudge {
  /** When to send it: an ISO timestamp in UTC. */
  at: string;
  kind: NudgeKind;
  recipients: NudgeRecipients;
  /**
   * Stable and unique per nudge, per item: the workflow sends a nudge once per key. It names the date the nudge is
   * about ("due:2027-03-31:-7wd"), so an extension gives every reminder a new key and the old ones are never sent.
   */
  key: string;
  /** The due date it is about (due reminders and the off-target chain). */
  dueDate?: IsoDate;
  /** The approval step it is about (approval chases and escalations). */
  approval?: { chain: 'closure' | 'extension'; step: number; approverId: string; openedOn: IsoDate };
  /** The committee meeting it is about. */
  meeting?: IsoDate;
}

/**
 * Exact instants the workflow may know and the state (dates only) does not. Each is used only while it falls on the
 * date the state records, so a stale one is ignored. They matter only to durations with a time part ("PT5S").
 */
export interface NudgeAnchors {
  /** When the current step of the closure approval chain opened. */
  approvalStepOpenedAt?: string;
  /** When the current step of the pending extension's approval chain opened. */
  extensionStepOpenedAt?: string;
  /** When the item went to HMICFRS. */
  hmicfrsSubmittedAt?: string;
}

export interface NudgeOptions {
  anchors?: NudgeAnchors;
  /** The force's committee meetings; with them, the owner's update requests and chases are planned too. */
  committeeMeetings?: readonly IsoDate[];
}

const isoOf = (ms: number): string => new Date(ms).toISOString();

function anchorAt(date: IsoDate, timestamp: string | undefined): Anchor {
  if (timestamp === undefined) return { date };
  const atMs = instantOf(timestamp);
  return londonWallClock(atMs).date === date ? { date, atMs } : { date };
}

/**
 * The date an item has been waiting on HMICFRS since, or null when it is not waiting on HMICFRS: the submission for
 * category 3; for category 4, the self-certification letter until the verification visit, then the visit.
 * An item to be "reality-tested at the next inspection" is waiting by agreement, so it is not chased.
 */
export function hmicfrsWaitingSince(state: RecommendationState): IsoDate | null {
  switch (state.status) {
    case 'awaiting_hmicfrs_sign_off':
      return state.hmicfrs?.submittedOn ?? null;
    case 'awaiting_verification_visit':
      return state.hmicfrs?.submittedOn ?? state.selfCertification?.signedOn ?? null;
    case 'verification_visit_held':
      return state.hmicfrs?.visitedOn ?? state.selfCertification?.signedOn ?? null;
    default:
      return null;
  }
}

/**
 * When the owner and lead are told an item is off target: `offTarget` after the due date, and not before the send
 * time on the first day it is overdue. The working-day and calendar-day offsets the policy allows always land there
 * or later; only a duration with a time part could land on the due date itself.
 */
export function offTargetMoment(dueDate: IsoDate, policy: ReminderPolicy, calendar: WorkingCalendar): Moment {
  const planned = applyOffset({ date: dueDate }, policy.offTarget, 1, policy, calendar);
  const firstOverdueDay = overdueFrom(dueDate, calendar);
  const earliest = sendInstant(firstOverdueDay, policy);
  return planned.atMs >= earliest ? planned : { date: firstOverdueDay, atMs: earliest };
}

/**
 * The nudges still to come for one item, earliest first. Rules:
 *  - Nothing for an item that is logged, not for the force or closed, or that has no due date.
 *  - Due-date reminders to the owner while the work is with the owner (assigned, in progress, reopened): once
 *    evidence is in, the approvers are chased instead. Only reminders after `now` are planned.
 *  - Off target, while the work is with the owner and the due date has passed: owner and lead `offTarget` after the
 *    due date but never before the item is overdue (the working day after the due date, ../overdue.ts), so a duration
 *    with a time part ("PT5M") cannot call an item overdue on its due date (`offTargetMoment`); the DCC
 *    `offTargetDcc` later, then owner and lead every `offTargetRepeat` (only the next repeat is listed;
 *    the series continues as time passes). docs/reminders.md says "past the due date and not closed"; we deliberately do
 *    not chase the owner while evidence is with the approvers (they are chased instead, and the item reports as
 *    "proposed for closure"), nor while the item is with HMICFRS. If the evidence is rejected the chase resumes
 *    with the next repeat of the same series (same keys, so nothing already sent is sent again). A pending
 *    extension request does not stop it: only an approved extension (a new due date, new keys) does.
 *  - Approval: the current approver of the closure chain (status awaiting approval) and of a pending extension's
 *    chain is chased `approvalChase` after the step opened and the request escalated `approvalEscalation` after.
 *    A step with no approver yet (evidence submitted, waiting for one) has nobody to chase; administrators see it.
 *  - HMICFRS: the liaison lead is told once when an item has waited `hmicfrsChase` (see `hmicfrsWaitingSince`).
 *  - Committee (with `options.committeeMeetings`): for every meeting, the owner of an open item is asked for an
 *    update, and chased unless an update has been posted since the request went out.
 * Keys carry the due date, step, approver, evidence version and opening date they are about, and "#reopenN" after
 * a reopening, so any change that makes a nudge obsolete also retires its key. A nudge whose time has passed is
 * never planned again (the workflow that slept until it sent it); so an item that comes back to its owner after
 * the off-target day (a rejection, a reopening) picks the chase up at its next weekly repeat.
 */
export function plannedNudges(
  state: RecommendationState,
  policy: ReminderPolicy,
  calendar: WorkingCalendar,
  now: string,
  options: NudgeOptions = {},
): Nudge[] {
  const nowMs = instantOf(now);
  assertReminderPolicy(policy);
  if (quietStatuses.has(state.status) || state.dueDate === null) return [];
  const due = state.dueDate;
  epochDayOf(due);
  const reopened = state.reopenCount > 0 ? `#reopen${state.reopenCount}` : '';
  const nudges: Nudge[] = [];
  const plan = (atMs: number, nudge: Omit<Nudge, 'at'>): void => {
    if (atMs > nowMs) nudges.push({ at: isoOf(atMs), ...nudge });
  };

  if (workingStatuses.includes(state.status)) {
    for (const offset of policy.dueReminders) {
      const moment = applyOffset({ date: due }, offset, -1, policy, calendar);
      plan(moment.atMs, { kind: 'due_reminder', recipients: 'owner', key: `due:${due}:-${offsetLabel(offset)}${reopened}`, dueDate: due });
    }
    const offTarget = offTargetMoment(due, policy, calendar);
    plan(offTarget.atMs, { kind: 'off_target', recipients: 'owner_and_lead', key: `off_target:${due}${reopened}`, dueDate: due });
    const dcc = applyOffset(offTarget, policy.offTargetDcc, 1, policy, calendar);
    plan(dcc.atMs, { kind: 'off_target_dcc', recipients: 'dcc', key: `off_target_dcc:${due}${reopened}`, dueDate: due });
    const repeat = firstRepeatAfter(dcc, policy.offTargetRepeat, Math.max(nowMs, dcc.atMs), policy, calendar);
    plan(repeat.moment.atMs, {
      kind: 'off_target_repeat',
      recipients: 'owner_and_lead',
      key: `off_target_repeat:${due}:${repeat.times}${reopened}`,
      dueDate: due,
    });
  }

  const chase = (
    chain: 'closure' | 'extension',
    keyPrefix: string,
    stepIndex: number,
    approverId: string,
    openedOn: IsoDate,
    openedAt?: string,
  ): void => {
    const anchor = anchorAt(openedOn, openedAt);
    const approval = { chain, step: stepIndex + 1, approverId, openedOn };
    const prefix = `${keyPrefix}:s${stepIndex + 1}:${approverId}:${openedOn}`;
    plan(applyOffset(anchor, policy.approvalChase, 1, policy, calendar).atMs, {
      kind: 'approval_chase',
      recipients: 'approver',
      key: `${prefix}:chase`,
      approval,
    });
    plan(applyOffset(anchor, policy.approvalEscalation, 1, policy, calendar).atMs, {
      kind: 'approval_escalation',
      recipients: 'next_approver',
      key: `${prefix}:escalate`,
      approval,
    });
  };
  if (state.status === 'awaiting_approval' && state.approval) {
    const step = state.approval.steps[state.approval.current];
    if (step?.approverId && step.openedOn) {
      chase(
        'closure',
        `approval:e${state.evidence?.version ?? 0}`,
        state.approval.current,
        step.approverId,
        step.openedOn,
        options.anchors?.approvalStepOpenedAt,
      );
    }
  }
  if (state.pendingExtension) {
    const extension = state.pendingExtension;
    const step = extension.chain.steps[extension.chain.current];
    if (step?.approverId && step.openedOn) {
      chase(
        'extension',
        `extension:${extension.requestedOn}:${extension.requestedDueDate}`,
        extension.chain.current,
        step.approverId,
        step.openedOn,
        options.anchors?.extensionStepOpenedAt,
      );
    }
  }

  const waitingSince = hmicfrsWaitingSince(state);
  if (waitingSince) {
    const anchor = anchorAt(waitingSince, state.status === 'awaiting_hmicfrs_sign_off' ? options.anchors?.hmicfrsSubmittedAt : undefined);
    plan(applyOffset(anchor, policy.hmicfrsChase, 1, policy, calendar).atMs, {
      kind: 'hmicfrs_chase',
      recipients: 'liaison_lead',
      key: `hmicfrs:${state.status}:${waitingSince}:${offsetLabel(policy.hmicfrsChase)}${reopened}`,
    });
  }

  if (options.committeeMeetings && isOpenForCommittee(state)) {
    for (const round of committeeUpdateRequests(options.committeeMeetings, policy, calendar)) {
      plan(instantOf(round.requestAt), {
        kind: 'committee_update_request',
        recipients: 'owner',
        key: `committee:${round.meeting}:request`,
        meeting: round.meeting,
      });
      const updatedSinceRequest = state.latestUpdate !== null && state.latestUpdate.on >= round.requestOn;
      if (!updatedSinceRequest) {
        plan(instantOf(round.chaseAt), {
          kind: 'committee_update_chase',
          recipients: 'owner',
          key: `committee:${round.meeting}:chase`,
          meeting: round.meeting,
        });
      }
    }
  }

  return nudges.sort((left, right) =>
    left.at < right.at ? -1 : left.at > right.at ? 1 : left.key < right.key ? -1 : left.key > right.key ? 1 : 0,
  );
}
