/**
 * CSV as RFC 4180 writes it: comma-separated, a field quoted when it holds a comma, quote, CR or LF (quotes doubled),
 * CRLF line ends. A text field a spreadsheet would take for a formula (starting with =, +, -, @, tab or CR) gets a
 * leading apostrophe so it stays text; numbers the product writes itself (a count, "-3" days) are left as they are.
 */

export type CsvCell = string | number;

/** A text that starts like a formula. */
const formulaStart = /^[=+\-@\t\r]/;

export function csvField(value: CsvCell): string {
  let text = String(value);
  if (typeof value === 'string' && formulaStart.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record with its CRLF. */
export const csvLine = (cells: readonly CsvCell[]): string => `${cells.map(csvField).join(',')}\r\n`;

/** Records as one text; `byteOrderMark` so spreadsheet programs read the file as UTF-8. */
export function csvText(rows: readonly (readonly CsvCell[])[], options: { byteOrderMark?: boolean } = {}): string {
  return `${options.byteOrderMark ? '\uFEFF' : ''}${rows.map(csvLine).join('')}`;
}
