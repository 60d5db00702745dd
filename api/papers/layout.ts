/**
 * A paper laid out as headings, paragraphs and tables: what the HTML, Word and PDF renderers draw, so the three
 * show the same words in the same order. Spreadsheets (XLSX, CSV) take `Sheet`s instead: flat tables with one row
 * per action or item, for sorting and filtering.
 */

export interface Cell {
  text: string;
  /** Background, six hex digits (a status colour). */
  fill?: string;
  /** Text colour on that background, six hex digits. */
  ink?: string;
  bold?: boolean;
}

export interface Column {
  title: string;
  /** Relative width; the renderer scales the columns to the page. */
  width: number;
  /** Right-aligned (numbers). */
  numeric?: boolean;
}

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3 | 4; text: string }
  | { type: 'paragraph'; text: string; bold?: boolean; italic?: boolean }
  | { type: 'table'; caption?: string; columns: Column[]; rows: Cell[][] };

export interface PaperDocument {
  title: string;
  /** The organisation the paper is for, printed above the title. */
  forceName: string;
  blocks: Block[];
  /** Wide tables print on landscape pages. */
  landscape: boolean;
}

export interface Sheet {
  name: string;
  columns: { title: string; width: number }[];
  rows: (string | number)[][];
}

export interface PaperSheets {
  sheets: Sheet[];
  /** The sheet a CSV export carries (a CSV file holds one table). */
  csvSheet: number;
}

export const cell = (text: string | number, extra: Omit<Cell, 'text'> = {}): Cell => ({ text: String(text), ...extra });

/** Every word of a document in reading order, one line per heading, paragraph and table row (cells tab-separated). */
export function documentLines(document: PaperDocument): string[] {
  const lines = [document.forceName, document.title];
  for (const block of document.blocks) {
    if (block.type === 'table') {
      if (block.caption) lines.push(block.caption);
      lines.push(block.columns.map((column) => column.title).join('\t'));
      for (const row of block.rows) lines.push(row.map((c) => c.text).join('\t'));
    } else {
      lines.push(block.text);
    }
  }
  return lines;
}
