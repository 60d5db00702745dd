import type { IsoDate } from './vocabulary';

const londonDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date in England and Wales at an instant: what "today" means to a force. */
export function calendarDateInLondon(epochMs: number): IsoDate {
  return londonDate.format(new Date(epochMs));
}

const longDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });

/** "31 March 2027", as committee papers and emails print dates. */
export function formatLongDate(date: IsoDate): string {
  return longDate.format(new Date(`${date}T00:00:00Z`));
}

// ---------------------------------------------------------------------------------------------------------------
// Date arithmetic on ISO calendar dates and London wall-clock time, by rule: no clock, no time-zone database.

const msPerDay = 86_400_000;
const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for an ISO date; throws a RangeError for anything that is not a real date. */
export function epochDayOf(date: IsoDate): number {
  const match = isoDatePattern.exec(date);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const ms = Date.UTC(year, month - 1, day);
    const back = new Date(ms);
    if (back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day) return ms / msPerDay;
  }
  throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
}

/** The ISO date `epochDay` days after 1970-01-01. */
export function isoDateOfEpochDay(epochDay: number): IsoDate {
  if (!Number.isInteger(epochDay)) throw new RangeError(`not a whole number of days: ${epochDay}`);
  return new Date(epochDay * msPerDay).toISOString().slice(0, 10);
}

export function addCalendarDays(date: IsoDate, days: number): IsoDate {
  return isoDateOfEpochDay(epochDayOf(date) + days);
}

/** ISO weekday: 1 Monday … 6 Saturday, 7 Sunday. */
export function isoWeekday(date: IsoDate): number {
  // 1970-01-01 was a Thursday (4).
  return ((((epochDayOf(date) + 3) % 7) + 7) % 7) + 1;
}

/** Adds calendar months, keeping the day of the month where it exists and otherwise the month's last day (31 Jan + 1 month = 28 or 29 Feb). */
export function addCalendarMonths(date: IsoDate, months: number): IsoDate {
  epochDayOf(date);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return isoDateOfEpochDay(Date.UTC(targetYear, targetMonth, Math.min(day, lastDay)) / msPerDay);
}

/** The last Sunday of a month (1-12) of a year, as an epoch day. */
function lastSundayOf(year: number, month: number): number {
  const lastDay = Date.UTC(year, month, 0) / msPerDay;
  const weekday = ((((lastDay + 3) % 7) + 7) % 7) + 1;
  return lastDay - (weekday % 7);
}

/**
 * Whether London keeps British Summer Time at an instant: from 01:00 UTC on the last Sunday of March to 01:00 UTC on
 * the last Sunday of October (the rule since 1981; the Summer Time Order 2002 keeps it in step with the EU's).
 */
export function isBritishSummerTime(epochMs: number): boolean {
  const year = new Date(epochMs).getUTCFullYear();
  const starts = lastSundayOf(year, 3) * msPerDay + 3_600_000;
  const ends = lastSundayOf(year, 10) * msPerDay + 3_600_000;
  return epochMs >= starts && epochMs < ends;
}

/** London's offset from UTC at an instant, in minutes: 0 (GMT) or 60 (BST). */
export function londonUtcOffsetMinutes(epochMs: number): number {
  return isBritishSummerTime(epochMs) ? 60 : 0;
}

/** The London calendar date and time of day (milliseconds since local midnight) at an instant. */
export function londonWallClock(epochMs: number): { date: IsoDate; msOfDay: number } {
  const local = epochMs + londonUtcOffsetMinutes(epochMs) * 60_000;
  const day = Math.floor(local / msPerDay);
  return { date: isoDateOfEpochDay(day), msOfDay: local - day * msPerDay };
}

/**
 * The instant at which London clocks show `date` at `msOfDay` after midnight. In the autumn hour that happens twice
 * the earlier (BST) one is meant; a time in the spring hour that never happens is read as GMT, an hour later on the
 * clock (the convention of Temporal's "compatible" disambiguation).
 */
export function londonWallClockToEpochMs(date: IsoDate, msOfDay: number): number {
  const local = epochDayOf(date) * msPerDay + msOfDay;
  const asSummerTime = local - 3_600_000;
  return isBritishSummerTime(asSummerTime) ? asSummerTime : local;
}
