import { LimitCheck, type ImportLimits, type SheetRow } from './limits';
import { readXlsxRows } from './xlsx';
import { csvText } from '../../platform/csv';
import type { ImportColumn } from '../../domain/trackerImport';

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
/**
 * The template: its columns and example rows of each kind (docs/import.md): a report row (title, no reference, no
 * text) with its status line and stated counts, an item of that report that takes the line (blank Status), an item
 * with a status of its own, and a category row stating a category table's totals.
 */
export function templateCsv(columns: readonly ImportColumn[]): string {
  const report = {
    'Report title': 'Stalking and harassment: An inspection',
    Originator: 'HMICFRS',
    'Source kind': 'inspection',
    Scope: 'force',
    'Published on': '01/04/2019',
  } satisfies Partial<Record<ImportColumn, string>>;
  const examples: Partial<Record<ImportColumn, string>>[] = [
    {
      ...report,
      Status: 'Evidence submitted to HMICFRS for review. Awaiting feedback.',
      'Stated outstanding': '2',
      'Stated closed': '0',
      'Stated total': '2',
    },
    {
      ...report,
      Reference: '1',
      'Item kind': 'recommendation',
      Text: 'Within six months chief constables should ensure that forces record stalking or harassment crimes if appropriate when victims report breaches of orders.',
      'Addressed to': 'Chief constables',
      'For the force': 'yes',
      Category: '3',
      Department: 'Public Protection',
      'Owner email': 'tom.ellery@example.police.uk',
      'Lead email': 'nadia.haskins@example.police.uk',
      'Due date': '31/03/2027',
      'Logged on': '12/04/2019',
      'Status since': '15/05/2019',
    },
    {
      ...report,
      Reference: '2',
      'Item kind': 'recommendation',
      Text: 'Within six months chief constables should ensure that officers are aware of the importance of treating breaches of orders as part of a wider pattern of offending.',
      'Addressed to': 'Chief constables',
      'For the force': 'yes',
      Category: '3',
      Department: 'Public Protection',
      'Owner email': 'tom.ellery@example.police.uk',
      'Lead email': 'nadia.haskins@example.police.uk',
      'Due date': '31/03/2027',
      'Earlier due dates': '30/09/2026',
      Status: 'in progress',
      'Latest update': 'Audit of breach reports under way',
      'Logged on': '12/04/2019',
      'Status since': '15/05/2019',
      'Updated on': '01/10/2026',
    },
    { Category: '3', 'Stated outstanding': '2', 'Stated closed': '0', 'Stated total': '2' },
  ];
  return csvText([columns, ...examples.map((row) => columns.map((column) => row[column] ?? ''))]);
}
