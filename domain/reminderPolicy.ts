import type { IsoDate } from './vocabulary';
import { addCalendarDays, addCalendarMonths, epochDayOf, formatLongDate, londonWallClock, londonWallClockToEpochMs } from './calendar';
import type { RecommendationState } from './lifecycle/states';
import { workingStatuses } from './lifecycle/states';
import type { WorkingCalendar } from './workingDays';
import { overdueFrom } from './overdue';

/**
 * When the product nudges people about an item (docs/reminders.md, "What people expect"), as pure
 * functions of the item's state, the force's policy, its working calendar and the time now. The workflow asks for
 * the next nudge, sleeps until it, sends it under its key (so a retry or a replay never sends twice), and asks
 * again; any change to the item (an extension, evidence, a closure) changes what is planned.
 */

// ---------------------------------------------------------------------------------------------------------------
// Offsets and ISO-8601 durations

/**
 * How far a nudge is from what it is about. Working days are what people expect; an ISO-8601 duration
 * ("P3M", "P2W", "PT30S") allows calendar periods, and seconds for tests.
 *
 * Where a date-only anchor (a due date, the day a step opened) meets an offset:
 *  - { workingDays: n }: that many working days from the anchor date (./workingDays.ts counting), at the send time;
 *  - a duration with no time part ("P1D", "P2W", "P3M"): the calendar date that far away, moved onto a working day
 *    (forward for offsets after the anchor, back for offsets before it, so a reminder is never late), at the send time;
 *  - a duration with a time part ("PT5S", "P1DT2H"): exact, from the anchor's instant, which is the send time on the
 *    anchor date unless the caller knows the real instant (see `NudgeAnchors`); not moved onto a working day.
 */
export type Offset = { workingDays: number } | { duration: string };

export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  /** May have up to three decimals. */
  seconds: number;
}

const durationPattern = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d+))?S)?)?$/;

/** Why `text` is not an ISO-8601 duration this product accepts, or null when it is one. */
export function isoDurationProblem(text: unknown): string | null {
  if (typeof text !== 'string') return `a duration must be a string such as "P3D" or "PT30S", not ${text === null ? 'null' : typeof text}`;
  const quoted = JSON.stringify(text);
  if (text.trim() !== text || text === '') return `${quoted} is not an ISO-8601 duration: it must be written without spaces, e.g. "P3D" or "PT30S"`;
  if (text.startsWith('-') || text.startsWith('+')) return `${quoted} is not allowed: durations here cannot be signed (the rule says whether it counts before or after)`;
  if (text !== text.toUpperCase()) return `${quoted} is not an ISO-8601 duration: write the designators in capitals, e.g. "${text.toUpperCase()}"`;
  if (!text.startsWith('P')) return `${quoted} is not an ISO-8601 duration: it must start with "P", e.g. "P3D" or "PT30S"`;
  if (text === 'P') return `"P" is not an ISO-8601 duration: it needs at least one number and unit, e.g. "P3D"`;
  if (text.endsWith('T')) return `${quoted} is not an ISO-8601 duration: "T" must be followed by hours, minutes or seconds, e.g. "PT30S"`;
  const match = durationPattern.exec(text);
  if (!match) {
    const timePart = text.includes('T') ? text.slice(text.indexOf('T') + 1) : '';
    const datePart = text.includes('T') ? text.slice(1, text.indexOf('T')) : text.slice(1);
    if (/[HS]/.test(datePart)) return `${quoted} is not an ISO-8601 duration: hours and seconds belong after "T", e.g. "PT2H"`;
    if (/[YWD]/.test(timePart)) return `${quoted} is not an ISO-8601 duration: years, weeks and days come before "T", e.g. "P1DT2H"`;
    if (/\d$/.test(text)) return `${quoted} is not an ISO-8601 duration: every number needs a unit (Y, M, W, D, or after "T": H, M, S)`;
    if (/[.,]\d*[YMWDH]|[.,]\d*M/.test(text)) return `${quoted} is not accepted: only the seconds may have a fraction, e.g. "PT1.5S"`;
    return `${quoted} is not an ISO-8601 duration: use P[nY][nM][nW][nD][T[nH][nM][nS]] with the units in that order, e.g. "P1M2W", "PT30S"`;
  }
  if (match[8] !== undefined && match[8].length > 3) return `${quoted} is not accepted: seconds are kept to the millisecond (three decimals at most)`;
  const parts = match.slice(1, 8).map((value) => (value === undefined ? 0 : Number(value)));
  if (parts.some((value) => !Number.isSafeInteger(value))) return `${quoted} is too large`;
  return null;
}

