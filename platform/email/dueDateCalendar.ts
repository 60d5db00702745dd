/**
 * An iCalendar (RFC 5545) all-day event for a due date, attached to emails that set or remind of one, so the
 * date lands in the recipient's calendar. The UID is stable per item and date: a later copy updates the same entry.
 */
export function dueDateCalendarEvent(input: {
  recommendationId: string;
  dueDate: string;
  summary: string;
  description: string;
  link: string;
  stampedAt: Date;
}): string {
  const day = input.dueDate.replace(/-/g, '');
  const next = new Date(Date.parse(`${input.dueDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const stamp = input.stampedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Recommendation tracker//Due dates//EN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:due-${input.recommendationId}-${day}@recommendation-tracker`,
    `DTSTAMP:${stamp}`,
    `DTSTART;VALUE=DATE:${day}`,
    `DTEND;VALUE=DATE:${next}`,
    `SUMMARY:${escapeText(input.summary)}`,
    `DESCRIPTION:${escapeText(`${input.description}\n${input.link}`)}`,
    `URL:${input.link}`,
    'TRANSP:TRANSPARENT',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}

function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1). */
function fold(line: string): string {
  const parts: string[] = [];
  let rest = line;
  while (Buffer.byteLength(rest) > 75) {
    let cut = 75;
    while (Buffer.byteLength(rest.slice(0, cut)) > 75) cut--;
    parts.push(rest.slice(0, cut));
    rest = ` ${rest.slice(cut)}`;
  }
  parts.push(rest);
  return parts.join('\r\n');
}
