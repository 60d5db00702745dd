import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  PageOrientation,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { Block, Cell, Column, PaperDocument } from '../layout';

/** A paper as a Word document: A4 (landscape for wide tables), headings, and tables whose header repeats on each page. */

const A4_SHORT = 11906; // twips
const A4_LONG = 16838;
const MARGIN = 720; // half an inch
const FONT = 'Arial';
const SIZE = 18; // half-points: 9 pt, as committee papers' tables are printed

const headingLevels = {
  1: HeadingLevel.HEADING_1,
  2: HeadingLevel.HEADING_2,
  3: HeadingLevel.HEADING_3,
  4: HeadingLevel.HEADING_4,
} as const;

/** Word keeps line breaks only as breaks inside a run. */
function runs(text: string, options: { bold?: boolean; italics?: boolean; color?: string; size?: number } = {}): TextRun[] {
  return text
    .split('\n')
    .map(
      (line, index) => new TextRun({ text: line, break: index > 0 ? 1 : undefined, font: FONT, size: options.size ?? SIZE, ...options }),
    );
}

function tableCell(cell: Cell, column: Column | undefined, width: number, header: boolean): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    shading: cell.fill
      ? { fill: cell.fill, type: ShadingType.CLEAR, color: 'auto' }
      : header
        ? { fill: 'F3F2F1', type: ShadingType.CLEAR, color: 'auto' }
        : undefined,
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    children: [
      new Paragraph({
        alignment: column?.numeric ? AlignmentType.RIGHT : AlignmentType.LEFT,
        children: runs(cell.text, { bold: header || cell.bold, color: cell.ink }),
      }),
    ],
  });
}

function table(block: Extract<Block, { type: 'table' }>, pageWidth: number): (Paragraph | Table)[] {
  const total = block.columns.reduce((sum, column) => sum + column.width, 0) || 1;
  const widths = block.columns.map((column) => Math.floor((column.width / total) * pageWidth));
  const header = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: block.columns.map((column, index) => tableCell({ text: column.title }, column, widths[index]!, true)),
  });
  const rows = block.rows.map(
    (row) =>
      new TableRow({ cantSplit: true, children: row.map((cell, index) => tableCell(cell, block.columns[index], widths[index]!, false)) }),
  );
  const parts: (Paragraph | Table)[] = [];
  if (block.caption)
    parts.push(new Paragraph({ keepNext: true, spacing: { before: 120, after: 60 }, children: runs(block.caption, { bold: true }) }));
  parts.push(
    new Table({
      width: { size: pageWidth, type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      rows: [header, ...rows],
    }),
  );
  parts.push(new Paragraph({ children: [] }));
  return parts;
}

export async function renderDocx(document: PaperDocument): Promise<Buffer> {
  const pageWidth = (document.landscape ? A4_LONG : A4_SHORT) - 2 * MARGIN;
  const children: (Paragraph | Table)[] = [
    new Paragraph({ children: runs(document.forceName, { bold: true, color: '505A5F', size: 22 }) }),
    new Paragraph({ heading: HeadingLevel.TITLE, children: runs(document.title, { bold: true, size: 36 }) }),
  ];
  for (const block of document.blocks) {
    if (block.type === 'heading') {
      children.push(
        new Paragraph({
          heading: headingLevels[block.level],
          keepNext: true,
          spacing: { before: 240, after: 80 },
          children: runs(block.text, { bold: true, size: [0, 32, 26, 22, 21][block.level] }),
        }),
      );
    } else if (block.type === 'paragraph') {
      children.push(
        new Paragraph({ spacing: { after: 80 }, children: runs(block.text, { bold: block.bold, italics: block.italic, size: 20 }) }),
      );
    } else {
      children.push(...table(block, pageWidth));
    }
  }
  const doc = new Document({
    creator: document.forceName,
    title: document.title,
    styles: { default: { document: { run: { font: FONT, size: SIZE } } } },
    sections: [
      {
        properties: {
          page: {
            // Portrait measurements: docx swaps them for a landscape page.
            size: {
              width: A4_SHORT,
              height: A4_LONG,
              orientation: document.landscape ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT,
            },
            margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
          },
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