/** Parses an ISO-8601 duration ("P1Y2M3W4DT5H6M7.5S"); throws a RangeError that says what is wrong. */
export function parseIsoDuration(text: string): IsoDuration {
  const problem = isoDurationProblem(text);
  if (problem) throw new RangeError(problem);
  const match = durationPattern.exec(text)!;
  const number = (index: number): number => (match[index] === undefined ? 0 : Number(match[index]));
  const fraction = match[8] === undefined ? 0 : Number(`0.${match[8]}`);
  return {
    years: number(1),
    months: number(2),
    weeks: number(3),
    days: number(4),
    hours: number(5),
    minutes: number(6),
    seconds: number(7) + fraction,
  };
}

const hasTimePart = (duration: IsoDuration): boolean => duration.hours > 0 || duration.minutes > 0 || duration.seconds > 0;
const timePartMs = (duration: IsoDuration): number =>
  Math.round((duration.hours * 3600 + duration.minutes * 60) * 1000 + duration.seconds * 1000);
const isZeroDuration = (duration: IsoDuration): boolean =>
  duration.years + duration.months + duration.weeks + duration.days === 0 && timePartMs(duration) === 0;

/** A rough length, only for checking that one policy value comes after another; never for scheduling. */
function approximateMs(offset: Offset): number {
  if ('workingDays' in offset) return (offset.workingDays * 7 * 86_400_000) / 5;
  const duration = parseIsoDuration(offset.duration);
  const days = duration.years * 365.2425 + duration.months * 30.436875 + duration.weeks * 7 + duration.days;
  return days * 86_400_000 + timePartMs(duration);
}

/** Why an offset is unusable, or null; `positive` refuses zero. */
export function offsetProblem(offset: unknown, name: string, positive = false): string | null {
  if (typeof offset !== 'object' || offset === null) return `${name} must be { workingDays: n } or { duration: "P…" }`;
  const record = offset as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length !== 1 || (keys[0] !== 'workingDays' && keys[0] !== 'duration')) {
    return `${name} must have exactly one of workingDays or duration, not ${keys.length ? keys.join(', ') : 'neither'}`;
  }
  if ('workingDays' in record) {
    const days = record.workingDays;
    if (typeof days !== 'number' || !Number.isSafeInteger(days) || days < 0) return `${name}: working days must be a whole number, 0 or more (not ${String(days)})`;
    if (positive && days === 0) return `${name} must be at least 1 working day`;
    return null;
  }
  const problem = isoDurationProblem(record.duration);
  if (problem) return `${name}: ${problem}`;
  if (positive && isZeroDuration(parseIsoDuration(record.duration as string))) return `${name} must be longer than zero`;
  return null;
}

/** The offset as it appears in keys: "7wd", "P2W", "PT5S". */
export function offsetLabel(offset: Offset): string {
  return 'workingDays' in offset ? `${offset.workingDays}wd` : offset.duration;
}

/** The offset in words: "7 working days", "1 working day", "P3M". */
export function describeOffset(offset: Offset): string {
  if ('duration' in offset) return offset.duration;
  return `${offset.workingDays} working day${offset.workingDays === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Policy

export interface CommitteePolicy {
  /** How long before each meeting every owner of an open item is asked for a progress update. */
  requestBefore: Offset;
  /** How long before the meeting updates must be in, so the papers can be prepared. */
  deadlineBefore: Offset;
  /** How long before that deadline owners who have not sent an update are chased. */
  chaseBeforeDeadline: Offset;
}

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

const sendTimePattern = /^([01]\d|2[0-3]):([0-5]\d)$/;

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
function firstMisordered(days: readonly IsoDate[], moments: (anchor: IsoDate) => [earlier: Moment, later: Moment]): { anchor: IsoDate; earlier: Moment; later: Moment } | null {
  for (const anchor of days) {
    const [earlier, later] = moments(anchor);
    if (later.atMs <= earlier.atMs) return { anchor, earlier, later };
  }
  return null;
}

const sameOrBefore = (misordered: { earlier: Moment; later: Moment }) => (misordered.later.atMs === misordered.earlier.atMs ? 'at the same time as' : 'before');

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

// ---------------------------------------------------------------------------------------------------------------
// Applying offsets to dates and instants

const isoTimestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of an ISO timestamp with a zone ("2027-03-31T07:00:00Z"); throws otherwise. */
export function instantOf(timestamp: string): number {
  const ms = isoTimestampPattern.test(timestamp) ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO timestamp with a time zone (e.g. "2027-03-31T07:00:00Z"): ${JSON.stringify(timestamp)}`);
  return ms;
}

const sendTimeMs = (policy: ReminderPolicy): number => {
  const match = sendTimePattern.exec(policy.sendTime);
  if (!match) throw new RangeError(`the send time must be a 24-hour London time such as "08:00", not ${JSON.stringify(policy.sendTime)}`);
  return (Number(match[1]) * 60 + Number(match[2])) * 60_000;
};

