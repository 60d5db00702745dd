import { excerpt } from '../../platform/files/excerpt';

/**
 * What an imported tracker may hold. Rows, columns and cell length are configuration (IMPORT_MAX_*); the rest are
 * bounds on the work one upload can cause, fixed here because no real tracker comes near them.
 */
export interface ImportLimits {
  /** Rows under the header row. */
  maxRows: number;
  maxColumns: number;
  /** Characters in one cell. */
  maxCellChars: number;
}

export const defaultImportLimits: ImportLimits = { maxRows: 100_000, maxColumns: 64, maxCellChars: 32_768 };

/** The largest file accepted as the request body. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
/** Characters in all the cells together: shared strings let a small workbook repeat one long text in every cell. */
export const MAX_TEXT_CHARS = 64 * 1024 * 1024;
/** XML a workbook may unpack to: a ZIP file can hold far more than it weighs. */
export const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;
/** How long reading one file may take before it is stopped. */
export const READ_DEADLINE_MS = 120_000;
/** Memory of the thread that reads a file; past it the thread is stopped, not the server. */
export const READER_HEAP_MB = 512;

/** One row of a tracker that has something in it: its number in the file, and its cells from column A. */
export interface SheetRow {
  row: number;
  cells: string[];
}

/** A file past one of the limits: answered with this status, naming the limit and where it was passed. */
export class ImportLimitError extends Error {
  constructor(
    readonly status: 413 | 422,
    readonly title: string,
    readonly detail: string,
    /** "row 5, column H" or "the file": where the limit was passed. */
    readonly where: string,
  ) {
    super(detail);
    this.name = 'ImportLimitError';
  }
}

/** A file that is not what its type says (not a workbook, damaged XML…): a 400 naming the reason. */
export class UnreadableFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

/** Column number 1 → A, 27 → AA, as spreadsheets name them. */
export function columnLetters(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

export const count = (n: number) => n.toLocaleString('en-GB');

/**
 * Checks rows and cells against the limits as a reader finds them, naming a column by its letter and its header (the
 * first row) so a person can find it. Readers call `row()` for each row with something in it and `cell()` for each
 * non-empty cell, before keeping it.
 */
export class LimitCheck {
  private rows = 0;
  private chars = 0;
  private headers: string[] = [];

  constructor(private readonly limits: ImportLimits) {}

  where(row: number, column: number): string {
    const header = row > 1 ? this.headers[column - 1]?.trim() : undefined;
    return `row ${count(row)}, column ${columnLetters(column)}${header ? ` (“${excerpt(header, 40)}”)` : ''}`;
  }

  row(row: number): void {
    this.rows++;
    const under = Math.max(row - 1, this.rows - 1);
    if (under > this.limits.maxRows) {
      throw new ImportLimitError(
        413,
        'The file has too many rows',
        `A tracker can have at most ${count(this.limits.maxRows)} rows under its header; row ${count(row)} is past that. Split the file and import each part. Nothing was imported.`,
        `row ${count(row)}`,
      );
    }
  }

  /** A cell's text as read so far (readers call it while text is still arriving, to stop early). */
  length(row: number, column: number, length: number, start: () => string): void {
    if (length > this.limits.maxCellChars) {
      const beginning = start();
      throw new ImportLimitError(
        422,
        'A cell is too long',
        `${this.where(row, column)} holds more than ${count(this.limits.maxCellChars)} characters, the most a cell may hold.${beginning ? ` It begins “${excerpt(beginning, 80)}”.` : ''} Nothing was imported.`,
        this.where(row, column),
      );
    }
  }

  cell(row: number, column: number, text: string): void {
    if (column > this.limits.maxColumns) {
      throw new ImportLimitError(
        413,
        'The file has too many columns',
        `A tracker can have at most ${count(this.limits.maxColumns)} columns (up to column ${columnLetters(this.limits.maxColumns)}); ${this.where(row, column)} has a value. Remove the extra columns. Nothing was imported.`,
        this.where(row, column),
      );
    }
    this.length(row, column, text.length, () => text);
    this.chars += text.length;
    if (this.chars > MAX_TEXT_CHARS) {
      throw new ImportLimitError(
        413,
        'The file holds too much text',
        `The cells of a tracker can hold at most ${count(MAX_TEXT_CHARS)} characters in all; the file passes that at ${this.where(row, column)}. Split the file and import each part. Nothing was imported.`,
        this.where(row, column),
      );
    }
    if (row === 1) this.headers[column - 1] = text;
  }
}

export function importLimitsFromConfig(config: {
  IMPORT_MAX_ROWS: number;
  IMPORT_MAX_COLUMNS: number;
  IMPORT_MAX_CELL_CHARS: number;
}): ImportLimits {
  return { maxRows: config.IMPORT_MAX_ROWS, maxColumns: config.IMPORT_MAX_COLUMNS, maxCellChars: config.IMPORT_MAX_CELL_CHARS };
}
