import { dueDateCalendarEvent } from '../../platform/email/dueDateCalendar';

describe('dueDateCalendarEvent', () => {
  const ics = dueDateCalendarEvent({
    recommendationId: 'abc',
    dueDate: '2027-03-31',
    summary: 'Due: HMICFRS PEEL 2021, recommendation 4; stalking, harassment',
    description: '4',
    link: 'https://tracker.example/recommendations/abc',
    stampedAt: new Date('2026-11-23T10:15:30.123Z'),
  });

  it('is an all-day event on the due date with a stable id', () => {
    expect(ics).toContain('DTSTART;VALUE=DATE:20270331\r\n');
    expect(ics).toContain('DTEND;VALUE=DATE:20270401\r\n');
    expect(ics).toContain('UID:due-abc-20270331@recommendation-tracker\r\n');
    expect(ics).toContain('DTSTAMP:20261123T101530Z\r\n');
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });

  it('escapes text and folds long lines at 75 octets', () => {
    expect(ics).toContain('SUMMARY:Due: HMICFRS PEEL 2021\\, recommendation 4\\; stalking\\, harassment');
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  });
});