/** The instant London clocks show the policy's send time on `date`. */
export function sendInstant(date: IsoDate, policy: ReminderPolicy): number {
  return londonWallClockToEpochMs(date, sendTimeMs(policy));
}

/** A point in time a nudge is measured from: a date, and the exact instant when the caller knows it. */
export interface Anchor {
  date: IsoDate;
  /** Epoch milliseconds; defaults to the send time on `date`. Only durations with a time part use it. */
  atMs?: number;
}

export interface Moment {
  date: IsoDate;
  atMs: number;
}

/**
 * `times` offsets after (direction 1) or before (direction -1) the anchor. Multiplying, rather than stepping a
 * rounded result, keeps a monthly series on its day of the month (31 Jan, 28 Feb, 31 Mar…).
 */
export function applyOffset(
  anchor: Anchor,
  offset: Offset,
  direction: 1 | -1,
  policy: ReminderPolicy,
  calendar: WorkingCalendar,
  times = 1,
): Moment {
  if ('workingDays' in offset) {
    const date = calendar.addWorkingDays(anchor.date, direction * offset.workingDays * times);
    return { date, atMs: sendInstant(date, policy) };
  }
  const duration = parseIsoDuration(offset.duration);
  const months = direction * times * (duration.years * 12 + duration.months);
  const days = direction * times * (duration.weeks * 7 + duration.days);
  if (!hasTimePart(duration)) {
    const shifted = addCalendarDays(addCalendarMonths(anchor.date, months), days);
    const date = direction === 1 ? calendar.onOrAfter(shifted) : calendar.onOrBefore(shifted);
    return { date, atMs: sendInstant(date, policy) };
  }
  const start = anchor.atMs ?? sendInstant(anchor.date, policy);
  let base = start;
  if (months !== 0 || days !== 0) {
    const wall = londonWallClock(start);
    base = londonWallClockToEpochMs(addCalendarDays(addCalendarMonths(wall.date, months), days), wall.msOfDay);
  }
  const atMs = base + direction * times * timePartMs(duration);
  return { date: londonWallClock(atMs).date, atMs };
}

/**
 * The first of `anchor + k × offset` (k ≥ 1) strictly after `afterMs`, with its k. The series only rises with k, so
 * a doubling search then a halving one finds it without walking years of weekly repeats one by one.
 */
function firstRepeatAfter(
  anchor: Anchor,
  offset: Offset,
  afterMs: number,
  policy: ReminderPolicy,
  calendar: WorkingCalendar,
): { times: number; moment: Moment } {
  if (offsetProblem(offset, 'a repeat interval', true)) throw new RangeError(offsetProblem(offset, 'a repeat interval', true)!);
  const at = (times: number): Moment => applyOffset(anchor, offset, 1, policy, calendar, times);
  let high = 1;
  let highMoment = at(high);
  while (highMoment.atMs <= afterMs) {
    high *= 2;
    highMoment = at(high);
  }
  let low = Math.floor(high / 2); // at(low) is not after afterMs, or low is 0
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const moment = at(middle);
    if (moment.atMs > afterMs) {
      high = middle;
      highMoment = moment;
    } else low = middle;
  }
  return { times: high, moment: highMoment };
}

// ---------------------------------------------------------------------------------------------------------------
// Nudges

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

/** Statuses with nothing to chase at all. */
const quietStatuses = new Set<RecommendationState['status']>(['logged', 'not_for_the_force', 'closed']);

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
 *    due date but never before the item is overdue (the working day after the due date, ./overdue.ts), so a duration
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

  const chase = (chain: 'closure' | 'extension', keyPrefix: string, stepIndex: number, approverId: string, openedOn: IsoDate, openedAt?: string): void => {
    const anchor = anchorAt(openedOn, openedAt);
    const approval = { chain, step: stepIndex + 1, approverId, openedOn };
    const prefix = `${keyPrefix}:s${stepIndex + 1}:${approverId}:${openedOn}`;
    plan(applyOffset(anchor, policy.approvalChase, 1, policy, calendar).atMs, { kind: 'approval_chase', recipients: 'approver', key: `${prefix}:chase`, approval });
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
      chase('closure', `approval:e${state.evidence?.version ?? 0}`, state.approval.current, step.approverId, step.openedOn, options.anchors?.approvalStepOpenedAt);
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
      plan(instantOf(round.requestAt), { kind: 'committee_update_request', recipients: 'owner', key: `committee:${round.meeting}:request`, meeting: round.meeting });
      const updatedSinceRequest = state.latestUpdate !== null && state.latestUpdate.on >= round.requestOn;
      if (!updatedSinceRequest) {
        plan(instantOf(round.chaseAt), { kind: 'committee_update_chase', recipients: 'owner', key: `committee:${round.meeting}:chase`, meeting: round.meeting });
      }
    }
  }

  return nudges.sort((left, right) => (left.at < right.at ? -1 : left.at > right.at ? 1 : left.key < right.key ? -1 : left.key > right.key ? 1 : 0));
}

