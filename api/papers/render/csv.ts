import type { Sheet } from '../layout';

/**
 * One sheet as CSV (RFC 4180): comma-separated, fields quoted when they hold a comma, quote or line break, CRLF line
 * ends, and a byte-order mark so spreadsheet programs read the file as UTF-8. A field a spreadsheet would take for a
 * formula (starting with =, +, -, @, tab or carriage return) is prefixed with an apostrophe so it stays text.
 */

function field(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderCsv(sheet: Sheet): string {
  const lines = [sheet.columns.map((column) => field(column.title)), ...sheet.rows.map((row) => row.map(field))];
  return `\uFEFF${lines.map((line) => line.join(',')).join('\r\n')}\r\n`;
}
