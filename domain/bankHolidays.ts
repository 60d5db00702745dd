import type { IsoDate } from './vocabulary';
import { addCalendarDays, epochDayOf, isoDateOfEpochDay, isoWeekday } from './calendar';

/**
 * Bank holidays in England and Wales, shipped with the product as data (no download, no file read at run time:
 * this module is imported by workflow code).
 *
 * Source and date:
 *  - GOV.UK, "UK bank holidays", England and Wales (https://www.gov.uk/bank-holidays, also published as
 *    https://www.gov.uk/bank-holidays.json, division "england-and-wales"). The dates 2018–2026 were written from
 *    that list in November 2025; tests/unit/workingDays.test.ts holds them literally and checks this module
 *    reproduces them.
 *  - For years GOV.UK has not yet published, the rules of the Banking and Financial Dealings Act 1971 (schedule 1)
 *    and the customary royal proclamations that move Christmas, Boxing Day and New Year's Day off a weekend:
 *      New Year's Day, 1 January (or the next Monday when it falls at the weekend);
 *      Good Friday and Easter Monday (Easter by the Gregorian computus);
 *      early May bank holiday, the first Monday in May;
 *      spring bank holiday, the last Monday in May;
 *      summer bank holiday, the last Monday in August;
 *      Christmas Day and Boxing Day, each moved to the next free weekday when it falls at the weekend
 *      (Christmas on a Saturday: Monday 27 and Tuesday 28; on a Sunday: Boxing Day Monday 26, Christmas Tuesday 27).
 *  - One-off changes by royal proclamation are listed explicitly in `proclaimedChanges` below.
 *
 * The data runs from `bankHolidayDataYears.first` to `.last` (2018–2030). Outside those years
 * `englandAndWalesBankHolidaysIn` projects the statutory rules, which cannot know future one-offs: when a new one is
 * proclaimed, add it to `proclaimedChanges` (or, until a release, to a force's extra closed days).
 */

export interface BankHoliday {
  date: IsoDate;
  /** As GOV.UK titles it, e.g. "Early May bank holiday". */
  title: string;
  /** True when the day stands in for a holiday that fell at the weekend (GOV.UK's note "Substitute day"). */
  substituteDay: boolean;
}

export const bankHolidayDataYears = { first: 2018, last: 2030 } as const;

/** Easter Sunday of a Gregorian year, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
  if (!Number.isInteger(year) || year < 1583) throw new RangeError(`Easter is computed for Gregorian years from 1583, not ${year}`);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const pad = (value: number): string => String(value).padStart(2, '0');
const dateOf = (year: number, month: number, day: number): IsoDate => `${year}-${pad(month)}-${pad(day)}`;

/** The first Monday of a month (1-12). */
function firstMonday(year: number, month: number): IsoDate {
  const first = dateOf(year, month, 1);
  return addCalendarDays(first, (8 - isoWeekday(first)) % 7);
}

/** The last Monday of a month (1-12). */
function lastMonday(year: number, month: number): IsoDate {
  const last = isoDateOfEpochDay(epochDayOf(dateOf(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1)) - 1);
  return addCalendarDays(last, -((isoWeekday(last) + 6) % 7));
}

const isWeekend = (date: IsoDate): boolean => isoWeekday(date) >= 6;

/**
 * The bank holidays the 1971 Act and the usual substitution proclamations give a year, before any one-off change.
 * A holiday at the weekend moves to the next weekday not already a holiday, taking them in date order; that yields
 * GOV.UK's substitutes for New Year's Day, Christmas Day and Boxing Day in every arrangement of the week.
 */
export function statutoryBankHolidays(year: number): BankHoliday[] {
  if (!Number.isInteger(year) || year < 1972 || year > 9998)
    throw new RangeError(`bank holidays are computed for years 1972–9998, not ${year}`);
  const easter = easterSunday(year);
  const named: Array<{ date: IsoDate; title: string }> = [
    { date: dateOf(year, 1, 1), title: 'New Year’s Day' },
    { date: addCalendarDays(easter, -2), title: 'Good Friday' },
    { date: addCalendarDays(easter, 1), title: 'Easter Monday' },
    { date: firstMonday(year, 5), title: 'Early May bank holiday' },
    { date: lastMonday(year, 5), title: 'Spring bank holiday' },
    { date: lastMonday(year, 8), title: 'Summer bank holiday' },
    { date: dateOf(year, 12, 25), title: 'Christmas Day' },
    { date: dateOf(year, 12, 26), title: 'Boxing Day' },
  ];
  const taken = new Set(named.filter((holiday) => !isWeekend(holiday.date)).map((holiday) => holiday.date));
  const result: BankHoliday[] = [];
  for (const holiday of named) {
    if (!isWeekend(holiday.date)) {
      result.push({ ...holiday, substituteDay: false });
      continue;
    }
    let substitute = addCalendarDays(holiday.date, 1);
    while (isWeekend(substitute) || taken.has(substitute)) substitute = addCalendarDays(substitute, 1);
    taken.add(substitute);
    result.push({ date: substitute, title: holiday.title, substituteDay: true });
  }
  return result.sort((left, right) => (left.date < right.date ? -1 : left.date > right.date ? 1 : 0));
}

