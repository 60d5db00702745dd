import fc from 'fast-check';
import {
  bankHolidayDataYears,
  easterSunday,
  englandAndWalesBankHolidayDates,
  englandAndWalesBankHolidays,
  englandAndWalesBankHolidaysIn,
  proclaimedChanges,
  statutoryBankHolidays,
} from '../../domain/bankHolidays';
import { addCalendarMonths, isoWeekday, londonUtcOffsetMinutes, londonWallClock, londonWallClockToEpochMs } from '../../domain/calendar';
import { createWorkingCalendar, englandAndWalesCalendar, workingCalendarProblems } from '../../domain/workingDays';

/**
 * GOV.UK's list of England and Wales bank holidays (https://www.gov.uk/bank-holidays), written out by hand, year by
 * year. The shipped data is generated from the 1971 Act's rules plus the proclaimed one-offs; this is what it must
 * reproduce.
 */
const govUk: Record<number, string[]> = {
  2018: ['2018-01-01', '2018-03-30', '2018-04-02', '2018-05-07', '2018-05-28', '2018-08-27', '2018-12-25', '2018-12-26'],
  2019: ['2019-01-01', '2019-04-19', '2019-04-22', '2019-05-06', '2019-05-27', '2019-08-26', '2019-12-25', '2019-12-26'],
  2020: ['2020-01-01', '2020-04-10', '2020-04-13', '2020-05-08', '2020-05-25', '2020-08-31', '2020-12-25', '2020-12-28'],
  2021: ['2021-01-01', '2021-04-02', '2021-04-05', '2021-05-03', '2021-05-31', '2021-08-30', '2021-12-27', '2021-12-28'],
  2022: [
    '2022-01-03',
    '2022-04-15',
    '2022-04-18',
    '2022-05-02',
    '2022-06-02',
    '2022-06-03',
    '2022-08-29',
    '2022-09-19',
    '2022-12-26',
    '2022-12-27',
  ],
  2023: ['2023-01-02', '2023-04-07', '2023-04-10', '2023-05-01', '2023-05-08', '2023-05-29', '2023-08-28', '2023-12-25', '2023-12-26'],
  2024: ['2024-01-01', '2024-03-29', '2024-04-01', '2024-05-06', '2024-05-27', '2024-08-26', '2024-12-25', '2024-12-26'],
  2025: ['2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26'],
  2026: ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28'],
};

const datesIn = (year: number): string[] => englandAndWalesBankHolidayDates.filter((date) => date.startsWith(`${year}-`));

