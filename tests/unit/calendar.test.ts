import { calendarDateInLondon, formatLongDate } from '../../domain/calendar';

describe('calendarDateInLondon', () => {
  it('uses British Summer Time: 23:30 UTC on 30 June is already 1 July in London', () => {
    expect(calendarDateInLondon(Date.parse('2027-06-30T23:30:00Z'))).toBe('2027-07-01');
  });
  it('uses GMT in winter: 23:30 UTC on 30 November is still 30 November', () => {
    expect(calendarDateInLondon(Date.parse('2026-11-30T23:30:00Z'))).toBe('2026-11-30');
  });
});

describe('formatLongDate', () => {
  it('prints dates the way committee papers do', () => {
    expect(formatLongDate('2027-03-31')).toBe('31 March 2027');
  });
});