/** A one-off change by royal proclamation: a statutory holiday moved to another day, or an extra holiday. */
export type ProclaimedChange =
  | { kind: 'moved'; from: IsoDate; to: IsoDate; title: string; occasion: string }
  | { kind: 'added'; date: IsoDate; title: string; occasion: string };

/** Every one-off change in the data years (none in 2018, 2019, 2021, or 2024–2030 as far as proclaimed). */
export const proclaimedChanges: readonly ProclaimedChange[] = [
  { kind: 'moved', from: '2020-05-04', to: '2020-05-08', title: 'Early May bank holiday (VE day)', occasion: '75th anniversary of VE day' },
  { kind: 'moved', from: '2022-05-30', to: '2022-06-02', title: 'Spring bank holiday', occasion: 'Platinum Jubilee of Queen Elizabeth II' },
  { kind: 'added', date: '2022-06-03', title: 'Platinum Jubilee bank holiday', occasion: 'Platinum Jubilee of Queen Elizabeth II' },
  {
    kind: 'added',
    date: '2022-09-19',
    title: 'Bank Holiday for the State Funeral of Queen Elizabeth II',
    occasion: 'State Funeral of Queen Elizabeth II',
  },
  {
    kind: 'added',
    date: '2023-05-08',
    title: 'Bank holiday for the coronation of King Charles III',
    occasion: 'Coronation of King Charles III',
  },
];

function applyProclamations(year: number, holidays: BankHoliday[]): BankHoliday[] {
  const result = [...holidays];
  for (const change of proclaimedChanges) {
    if (change.kind === 'moved') {
      if (Number(change.from.slice(0, 4)) !== year) continue;
      const index = result.findIndex((holiday) => holiday.date === change.from);
      if (index < 0) throw new Error(`bank-holiday data: ${change.from} is not a statutory bank holiday, so it cannot be moved`);
      result[index] = { date: change.to, title: change.title, substituteDay: false };
    } else {
      if (Number(change.date.slice(0, 4)) !== year) continue;
      if (result.some((holiday) => holiday.date === change.date))
        throw new Error(`bank-holiday data: ${change.date} is already a bank holiday`);
      result.push({ date: change.date, title: change.title, substituteDay: false });
    }
  }
  return result.sort((left, right) => (left.date < right.date ? -1 : left.date > right.date ? 1 : 0));
}

function buildData(): readonly BankHoliday[] {
  const all: BankHoliday[] = [];
  for (let year = bankHolidayDataYears.first; year <= bankHolidayDataYears.last; year += 1) {
    all.push(...applyProclamations(year, statutoryBankHolidays(year)));
  }
  return Object.freeze(all.map((holiday) => Object.freeze(holiday)));
}

/** Every England and Wales bank holiday from 2018 to 2030, in date order. */
export const englandAndWalesBankHolidays: readonly BankHoliday[] = buildData();

/** The same, as dates only. */
export const englandAndWalesBankHolidayDates: readonly IsoDate[] = Object.freeze(
  englandAndWalesBankHolidays.map((holiday) => holiday.date),
);

/**
 * The bank holidays of one year: the shipped data inside the data years, the statutory rules projected outside
 * them (so a due date in 2031 still skips Christmas; one-offs there are unknowable until proclaimed).
 */
export function englandAndWalesBankHolidaysIn(year: number): BankHoliday[] {
  if (year >= bankHolidayDataYears.first && year <= bankHolidayDataYears.last) {
    return englandAndWalesBankHolidays.filter((holiday) => holiday.date.startsWith(`${year}-`));
  }
  return applyProclamations(year, statutoryBankHolidays(year));
}
