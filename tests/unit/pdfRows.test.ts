import zlib from 'node:zlib';
import type { Cell, PaperDocument } from '../../api/papers/layout';
import { buildOverview } from '../../api/papers/overview';
import { buildQuarterly } from '../../api/papers/quarterly';
import { renderPdf } from '../../api/papers/render/pdf';
import { layOut, type BuiltPaper } from '../../api/papers/service';
import { buildTracker } from '../../api/papers/tracker';
import { paperDataAsAt } from '../fixtures/papers/fixture';
import { SAMPLE_AS_AT, SAMPLE_PREVIOUS, sample } from '../fixtures/papers/sample';
import { builtInPaperLayouts } from '../../domain/paperLayout';

const MARGIN = 36;
type Box = { top: number; bottom: number };

/** Each page's cell borders in the first column of tables (pdfkit's `x y w h re`, y counted down from the top). */
function firstColumnCells(pdf: Buffer): Box[][] {
  const raw = pdf.toString('latin1');
  const pages: Box[][] = [];
  let from = 0;
  for (;;) {
    const start = raw.indexOf('stream\n', from);
    if (start < 0) break;
    const end = raw.indexOf('\nendstream', start);
    from = end + 10;
    const dictionary = raw.slice(raw.lastIndexOf('<<', start), start);
    let content: string;
    try {
      content = (/FlateDecode/.test(dictionary) ? zlib.inflateSync(pdf.subarray(start + 7, end)) : pdf.subarray(start + 7, end)).toString(
        'latin1',
      );
    } catch {
      continue;
    }
    if (!/ Tf\b/.test(content)) continue; // fonts and images, not a page
    const boxes = new Map<string, Box>();
    for (const match of content.matchAll(/([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re/g)) {
      if (Math.abs(Number(match[1]) - MARGIN) > 0.01) continue;
      const top = Number(match[2]);
      boxes.set(match[2]!, { top, bottom: top + Number(match[4]) });
    }
    pages.push([...boxes.values()].sort((a, b) => a.top - b.top));
  }
  return pages;
}

const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

function oneLineTable(rows: number): PaperDocument {
  return {
    title: 'Rows',
    forceName: 'Demo Constabulary',
    landscape: true,
    blocks: [
      {
        type: 'table',
        columns: [
          { title: 'Reference', width: 1 },
          { title: 'Text', width: 4 },
        ],
        rows: Array.from({ length: rows }, (_, index): Cell[] => [{ text: `R${index + 1}` }, { text: 'One line' }]),
      },
    ],
  };
}

/** Every row of a table (header included) starts where the row above it ends, on every page. */
function expectRowsTouch(pdf: Buffer): number {
  let rows = 0;
  for (const cells of firstColumnCells(pdf)) {
    cells.slice(1).forEach((cell, index) => expect(cell.top).toBeCloseTo(cells[index]!.bottom, 2));
    rows += cells.length;
  }
  return rows;
}

describe('tables in the PDF', () => {
  it('draw each row directly under the one before, with no blank line between', async () => {
    const pdf = await renderPdf(oneLineTable(20));
    expect(expectRowsTouch(pdf)).toBe(21);
  });

  it('fit about 30 one-line rows on a landscape page, so 125 rows take 5 pages, not 9', async () => {
    const pdf = await renderPdf(oneLineTable(125));
    expect(pageCount(pdf)).toBeLessThanOrEqual(5);
    // The header row is repeated on each page.
    expect(expectRowsTouch(pdf)).toBe(125 + pageCount(pdf));
  });

  const papers: Record<BuiltPaper['kind'] | 'overview in appendices', () => BuiltPaper> = {
    overview: () => buildOverview(paperDataAsAt(sample, SAMPLE_AS_AT), { scheme: 'B', previousCommittee: SAMPLE_PREVIOUS }),
    'overview in appendices': () =>
      buildOverview(paperDataAsAt(sample, SAMPLE_AS_AT), {
        scheme: 'B',
        previousCommittee: SAMPLE_PREVIOUS,
        layout: builtInPaperLayouts.appendices,
      }),
    quarterly: () =>
      buildQuarterly(paperDataAsAt(sample, SAMPLE_AS_AT), paperDataAsAt(sample, SAMPLE_PREVIOUS), {
        previousQuarter: SAMPLE_PREVIOUS,
        quarterBeforeThat: '2020-09-30',
        scheme: 'B',
      }),
    tracker: () => buildTracker(paperDataAsAt(sample, SAMPLE_AS_AT), { scheme: 'A', previousReport: SAMPLE_PREVIOUS }),
  };

  it.each(Object.keys(papers))('in the %s paper, every table: rows touch, header and rows alike', async (kind) => {
    const document = layOut(papers[kind as keyof typeof papers](), 'Demo Constabulary');
    const tables = document.blocks.filter((block) => block.type === 'table');
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables) {
      const rows = expectRowsTouch(await renderPdf({ ...document, blocks: [table] }));
      expect(rows).toBeGreaterThanOrEqual(table.rows.length + 1);
    }
  });
});
