import { documentLines } from '../../api/papers/layout';
import { buildOverview } from '../../api/papers/overview';
import { renderPaper } from '../../api/papers/service';
import { pdfSafe } from '../../api/papers/render/pdf';
import { overviewDocument } from '../../api/papers/documents';
import { builtInPaperLayouts, type PaperLayout } from '../../domain/paperLayout';
import { docxText, htmlText, pdfText, words } from '../fixtures/papers/extractText';
import { paperDataAsAt } from '../fixtures/papers/fixture';
import { SAMPLE_AS_AT, SAMPLE_PREVIOUS, sample } from '../fixtures/papers/sample';

/**
 * The overview in the force's layout (domain/paperLayout.ts), from the sample force: the appendix layout prints one
 * appendix per closure level and then the super-complaints, each report a row with its recommendations and the
 * counts the appendix heads; the same words in HTML, Word and PDF. The standard layout is the golden files'.
 */

const FORCE = 'Demo Constabulary';
const data = paperDataAsAt(sample, SAMPLE_AS_AT);
const overview = (layout: PaperLayout) => buildOverview(data, { scheme: 'B', previousCommittee: SAMPLE_PREVIOUS, layout });
const roads = 'Roads Policing: Not optional';
const child = 'Child Protection – Demo Constabulary';

describe('the appendix layout', () => {
  const paper = overview(builtInPaperLayouts.appendices);
  const lines = documentLines(overviewDocument(paper, FORCE));
  const after = (heading: string) => lines.slice(lines.indexOf(heading));

  it('puts each report in the appendix of its items’ closure level, counted under the appendix’s headings', () => {
    expect(paper.sections.map((s) => s.spec.heading)).toEqual([
      'Appendix A: category 2 recommendations',
      'Appendix B: category 3 recommendations',
      'Appendix C: super-complaints',
    ]);
    const rows = paper.sections.map((s) =>
      s.groups.flatMap((g) => g.reports.map((r) => [r.date, r.title, r.outstanding, r.awaitingSignOff, r.closed])),
    );
    expect(rows).toEqual([
      // Item 11 of Roads Policing, category 2, closed (self-certified) since the last committee.
      [['Jul 2020', roads, 0, 0, 1]],
      // Child Protection: 2 signed off, 3 to be reality-tested; Roads Policing: 6 and 15 in progress, 14 with HMICFRS.
      [
        ['Jun 2019', child, 0, 1, 1],
        ['Jul 2020', roads, 2, 1, 0],
      ],
      [['Dec 2020', 'Police data sharing for immigration purposes', 1, 0, 0]],
    ]);
  });

  it('prints each appendix as a table with its category description, the status line and every recommendation', () => {
    const a = after('Appendix A: category 2 recommendations');
    expect(a.slice(1, 4)).toEqual([
      `Category 2: self-certified by the force. ${builtInPaperLayouts.appendices.categories['2'].description}`,
      'Date\tTitle\tStatus\tRecommendations\tTotal number outstanding\tTotal number closed',
      `Jul 2020\t${roads}\t${paper.sections[0]!.groups[0]!.reports[0]!.statusLine}\t11. Chief constables should make sure serious collision investigators are trained to national standards.\t0\t1`,
    ]);
    const b = after('Appendix B: category 3 recommendations');
    expect(b[1]).toMatch(/^Category 3: self-certified, HMICFRS follows up\. The force completes the work/);
    // The appendix heads its counts "awaiting HMICFRS sign-off / closed"; Roads Policing has items still in
    // progress, so the outstanding column is printed too rather than leave them uncounted.
    expect(b[2]).toBe(
      'Date\tTitle\tStatus\tRecommendations\tTotal number awaiting HMICFRS sign-off\tTotal number closed\tTotal number outstanding',
    );
    expect(b[3]).toMatch(
      /^Jun 2019\tChild Protection – Demo Constabulary\tThis report makes 2 recommendations.*\t3\. The force should make sure supervisors review every missing child episode\.\t1\t1\t0$/,
    );
    expect(b[4]).toContain('6. With immediate effect, chief constables should make sure their force has enough analytical capability');
    expect(b[4]).toMatch(/\t1\t0\t2$/);
  });

  it('prints no category table in the super-complaint appendix, nor anywhere it has not been asked for', () => {
    expect(lines.filter((line) => line.startsWith('Category\tOutstanding'))).toEqual([]);
    const c = after('Appendix C: super-complaints');
    expect(c[1]).toBe('Date\tTitle\tStatus\tRecommendations\tTotal number outstanding\tTotal number closed');
    expect(c[2]).toMatch(/^Dec 2020\tPolice data sharing for immigration purposes\t.*\t1\. Where officers only have doubts/);
    expect(c).toHaveLength(3);
  });

  it('says the same in HTML, Word and PDF', async () => {
    expect(htmlText((await renderPaper(paper, 'html', FORCE)).toString('utf8'))).toEqual(lines);
    expect(docxText(await renderPaper(paper, 'docx', FORCE))).toEqual(lines);
    // PDF lines wrap, at a hyphen too ("self- certified"): compared cell by cell, words joined again.
    const joined = (text: string) => words(pdfSafe(text)).replace(/(\w)- (\w)/g, '$1-$2');
    const pdf = joined(pdfText(await renderPaper(paper, 'pdf', FORCE)).join(' '));
    for (const line of lines) for (const cell of line.split('\t')) expect(pdf).toContain(joined(cell));
  });
});

