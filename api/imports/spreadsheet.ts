import { LimitCheck, type ImportLimits, type SheetRow } from './limits';
import { readXlsxRows } from './xlsx';
import { csvText } from '../../platform/csv';

/**
 * The rows of an uploaded tracker that have something in them: a CSV file (RFC 4180: quotes, commas and line breaks
 * in cells) or the first sheet of an Excel workbook, checked against the limits as they are read. Runs in a worker
 * thread (readInWorker.ts), never on the server's event loop.
 */
export async function readTrackerRows(
  file: Buffer,
  contentType: string,
  limits: ImportLimits,
  onRow: (row: SheetRow) => void,
): Promise<void> {
  if (contentType === 'text/csv') readCsvRows(file.toString('utf8').replace(/^\uFEFF/, ''), limits, onRow);
  else await readXlsxRows(file, limits, onRow);
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/** CSV records as rows (a quoted line break stays in its cell), numbered from 1 as a spreadsheet shows them. */
export function readCsvRows(text: string, limits: ImportLimits, onRow: (row: SheetRow) => void): void {
  const check = new LimitCheck(limits);
  let row = 1;
  let column = 1;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let start = 0;
  const endCell = (end: number) => {
    cell += text.slice(start, end);
    if (cell) {
      check.cell(row, column, cell);
      cells[column - 1] = cell;
    }
    cell = '';
    column++;
  };
  const endRow = () => {
    if (cells.length) {
      check.row(row);
      onRow({ row, cells: Array.from(cells, (c) => c ?? '') });
    }
    row++;
    column = 1;
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c !== QUOTE) continue;
      cell += text.slice(start, i);
      if (text.charCodeAt(i + 1) === QUOTE) {
        cell += '"';
        i++;
      } else quoted = false;
      start = i + 1;
      // A quoted cell can run on for megabytes: stop as soon as it is too long.
      check.length(row, column, cell.length, () => cell);
    } else if (c === QUOTE) {
      cell += text.slice(start, i);
      quoted = true;
      start = i + 1;
    } else if (c === COMMA) {
      endCell(i);
      start = i + 1;
    } else if (c === CR || c === LF) {
      endCell(i);
      endRow();
      if (c === CR && text.charCodeAt(i + 1) === LF) i++;
      start = i + 1;
    }
  }
  if (start < text.length || cell || column > 1) {
    endCell(text.length);
    endRow();
  }
}

/** The template a force downloads: the columns, and one example row from a real committee paper. */
export function templateCsv(columns: readonly string[]): string {
  const example = [
    'Stalking and harassment: An inspection',
    'HMICFRS',
    'inspection',
    'force',
    '01/04/2019',
    '1',
    'recommendation',
    'Within six months chief constables should ensure that forces record stalking or harassment crimes if appropriate when victims report breaches of orders.',
    'Chief constables',
    'yes',
    '3',
    'Public Protection',
    'tom.ellery@example.police.uk',
    'nadia.haskins@example.police.uk',
    '31/03/2027',
    '30/09/2026',
    'in progress',
    'Audit of breach reports under way',
    '12/04/2019',
    '15/05/2019',
    '',
    '01/10/2026',
  ];
  return csvText([columns, example]);
}
