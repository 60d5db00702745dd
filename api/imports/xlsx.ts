import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { excerpt } from '../../platform/files/excerpt';
import { entryChunks, looksLikeZip, readZipDirectory, ZipError, type ZipEntry } from '../../platform/files/zip';
import {
  count,
  ImportLimitError,
  LimitCheck,
  MAX_TEXT_CHARS,
  MAX_UNPACKED_BYTES,
  UnreadableFileError,
  type ImportLimits,
  type SheetRow,
} from './limits';

/**
 * The first sheet of an Excel workbook (.xlsx), streamed: the ZIP's parts are inflated a chunk at a time and parsed
 * with a SAX parser, so time and memory grow with the file, and every limit is checked as soon as it can be passed
 * (a cell's length while its text arrives, a column before it is kept). exceljs's readers build a model of the whole
 * workbook or spill parts to temporary files, and neither counts what it inflates.
 */

type Budget = { bytes: number; tooLarge: () => Error };

/** For each cell style (the `s` of a cell), whether its number format shows a date. */
interface Styles {
  isDate: boolean[];
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** No tag of a workbook's XML is longer: a longer one is a file made to exhaust the parser. */
const MAX_TAG_CHARS = 64 * 1024;

/**
 * Bounds what the SAX parser holds at once. It keeps a text node (or a tag) whole until it ends, so a single 300 MB
 * cell would be held whole: text longer than `maxText` is cut there (never inside an entity reference) and `cut` is
 * called, so the reader can report that cell as too long; a tag longer than MAX_TAG_CHARS is refused.
 */
function runGuard(partName: string, maxText: number, write: (text: string) => void, cut: () => void): (chunk: string) => void {
  let inTag = false;
  let run = 0;
  return (chunk) => {
    let out = '';
    let at = 0;
    while (at < chunk.length) {
      const boundary = chunk.indexOf(inTag ? '>' : '<', at);
      const end = boundary < 0 ? chunk.length : boundary;
      let piece = chunk.slice(at, end);
      if (inTag) {
        run += piece.length;
        if (run > MAX_TAG_CHARS)
          throw new UnreadableFileError(`${excerpt(partName, 100)} has an XML tag longer than ${count(MAX_TAG_CHARS)} characters`);
      } else if (run + piece.length > maxText) {
        piece = piece.slice(0, Math.max(0, maxText - run));
        const amp = piece.lastIndexOf('&');
        if (amp >= 0 && !piece.includes(';', amp)) piece = piece.slice(0, amp);
        if (run < maxText) {
          // The parser is given everything before, so the reader knows which cell is cut.
          write(out + piece);
          out = piece = '';
          cut();
        }
        run = maxText;
      } else run += piece.length;
      out += piece;
      if (boundary < 0) break;
      out += chunk[boundary];
      inTag = !inTag;
      run = 0;
      at = boundary + 1;
    }
    write(out);
  };
}

/** The longest run of XML text a cell's value may take: a character can be written as an entity reference of six. */
const textRun = (limits: ImportLimits) => 8 * limits.maxCellChars + 1024;

async function parseXml(
  file: Buffer,
  entry: ZipEntry,
  budget: Budget,
  maxText: number,
  handlers: { open?: (tag: SaxesTagPlain) => void; text?: (text: string) => void; close?: (name: string) => void; cut?: () => void },
): Promise<void> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  let failure: Error | null = null;
  parser.on('error', (error) => {
    failure ??= new UnreadableFileError(
      `${excerpt(entry.name, 100)} is not well-formed XML (${excerpt(error.message.split('\n')[0]!, 200)})`,
    );
  });
  if (handlers.open) parser.on('opentag', handlers.open);
  if (handlers.text) parser.on('text', handlers.text);
  if (handlers.close) {
    const close = handlers.close;
    parser.on('closetag', (tag) => close(localName(tag.name)));
  }
  const decoder = new StringDecoder('utf8');
  const guard = runGuard(entry.name, maxText, (text) => parser.write(text), handlers.cut ?? (() => undefined));
  for await (const chunk of entryChunks(file, entry, budget)) {
    guard(decoder.write(chunk));
    if (failure) throw failure;
  }
  guard(decoder.end());
  parser.close();
  if (failure) throw failure;
}

/** Excel's built-in number formats that show a date or time. */
const builtInDateFormats = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58,
]);

/** A custom format shows a date when, outside quoted text, escapes and [colours], it has a date or time letter. */
export function isDateFormat(code: string): boolean {
  return /[ymdhsb]/i.test(
    code
      .replace(/"[^"]*"/g, '')
      .replace(/\[[^\]]*\]/g, '')
      .replace(/\\./g, '')
      .replace(/general/gi, '')
      .replace(/[eE][+-]/g, ''),
  );
}

