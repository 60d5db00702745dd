import {
  coverReportBlocks,
  coverReportSchema,
  coverSections,
  defaultCoverReport,
  type SavedCoverReport,
} from '../../api/papers/coverReport';
import type { PaperFormat } from '../../api/papers/model';
import { buildOverview } from '../../api/papers/overview';
import { buildTracker } from '../../api/papers/tracker';
import { renderPaper, type BuiltPaper } from '../../api/papers/service';
import { docxText, htmlText, pdfText, unzip, words } from '../fixtures/papers/extractText';
import { paperDataAsAt } from '../fixtures/papers/fixture';
import { SAMPLE_AS_AT, SAMPLE_PREVIOUS, sample } from '../fixtures/papers/sample';

/** The cover report: printed first in HTML, Word and PDF, absent from spreadsheets, and checked field by field. */

const FORCE = 'Demo Constabulary';

const cover = (kind: BuiltPaper['kind']): SavedCoverReport => ({
  kind,
  text: {
    ...defaultCoverReport(kind),
    background: 'The force was inspected in 2019.\n\nThis is the third update to the panel.',
    humanResources: '',
  },
  savedAt: '2021-03-01T10:00:00.000Z',
  savedBy: 'Hannah Whitcombe',
});

const overview = () => buildOverview(paperDataAsAt(sample, SAMPLE_AS_AT), { scheme: 'B', previousCommittee: SAMPLE_PREVIOUS });

async function lines(format: Exclude<PaperFormat, 'xlsx' | 'csv'>, paper: BuiltPaper, withCover: SavedCoverReport | null) {
  const body = await renderPaper(paper, format, FORCE, [], withCover);
  if (format === 'html') return htmlText(body.toString('utf8'));
  if (format === 'docx') return docxText(body);
  return pdfText(body)
    .map(words)
    .filter((line) => !/ – page \d+ of \d+$/.test(line));
}

describe('the cover report in a rendered paper', () => {
  it.each(['html', 'docx', 'pdf'] as const)('comes first in %s, before the paper it covers', async (format) => {
    const paper = overview();
    const text = await lines(format, paper, cover('overview'));
    const at = (line: string) => text.findIndex((l) => l.includes(line));
    expect(text.slice(0, 3)).toEqual([FORCE, 'HMICFRS inspections: current overview', 'Cover report']);
    expect(at('Report to: Audit and Scrutiny Panel')).toBe(3);
    expect(at('2. Recommendation')).toBeGreaterThan(at('1. Purpose of the report'));
    expect(text[at('2. Recommendation') + 1]).toBe('That the progress update be noted.');
    // Two paragraphs of background stay two paragraphs; an empty section is left out and the numbering follows.
    expect(text).toEqual(expect.arrayContaining(['The force was inspected in 2019.', 'This is the third update to the panel.']));
    expect(at('Human resources implications')).toBe(-1);
    expect(at('4. Financial implications and budget provision')).toBeGreaterThan(0);
    // The paper itself follows the whole cover report, unchanged (in PDF, line for line but for table headers repeated
    // where a page breaks, which move with the cover report's pages).
    const paperStart = at('Recommendations by HMICFRS closure category');
    expect(at('Appendix: HMICFRS inspections: current overview.')).toBeLessThan(paperStart);
    const without = await lines(format, paper, null);
    const rest = without.slice(without.indexOf('Recommendations by HMICFRS closure category'));
    if (format === 'pdf') expect(text.slice(paperStart)).toEqual(expect.arrayContaining(rest));
    else expect(text.slice(paperStart)).toEqual(rest);
  });

  it('leaves the spreadsheets as they were', async () => {
    const tracker = buildTracker(paperDataAsAt(sample, SAMPLE_AS_AT), { scheme: 'A', previousReport: SAMPLE_PREVIOUS });
    expect(await renderPaper(tracker, 'csv', FORCE, [], cover('tracker'))).toEqual(await renderPaper(tracker, 'csv', FORCE));
    // Part by part: the zip stamps each part with the clock, so two renders a second apart differ as bytes.
    const parts = async (withCover: boolean) =>
      Object.fromEntries(
        [...unzip(await renderPaper(tracker, 'xlsx', FORCE, [], withCover ? cover('tracker') : null))].map(([name, bytes]) => [
          name,
          bytes.toString('utf8'),
        ]),
      );
    expect(await parts(true)).toEqual(await parts(false));
  });

  it('numbers its sections and ends with the appendix it covers', () => {
    const blocks = coverReportBlocks('tracker', defaultCoverReport('tracker'));
    const headings = blocks.filter((b) => b.type === 'heading').map((b) => b.text);
    expect(headings[0]).toBe('Cover report');
    expect(headings.at(-1)).toBe(`${coverSections.length - 1}. Appendix`);
    expect(blocks.at(-1)).toEqual({ type: 'paragraph', text: 'Appendix: Inspection report recommendations: tracker.' });
  });
});

describe('checking a cover report', () => {
  const valid = defaultCoverReport('quarterly');

  it('trims every section and keeps line breaks', () => {
    const checked = coverReportSchema.parse({ ...valid, background: '  First.\r\nSecond.  ' });
    expect(checked.background).toBe('First.\nSecond.');
  });

  it('names each field that is missing, too long, not text or unknown', () => {
    const result = coverReportSchema.safeParse({
      ...valid,
      recommendation: '   ',
      purpose: 'x'.repeat(2001),
      risk: 3,
      appendix: 'extra',
    });
    expect(result.success).toBe(false);
    const problems = result.error!.issues.map((issue) => [issue.path.join('.') || issue.code, issue.message]);
    expect(problems).toEqual(
      expect.arrayContaining([
        ['recommendation', 'Enter the recommendation'],
        ['purpose', 'Purpose of the report must be 2,000 characters or fewer'],
        ['risk', 'Risk management must be text'],
      ]),
    );
    expect(result.error!.issues.some((issue) => issue.code === 'unrecognized_keys')).toBe(true);
  });

  it('accepts an empty optional section, and a section at its limit', () => {
    expect(coverReportSchema.safeParse({ ...valid, equality: '', background: 'b'.repeat(6000) }).success).toBe(true);
  });
});
