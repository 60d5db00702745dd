import fs from 'node:fs';
import path from 'node:path';
import { documentLines } from '../../api/papers/layout';
import type { PaperFormat } from '../../api/papers/model';
import { formatsOf } from '../../api/papers/model';
import { buildOverview } from '../../api/papers/overview';
import { buildQuarterly } from '../../api/papers/quarterly';
import { pdfSafe } from '../../api/papers/render/pdf';
import { layOut, renderPaper, tabulate, type BuiltPaper } from '../../api/papers/service';
import { buildTracker } from '../../api/papers/tracker';
import { docxText, htmlText, pdfText, words, xlsxText } from '../fixtures/papers/extractText';
import { paperDataAsAt } from '../fixtures/papers/fixture';
import { SAMPLE_AS_AT, SAMPLE_PREVIOUS, sample } from '../fixtures/papers/sample';

/**
 * Golden files: each paper of the sample force rendered in each of its formats, read back as text and compared
 * with tests/fixtures/papers/golden/<paper>.<format>.txt. After an intended change to a paper's words or layout,
 * regenerate them with `UPDATE_GOLDEN=1 npx jest tests/unit/papersRender.test.ts` and review the diff.
 * Each format is also checked against the laid-out document, so the formats cannot drift apart.
 */

const FORCE = 'Demo Constabulary';
const goldenDir = path.join(__dirname, '..', 'fixtures', 'papers', 'golden');

const papers: Record<BuiltPaper['kind'], () => BuiltPaper> = {
  overview: () => buildOverview(paperDataAsAt(sample, SAMPLE_AS_AT), { scheme: 'B', previousCommittee: SAMPLE_PREVIOUS }),
  quarterly: () =>
    buildQuarterly(paperDataAsAt(sample, SAMPLE_AS_AT), paperDataAsAt(sample, SAMPLE_PREVIOUS), {
      previousQuarter: SAMPLE_PREVIOUS,
      quarterBeforeThat: '2020-09-30',
      scheme: 'B',
    }),
  tracker: () => buildTracker(paperDataAsAt(sample, SAMPLE_AS_AT), { scheme: 'A', previousReport: SAMPLE_PREVIOUS }),
};

async function textOf(format: PaperFormat, body: Buffer): Promise<string[]> {
  switch (format) {
    case 'html':
      return htmlText(body.toString('utf8'));
    case 'docx':
      return docxText(body);
    case 'pdf':
      return pdfText(body);
    case 'xlsx':
      return xlsxText(body);
    case 'csv':
      return body
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .split('\r\n');
  }
}

function golden(name: string, lines: string[]): void {
  const file = path.join(goldenDir, name);
  const text = `${lines.join('\n')}\n`;
  if (process.env.UPDATE_GOLDEN === '1' || !fs.existsSync(file)) {
    fs.mkdirSync(goldenDir, { recursive: true });
    fs.writeFileSync(file, text);
    if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`${name} had no golden file; one was written: review it and run again`);
  }
  expect(text).toBe(fs.readFileSync(file, 'utf8'));
}

describe.each(Object.keys(papers) as BuiltPaper['kind'][])('the %s paper', (kind) => {
  const paper = papers[kind]();
  const document = layOut(paper, FORCE);

  it.each(formatsOf[kind].map((format) => [format]))('as %s matches its golden file', async (format) => {
    const body = await renderPaper(paper, format as PaperFormat, FORCE);
    golden(`${kind}.${format}.txt`, await textOf(format as PaperFormat, body));
  });

  it('says the same in HTML and Word as the laid-out document, line for line', async () => {
    const expected = documentLines(document);
    expect(htmlText((await renderPaper(paper, 'html', FORCE)).toString('utf8'))).toEqual(expected);
    expect(docxText(await renderPaper(paper, 'docx', FORCE))).toEqual(expected);
  });

  it('says the same in the PDF, word for word (lines wrap; pages have footers and repeat table headers)', async () => {
    const lines = pdfText(await renderPaper(paper, 'pdf', FORCE)).filter((line) => !/ – page \d+ of \d+$/.test(line));
    const headers = [
      ...new Set(
        document.blocks.flatMap((block) => (block.type === 'table' ? [words(pdfSafe(block.columns.map((c) => c.title).join(' ')))] : [])),
      ),
    ];
    const withoutHeaders = (text: string) => headers.reduce((rest, header) => rest.split(header).join(' '), text);
    expect(words(withoutHeaders(words(lines.join(' '))))).toBe(words(withoutHeaders(words(pdfSafe(documentLines(document).join(' '))))));
  });

  if (formatsOf[kind].includes('xlsx')) {
    it('puts every row of its tables in the workbook and the CSV', async () => {
      const sheets = tabulate(paper)!;
      const workbook = await xlsxText(await renderPaper(paper, 'xlsx', FORCE));
      const expected = sheets.sheets.flatMap((sheet) => [
        `# ${sheet.name}`,
        sheet.columns.map((c) => c.title).join('\t'),
        ...sheet.rows.map((row) => row.join('\t')),
      ]);
      expect(workbook).toEqual(expected);
      const csv = (await renderPaper(paper, 'csv', FORCE)).toString('utf8');
      expect(csv.startsWith('\uFEFF')).toBe(true);
      expect(csv.trimEnd().split('\r\n')).toHaveLength(sheets.sheets[sheets.csvSheet]!.rows.length + 1);
    });
  }
});
