import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dataSourceDatabase } from '../../api/papers/asAt';
import type { OverviewPaper } from '../../api/papers/overview';
import type { TrackerPaper } from '../../api/papers/tracker';
import { addCalendarDays, calendarDateInLondon } from '../../domain/calendar';
import { buildPaper } from '../../api/papers/service';
import type { ImportPreview, TrackerReconciliation } from '../../api/imports/service';
import { statusWordingKey } from '../../domain/importStatusWording';
import { AuditEvent, Recommendation, TrackerStatedFigure } from '../../entities';
import { SEED_001_AS_AT, SEED_001_PREVIOUS, seed001Reports, seed001Roles } from '../fixtures/papers/seed001';
import { SEED_001_FILE, seed001Differences, seed001Emails, seed001LineMeanings } from '../fixtures/papers/seed001File';
import { addTrackerPeople } from '../fixtures/papers/trackerFile';
import { tokenFor } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * Report-level statuses and counts, and the reconciliation report, over the API: seed 001 imported from the file
 * that keeps its own structure (report rows with the STATUS line and printed counts, items that take the line), its
 * overview as at the paper's date, and the places where the paper's figures differ from its rows; then a report whose
 * counts do not say which items are outstanding, and a category total.
 */
describe('report-level statuses and the reconciliation report', () => {
  let product: TestProduct;
  let token: string;

  beforeAll(async () => {
    product = await startTestProduct();
    const people = await addTrackerPeople(product, { ...seed001Roles, 'Import Administrator': ['administrator'] });
    expect(people['ACC Griffin']!.email).toBe(seed001Emails['ACC Griffin']);
    token = await tokenFor(product, people['Import Administrator']!.id);
  }, 120_000);
  afterAll(async () => {
    await product?.stop();
  });

  const request = async <T>(method: string, url: string, body?: string | Buffer, type = 'application/json') => {
    const response = await fetch(`${product.baseUrl}${url}`, {
      method,
      headers: { 'content-type': type, authorization: `Bearer ${token}` },
      body,
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const send = (file: string | Buffer, query: string) => request<ImportPreview>('POST', `/api/imports?${query}`, file, 'text/csv');

  it('imports seed 001 as the force keeps it, and lists exactly where its figures differ from its rows', async () => {
    const file = readFileSync(path.join(__dirname, '..', 'fixtures', 'papers', SEED_001_FILE));
    const dry = await send(file, 'dryRun=true');
    expect(dry.status).toBe(200);
    // The lines of reports with items are in the mapping step; those of reports without items are kept as written.
    const lines = dry.body.statuses.map((status) => status.wording);
    expect(lines).toContain('Evidence submitted to HMICFRS for review. Awaiting feedback.');
    expect(lines).not.toContain('HMICFRS have agreed closure of these recommendations.');
    expect(dry.body.statuses.find((s) => s.wording in seed001LineMeanings)).toBeDefined();
    expect(dry.body.reportStatuses).toEqual([]);

    // The answer quotes a wording in at most 200 characters: a longer line is confirmed by its key.
    const lineOf = (key: string) => seed001Reports.find((report) => statusWordingKey(report.status) === key)!.status;
    const meanings = dry.body.statuses.map((status) => ({
      wording: status.key,
      status: seed001LineMeanings[lineOf(status.key)] ?? status.status,
    }));
    expect((await request('PUT', '/api/imports/status-mappings', JSON.stringify({ mappings: meanings }))).status).toBe(200);
    const checked = await send(file, 'dryRun=true');
    expect(checked.body.problems).toEqual([]);
    expect(checked.body.reconciliation.map((f) => [f.where, f.figure, f.stated, f.implied])).toEqual(seed001Differences);

    const imported = await send(file, 'dryRun=false');
    expect([imported.status, imported.status === 200 ? null : JSON.stringify(imported.body).slice(0, 1500)]).toEqual([200, null]);
    const reportCount = seed001Reports.length;
    const itemCount = seed001Reports.reduce((sum, report) => sum + report.listed.length, 0);
    expect(imported.body.counts).toEqual({ create: reportCount + itemCount, update: 0, unchanged: 0 });
    expect(imported.body.importId).toEqual(expect.any(String));

    // The items keep their report's line as their status as last reported.
    const vetting = await product.app.dataSource.manager.find(Recommendation, {
      where: { report: { title: 'An Inspection of Vetting Misconduct and Misogyny in the Police' } },
      relations: { report: true },
    });
    expect(vetting).toHaveLength(29);
    expect(new Set(vetting.map((item) => [item.status, item.reportedStatus].join(' / ')))).toEqual(
      new Set([
        'awaiting_hmicfrs_sign_off / Evidence submitted to National Police Chief’s Council and HMICFRS for review. Awaiting feedback.',
      ]),
    );

    // The stated figures are kept, and the report is the API's.
    const kept = await product.app.dataSource.manager.findBy(TrackerStatedFigure, { importId: imported.body.importId! });
    expect(kept).toHaveLength(reportCount);
    expect(kept.find((figure) => figure.reportTitle === seed001Reports[2]!.title)).toMatchObject({ statedOutstanding: 2, statedClosed: 2 });
    const report = await request<TrackerReconciliation>('GET', `/api/imports/${imported.body.importId}/reconciliation`);
    expect(report.status).toBe(200);
    expect(report.body.findings.map((f) => [f.where, f.figure, f.stated, f.implied])).toEqual(seed001Differences);
    expect(report.body.stated.map((figure) => figure.statusLine)).toEqual(seed001Reports.map((r) => r.status));
    const list = await request<{ imports: { id: string; differences: number }[] }>('GET', '/api/imports');
    expect(list.body.imports).toEqual([expect.objectContaining({ id: imported.body.importId, differences: 4 })]);
    expect((await product.app.dataSource.manager.findBy(AuditEvent, { type: 'tracker_imported' })).map((e) => e.summary)).toEqual([
      expect.stringContaining('4 of its stated figures differ from its rows'),
    ]);
    expect((await request('GET', '/api/imports/00000000-0000-4000-8000-000000000000/reconciliation')).status).toBe(404);
    expect((await request('GET', '/api/imports/nope/reconciliation')).status).toBe(400);

    // The overview as at the paper's date prints what the rows give: the seed's numbers where it is consistent.
    const paper = (await buildPaper(dataSourceDatabase(product.app.dataSource), {
      kind: 'overview',
      asAt: SEED_001_AS_AT,
      scheme: 'B',
      previousCommittee: SEED_001_PREVIOUS,
    })) as OverviewPaper;
    expect(paper.main.reports.map((r) => r.title)).toEqual(seed001Reports.map((r) => r.title));
    expect(paper.main.reports.map((r) => [r.outstanding, r.closed])).toEqual(
      seed001Reports.map((r) => (r.printed ? [r.printed.outstanding, 0] : [null, null])),
    );
    // Every report prints the force's own line: none of its items has changed status since the tracker stated it.
    expect(paper.main.reports.map((r) => r.statusLine)).toEqual(seed001Reports.map((r) => r.status));
    paper.main.reports.forEach((r, index) => {
      expect(r.groups.flatMap((group) => group.items).map((item) => item.text)).toEqual(seed001Reports[index]!.listed);
    });
    const category3 = paper.main.categoryTable.find((row) => row.category === 3)!;
    // In progress: The Hard Yards (1) and Digital Forensics (3, awaiting the ACC's sign-off); the rest are with HMICFRS.
    expect([category3.outstanding, category3.awaitingSignOff, category3.closed, category3.total]).toEqual([4, 89, 0, 93]);
  }, 240_000);

  const header =
    'Report title,Originator,Published on,Reference,Text,Category,Owner email,Lead email,Due date,Status,Logged on,Status since,Stated outstanding,Stated closed,Stated total';
  const owner = seed001Emails['Action Owner'];
  const lead = seed001Emails['ACC Griffin'];
  const line = 'Evidence submitted to HMICFRS for review. Awaiting feedback.';
  const item = (title: string, n: number) =>
    `${title},HMICFRS,01/03/2022,${n},Recommendation ${n} of ${title},3,${owner},${lead},31/12/2022,,10/03/2022,01/06/2022,,,`;
  const ambiguous = [
    header,
    `Custody inspection,HMICFRS,01/03/2022,,,,,,,"${line}",10/03/2022,,3,1,4`,
    ...[1, 2, 3, 4].map((n) => item('Custody inspection', n)),
    `,,,,,3,,,,,,,12,2,`,
  ].join('\r\n');

  it('asks which items are outstanding when the counts do not say, with a proposal, and imports the choice', async () => {
    const dry = await send(ambiguous, 'dryRun=true');
    expect(dry.body.problems).toEqual([]);
    expect(dry.body.reportStatuses).toEqual([
      {
        row: 2,
        report: 'Custody inspection',
        statusLine: line,
        why: '3 are stated outstanding of 4 listed; the tracker does not say which',
        items: [3, 4, 5, 6].map((row, index) => ({
          row,
          reference: String(index + 1),
          choice: index < 3 ? 'outstanding' : 'closed',
          proposed: index < 3 ? 'outstanding' : 'closed',
          chosen: false,
        })),
      },
    ]);
    // The category row states 12 outstanding and 2 closed; seed 001's 89 with HMICFRS and 4 in progress are not in this file.
    expect(dry.body.reconciliation.map((f) => [f.where, f.figure, f.stated, f.implied])).toEqual([
      ['Category 3', 'outstanding', '12', '3'],
      ['Category 3', 'closed', '2', '1'],
    ]);

    const refused = await send(ambiguous, 'dryRun=false');
    expect(refused.status).toBe(422);
    expect((refused.body as unknown as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
      'row 3',
      'row 4',
      'row 5',
      'row 6',
    ]);
    expect((await send(ambiguous, 'dryRun=false&choices=3:nope')).status).toBe(400);

    // The person says the first one listed is the closed one.
    const imported = await send(ambiguous, 'dryRun=false&choices=3:closed,4:outstanding,5:outstanding,6:outstanding');
    expect(imported.status).toBe(200);
    const items = await product.app.dataSource.manager.find(Recommendation, {
      where: { report: { title: 'Custody inspection' } },
      order: { reference: 'ASC' },
    });
    expect(items.map((i) => [i.reference, i.status, i.reportedStatus])).toEqual([
      ['1', 'closed', line],
      ['2', 'awaiting_hmicfrs_sign_off', line],
      ['3', 'awaiting_hmicfrs_sign_off', line],
      ['4', 'awaiting_hmicfrs_sign_off', line],
    ]);
    const report = await request<TrackerReconciliation>('GET', `/api/imports/${imported.body.importId}/reconciliation`);
    expect(report.body.findings.map((f) => f.where)).toEqual(['Category 3', 'Category 3']);

    // The papers print the tracker's line until one of the report's items changes status in the product.
    const today = calendarDateInLondon(Date.now());
    const custodyLine = async (asAt: string) => {
      const database = dataSourceDatabase(product.app.dataSource);
      const overview = (await buildPaper(database, { kind: 'overview', asAt, scheme: 'B' })) as OverviewPaper;
      const tracker = (await buildPaper(database, { kind: 'tracker', asAt, scheme: 'A' })) as TrackerPaper;
      const lines = [
        overview.main.reports.find((r) => r.title === 'Custody inspection')!.statusLine,
        tracker.reports.find((r) => r.title === 'Custody inspection')!.summary,
      ];
      return lines;
    };
    expect(await custodyLine(today)).toEqual([line, line]);
    const signedOff = await request(
      'POST',
      `/api/recommendations/${items[1]!.id}/commands`,
      JSON.stringify({ type: 'recordHmicfrsResponse', outcome: 'signed_off' }),
    );
    expect(signedOff.status).toBe(200);
    const written =
      'This report makes 4 recommendations; all 4 are for the force; 2 complete, 2 self-certified, awaiting HMICFRS sign-off, 0 in progress.';
    expect(await custodyLine(today)).toEqual([written, written]);
    // As at the day before, nothing had changed since the line was stated.
    expect(await custodyLine(addCalendarDays(today, -1))).toEqual([line, line]);

    // Or always the line written from the items, when the force's layout says so.
    const layout = await request<{ layout: Record<string, unknown> }>('GET', '/api/settings/paper-layout');
    const saved = await request('PUT', '/api/settings/paper-layout', JSON.stringify({ ...layout.body.layout, statusLines: 'generated' }));
    expect(saved.status).toBe(200);
    expect((await custodyLine(addCalendarDays(today, -1)))[0]).toMatch(/^This report makes 4 recommendations/);
  }, 120_000);
});
