import type { IsoDate } from './vocabulary';
import { epochDayOf, isoDateOfEpochDay, isoWeekday } from './calendar';
import { englandAndWalesBankHolidaysIn } from './bankHolidays';

/**
 * Working days in England and Wales: Monday to Friday, less bank holidays (./bankHolidays.ts) and any days a force
 * closes on its own account (a force-wide closure day, an extra day at Christmas). Pure date arithmetic on ISO
 * strings; nothing reads the clock, so workflow code can use it.
 *
 * Counting, with d any date (working or not) and n a whole number:
 *  - addWorkingDays(d, n), n > 0: the n-th working day after d; d itself never counts, so from a Saturday, +1 is
 *    the Monday (or the Tuesday after a bank-holiday Monday).
 *  - addWorkingDays(d, n), n < 0: the |n|-th working day before d; from a bank-holiday Monday, -1 is the Friday.
 *  - addWorkingDays(d, 0) is d itself, working day or not (so "0 working days before the due date" is the due date).
 *  - workingDaysBetween(a, b) is the inverse: the n with addWorkingDays(a, n) = b whenever b is a working day. For
 *    b after a it counts the working days in (a, b]; for b before a, minus those in [b, a). It is antisymmetric
 *    when both ends are working days. "How long has this waited?" is workingDaysBetween(openedOn, today): a step
 *    opened on a Monday has waited 3 working days on the Thursday.
 */
export interface WorkingCalendar {
  isWorkingDay(date: IsoDate): boolean;
  /** Why a day is not a working day ('weekend', 'bank_holiday', 'force_closure'), or null for a working day. */
  closureReason(date: IsoDate): ClosureReason | null;
  addWorkingDays(date: IsoDate, days: number): IsoDate;
  workingDaysBetween(from: IsoDate, to: IsoDate): number;
  /** The last working day strictly before `date`. */
  previousWorkingDay(date: IsoDate): IsoDate;
  /** The first working day strictly after `date`. */
  nextWorkingDay(date: IsoDate): IsoDate;
  /** `date` itself when it is a working day, otherwise the next one. */
  onOrAfter(date: IsoDate): IsoDate;
  /** `date` itself when it is a working day, otherwise the previous one. */
  onOrBefore(date: IsoDate): IsoDate;
  /** The force's own closure days, sorted. */
  readonly extraClosedDays: readonly IsoDate[];
}

export type ClosureReason = 'weekend' | 'bank_holiday' | 'force_closure';

/** Plain data (it can travel in a workflow payload) from which a calendar is built. */
export interface WorkingCalendarConfig {
  /** Days the force is closed besides weekends and bank holidays. */
  extraClosedDays?: readonly IsoDate[];
  /**
   * Replaces the England and Wales bank holidays (for a test, or a force outside England and Wales). When given,
   * it is the whole list: no dates are projected for other years.
   */
  bankHolidays?: readonly IsoDate[];
}

/** Whole numbers only; a fractional or non-finite count of days is a bug in the caller. */
function checkDays(days: number): void {
  if (!Number.isSafeInteger(days)) throw new RangeError(`a number of working days must be a whole number, not ${days}`);
}

export function workingCalendarProblems(config: WorkingCalendarConfig): string[] {
  const problems: string[] = [];
  for (const [name, list] of [
    ['extra closed day', config.extraClosedDays],
    ['bank holiday', config.bankHolidays],
  ] as const) {
    for (const date of list ?? []) {
      try {
        epochDayOf(date);
      } catch {
        problems.push(`the ${name} ${JSON.stringify(date)} is not a calendar date (YYYY-MM-DD)`);
      }
    }
  }
  return problems;
}

export function createWorkingCalendar(config: WorkingCalendarConfig = {}): WorkingCalendar {
  const problems = workingCalendarProblems(config);
  if (problems.length > 0) throw new RangeError(problems.join('; '));

  const extraClosed = new Set<number>((config.extraClosedDays ?? []).map(epochDayOf));
  const extraClosedDays = Object.freeze([...new Set(config.extraClosedDays ?? [])].sort());
  const fixedHolidays = config.bankHolidays ? new Set<number>(config.bankHolidays.map(epochDayOf)) : null;
  const holidaysByYear = new Map<number, Set<number>>();

  const isBankHoliday = (epochDay: number, date: IsoDate): boolean => {
    if (fixedHolidays) return fixedHolidays.has(epochDay);
    const year = Number(date.slice(0, 4));
    let days = holidaysByYear.get(year);
    if (!days) {
      days = new Set(englandAndWalesBankHolidaysIn(year).map((holiday) => epochDayOf(holiday.date)));
      holidaysByYear.set(year, days);
    }
    return days.has(epochDay);
  };

  const reasonForDay = (epochDay: number): ClosureReason | null => {
    const date = isoDateOfEpochDay(epochDay);
    if (isoWeekday(date) >= 6) return 'weekend';
    if (isBankHoliday(epochDay, date)) return 'bank_holiday';
    if (extraClosed.has(epochDay)) return 'force_closure';
    return null;
  };
  // Remembered per day: reminders count the working days to a due date months away, thousands of times together.
  const workingByDay = new Map<number, boolean>();
  const working = (epochDay: number): boolean => {
    let answer = workingByDay.get(epochDay);
    if (answer === undefined) workingByDay.set(epochDay, (answer = reasonForDay(epochDay) === null));
    return answer;
  };

  /** Steps one calendar day at a time; weekends, holidays and closures are never long enough to make that slow. */
  const step = (epochDay: number, direction: 1 | -1): number => {
    let day = epochDay + direction;
    while (!working(day)) day += direction;
    return day;
  };

  const addWorkingDays = (date: IsoDate, days: number): IsoDate => {
    checkDays(days);
    let day = epochDayOf(date);
    const direction = days > 0 ? 1 : -1;
    for (let remaining = Math.abs(days); remaining > 0; remaining -= 1) day = step(day, direction);
    return isoDateOfEpochDay(day);
  };

  const workingDaysBetween = (from: IsoDate, to: IsoDate): number => {
    const start = epochDayOf(from);
    const end = epochDayOf(to);
    let count = 0;
    if (end >= start) {
      for (let day = start + 1; day <= end; day += 1) if (working(day)) count += 1;
      return count;
    }
    for (let day = end; day < start; day += 1) if (working(day)) count += 1;
    return count === 0 ? 0 : -count;
  };

  return {
    isWorkingDay: (date) => working(epochDayOf(date)),
    closureReason: (date) => reasonForDay(epochDayOf(date)),
    addWorkingDays,
    workingDaysBetween,
    previousWorkingDay: (date) => isoDateOfEpochDay(step(epochDayOf(date), -1)),
    nextWorkingDay: (date) => isoDateOfEpochDay(step(epochDayOf(date), 1)),
    onOrAfter: (date) => (working(epochDayOf(date)) ? date : isoDateOfEpochDay(step(epochDayOf(date), 1))),
    onOrBefore: (date) => (working(epochDayOf(date)) ? date : isoDateOfEpochDay(step(epochDayOf(date), -1))),
    extraClosedDays,
  };
}

/** England and Wales with no force closures: the default where a force has configured none. */
export const englandAndWalesCalendar: WorkingCalendar = createWorkingCalendar();