async function readStyles(file: Buffer, entry: ZipEntry | undefined, budget: Budget): Promise<Styles> {
  const isDate: boolean[] = [];
  if (!entry) return { isDate };
  const custom = new Map<number, boolean>();
  let inCellXfs = false;
  await parseXml(file, entry, budget, MAX_TAG_CHARS, {
    open(tag) {
      const name = localName(tag.name);
      if (name === 'numFmt') custom.set(Number(tag.attributes.numFmtId), isDateFormat(String(tag.attributes.formatCode ?? '')));
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        const id = Number(tag.attributes.numFmtId ?? 0);
        isDate.push(custom.get(id) ?? builtInDateFormats.has(id));
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return { isDate };
}

/** The shared strings, in order, and those whose XML was cut for being far too long. */
interface SharedStrings {
  strings: string[];
  cut: Set<number>;
}

/**
 * The shared strings. Only their total length is limited here: which cell holds a string too long is known
 * when the sheet uses it, and that is where the answer points.
 */
async function readSharedStrings(file: Buffer, entry: ZipEntry | undefined, budget: Budget, maxText: number): Promise<SharedStrings> {
  const strings: string[] = [];
  const cut = new Set<number>();
  if (!entry) return { strings, cut };
  let total = 0;
  let current: string[] | null = null;
  let inText = false;
  let phonetic = 0;
  await parseXml(file, entry, budget, maxText, {
    open(tag) {
      const name = localName(tag.name);
      if (name === 'si') current = [];
      else if (name === 'rPh') phonetic++;
      else if (name === 't' && phonetic === 0) inText = true;
    },
    text(text) {
      if (!inText || !current) return;
      current.push(text);
      total += text.length;
      if (total > MAX_TEXT_CHARS) {
        throw new ImportLimitError(
          413,
          'The file holds too much text',
          `A tracker's cells can hold at most ${count(MAX_TEXT_CHARS)} characters in all. Split the file and import each part. Nothing was imported.`,
          'the file',
        );
      }
    },
    close(name) {
      if (name === 't') inText = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'si' && current) {
        strings.push(current.join(''));
        current = null;
      }
    },
    cut() {
      cut.add(strings.length);
    },
  });
  return { strings, cut };
}

/** 'A1' → [1, 1]; null when the reference is missing or not a cell reference. */
function cellReference(ref: unknown): { row: number; column: number } | null {
  if (typeof ref !== 'string') return null;
  const match = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(ref);
  if (!match) return null;
  let column = 0;
  for (const letter of match[1]!.toUpperCase()) column = column * 26 + (letter.charCodeAt(0) - 64);
  return { row: Number(match[2]), column };
}

function dateText(serial: number, date1904: boolean): string | null {
  const ms = Math.round((serial - (date1904 ? 24107 : 25569)) * 86_400_000);
  const date = new Date(ms);
  return Number.isFinite(ms) && !Number.isNaN(date.getTime()) ? date.toISOString().slice(0, 10) : null;
}

interface Workbook {
  sheet: ZipEntry;
  sharedStrings?: ZipEntry;
  styles?: ZipEntry;
  date1904: boolean;
}

/** Finds the workbook's first sheet (in the order Excel shows the tabs), its shared strings and styles. */
async function openWorkbook(file: Buffer, entries: Map<string, ZipEntry>, budget: Budget): Promise<Workbook> {
  const workbookEntry = entries.get('xl/workbook.xml');
  if (!workbookEntry) throw new UnreadableFileError('it is not an Excel workbook (it has no xl/workbook.xml)');
  const sheetIds: string[] = [];
  let date1904 = false;
  await parseXml(file, workbookEntry, budget, MAX_TAG_CHARS, {
    open(tag) {
      const name = localName(tag.name);
      if (name === 'workbookPr') date1904 = ['1', 'true'].includes(String(tag.attributes.date1904 ?? ''));
      else if (name === 'sheet') {
        const id = Object.entries(tag.attributes).find(([key]) => key === 'id' || key.endsWith(':id'))?.[1];
        if (id) sheetIds.push(String(id));
      }
    },
  });
  const relations = new Map<string, { type: string; target: string }>();
  const rels = entries.get('xl/_rels/workbook.xml.rels');
  if (rels) {
    await parseXml(file, rels, budget, MAX_TAG_CHARS, {
      open(tag) {
        if (localName(tag.name) === 'Relationship')
          relations.set(String(tag.attributes.Id), {
            type: String(tag.attributes.Type ?? ''),
            target: String(tag.attributes.Target ?? ''),
          });
      },
    });
  }
  const part = (target: string | undefined) =>
    target ? entries.get(target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`) : undefined;
  const ofType = (suffix: string) => [...relations.values()].find((r) => r.type.endsWith(suffix))?.target;
  const firstSheet =
    sheetIds.map((id) => part(relations.get(id)?.target)).find((entry) => entry) ??
    [...entries.values()]
      .filter((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name))
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))[0];
  if (!firstSheet) throw new UnreadableFileError('the workbook has no sheets');
  return {
    sheet: firstSheet,
    sharedStrings: part(ofType('/sharedStrings')) ?? entries.get('xl/sharedStrings.xml'),
    styles: part(ofType('/styles')) ?? entries.get('xl/styles.xml'),
    date1904,
  };
}

export async function readXlsxRows(file: Buffer, limits: ImportLimits, onRow: (row: SheetRow) => void): Promise<void> {
  if (!looksLikeZip(file)) {
    const legacy = file.length >= 8 && file.readUInt32BE(0) === 0xd0cf11e0;
    throw new UnreadableFileError(
      legacy
        ? 'it is an Excel 97-2003 workbook (.xls) or an encrypted one: save it as .xlsx or CSV'
        : 'it is not an Excel workbook (.xlsx)',
    );
  }
  let directory: ZipEntry[];
  try {
    directory = readZipDirectory(file);
  } catch (error) {
    throw error instanceof ZipError ? new UnreadableFileError(error.message) : error;
  }
  const entries = new Map(directory.map((entry) => [entry.name.replace(/^\//, ''), entry]));
  const budget: Budget = {
    bytes: MAX_UNPACKED_BYTES,
    tooLarge: () =>
      new ImportLimitError(
        413,
        'The workbook is too large once unpacked',
        `An Excel workbook is a compressed file; this one unpacks to more than ${count(MAX_UNPACKED_BYTES / (1024 * 1024))} MB. Save it as CSV, or split it and import each part. Nothing was imported.`,
        'the file',
      ),
  };
  try {
    const workbook = await openWorkbook(file, entries, budget);
    const styles = await readStyles(file, workbook.styles, budget);
    const shared = await readSharedStrings(file, workbook.sharedStrings, budget, textRun(limits));
    await readSheet(file, workbook, styles, shared, limits, budget, onRow);
  } catch (error) {
    throw error instanceof ZipError ? new UnreadableFileError(error.message) : error;
  }
}

async function readSheet(
  file: Buffer,
  workbook: Workbook,
  styles: Styles,
  shared: SharedStrings,
  limits: ImportLimits,
  budget: Budget,
  onRow: (row: SheetRow) => void,
): Promise<void> {
  const check = new LimitCheck(limits);
  let rowNumber = 0;
  let inRow = false;
  let cells: string[] = [];
  let column = 0;
  let cell: { type: string; style: number; value: string[]; length: number; inline: boolean } | null = null;
  /** The element whose text is the cell's value: `v`, or `t` of an inline string (outside phonetic runs). */
  let collecting = false;
  let phonetic = 0;

  /** A cell's text as exceljs gave it: numbers as JavaScript prints them, dates as yyyy-mm-dd. */
  const cellValue = (c: NonNullable<typeof cell>): string => {
    const raw = c.value.join('');
    switch (c.type) {
      case 's': {
        const index = Number(raw);
        const text = shared.strings[index] ?? '';
        if (shared.cut.has(index)) check.length(rowNumber, column, Infinity, () => text);
        return text;
      }
      case 'inlineStr':
      case 'str':
      case 'e':
        return raw;
      case 'b':
        return raw === '1' || raw === 'true' ? 'true' : 'false';
      case 'd':
        return raw.slice(0, 10);
      default: {
        if (raw.trim() === '') return '';
        const number = parseFloat(raw);
        if (Number.isNaN(number)) return raw;
        if (styles.isDate[c.style]) return dateText(number, workbook.date1904) ?? String(number);
        return String(number);
      }
    }
  };

  await parseXml(file, workbook.sheet, budget, textRun(limits), {
    open(tag) {
      const name = localName(tag.name);
      if (name === 'row') {
        const r = Number(tag.attributes.r);
        rowNumber = Number.isInteger(r) && r > 0 ? r : rowNumber + 1;
        inRow = true;
        cells = [];
        column = 0;
      } else if (name === 'c' && inRow) {
        const ref = cellReference(tag.attributes.r);
        column = ref ? ref.column : column + 1;
        cell = { type: String(tag.attributes.t ?? 'n'), style: Number(tag.attributes.s ?? 0), value: [], length: 0, inline: false };
      } else if (cell) {
        if (name === 'v') collecting = !cell.inline;
        else if (name === 'is') cell.inline = true;
        else if (name === 'rPh') phonetic++;
        else if (name === 't' && cell.inline && phonetic === 0) collecting = true;
      }
    },
    text(text) {
      if (!collecting || !cell) return;
      const c = cell;
      c.value.push(text);
      c.length += text.length;
      check.length(rowNumber, column, c.length, () => c.value.join(''));
    },
    cut() {
      if (cell) check.length(rowNumber, column, Infinity, () => '');
    },
    close(name) {
      if (name === 'v' || name === 't') collecting = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'c' && cell) {
        const value = cellValue(cell);
        cell = null;
        if (!value) return;
        check.cell(rowNumber, column, value);
        cells[column - 1] = value;
      } else if (name === 'row') {
        inRow = false;
        if (!cells.length) return;
        check.row(rowNumber);
        onRow({ row: rowNumber, cells: Array.from(cells, (c) => c ?? '') });
      }
    },
  });
}