describe('England and Wales bank holidays', () => {
  it.each(Object.keys(govUk).map(Number))('reproduces GOV.UK’s published list for %i', (year) => {
    expect(datesIn(year)).toEqual(govUk[year]);
  });

  it('covers 2018 to 2030, in date order, with no date twice and none at the weekend', () => {
    expect(bankHolidayDataYears).toEqual({ first: 2018, last: 2030 });
    const years = new Set(englandAndWalesBankHolidayDates.map((date) => Number(date.slice(0, 4))));
    expect([...years]).toEqual([2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030]);
    expect([...englandAndWalesBankHolidayDates].sort()).toEqual([...englandAndWalesBankHolidayDates]);
    expect(new Set(englandAndWalesBankHolidayDates).size).toBe(englandAndWalesBankHolidayDates.length);
    for (const date of englandAndWalesBankHolidayDates) expect(isoWeekday(date)).toBeLessThanOrEqual(5);
  });

  it('projects 2027 to 2030 by the statutory rules', () => {
    expect(datesIn(2027)).toEqual([
      '2027-01-01',
      '2027-03-26',
      '2027-03-29',
      '2027-05-03',
      '2027-05-31',
      '2027-08-30',
      '2027-12-27',
      '2027-12-28',
    ]);
    expect(datesIn(2028)).toEqual([
      '2028-01-03',
      '2028-04-14',
      '2028-04-17',
      '2028-05-01',
      '2028-05-29',
      '2028-08-28',
      '2028-12-25',
      '2028-12-26',
    ]);
    expect(datesIn(2029)).toEqual([
      '2029-01-01',
      '2029-03-30',
      '2029-04-02',
      '2029-05-07',
      '2029-05-28',
      '2029-08-27',
      '2029-12-25',
      '2029-12-26',
    ]);
    expect(datesIn(2030)).toEqual([
      '2030-01-01',
      '2030-04-19',
      '2030-04-22',
      '2030-05-06',
      '2030-05-27',
      '2030-08-26',
      '2030-12-25',
      '2030-12-26',
    ]);
  });

  it('names the one-off days and marks substitutes as GOV.UK does', () => {
    const titled = (date: string) => englandAndWalesBankHolidays.find((holiday) => holiday.date === date);
    expect(titled('2020-05-08')?.title).toBe('Early May bank holiday (VE day)');
    expect(titled('2022-06-02')?.title).toBe('Spring bank holiday');
    expect(titled('2022-06-03')?.title).toBe('Platinum Jubilee bank holiday');
    expect(titled('2022-09-19')?.title).toBe('Bank Holiday for the State Funeral of Queen Elizabeth II');
    expect(titled('2023-05-08')?.title).toBe('Bank holiday for the coronation of King Charles III');
    expect(titled('2022-12-27')).toEqual({ date: '2022-12-27', title: 'Christmas Day', substituteDay: true });
    expect(titled('2022-12-26')).toEqual({ date: '2022-12-26', title: 'Boxing Day', substituteDay: false });
    expect(titled('2027-12-27')).toEqual({ date: '2027-12-27', title: 'Christmas Day', substituteDay: true });
    expect(titled('2027-12-28')).toEqual({ date: '2027-12-28', title: 'Boxing Day', substituteDay: true });
    expect(titled('2028-01-03')).toEqual({ date: '2028-01-03', title: 'New Year’s Day', substituteDay: true });
    expect(titled('2020-12-28')).toEqual({ date: '2020-12-28', title: 'Boxing Day', substituteDay: true });
  });

  it('moves only statutory days and adds only new ones', () => {
    for (const change of proclaimedChanges) {
      const year = Number((change.kind === 'moved' ? change.from : change.date).slice(0, 4));
      const statutory = statutoryBankHolidays(year).map((holiday) => holiday.date);
      if (change.kind === 'moved') {
        expect(statutory).toContain(change.from);
        expect(datesIn(year)).not.toContain(change.from);
        expect(datesIn(year)).toContain(change.to);
      } else {
        expect(statutory).not.toContain(change.date);
        expect(datesIn(year)).toContain(change.date);
      }
    }
  });

  it('computes Easter Sunday by the Gregorian computus', () => {
    const known: Record<number, string> = {
      1961: '1961-04-02',
      2000: '2000-04-23',
      2008: '2008-03-23',
      2011: '2011-04-24',
      2018: '2018-04-01',
      2019: '2019-04-21',
      2024: '2024-03-31',
      2025: '2025-04-20',
      2027: '2027-03-28',
      2038: '2038-04-25',
      2285: '2285-03-22',
    };
    for (const [year, date] of Object.entries(known)) expect(easterSunday(Number(year))).toBe(date);
    expect(() => easterSunday(1500)).toThrow(/Gregorian/);
  });

  it('projects the rules beyond the data years, without one-offs', () => {
    expect(englandAndWalesBankHolidaysIn(2031).map((holiday) => holiday.date)).toEqual([
      '2031-01-01',
      '2031-04-11',
      '2031-04-14',
      '2031-05-05',
      '2031-05-26',
      '2031-08-25',
      '2031-12-25',
      '2031-12-26',
    ]);
    // 2033: Christmas on a Sunday, so Boxing Day stays on Monday 26 and Christmas moves to Tuesday 27.
    expect(englandAndWalesBankHolidaysIn(2033).slice(-2)).toEqual([
      { date: '2033-12-26', title: 'Boxing Day', substituteDay: false },
      { date: '2033-12-27', title: 'Christmas Day', substituteDay: true },
    ]);
    expect(englandAndWalesBankHolidaysIn(2022).map((holiday) => holiday.date)).toEqual(govUk[2022]);
  });
});

