import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtInPaperLayouts, type PaperLayout } from '../../domain/paperLayout';
import { apiClient, tokenFor, type ApiClient, type Problem } from '../support/apiClient';
import { OpenApiValidator } from '../support/openApiValidator';
import { startTestProduct, type TestProduct } from '../support/testProduct';
import { docxText, htmlText, pdfText, words } from '../fixtures/papers/extractText';
import { addTrackerPeople, importTrackerFile, trackerCsv, ukDate, type TrackerRow } from '../fixtures/papers/trackerFile';

interface Draft {
  layout: PaperLayout;
  saved: { at: string; by: string } | null;
  builtIn: Record<'standard' | 'appendices', PaperLayout>;
}

const artifacts = path.join(__dirname, '..', '..', 'artifacts');

/**
 * The overview's layout over HTTP: the standard layout until one is saved, bad layouts refused field by field with
 * nothing written, a save on the audit trail, and the appendix layout printed in HTML, Word and PDF from a tracker
 * imported as a force keeps it (categories 2 and 3, items in progress, with HMICFRS and closed, a super-complaint).
 * The PDF's pages are drawn to artifacts/paper-layout-appendices-<n>.png with poppler's pdftoppm.
 */
describe('the layout of the committee overview', () => {
  let product: TestProduct;
  let api: ApiClient;
  let people: Record<string, { id: string; email: string }>;

  beforeAll(async () => {
    product = await startTestProduct();
    people = await addTrackerPeople(product, {
      'Ann Owner': ['action_owner'],
      'Len Lead': ['lead'],
      'Dee Deputy': ['dcc'],
      'Ada Admin': ['administrator'],
      'Vic Viewer': ['viewer'],
    });
    api = apiClient(product);
    api.actingAs(people['Ada Admin']!.id);
    const row = (
      report: string,
      kind: string,
      published: string,
      reference: string,
      category: string,
      status: string,
      text: string,
    ): TrackerRow => ({
      'Report title': report,
      Originator: 'HMICFRS',
      'Source kind': kind,
      Scope: 'national',
      'Published on': ukDate(published),
      Reference: reference,
      'Item kind': 'recommendation',
      Text: text,
      'For the force': 'yes',
      Category: category,
      'Owner email': people['Ann Owner']!.email,
      'Lead email': people['Len Lead']!.email,
      'Due date': '31/12/2021',
      Status: status,
      'Logged on': ukDate(published),
      'Status since': '01/06/2021',
    });
    const custody = 'Custody services in a Covid-19 environment';
    const stalking = 'Stalking and harassment';
    const rows = [
      row(custody, 'inspection', '2019-09-10', '1', '2', 'In progress', 'Track the numbers of detainees with COVID-19.'),
      row(custody, 'inspection', '2019-09-10', '2', '2', 'Self-certified', 'Record the length of time detainees remain in custody.'),
      row(custody, 'inspection', '2019-09-10', '3', '3', 'Submitted to HMICFRS', 'Evaluate virtual remand hearings.'),
      row(custody, 'inspection', '2019-09-10', '4', '3', 'Signed off', 'Record the use of bail and released under investigation.'),
      row(stalking, 'inspection', '2020-02-03', '1', '3', 'Awaiting HMICFRS sign-off', 'Record breaches of orders as crimes.'),
      row(stalking, 'inspection', '2020-02-03', '2', '3', 'Reality test at next inspection', 'Brief officers on patterns of offending.'),
      row(
        'Police data sharing for immigration purposes',
        'super complaint',
        '2020-12-17',
        '1',
        '2',
        'In progress',
        'Stop sharing information on victims’ immigration status.',
      ),
    ];
    await importTrackerFile(product, people['Ada Admin']!.id, trackerCsv(rows));
  }, 180_000);
  afterAll(() => product?.stop());

  const auditEvents = () =>
    product.app.dataSource.query(
      `SELECT entity_id, type, actor_id, before, after FROM audit_events WHERE entity_type = 'paper_layout' ORDER BY id`,
    ) as Promise<{ entity_id: string; type: string; actor_id: string; before: PaperLayout | null; after: PaperLayout }[]>;

  async function paper(format: 'html' | 'docx' | 'pdf'): Promise<Buffer> {
    const response = await fetch(`${product.baseUrl}/api/papers/overview?format=${format}&asAt=2021-07-01`, {
      headers: { authorization: `Bearer ${await tokenFor(product, people['Vic Viewer']!.id)}` },
    });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }

  it('is the standard layout until one is saved', async () => {
    const draft = await api.call<Draft>('GET', '/api/settings/paper-layout', undefined, people['Vic Viewer']!.id);
    expect(draft.status).toBe(200);
    expect(draft.body).toEqual({ layout: builtInPaperLayouts.standard, saved: null, builtIn: builtInPaperLayouts });
    const lines = htmlText((await paper('html')).toString('utf8'));
    expect(lines).toContain('Recommendations by HMICFRS closure category');
    expect(lines).toContain('Sep 2019 – Custody services in a Covid-19 environment');
    // Counted as outstanding until HMICFRS agrees: 1 in progress and 1 with HMICFRS.
    expect(lines).toContain('Total number outstanding: 2. Total number closed: 2.');
  });

  it('refuses a bad layout, naming each field and its reason, and writes nothing', async () => {
    const bad = structuredClone(builtInPaperLayouts.appendices) as PaperLayout;
    bad.counting = 'sometimes' as never;
    bad.sections[0]!.columns[0]!.heading = '';
    const answer = await api.call<Problem>('PUT', '/api/settings/paper-layout', bad);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { field: 'body.counting', message: 'must be one of outstanding_until_signed_off, awaiting_sign_off_apart' },
      { field: 'body.sections[0].columns[0].heading', message: 'Enter the column heading' },
    ]);
    // Once each field is right, every report and item must be in a section.
    const gap = structuredClone(builtInPaperLayouts.appendices) as PaperLayout;
    gap.sections[1]!.categories = ['3', 'unset'];
    const uncovered = await api.call<Problem>('PUT', '/api/settings/paper-layout', gap);
    expect(uncovered.status).toBe(400);
    expect(uncovered.body.errors).toEqual([
      { field: 'body.sections', message: 'Inspections of category 4 are in no section: add category 4 to a section that takes them' },
      {
        field: 'body.sections',
        message: 'Joint thematic inspections of category 4 are in no section: add category 4 to a section that takes them',
      },
    ]);
    // Only administrators change it.
    const refused = await api.call('PUT', '/api/settings/paper-layout', builtInPaperLayouts.appendices, people['Vic Viewer']!.id);
    expect(refused.status).toBe(403);
    expect(await auditEvents()).toEqual([]);
    expect((await api.call<Draft>('GET', '/api/settings/paper-layout')).body.saved).toBeNull();
  });

  it('saves the appendix layout with an audit event', async () => {
    const saved = await api.call<Draft>('PUT', '/api/settings/paper-layout', builtInPaperLayouts.appendices);
    expect(saved.status).toBe(200);
    expect(saved.body.layout).toEqual(builtInPaperLayouts.appendices);
    expect(saved.body.saved!.by).toBe('Ada Admin');
    // As /api/openapi.json documents it, as is the refusal of a bad layout.
    const validator = await OpenApiValidator.load(product.baseUrl);
    expect(validator.problems('PUT', '/api/settings/paper-layout', 200, 'application/json', saved.body)).toEqual([]);
    const draft = await api.call<Draft>('GET', '/api/settings/paper-layout');
    expect(validator.problems('GET', '/api/settings/paper-layout', 200, 'application/json', draft.body)).toEqual([]);
    const bad = await api.call<Problem>('PUT', '/api/settings/paper-layout', { ...builtInPaperLayouts.appendices, sections: [] });
    expect(bad.status).toBe(400);
    expect(validator.problems('PUT', '/api/settings/paper-layout', 400, 'application/problem+json', bad.body)).toEqual([]);
    expect(await auditEvents()).toEqual([
      {
        entity_id: 'overview',
        type: 'paper_layout_saved',
        actor_id: people['Ada Admin']!.id,
        before: null,
        after: builtInPaperLayouts.appendices,
      },
    ]);
    expect((await api.call<Draft>('GET', '/api/settings/paper-layout', undefined, people['Vic Viewer']!.id)).body.layout.name).toBe(
      builtInPaperLayouts.appendices.name,
    );
  });

  const status = (made: number, complete: number, awaiting: number, inProgress: number) =>
    `This report makes ${made} recommendations; ${made === 2 ? 'both are' : `all ${made} are`} for the force; ${complete} complete, ${awaiting ? `${awaiting} self-certified, awaiting HMICFRS sign-off, ` : ''}${inProgress} in progress.`;
  const expected = [
    'Appendix A: category 2 recommendations',
    `Category 2: self-certified by the force. ${builtInPaperLayouts.appendices.categories['2'].description}`,
    'Date\tTitle\tStatus\tRecommendations\tTotal number outstanding\tTotal number closed',
    `Sept 2019\tCustody services in a Covid-19 environment\t${status(4, 2, 1, 1)}\t1. Track the numbers of detainees with COVID-19.\n\n2. Record the length of time detainees remain in custody.\t1\t1`,
    'Appendix B: category 3 recommendations',
    `Category 3: self-certified, HMICFRS follows up. ${builtInPaperLayouts.appendices.categories['3'].description}`,
    'Date\tTitle\tStatus\tRecommendations\tTotal number awaiting HMICFRS sign-off\tTotal number closed',
    `Sept 2019\tCustody services in a Covid-19 environment\t${status(4, 2, 1, 1)}\t3. Evaluate virtual remand hearings.\n\n4. Record the use of bail and released under investigation.\t1\t1`,
    `Feb 2020\tStalking and harassment\t${status(2, 0, 2, 0)}\t1. Record breaches of orders as crimes.\n\n2. Brief officers on patterns of offending.\t2\t0`,
    'Appendix C: super-complaints',
    'Date\tTitle\tStatus\tRecommendations\tTotal number outstanding\tTotal number closed',
    'Dec 2020\tPolice data sharing for immigration purposes\tThis report makes 1 recommendation; 1 is for the force; 0 complete, 1 in progress.\t1. Stop sharing information on victims’ immigration status.\t1\t0',
  ];

  it('prints the appendix layout in HTML and Word, with the counts each appendix heads', async () => {
    const html = htmlText((await paper('html')).toString('utf8'));
    expect(html.slice(html.indexOf(expected[0]!))).toEqual(expected);
    expect(html.some((line) => line.startsWith('Category\tOutstanding'))).toBe(false);
    const docx = docxText(await paper('docx'));
    expect(docx.slice(docx.indexOf(expected[0]!))).toEqual(expected);
  });

  it('prints it in PDF, and draws its pages to artifacts/', async () => {
    const pdf = await paper('pdf');
    const joined = (text: string) => words(text).replace(/(\w)- (\w)/g, '$1-$2');
    const text = joined(pdfText(pdf).join(' '));
    for (const line of expected) for (const cell of line.split('\t')) expect(text).toContain(joined(cell.replace(/’/g, '’')));
    expect(text.indexOf('Appendix A')).toBeLessThan(text.indexOf('Appendix B'));
    expect(text.indexOf('Appendix B')).toBeLessThan(text.indexOf('Appendix C'));

    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-layout-'));
    fs.writeFileSync(path.join(folder, 'overview.pdf'), pdf);
    try {
      execFileSync('pdftoppm', ['-png', '-r', '80', path.join(folder, 'overview.pdf'), path.join(folder, 'page')]);
    } catch (error) {
      throw new Error(`pdftoppm could not draw the PDF's pages (install poppler-utils, as .ci/run does): ${(error as Error).message}`);
    }
    const pages = fs
      .readdirSync(folder)
      .filter((f) => f.endsWith('.png'))
      .sort();
    expect(pages.length).toBeGreaterThan(0);
    fs.mkdirSync(artifacts, { recursive: true });
    pages.forEach((page, index) =>
      fs.copyFileSync(path.join(folder, page), path.join(artifacts, `paper-layout-appendices-${index + 1}.png`)),
    );
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('prints the columns in the order a PUT lists them', async () => {
    const reordered = structuredClone(builtInPaperLayouts.appendices) as PaperLayout;
    reordered.sections[0]!.columns = [
      { key: 'outstanding', heading: 'Outstanding' },
      { key: 'closed', heading: 'Closed' },
      { key: 'title', heading: 'Report' },
      { key: 'date', heading: 'Published' },
    ];
    const saved = await api.call<Draft>('PUT', '/api/settings/paper-layout', reordered);
    expect(saved.status).toBe(200);
    expect(saved.body.layout.sections[0]!.columns.map((c) => c.key)).toEqual(['outstanding', 'closed', 'title', 'date']);
    const draft = await api.call<Draft>('GET', '/api/settings/paper-layout');
    expect(draft.body.layout.sections[0]!.columns).toEqual(reordered.sections[0]!.columns);
    expect((await auditEvents()).at(-1)!.after.sections[0]!.columns).toEqual(reordered.sections[0]!.columns);

    // Appendix A: custody's category 2 items, one in progress and one closed.
    const header = 'Outstanding\tClosed\tReport\tPublished';
    const row = '1\t1\tCustody services in a Covid-19 environment\tSept 2019';
    for (const lines of [htmlText((await paper('html')).toString('utf8')), docxText(await paper('docx'))])
      expect(lines.slice(lines.indexOf(expected[0]!) + 2, lines.indexOf(expected[0]!) + 4)).toEqual([header, row]);
    const joined = (text: string) => words(text).replace(/(\w)- (\w)/g, '$1-$2');
    expect(joined(pdfText(await paper('pdf')).join(' '))).toContain(joined(`${header} ${row}`));
  });
});
