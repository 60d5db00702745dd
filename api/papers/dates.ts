import type { DueDateEntry } from '../../domain/lifecycle/states';
import type { IsoDate } from '../../domain/vocabulary';
import { isIsoDate } from '../../domain/vocabulary';

/**
 * Dates as committee papers use them. A paper is "as at" a calendar date: everything recorded up to the end of that
 * day in England and Wales (Europe/London, so 23:59:59.999 BST in summer) counts, nothing after it.
 */

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function londonWallClock(epochMs: number): { date: IsoDate; hour: number; minute: number } {
  const parts = Object.fromEntries(londonParts.formatToParts(new Date(epochMs)).map((part) => [part.type, part.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour), minute: Number(parts.minute) };
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const parsed = new Date(`${date}T00:00:00Z`);
  parsed.setUTCDate(parsed.getUTCDate() + days);
  return parsed.toISOString().slice(0, 10);
}

/** The same day `months` later (or earlier), clamped to the month's end: 31 May + 1 month = 30 June. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/** The instant a London calendar day starts (midnight is never skipped or repeated: the clocks change at 01:00 UTC). */
export function startOfLondonDay(date: IsoDate): Date {
  if (!isIsoDate(date)) throw new RangeError(`${date} is not a date (YYYY-MM-DD)`);
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  for (const offsetHours of [0, 1]) {
    const candidate = utcMidnight - offsetHours * 3_600_000;
    const wall = londonWallClock(candidate);
    if (wall.date === date && wall.hour === 0 && wall.minute === 0) return new Date(candidate);
  }
  throw new RangeError(`could not place midnight of ${date} in Europe/London`);
}

/** The first instant after the "as at" day: a paper counts events with occurred_at strictly before it. */
export function endOfAsAtDay(date: IsoDate): Date {
  return startOfLondonDay(addDays(date, 1));
}

/** The London calendar date of an instant. */
export function londonDate(instant: Date): IsoDate {
  return londonWallClock(instant.getTime()).date;
}

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const shortMonthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "September 2020", as papers print due dates. */
export function monthYear(date: IsoDate): string {
  return `${monthNames[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
}

/** "Sep 2020", as the committee overview prints a report's date. */
export function shortMonthYear(date: IsoDate): string {
  return `${shortMonthNames[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
}

/** "30 September 2020". */
export function longDate(date: IsoDate): string {
  return `${Number(date.slice(8, 10))} ${monthNames[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
}

/** "30/09/2020", as the quarterly update prints target dates. */
export function dayMonthYear(date: IsoDate): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

/**
 * The whole due-date history as the papers print it: "September 2020, extended to January 2021, now April 2021".
 * Two dates read "September 2020, now January 2021". When two neighbouring dates fall in the same month the month
 * alone would repeat itself, so those are printed as full dates. No history: "No deadline set".
 */
export function dueDateHistoryWords(history: readonly Pick<DueDateEntry, 'dueDate'>[]): string {
  if (history.length === 0) return 'No deadline set';
  const dates = history.map((entry) => entry.dueDate);
  const sameMonthAsNeighbour = (index: number) =>
    (index > 0 && dates[index - 1]!.slice(0, 7) === dates[index]!.slice(0, 7)) ||
    (index < dates.length - 1 && dates[index + 1]!.slice(0, 7) === dates[index]!.slice(0, 7));
  const words = dates.map((date, index) => (sameMonthAsNeighbour(index) ? longDate(date) : monthYear(date)));
  return words
    .map((word, index) => {
      if (index === 0) return word;
      return index === words.length - 1 ? `now ${word}` : `extended to ${word}`;
    })
    .join(', ');
}