describe('the standard layout, changed', () => {
  it('counts items awaiting sign-off apart when the layout says so, in each report and the note under the table', () => {
    const layout = { ...builtInPaperLayouts.standard, counting: 'awaiting_sign_off_apart' as const };
    const lines = documentLines(overviewDocument(overview(layout), FORCE));
    expect(lines).toContain('Total number outstanding: 2. Total number awaiting HMICFRS sign-off: 1. Total number closed: 1.');
    expect(lines.some((l) => l.endsWith('counts items self-certified and awaiting HMICFRS sign-off apart, not as outstanding.'))).toBe(
      true,
    );
    const standard = documentLines(overviewDocument(overview(builtInPaperLayouts.standard), FORCE));
    expect(standard).toContain('Total number outstanding: 3. Total number closed: 1.');
  });

  it('prints dates in the chosen style, the force’s category labels, and groups under sub-headings', () => {
    const layout: PaperLayout = structuredClone(builtInPaperLayouts.standard);
    layout.dateStyle = 'numeric';
    layout.categories['3'].label = 'Category 3 – awaiting HMICFRS';
    layout.sections[0]!.grouping = 'closure_category';
    layout.sections[0]!.descriptions = true;
    layout.sections[0]!.columns = [
      { key: 'text', heading: 'What HMICFRS asked' },
      { key: 'state', heading: 'Where it stands' },
    ];
    const paper = overview(layout);
    const lines = documentLines(overviewDocument(paper, FORCE));
    expect(lines).toContain('Category 3 – awaiting HMICFRS\t2\t2\t0\t1\t0\t5');
    const grouped = lines.slice(lines.indexOf('Category 2: self-certified by the force'));
    expect(grouped.slice(0, 3)).toEqual([
      'Category 2: self-certified by the force',
      layout.categories['2'].description,
      `07/2020 – ${roads}`,
    ]);
    expect(lines).toContain('What HMICFRS asked\tWhere it stands');
    expect(lines.indexOf('Category 3 – awaiting HMICFRS', lines.indexOf('Category 2: self-certified by the force'))).toBeGreaterThan(0);
    expect(lines).toContain(`06/2019 – ${child}`);
  });
});

describe('columns in the layout’s order', () => {
  const layout: PaperLayout = structuredClone(builtInPaperLayouts.appendices);
  // A count before the title, the date last; the items' state before their text.
  layout.sections[0]!.columns = [
    { key: 'closed', heading: 'Closed' },
    { key: 'title', heading: 'Report' },
    { key: 'recommendations', heading: 'Recommendations' },
    { key: 'outstanding', heading: 'Outstanding' },
    { key: 'date', heading: 'Published' },
  ];
  layout.sections[2] = {
    ...layout.sections[2]!,
    style: 'report_blocks',
    columns: [
      { key: 'state', heading: 'Where it stands' },
      { key: 'reference', heading: 'No.' },
      { key: 'text', heading: 'What HMICFRS asked' },
    ],
  };
  const paper = overview(layout);
  const lines = documentLines(overviewDocument(paper, FORCE));
  const roadsRow = `1\t${roads}\t11. Chief constables should make sure serious collision investigators are trained to national standards.\t0\tJul 2020`;
  const superComplaintRow = /^In progress\t1\tWhere officers only have doubts/;

  it('prints a report table’s columns and an item table’s in the order the layout lists them', () => {
    const a = lines.slice(lines.indexOf('Appendix A: category 2 recommendations'));
    expect(a[2]).toBe('Closed\tReport\tRecommendations\tOutstanding\tPublished');
    expect(a[3]).toBe(roadsRow);
    const c = lines.slice(lines.indexOf('Appendix C: super-complaints'));
    expect(c).toContain('Where it stands\tNo.\tWhat HMICFRS asked');
    expect(c.some((line) => superComplaintRow.test(line))).toBe(true);
  });

  it('in HTML, Word and PDF alike', async () => {
    expect(htmlText((await renderPaper(paper, 'html', FORCE)).toString('utf8'))).toEqual(lines);
    expect(docxText(await renderPaper(paper, 'docx', FORCE))).toEqual(lines);
    // PDF cells are drawn left to right, so a header row's words come in its columns' order.
    const pdf = words(pdfText(await renderPaper(paper, 'pdf', FORCE)).join(' '));
    expect(pdf).toContain(words('Closed Report Recommendations Outstanding Published'));
    expect(pdf).toContain(words('Where it stands No. What HMICFRS asked'));
  });
});
