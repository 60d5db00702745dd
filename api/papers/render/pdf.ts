import PDFDocument from 'pdfkit';
import type { Block, Cell, Column, PaperDocument } from '../layout';

/**
 * A paper as a PDF (pdfkit): A4, landscape for wide tables, tables drawn cell by cell with the header row repeated on
 * every page, and "Page n of m" at the foot. The standard PDF fonts (Helvetica) need no font files, but they only
 * know the Windows-1252 characters, so a few others are spelled out (the trend arrows) or replaced.
 */

const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const ITALIC = 'Helvetica-Oblique';
const BODY_SIZE = 8;
const MARGIN = 36;
const PAD = 3;

/** Characters Helvetica (WinAnsiEncoding) can show beyond Latin-1. */
const winAnsiExtras = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const replacements: Record<string, string> = {
  '↑': 'Up',
  '↓': 'Down',
  '↔': 'No change',
  '→': '->',
  '←': '<-',
  '≤': '<=',
  '≥': '>=',
  '\u00a0': ' ',
  '\u2011': '-',
  '\u2010': '-',
  '\u2212': '-',
};

export function pdfSafe(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (replacements[char] !== undefined) out += replacements[char];
    else if (char === '\n' || char === '\t' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || winAnsiExtras.has(char))
      out += char;
    else out += '?';
  }
  return out;
}

type Doc = PDFKit.PDFDocument;

function contentBottom(doc: Doc): number {
  return doc.page.height - MARGIN - 14; // room for the footer
}

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > contentBottom(doc)) doc.addPage();
}

function cellHeight(doc: Doc, cell: Cell, width: number): number {
  doc.font(cell.bold ? BOLD : FONT).fontSize(BODY_SIZE);
  return doc.heightOfString(pdfSafe(cell.text) || ' ', { width: width - 2 * PAD }) + 2 * PAD;
}

function drawRow(doc: Doc, cells: Cell[], columns: Column[], widths: number[], y: number, height: number, header: boolean): void {
  let x = MARGIN;
  cells.forEach((cell, index) => {
    const width = widths[index]!;
    const fill = cell.fill ?? (header ? 'F3F2F1' : null);
    if (fill) doc.save().rect(x, y, width, height).fill(`#${fill}`).restore();
    doc.save().lineWidth(0.5).strokeColor('#b1b4b6').rect(x, y, width, height).stroke().restore();
    doc
      .font(header || cell.bold ? BOLD : FONT)
      .fontSize(BODY_SIZE)
      .fillColor(`#${cell.ink ?? '0b0c0c'}`)
      .text(pdfSafe(cell.text), x + PAD, y + PAD, {
        width: width - 2 * PAD,
        align: columns[index]?.numeric ? 'right' : 'left',
        lineBreak: true,
      });
    x += width;
  });
  doc.fillColor('#0b0c0c');
  // text() leaves doc.y under the last cell's text; the caller moves down by the row's height.
  doc.x = MARGIN;
  doc.y = y;
}

/** Splits a row too tall for a page into rows that fit, cutting each long cell at a word near the limit. */
function splitTallRow(doc: Doc, row: Cell[], widths: number[], maxHeight: number): Cell[][] {
  const pieces: Cell[][] = [];
  let rest = row.map((cell) => ({ ...cell }));
  while (rest.some((cell, index) => cellHeight(doc, cell, widths[index]!) > maxHeight)) {
    const head: Cell[] = [];
    const tail: Cell[] = [];
    rest.forEach((cell, index) => {
      const width = widths[index]!;
      if (cellHeight(doc, cell, width) <= maxHeight) {
        head.push(cell);
        tail.push({ ...cell, text: '' });
        return;
      }
      let low = 0;
      let high = cell.text.length;
      while (low < high) {
        const mid = Math.ceil((low + high) / 2);
        if (cellHeight(doc, { ...cell, text: cell.text.slice(0, mid) }, width) <= maxHeight) low = mid;
        else high = mid - 1;
      }
      const space = cell.text.lastIndexOf(' ', low);
      const cut = space > low / 2 ? space : Math.max(low, 1);
      head.push({ ...cell, text: cell.text.slice(0, cut) });
      tail.push({ ...cell, text: cell.text.slice(cut).trimStart() });
    });
    pieces.push(head);
    rest = tail;
  }
  pieces.push(rest);
  return pieces;
}

function drawTable(doc: Doc, block: Extract<Block, { type: 'table' }>): void {
  const available = doc.page.width - 2 * MARGIN;
  const total = block.columns.reduce((sum, column) => sum + column.width, 0) || 1;
  const widths = block.columns.map((column) => (column.width / total) * available);
  const headerCells = block.columns.map((column) => ({ text: column.title, bold: true }));
  const headerHeight = Math.max(...headerCells.map((cell, index) => cellHeight(doc, cell, widths[index]!)));
  const drawHeader = () => {
    drawRow(doc, headerCells, block.columns, widths, doc.y, headerHeight, true);
    doc.y += headerHeight;
  };
  const firstRowHeight = block.rows[0] ? Math.max(...block.rows[0].map((cell, index) => cellHeight(doc, cell, widths[index]!))) : 0;
  if (block.caption) {
    doc.font(BOLD).fontSize(9);
    ensureSpace(doc, doc.heightOfString(pdfSafe(block.caption)) + headerHeight + Math.min(firstRowHeight, 60) + 4);
    doc.text(pdfSafe(block.caption), MARGIN, doc.y, { width: available });
    doc.moveDown(0.2);
  } else {
    ensureSpace(doc, headerHeight + Math.min(firstRowHeight, 60));
  }
  drawHeader();
  const maxRowHeight = contentBottom(doc) - MARGIN - headerHeight - 4;
  for (const row of block.rows) {
    for (const piece of splitTallRow(doc, row, widths, maxRowHeight)) {
      const height = Math.max(...piece.map((cell, index) => cellHeight(doc, cell, widths[index]!)));
      if (doc.y + height > contentBottom(doc)) {
        doc.addPage();
        drawHeader();
      }
      drawRow(doc, piece, block.columns, widths, doc.y, height, false);
      doc.y += height;
    }
  }
  doc.x = MARGIN;
  doc.moveDown(0.8);
}

function drawText(doc: Doc, text: string, font: string, size: number, gapAfter: number, keepWithNext = 0): void {
  doc.font(font).fontSize(size);
  const safe = pdfSafe(text);
  ensureSpace(doc, doc.heightOfString(safe, { width: doc.page.width - 2 * MARGIN }) + keepWithNext);
  doc.fillColor('#0b0c0c').text(safe, MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
  doc.moveDown(gapAfter);
}

export function renderPdf(document: PaperDocument): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: document.landscape ? 'landscape' : 'portrait',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: document.title, Author: document.forceName },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  drawText(doc, document.forceName, BOLD, 10, 0.2);
  drawText(doc, document.title, BOLD, 18, 0.5);
  for (const block of document.blocks) {
    if (block.type === 'heading') drawText(doc, block.text, BOLD, [0, 14, 12, 10, 10][block.level]!, 0.3, 40);
    else if (block.type === 'paragraph') drawText(doc, block.text, block.italic ? ITALIC : block.bold ? BOLD : FONT, 9, 0.4);
    else drawTable(doc, block);
  }

  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing inside the margin must not start a new page
    doc
      .font(FONT)
      .fontSize(7)
      .fillColor('#505a5f')
      .text(pdfSafe(`${document.title} – page ${index + 1} of ${range.count}`), MARGIN, doc.page.height - MARGIN, {
        width: doc.page.width - 2 * MARGIN,
        align: 'right',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