/** The earliest nudge still to come, or null. */
export function nextNudge(
  state: RecommendationState,
  policy: ReminderPolicy,
  calendar: WorkingCalendar,
  now: string,
  options: NudgeOptions = {},
): Nudge | null {
  return plannedNudges(state, policy, calendar, now, options)[0] ?? null;
}

/** One item that has waited on HMICFRS longer than the policy allows, for the liaison lead's list. */
export interface HmicfrsOverdue {
  recommendationId: string;
  status: RecommendationState['status'];
  waitingSince: IsoDate;
  /** The day it passed the policy's limit. */
  overdueFrom: IsoDate;
  workingDaysWaiting: number;
}

/** The items that have waited on HMICFRS longer than `policy.hmicfrsChase`, longest-waiting first. */
export function overdueHmicfrsSignOffs(
  states: readonly RecommendationState[],
  today: IsoDate,
  policy: ReminderPolicy,
  calendar: WorkingCalendar,
): HmicfrsOverdue[] {
  const overdue: HmicfrsOverdue[] = [];
  for (const state of states) {
    const waitingSince = hmicfrsWaitingSince(state);
    if (!waitingSince) continue;
    const overdueFrom = applyOffset({ date: waitingSince }, policy.hmicfrsChase, 1, policy, calendar).date;
    if (overdueFrom > today) continue;
    overdue.push({
      recommendationId: state.recommendationId,
      status: state.status,
      waitingSince,
      overdueFrom,
      workingDaysWaiting: calendar.workingDaysBetween(waitingSince, today),
    });
  }
  return overdue.sort((left, right) =>
    left.waitingSince < right.waitingSince ? -1 : left.waitingSince > right.waitingSince ? 1 : left.recommendationId < right.recommendationId ? -1 : 1,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Committee

/** One committee meeting's round of update requests. */
export interface CommitteeRound {
  meeting: IsoDate;
  /** When owners are asked for an update (date, and the ISO timestamp to send at). */
  requestOn: IsoDate;
  requestAt: string;
  /** The last day for updates to count for this meeting's papers. */
  deadline: IsoDate;
  /** When owners who have not sent an update since the request are chased. */
  chaseOn: IsoDate;
  chaseAt: string;
}

/**
 * For each meeting (sorted, duplicates dropped), when owners are asked for updates, the deadline and when they are
 * chased. Offsets count back from the meeting (and the chase from the deadline); a date-only duration lands on the
 * working day on or before. A request whose chase would not come after it (meetings too close to each other for the
 * policy) still gets its own dates; `reminderPolicyProblems` warns about policies where that always happens.
 */
export function committeeUpdateRequests(meetings: readonly IsoDate[], policy: ReminderPolicy, calendar: WorkingCalendar): CommitteeRound[] {
  const unique = [...new Set(meetings)].sort();
  return unique.map((meeting) => {
    epochDayOf(meeting);
    const anchor: Anchor = { date: meeting };
    const request = applyOffset(anchor, policy.committee.requestBefore, -1, policy, calendar);
    const deadline = applyOffset(anchor, policy.committee.deadlineBefore, -1, policy, calendar);
    const chase = applyOffset(deadline, policy.committee.chaseBeforeDeadline, -1, policy, calendar);
    return {
      meeting,
      requestOn: request.date,
      requestAt: isoOf(request.atMs),
      deadline: deadline.date,
      chaseOn: chase.date,
      chaseAt: isoOf(chase.atMs),
    };
  });
}

/**
 * Whether the owner of an item is asked for a committee update: every open item with an owner (docs/reminders.md: "every
 * owner of an open item"), including those awaiting approval or HMICFRS, because the papers print a latest update
 * for each of them. Not for logged items (no owner yet), items not for the force, or closed items.
 */
export function isOpenForCommittee(state: RecommendationState): boolean {
  return !quietStatuses.has(state.status) && state.ownerId !== null;
}

/** Whether an open item's owner still owes an update for a round: nothing posted on or after the request date. */
export function committeeUpdateOutstanding(state: RecommendationState, round: CommitteeRound): boolean {
  if (!isOpenForCommittee(state)) return false;
  return state.latestUpdate === null || state.latestUpdate.on < round.requestOn;
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