describe('London wall clock, by rule', () => {
  const intlParts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const viaIntl = (ms: number): string => {
    const parts = Object.fromEntries(intlParts.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  };
  const viaRule = (ms: number): string => {
    const { date, msOfDay } = londonWallClock(ms);
    const minutes = Math.floor(msOfDay / 60_000);
    return `${date} ${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  };

  it('agrees with the time-zone database every half hour around each clock change, 2018-2035', () => {
    for (let year = 2018; year <= 2035; year += 1) {
      for (const month of [3, 10]) {
        const from = Date.UTC(year, month - 1, 24);
        for (let ms = from; ms < from + 9 * 86_400_000; ms += 30 * 60_000) expect(viaRule(ms)).toBe(viaIntl(ms));
      }
    }
  });

  it('turns 08:00 in London into GMT in winter and BST in summer', () => {
    expect(new Date(londonWallClockToEpochMs('2027-03-26', 8 * 3_600_000)).toISOString()).toBe('2027-03-26T08:00:00.000Z');
    expect(new Date(londonWallClockToEpochMs('2027-03-29', 8 * 3_600_000)).toISOString()).toBe('2027-03-29T07:00:00.000Z');
    expect(new Date(londonWallClockToEpochMs('2027-10-31', 8 * 3_600_000)).toISOString()).toBe('2027-10-31T08:00:00.000Z');
    expect(londonUtcOffsetMinutes(Date.parse('2027-07-01T12:00:00Z'))).toBe(60);
  });

  it('reads the repeated autumn hour as BST and the missing spring hour as GMT', () => {
    expect(new Date(londonWallClockToEpochMs('2027-10-31', 90 * 60_000)).toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(new Date(londonWallClockToEpochMs('2027-03-28', 90 * 60_000)).toISOString()).toBe('2027-03-28T01:30:00.000Z');
  });

  it('adds months, keeping the day or taking the month’s last', () => {
    expect(addCalendarMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addCalendarMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addCalendarMonths('2027-11-30', 3)).toBe('2028-02-29');
    expect(addCalendarMonths('2027-03-31', -1)).toBe('2027-02-28');
    expect(addCalendarMonths('2027-01-15', -13)).toBe('2025-12-15');
  });
});

describe('the working-day calendar', () => {
  const calendar = englandAndWalesCalendar;

  it('skips weekends and bank holidays, and says why a day is closed', () => {
    expect(calendar.isWorkingDay('2027-03-25')).toBe(true);
    expect(calendar.isWorkingDay('2027-03-26')).toBe(false); // Good Friday
    expect(calendar.isWorkingDay('2027-03-29')).toBe(false); // Easter Monday
    expect(calendar.isWorkingDay('2027-12-27')).toBe(false); // Christmas Day (substitute)
    expect(calendar.isWorkingDay('2027-12-28')).toBe(false); // Boxing Day (substitute)
    expect(calendar.isWorkingDay('2027-12-29')).toBe(true);
    expect(calendar.closureReason('2027-03-27')).toBe('weekend');
    expect(calendar.closureReason('2027-03-29')).toBe('bank_holiday');
    expect(calendar.closureReason('2027-03-30')).toBeNull();
  });

  it('crosses month and year ends', () => {
    expect(calendar.addWorkingDays('2027-01-29', 1)).toBe('2027-02-01');
    expect(calendar.addWorkingDays('2027-02-26', 1)).toBe('2027-03-01');
    expect(calendar.addWorkingDays('2027-03-01', -1)).toBe('2027-02-26');
    expect(calendar.addWorkingDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(calendar.addWorkingDays('2027-04-30', 1)).toBe('2027-05-04'); // over the early May bank holiday
    expect(calendar.addWorkingDays('2027-12-31', 1)).toBe('2028-01-04'); // over New Year's Day (substitute)
    expect(calendar.addWorkingDays('2028-01-04', -1)).toBe('2027-12-31');
  });

  it('steps over Easter', () => {
    expect(calendar.addWorkingDays('2027-03-25', 1)).toBe('2027-03-30');
    expect(calendar.addWorkingDays('2027-03-30', -1)).toBe('2027-03-25');
    expect(calendar.addWorkingDays('2027-03-31', -7)).toBe('2027-03-18');
    expect(calendar.workingDaysBetween('2027-03-25', '2027-03-30')).toBe(1);
    expect(calendar.workingDaysBetween('2027-02-28', '2027-03-31')).toBe(21);
  });

  it('steps over Christmas and the New Year', () => {
    expect(calendar.addWorkingDays('2027-12-24', 1)).toBe('2027-12-29');
    expect(calendar.addWorkingDays('2027-12-24', 5)).toBe('2028-01-05');
    expect(calendar.nextWorkingDay('2027-12-24')).toBe('2027-12-29');
    expect(calendar.previousWorkingDay('2027-12-29')).toBe('2027-12-24');
    expect(calendar.workingDaysBetween('2027-12-24', '2028-01-04')).toBe(4);
  });

  it('counts from a day that is not a working day', () => {
    // From a Saturday: +1 is the Monday, -1 the Friday.
    expect(calendar.addWorkingDays('2027-03-06', 1)).toBe('2027-03-08');
    expect(calendar.addWorkingDays('2027-03-06', -1)).toBe('2027-03-05');
    // From a bank-holiday Monday (early May 2027): +1 is the Tuesday, -1 the Friday before.
    expect(calendar.addWorkingDays('2027-05-03', 1)).toBe('2027-05-04');
    expect(calendar.addWorkingDays('2027-05-03', -1)).toBe('2027-04-30');
    // Zero leaves any date where it is.
    expect(calendar.addWorkingDays('2027-05-03', 0)).toBe('2027-05-03');
    expect(calendar.onOrAfter('2027-05-01')).toBe('2027-05-04');
    expect(calendar.onOrBefore('2027-05-03')).toBe('2027-04-30');
    expect(calendar.onOrAfter('2027-05-04')).toBe('2027-05-04');
    // The same days, counted back: the inverse of the steps above.
    expect(calendar.workingDaysBetween('2027-05-03', '2027-04-30')).toBe(-1);
    expect(calendar.workingDaysBetween('2027-05-03', '2027-05-04')).toBe(1);
    expect(calendar.workingDaysBetween('2027-05-01', '2027-05-03')).toBe(0);
  });

  it('adds a force’s own closure days', () => {
    const force = createWorkingCalendar({ extraClosedDays: ['2027-12-29', '2027-12-30', '2027-12-31'] });
    expect(force.closureReason('2027-12-30')).toBe('force_closure');
    expect(force.addWorkingDays('2027-12-24', 1)).toBe('2028-01-04');
    expect(force.extraClosedDays).toEqual(['2027-12-29', '2027-12-30', '2027-12-31']);
    expect(calendar.isWorkingDay('2027-12-30')).toBe(true);
  });

  it('accepts a replacement holiday list, as for a test or another nation', () => {
    const plain = createWorkingCalendar({ bankHolidays: [] });
    expect(plain.isWorkingDay('2027-03-26')).toBe(true);
    expect(plain.addWorkingDays('2027-12-24', 1)).toBe('2027-12-27');
  });

  it('refuses dates that are not dates and counts that are not whole', () => {
    expect(workingCalendarProblems({ extraClosedDays: ['2027-02-30', '31/12/2027'] })).toEqual([
      'the extra closed day "2027-02-30" is not a calendar date (YYYY-MM-DD)',
      'the extra closed day "31/12/2027" is not a calendar date (YYYY-MM-DD)',
    ]);
    expect(() => createWorkingCalendar({ extraClosedDays: ['2027-13-01'] })).toThrow(/not a calendar date/);
    expect(() => calendar.isWorkingDay('2027-2-1')).toThrow(/not a calendar date/);
    expect(() => calendar.addWorkingDays('2027-02-01', 1.5)).toThrow(/whole number/);
  });

  it('reaches decades ahead without slowing down', () => {
    // 3,391 weekdays from 2 January 2018 to 31 December 2030, less the 106 bank holidays among them.
    expect(englandAndWalesBankHolidays).toHaveLength(107);
    expect(calendar.workingDaysBetween('2018-01-01', '2030-12-31')).toBe(3285);
    expect(calendar.isWorkingDay('2031-12-25')).toBe(false);
  });
});

describe('working-day properties', () => {
  const dates = fc
    .integer({ min: Date.UTC(2018, 0, 1) / 86_400_000, max: Date.UTC(2032, 11, 31) / 86_400_000 })
    .map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10));
  const counts = fc.integer({ min: -400, max: 400 });
  const force = createWorkingCalendar({ extraClosedDays: ['2027-12-29', '2027-12-30', '2027-12-31', '2026-08-28'] });

  it('addWorkingDays lands on a working day for any non-zero count', () => {
    fc.assert(
      fc.property(
        dates,
        counts.filter((n) => n !== 0),
        (date, n) => {
          expect(englandAndWalesCalendar.isWorkingDay(englandAndWalesCalendar.addWorkingDays(date, n))).toBe(true);
          expect(force.isWorkingDay(force.addWorkingDays(date, n))).toBe(true);
        },
      ),
    );
  });

  it('workingDaysBetween inverts addWorkingDays, from working days and closed days alike', () => {
    fc.assert(
      fc.property(dates, counts, (date, n) => {
        expect(englandAndWalesCalendar.workingDaysBetween(date, englandAndWalesCalendar.addWorkingDays(date, n))).toBe(n);
        expect(force.workingDaysBetween(date, force.addWorkingDays(date, n))).toBe(n);
      }),
    );
  });

  it('adding m then n working days from a working day is adding m + n', () => {
    fc.assert(
      fc.property(dates, counts, counts, (date, m, n) => {
        const start = englandAndWalesCalendar.onOrAfter(date);
        const calendar = englandAndWalesCalendar;
        expect(calendar.addWorkingDays(calendar.addWorkingDays(start, m), n)).toBe(calendar.addWorkingDays(start, m + n));
      }),
    );
  });

  it('workingDaysBetween is antisymmetric between working days, and never counts against the direction of time', () => {
    fc.assert(
      fc.property(dates, dates, (a, b) => {
        const calendar = englandAndWalesCalendar;
        const [from, to] = [calendar.onOrAfter(a), calendar.onOrAfter(b)];
        expect(calendar.workingDaysBetween(from, to) + calendar.workingDaysBetween(to, from)).toBe(0);
        const between = calendar.workingDaysBetween(a, b);
        if (b > a) expect(between).toBeGreaterThanOrEqual(0);
        if (b < a) expect(between).toBeLessThanOrEqual(0);
        if (b === a) expect(between).toBe(0);
      }),
    );
  });
});
