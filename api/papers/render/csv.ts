import type { Sheet } from '../layout';
import { csvText } from '../../../platform/csv';

/** One sheet as CSV (platform/csv.ts), with a byte-order mark so spreadsheet programs read the file as UTF-8. */
export function renderCsv(sheet: Sheet): string {
  return csvText([sheet.columns.map((column) => column.title), ...sheet.rows], { byteOrderMark: true });
}
