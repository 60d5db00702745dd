import type { IsoDate } from '../vocabulary';
import { addCalendarDays, addCalendarMonths, londonWallClock, londonWallClockToEpochMs } from '../calendar';
import type { WorkingCalendar } from '../workingDays';
import { hasTimePart, isoDurationProblem, isZeroDuration, parseIsoDuration, timePartMs } from './durations';

/**
 * How far a nudge is from what it is about. Working days are what people expect; an ISO-8601 duration
 * ("P3M", "P2W", "PT30S") allows calendar periods, and seconds for tests.
 *
 * Where a date-only anchor (a due date, the day a step opened) meets an offset:
 *  - { workingDays: n }: that many working days from the anchor date (../workingDays.ts counting), at the send time;
 *  - a duration with no time part ("P1D", "P2W", "P3M"): the calendar date that far away, moved onto a working day
 *    (forward for offsets after the anchor, back for offsets before it, so a reminder is never late), at the send time;
 *  - a duration with a time part ("PT5S", "P1DT2H"): exact, from the anchor's instant, which is the send time on the
 *    anchor date unless the caller knows the real instant (see `NudgeAnchors` in ./plan.ts); not moved onto a working day.
 */
export type Offset = { workingDays: number } | { duration: string };

/** What offsets need of a reminder policy: the London time ("HH:MM", 24-hour) at which nudges that fall on a day are sent. */
export interface SendTime {
  sendTime: string;
}

export const sendTimePattern = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A rough length, only for checking that one policy value comes after another; never for scheduling. */
export function approximateMs(offset: Offset): number {
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
    if (typeof days !== 'number' || !Number.isSafeInteger(days) || days < 0)
      return `${name}: working days must be a whole number, 0 or more (not ${String(days)})`;
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

const isoTimestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of an ISO timestamp with a zone ("2027-03-31T07:00:00Z"); throws otherwise. */
export function instantOf(timestamp: string): number {
  const ms = isoTimestampPattern.test(timestamp) ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(ms))
    throw new RangeError(`not an ISO timestamp with a time zone (e.g. "2027-03-31T07:00:00Z"): ${JSON.stringify(timestamp)}`);
  return ms;
}

const sendTimeMs = (policy: SendTime): number => {
  const match = sendTimePattern.exec(policy.sendTime);
  if (!match) throw new RangeError(`the send time must be a 24-hour London time such as "08:00", not ${JSON.stringify(policy.sendTime)}`);
  return (Number(match[1]) * 60 + Number(match[2])) * 60_000;
};

/** The instant London clocks show the policy's send time on `date`. */
export function sendInstant(date: IsoDate, policy: SendTime): number {
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
  policy: SendTime,
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
export function firstRepeatAfter(
  anchor: Anchor,
  offset: Offset,
  afterMs: number,
  policy: SendTime,
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
