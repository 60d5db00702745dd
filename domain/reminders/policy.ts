import type { IsoDate } from '../vocabulary';
import { addCalendarDays, addCalendarMonths, formatLongDate } from '../calendar';
import type { WorkingCalendar } from '../workingDays';
import {
  applyOffset,
  approximateMs,
  describeOffset,
  instantOf,
  offsetLabel,
  offsetProblem,
  sendTimePattern,
  type Moment,
  type Offset,
} from './offsets';
import { committeeUpdateRequests, type CommitteePolicy } from './committee';

/** A force's reminder policy (docs/reminders.md): its type, the defaults, and the check that it can be used. */

export interface ReminderPolicy {
  /** The London time ("HH:MM", 24-hour) at which nudges that fall on a day are sent. */
  sendTime: string;
  /** Reminders to the owner before the due date, while the work is not yet evidenced. */
  dueReminders: Offset[];
  /** An item due within this window of today and not yet evidenced is at risk. */
  atRiskWithin: Offset;
  /** After the due date: the owner and lead are told the item is off target. */
  offTarget: Offset;
  /** After the off-target notice: the DCC is told. */
  offTargetDcc: Offset;
  /** After the DCC is told, the chasing repeats at this interval until the item is evidenced, closed or extended. */
  offTargetRepeat: Offset;
  /** After an approval step opens: the approver is chased. */
  approvalChase: Offset;
  /** After an approval step opens: the request is escalated to the next level (or its delegate). */
  approvalEscalation: Offset;
  /** After an item goes to HMICFRS (or, for category 4, is self-certified): the force liaison lead is told it is still waiting. */
  hmicfrsChase: Offset;
  committee: CommitteePolicy;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The defaults of issue 5 (frozen: a force's policy is a copy, `reminderPolicyWith`). */
export const defaultReminderPolicy: ReminderPolicy = deepFreeze<ReminderPolicy>({
  sendTime: '08:00',
  dueReminders: [{ workingDays: 28 }, { workingDays: 14 }, { workingDays: 7 }, { workingDays: 1 }],
  atRiskWithin: { duration: 'P3M' },
  offTarget: { workingDays: 1 },
  offTargetDcc: { workingDays: 5 },
  // "Weekly": a working week, so a repeat never falls on a bank holiday.
  offTargetRepeat: { workingDays: 5 },
  approvalChase: { workingDays: 3 },
  approvalEscalation: { workingDays: 5 },
  hmicfrsChase: { duration: 'P3M' },
  committee: { requestBefore: { workingDays: 15 }, deadlineBefore: { workingDays: 5 }, chaseBeforeDeadline: { workingDays: 2 } },
});

export type ReminderPolicyOverrides = Partial<Omit<ReminderPolicy, 'committee'>> & { committee?: Partial<CommitteePolicy> };

/** A force's policy: its overrides on top of the defaults. */
export function reminderPolicyWith(overrides: ReminderPolicyOverrides, base: ReminderPolicy = defaultReminderPolicy): ReminderPolicy {
  return { ...base, ...overrides, committee: { ...base.committee, ...(overrides.committee ?? {}) } };
}

/**
 * With these, `reminderPolicyProblems` checks on the force's own calendar, anchor day by anchor day, that each
 * reminder comes before the escalation it leads to (an approval chase before its escalation, the committee request
 * before its chase). Without them the check compares rough lengths only, which mixed units (working days against
 * calendar periods, across bank holidays and closure days) can get wrong.
 */
export interface PolicyCheckOptions {
  calendar: WorkingCalendar;
  /** The first anchor day checked (today): two years of anchors from it, and a margin past the last closure day. */
  from: IsoDate;
}

/** The anchor days an ordering is checked on. */
function anchorDays(options: PolicyCheckOptions): IsoDate[] {
  const lastClosure = options.calendar.extraClosedDays[options.calendar.extraClosedDays.length - 1];
  const twoYears = addCalendarMonths(options.from, 24);
  const end = lastClosure && addCalendarDays(lastClosure, 62) > twoYears ? addCalendarDays(lastClosure, 62) : twoYears;
  const days: IsoDate[] = [];
  for (let day = options.from; day <= end; day = addCalendarDays(day, 1)) days.push(day);
  return days;
}

/** The first anchor day on which `later` does not come strictly after `earlier`, with both moments; null when none. */
function firstMisordered(
  days: readonly IsoDate[],
  moments: (anchor: IsoDate) => [earlier: Moment, later: Moment],
): { anchor: IsoDate; earlier: Moment; later: Moment } | null {
  for (const anchor of days) {
    const [earlier, later] = moments(anchor);
    if (later.atMs <= earlier.atMs) return { anchor, earlier, later };
  }
  return null;
}

const sameOrBefore = (misordered: { earlier: Moment; later: Moment }) =>
  misordered.later.atMs === misordered.earlier.atMs ? 'at the same time as' : 'before';

/** Everything wrong with a policy, as sentences; empty when it can be used. */
export function reminderPolicyProblems(policy: ReminderPolicy, options?: PolicyCheckOptions): string[] {
  const problems: string[] = [];
  const days = options ? anchorDays(options) : [];
  const check = (offset: unknown, name: string, positive = false): boolean => {
    const problem = offsetProblem(offset, name, positive);
    if (problem) problems.push(problem);
    return problem === null;
  };
  const sendTimeOk = typeof policy.sendTime === 'string' && sendTimePattern.test(policy.sendTime);
  if (!sendTimeOk) {
    problems.push(`the send time must be a 24-hour London time such as "08:00", not ${JSON.stringify(policy.sendTime)}`);
  }
  if (!Array.isArray(policy.dueReminders)) problems.push('the due-date reminders must be a list (it may be empty)');
  else {
    const labels = new Set<string>();
    policy.dueReminders.forEach((offset, index) => {
      if (!check(offset, `due-date reminder ${index + 1}`)) return;
      const label = offsetLabel(offset);
      if (labels.has(label)) problems.push(`the due-date reminder ${describeOffset(offset)} before is listed twice`);
      labels.add(label);
    });
  }
  check(policy.atRiskWithin, 'the at-risk window', true);
  check(policy.offTarget, 'the off-target notice', true);
  check(policy.offTargetDcc, "the DCC's off-target notice");
  check(policy.offTargetRepeat, 'the off-target repeat interval', true);
  const chaseOk = check(policy.approvalChase, 'the approval chase', true);
  const escalationOk = check(policy.approvalEscalation, 'the approval escalation', true);
  if (chaseOk && escalationOk) {
    const rule = `the approval escalation (${describeOffset(policy.approvalEscalation)}) must come after the chase (${describeOffset(policy.approvalChase)})`;
    if (options && sendTimeOk) {
      const at = (offset: Offset) => (anchor: IsoDate) => applyOffset({ date: anchor }, offset, 1, policy, options.calendar);
      const misordered = firstMisordered(days, (anchor) => [at(policy.approvalChase)(anchor), at(policy.approvalEscalation)(anchor)]);
      if (misordered) {
        problems.push(
          `${rule}: for a step opened on ${formatLongDate(misordered.anchor)} the escalation would be sent on ${formatLongDate(misordered.later.date)}, ${sameOrBefore(misordered)} the chase (${formatLongDate(misordered.earlier.date)})`,
        );
      }
    } else if (approximateMs(policy.approvalEscalation) <= approximateMs(policy.approvalChase)) problems.push(rule);
  }
  check(policy.hmicfrsChase, 'the HMICFRS chase', true);
  const committee = policy.committee as CommitteePolicy | undefined;
  if (!committee || typeof committee !== 'object') problems.push('the committee timings are missing');
  else {
    const requestOk = check(committee.requestBefore, 'the committee update request', true);
    const deadlineOk = check(committee.deadlineBefore, 'the committee update deadline');
    const chaseOk2 = check(committee.chaseBeforeDeadline, 'the committee update chase', true);
    if (requestOk && deadlineOk && chaseOk2) {
      const rule = `owners must be asked for committee updates (${describeOffset(committee.requestBefore)} before the meeting) before they are chased (${describeOffset(committee.chaseBeforeDeadline)} before a deadline ${describeOffset(committee.deadlineBefore)} before it)`;
      if (options && sendTimeOk) {
        const misordered = firstMisordered(days, (meeting) => {
          const round = committeeUpdateRequests([meeting], policy, options.calendar)[0]!;
          return [
            { date: round.requestOn, atMs: instantOf(round.requestAt) },
            { date: round.chaseOn, atMs: instantOf(round.chaseAt) },
          ];
        });
        if (misordered) {
          problems.push(
            `${rule}: for a meeting on ${formatLongDate(misordered.anchor)} the chase would be sent on ${formatLongDate(misordered.later.date)}, ${sameOrBefore(misordered)} the request (${formatLongDate(misordered.earlier.date)})`,
          );
        }
      } else {
        const chaseBeforeMeeting = approximateMs(committee.deadlineBefore) + approximateMs(committee.chaseBeforeDeadline);
        if (approximateMs(committee.requestBefore) <= chaseBeforeMeeting) problems.push(rule);
      }
    }
  }
  return problems;
}

/** Throws a RangeError listing the problems when a policy cannot be used. */
export function assertReminderPolicy(policy: ReminderPolicy): void {
  const problems = reminderPolicyProblems(policy);
  if (problems.length > 0) throw new RangeError(`the reminder policy cannot be used: ${problems.join('; ')}`);
}

/** What the reminder schedule of every item depends on, edited by administrators. */
export interface ReminderSettings {
  policy: ReminderPolicy;
  /** Force-specific closure days, on top of England and Wales bank holidays. */
  closedDays: IsoDate[];
  /** The force's committee meetings: owners are asked for an update before each. */
  committeeMeetings: IsoDate[];
  /** Raised by one at every change, so a workflow can tell newer settings from a late or repeated copy. */
  revision?: number;
}

/**
 * Whether a workflow holding `current` takes `incoming`: only a later revision does, so settings that arrive twice or
 * out of order change nothing. Settings from before revisions existed are always taken, as they were then.
 */
export function remindersSupersede(current: ReminderSettings | undefined, incoming: ReminderSettings): boolean {
  if (incoming.revision === undefined || current?.revision === undefined) return true;
  return incoming.revision > current.revision;
}
