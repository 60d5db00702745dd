import { calendarDateInLondon } from '../../domain/calendar';
import { dataSourceDatabase, loadAsAt } from '../../api/papers/asAt';
import { addDays } from '../../api/papers/dates';
import { optionalFields } from '../../api/papers/asAt';
import type { Person } from '../../entities';
import { addCast, apiClient, tokenFor, type ApiClient, type Problem } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';
import { docxText, htmlText, pdfText, xlsxText } from '../fixtures/papers/extractText';
import {
  closeAs,
  inProgress,
  insertFixture,
  markNotForTheForce,
  materialise,
  paperDataAsAt,
  reactivate,
  selfCertify,
  submitEvidence,
  update,
  type Fixture,
  type FixtureStep,
} from '../fixtures/papers/fixture';
import { expectIntervalsToMatchTrail } from '../support/stateIntervals';
import { Person as PersonEntity } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import type { QuarterlyPaper } from '../../api/papers/quarterly';
import { buildPaper } from '../../api/papers/service';
import { SAMPLE_AS_AT, SAMPLE_PREVIOUS, sample } from '../fixtures/papers/sample';

/**
 * Committee papers over HTTP on the real product: items logged and moved through their lifecycle through the API
 * (today), beside a history typed as a fixture and written as the product writes it (rows and audit events with
 * past dates). Each paper is computed from the audit trail as at any date, and says the same when regenerated.
 */
describe('committee papers', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'lead' | 'dcc' | 'viewer', Person>;
  const today = calendarDateInLondon(Date.now());

  /** A committee member (read only) asks for the paper, with an API token. */
  const asViewer = async () => ({ authorization: `Bearer ${await tokenFor(product, p.viewer.id)}` });

  async function download(path: string): Promise<{ status: number; type: string; disposition: string; body: Buffer }> {
    const response = await fetch(`${product.baseUrl}${path}`, { headers: await asViewer() });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      disposition: response.headers.get('content-disposition') ?? '',
      body: Buffer.from(await response.arrayBuffer()),
    };
  }

  async function problem(path: string): Promise<Problem> {
    const response = await fetch(`${product.baseUrl}${path}`, { headers: await asViewer() });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await response.json()) as Problem;
  }

  /** A table row of an HTML paper, cells joined by tabs, found by its first cell. */
  async function rowOf(path: string, first: string): Promise<string[]> {
    const lines = htmlText((await download(path)).body.toString('utf8'));
    const row = lines.find((line) => line.split('\t')[0] === first);
    if (!row) throw new Error(`no row starting "${first}" in ${path}`);
    return row.split('\t');
  }

  let liveIds: string[];

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead', 'dcc', 'viewer');
    api.actingAs(p.admin.id);
    await insertFixture(product.app.dataSource, sample);

    // Today's work, through the API: an inspection with three items for the force and one for the Home Office.
    liveIds = await api.createReport({
      title: 'Stalking and harassment',
      originator: 'HMICFRS',
      kind: 'inspection',
      scope: 'national',
      publishedOn: '2019-04-01',
      recommendations: [
        {
          reference: '1',
          category: 2,
          text: 'Within six months chief constables should ensure that forces record stalking or harassment crimes.',
        },
        {
          reference: '2',
          category: 3,
          text: 'Chief constables should ensure that officers treat breaches of orders as part of a wider pattern.',
        },
        { reference: '3', category: 2, text: 'Forces should give victims a single point of contact.' },
        {
          reference: '4',
          category: null,
          forTheForce: false,
          addressedTo: 'the Home Office',
          text: 'The Home Office should review the legislation.',
        },
      ],
    });
    const [closedToday, inProgress, assigned] = liveIds as [string, string, string];
    const due = addDays(today, 60);
    for (const id of [closedToday, inProgress, assigned]) {
      await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: due }, p.admin.id);
    }
    for (const id of [closedToday, inProgress]) await api.command(id, { type: 'accept' }, p.owner.id);
    await api.command(inProgress, { type: 'postUpdate', text: 'Crime recording audit under way.' }, p.owner.id);
    await api.command(closedToday, { type: 'submitEvidence', summary: 'Audit shows breaches recorded as crimes.' }, p.owner.id);
    await api.command(closedToday, { type: 'approve' }, p.lead.id);
    await api.command(closedToday, { type: 'approve' }, p.dcc.id);
    await api.command(closedToday, { type: 'selfCertify', signatory: 'Chief Constable Jo Farrell' }, p.dcc.id);
  }, 120_000);

  afterAll(async () => {
    await product?.stop();
  });

  it('reads the same state from the audit trail with SQL as folding the fixture’s events in memory, at any date', async () => {
    const database = dataSourceDatabase(product.app.dataSource);
    const sampleTitles = new Set(sample.reports.map((report) => report.title));
    for (const asAt of ['2019-06-30', '2020-09-30', SAMPLE_PREVIOUS, SAMPLE_AS_AT, '2021-02-15']) {
      const fromSql = await database.snapshot((sql) => loadAsAt(sql, asAt, { fields: optionalFields }));
      const inMemory = paperDataAsAt(sample, asAt);
      const sampleReports = fromSql.reports.filter((report) => sampleTitles.has(report.title));
      expect(sampleReports.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
        [...inMemory.reports].sort((a, b) => a.id.localeCompare(b.id)),
      );
      const ids = new Set(sampleReports.map((report) => report.id));
      const sqlItems = fromSql.items.filter((item) => ids.has(item.reportId)).sort((a, b) => a.id.localeCompare(b.id));
      expect(sqlItems).toEqual([...inMemory.items].sort((a, b) => a.id.localeCompare(b.id)));
    }
  });

  it('gives the overview as at today, with today’s commands in it', async () => {
    const paper = await download(`/api/papers/overview?asAt=${today}`);
    expect(paper.status).toBe(200);
    expect(paper.type).toBe('text/html; charset=utf-8');
    expect(paper.disposition).toBe(`inline; filename="committee-overview-${today}-scheme-b.html"`);
    const lines = htmlText(paper.body.toString('utf8'));
    // Sample: category 2 has one item closed in January 2021; today's report adds one closed today and one assigned.
    expect(lines).toContain('Category 2: self-certified by the force\t1\t0\t2\t0\t0\t3');
    expect(lines).toContain('Category 3: self-certified, HMICFRS follows up\t3\t2\t0\t1\t0\t6');
    expect(lines).toContain('Total\t4\t2\t2\t1\t0\t9');
    expect(lines).toContain('Status – This report makes 4 recommendations; 3 are for the force; 1 complete, 2 in progress.');
    expect(lines).toContain(
      '1\tWithin six months chief constables should ensure that forces record stalking or harassment crimes.\tClosed (self-certified)',
    );
    expect(lines).toContain(
      '2\tChief constables should ensure that officers treat breaches of orders as part of a wider pattern.\tIn progress',
    );
    expect(lines).toContain('3\tForces should give victims a single point of contact.\tAssigned');
  });

  it('gives different numbers as at an earlier date, and the same numbers whenever it is regenerated', async () => {
    const earlier = htmlText((await download('/api/papers/overview?asAt=2020-12-31')).body.toString('utf8'));
    expect(earlier).toContain('Total\t4\t1\t0\t1\t0\t6');
    expect(earlier.some((line) => line.includes('Stalking and harassment'))).toBe(false);
    const later = htmlText(
      (await download(`/api/papers/overview?asAt=${SAMPLE_AS_AT}&previousCommittee=${SAMPLE_PREVIOUS}`)).body.toString('utf8'),
    );
    expect(later).toContain('Total\t2\t2\t1\t1\t0\t6');

    // A paper as at a past date is the same, byte for byte, before and after more work is done today.
    const pastPapers = [
      `/api/papers/overview?asAt=${SAMPLE_AS_AT}`,
      `/api/papers/quarterly?asAt=${SAMPLE_AS_AT}&format=csv`,
      `/api/papers/tracker?asAt=${SAMPLE_AS_AT}&format=csv&scheme=A`,
    ];
    const before = await Promise.all(pastPapers.map((path) => download(path)));
    const todaysQuarterly = `/api/papers/quarterly?asAt=${today}&format=csv`;
    const todayBefore = (await download(todaysQuarterly)).body.toString('utf8');
    await api.command(liveIds[1]!, { type: 'postUpdate', text: 'Breaches now flagged on the crime system.' }, p.owner.id);
    const after = await Promise.all(pastPapers.map((path) => download(path)));
    after.forEach((paper, index) => expect(paper.body.equals(before[index]!.body)).toBe(true));
    // As at today, the new update is the latest.
    const todayAfter = (await download(todaysQuarterly)).body.toString('utf8');
    expect(todayBefore).toContain('Crime recording audit under way.');
    expect(todayAfter).toContain('Breaches now flagged on the crime system.');
    expect(todayAfter).not.toContain('Crime recording audit under way.');

    const docxOnce = docxText((await download(`/api/papers/overview?asAt=${SAMPLE_AS_AT}&format=docx`)).body);
    const docxAgain = docxText((await download(`/api/papers/overview?asAt=${SAMPLE_AS_AT}&format=docx`)).body);
    expect(docxAgain).toEqual(docxOnce);
    const pdfOnce = pdfText((await download(`/api/papers/quarterly?asAt=${SAMPLE_AS_AT}&format=pdf`)).body);
    expect(pdfText((await download(`/api/papers/quarterly?asAt=${SAMPLE_AS_AT}&format=pdf`)).body)).toEqual(pdfOnce);
  });

  it('gives the quarterly update with this quarter against the last', async () => {
    const row = await rowOf(`/api/papers/quarterly?asAt=${SAMPLE_AS_AT}&previousCommittee=${SAMPLE_PREVIOUS}`, 'Total actions');
    expect(row).toEqual(['Total actions', '8', '5', '↑']);
    const workbook = await download(`/api/papers/quarterly?asAt=${SAMPLE_AS_AT}&format=xlsx`);
    expect(workbook.status).toBe(200);
    expect(workbook.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(workbook.disposition).toBe(`attachment; filename="quarterly-action-update-${SAMPLE_AS_AT}-scheme-b.xlsx"`);
    const sheets = await xlsxText(workbook.body);
    expect(sheets).toContain('Total actions\t8\t5\t↑');
    expect(sheets.filter((line) => line.startsWith('Closed action(s)\t')).length).toBe(2);
  });

  it('gives the tracker for one report with its whole due-date history, in either scheme', async () => {
    const roads = materialise(sample).reports.find((report) => report.title === 'Roads Policing: Not optional')!;
    const csv = await download(`/api/papers/tracker?asAt=${SAMPLE_AS_AT}&format=csv&scheme=A&reportId=${roads.id}`);
    expect(csv.type).toBe('text/csv; charset=utf-8');
    expect(csv.disposition).toBe(`attachment; filename="recommendation-tracker-${SAMPLE_AS_AT}-scheme-a.csv"`);
    const text = csv.body.toString('utf8');
    expect(text).toContain(
      'Roads Policing: Not optional,6,Recommendation,"With immediate effect, chief constables should make sure their force has enough analytical capability to identify risks on the road network.",AMBER,"September 2020, extended to January 2021, now April 2021","Awaiting dates for the regional meetings. (Tom Ellery, 10/02/2021)"\r\n',
    );
    expect(text.trimEnd().split('\r\n')).toHaveLength(6);
    const schemeB = htmlText((await download(`/api/papers/tracker?asAt=${SAMPLE_AS_AT}&reportId=${roads.id}`)).body.toString('utf8'));
    expect(schemeB.find((line) => line.startsWith('15\t'))).toContain('\tOff target\t');
    const pdf = await download(`/api/papers/tracker?asAt=${SAMPLE_AS_AT}&format=pdf&reportId=${roads.id}`);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('needs a signed-in person', async () => {
    const response = await fetch(`${product.baseUrl}/api/papers/overview`);
    expect(response.status).toBe(401);
  });

  it('explains what is wrong with a request, naming the field', async () => {
    expect((await problem('/api/papers/overview?asAt=2023-10-01&format=xlsx')).errors).toEqual([
      { field: 'query.format', message: expect.stringContaining('the overview paper comes as html, docx, pdf') },
    ]);
    expect((await problem('/api/papers/overview?asAt=2023-02-30')).errors).toEqual([
      { field: 'query.asAt', message: 'must be a real date written YYYY-MM-DD' },
    ]);
    expect((await problem('/api/papers/overview?format=odt')).errors![0]!.field).toBe('query.format');
    expect((await problem('/api/papers/overview?scheme=C')).errors).toEqual([{ field: 'query.scheme', message: 'must be A or B' }]);
    expect((await problem('/api/papers/minutes')).errors![0]!.field).toBe('params.kind');
    expect((await problem(`/api/papers/overview?asAt=${addDays(today, 1)}`)).errors![0]).toMatchObject({
      field: 'query.asAt',
      message: expect.stringContaining('after today'),
    });
    expect((await problem('/api/papers/quarterly?asAt=2021-03-31&previousCommittee=2021-04-30')).errors![0]!.field).toBe(
      'query.previousCommittee',
    );
    expect((await problem('/api/papers/overview?reportId=not-a-uuid')).errors![0]!.field).toBe('query.reportId');
    expect((await problem('/api/papers/overview?colour=red')).errors![0]).toMatchObject({
      field: 'query',
      message: 'unknown field(s): colour',
    });
  });

  it('serves every format with its content type and file name', async () => {
    const expected: [string, string, RegExp][] = [
      ['overview', 'docx', /^application\/vnd\.openxmlformats-officedocument\.wordprocessingml\.document/],
      ['overview', 'pdf', /^application\/pdf/],
      ['quarterly', 'html', /^text\/html/],
      ['quarterly', 'docx', /wordprocessingml/],
      ['quarterly', 'csv', /^text\/csv/],
      ['tracker', 'xlsx', /spreadsheetml/],
      ['tracker', 'docx', /wordprocessingml/],
    ];
    for (const [kind, format, type] of expected) {
      const file = await download(`/api/papers/${kind}?asAt=${SAMPLE_AS_AT}&format=${format}`);
      expect(file.status).toBe(200);
      expect(file.type).toMatch(type);
      expect(file.disposition).toMatch(new RegExp(`^(attachment|inline); filename="[a-z-]+-${SAMPLE_AS_AT}-scheme-b\\.${format}"$`));
      expect(file.body.length).toBeGreaterThan(100);
    }
  });

  it('reads a field cleared later as cleared (a reactivated item has no not-for-the-force reason)', async () => {
    const owner = { id: '0f4d7a58-1c1e-4c59-9d0e-4b0d3c1a0009', name: 'Reactivated Owner' };
    const reactivated: Fixture = {
      people: [owner],
      reports: [
        {
          title: 'Reactivated report',
          originator: 'HMICFRS',
          kind: 'inspection',
          scope: 'national',
          publishedOn: '2022-01-10',
          loggedOn: '2022-01-12',
          items: [
            {
              reference: '1',
              kind: 'recommendation',
              category: 2,
              text: 'First thought to be for the Home Office.',
              steps: [
                markNotForTheForce('2022-01-13', 'Addressed to the Home Office'),
                reactivate('2022-02-01', owner.id, p.lead.id, '2022-09-30'),
              ],
            },
          ],
        },
      ],
    };
    await insertFixture(product.app.dataSource, reactivated);
    const database = dataSourceDatabase(product.app.dataSource);
    const [before, after] = await database.snapshot(async (sql) => [
      await loadAsAt(sql, '2022-01-20', { fields: optionalFields }),
      await loadAsAt(sql, '2022-02-15', { fields: optionalFields }),
    ]);
    const id = materialise(reactivated).items[0]!.id;
    expect(before.items.find((item) => item.id === id)).toMatchObject({
      status: 'not_for_the_force',
      notForTheForceReason: 'Addressed to the Home Office',
      ownerId: null,
    });
    expect(after.items.find((item) => item.id === id)).toMatchObject({
      status: 'assigned',
      notForTheForceReason: null,
      ownerId: owner.id,
      dueDate: '2022-09-30',
    });
    expect(after.items.find((item) => item.id === id)).toEqual(paperDataAsAt(reactivated, '2022-02-15').items[0]);
  });
  it("prints people's names as they were at the paper's date: who led each item then, by the name they had then", async () => {
    const ann = { id: '0a11ce00-0000-4000-8000-000000000001', name: 'Supt Ann Okoro' };
    const ben = { id: '0a11ce00-0000-4000-8000-000000000002', name: 'Supt Ben Adeyemi' };
    const owner = { id: '0a11ce00-0000-4000-8000-000000000003', name: 'Sgt Carl Finch' };
    const handedOver = { on: '2022-06-01', type: 'handed_over', summary: 'Handed over (lead)', change: () => ({ leadId: ben.id }) };
    const named: Fixture = {
      people: [ann, ben, owner],
      reports: [
        {
          title: 'Names as at a date',
          originator: 'Mazars',
          kind: 'internal_audit',
          scope: 'force',
          publishedOn: '2022-02-01',
          loggedOn: '2022-02-10',
          items: [
            {
              reference: '1',
              kind: 'action',
              category: 2,
              text: 'Led by Ann throughout.',
              steps: inProgress('2022-03-01', owner.id, ann.id, '2023-06-30'),
            },
            {
              reference: '2',
              kind: 'action',
              category: 2,
              text: 'Handed from Ann to Ben in June.',
              steps: [...inProgress('2022-03-01', owner.id, ann.id, '2023-06-30'), handedOver],
            },
          ],
        },
      ],
    };
    await insertFixture(product.app.dataSource, named);
    // Ann is promoted and renamed in September, as the people pages record it (the old name in \`before\`).
    await product.app.dataSource.transaction(async (tx) => {
      await tx.update(PersonEntity, { id: ann.id }, { name: 'Ch Supt Ann Okoro-Reid' });
      await recordAudit(tx, {
        actorId: null,
        actorLabel: 'Administrator',
        occurredAt: new Date('2022-09-01T09:00:00Z'),
        entityType: 'person',
        entityId: ann.id,
        type: 'person_changed',
        summary: 'Renamed',
        before: { name: ann.name },
        after: { name: 'Ch Supt Ann Okoro-Reid' },
      });
    });
    const managers = async (asAt: string) => {
      const paper = (await buildPaper(dataSourceDatabase(product.app.dataSource), {
        kind: 'quarterly',
        asAt,
        scheme: 'B',
      })) as QuarterlyPaper;
      const actions = paper.groups.flatMap((group) => group.actions).filter((action) => action.sourceTitle === 'Names as at a date');
      return Object.fromEntries(actions.map((action) => [action.action.replace(/^Action \d+: /, ''), action.managerResponsible]));
    };
    expect(await managers('2022-04-30')).toEqual({ 'Led by Ann throughout.': ann.name, 'Handed from Ann to Ben in June.': ann.name });
    expect(await managers('2022-07-31')).toEqual({ 'Led by Ann throughout.': ann.name, 'Handed from Ann to Ben in June.': ben.name });
    expect(await managers('2022-10-31')).toEqual({
      'Led by Ann throughout.': 'Ch Supt Ann Okoro-Reid',
      'Handed from Ann to Ben in June.': ben.name,
    });
  });
  it('reads from the state intervals exactly what folding the trail afresh gives, at every date, also after reopening and backdated events', async () => {
    const owner = { id: '0b0b0b0b-0000-4000-8000-000000000001', name: 'Insp Dee Marsh' };
    const reopen = (on: string): FixtureStep => ({
      on,
      type: 'reopened',
      summary: 'Reopened (was self-certified): the audit found gaps',
      change: (state) => ({
        status: 'reopened',
        closure: null,
        approval: null,
        selfCertification: null,
        hmicfrs: null,
        reopenCount: state.reopenCount + 1,
      }),
    });
    const amended: FixtureStep = {
      on: '2023-03-02',
      type: 'text_amended',
      summary: 'Text changed',
      change: (state) => ({ text: 'Amended: forces should record every breach.', textVersion: state.textVersion + 1 }),
    };
    const history: Fixture = {
      people: [owner],
      reports: [
        {
          title: 'Closed, reopened and closed again',
          originator: 'HMICFRS',
          kind: 'inspection',
          scope: 'national',
          publishedOn: '2023-01-05',
          loggedOn: '2023-01-09',
          items: [
            {
              reference: '1',
              kind: 'recommendation',
              category: 2,
              text: 'Forces should record breaches.',
              steps: [
                ...inProgress('2023-01-20', owner.id, p.lead.id, '2023-12-31'),
                amended,
                submitEvidence('2023-04-03'),
                selfCertify('2023-05-10'),
                reopen('2023-07-01'),
                update('2023-07-02', 'Gaps being closed', owner.id),
                submitEvidence('2023-08-01'),
                selfCertify('2023-09-15'),
              ],
            },
            {
              reference: '2',
              kind: 'recommendation',
              category: 1,
              text: 'No action for the force.',
              steps: [closeAs('2023-02-01', 'no_action_required', 'Nothing to do')],
            },
            {
              reference: '3',
              kind: 'area_for_improvement',
              category: null,
              forTheForce: false,
              addressedTo: 'the College of Policing',
              text: 'For the College.',
              steps: [markNotForTheForce('2023-01-10', 'National')],
            },
          ],
        },
      ],
    };
    await insertFixture(product.app.dataSource, history);
    expect(await expectIntervalsToMatchTrail(product.app.dataSource, [today, '2016-01-01'])).toBeGreaterThan(40);

    // Events arriving out of order, each in a statement of its own, as an import writes an item's earlier history:
    // an update back in March, and one at the same instant as the first self-certification.
    const item = materialise(history).items[0]!;
    const backdated = (occurredAt: string, text: string) =>
      recordAudit(product.app.dataSource.manager, {
        actorId: owner.id,
        actorLabel: 'Import',
        occurredAt: new Date(occurredAt),
        entityType: 'recommendation',
        entityId: item.id,
        recommendationId: item.id,
        type: 'progress_updated',
        summary: 'Update (imported)',
        after: { latestUpdate: { on: occurredAt.slice(0, 10), by: owner.id, text }, updateCount: 1 },
      });
    await backdated('2023-03-15T10:00:00Z', 'Imported March update');
    const [{ selfCertifiedAt }] = (await product.app.dataSource.query(
      "SELECT min(occurred_at) AS \"selfCertifiedAt\" FROM audit_events WHERE recommendation_id = $1 AND after->>'status' = 'closed'",
      [item.id],
    )) as { selfCertifiedAt: Date }[];
    await backdated(selfCertifiedAt.toISOString(), 'Imported on the day of the letter');
    expect(await expectIntervalsToMatchTrail(product.app.dataSource, ['2023-03-15', '2023-03-16'])).toBeGreaterThan(40);
    const inMarch = await dataSourceDatabase(product.app.dataSource).snapshot((sql) =>
      loadAsAt(sql, '2023-03-20', { fields: optionalFields }),
    );
    expect(inMarch.items.find((found) => found.id === item.id)).toMatchObject({
      status: 'in_progress',
      text: 'Amended: forces should record every breach.',
      latestUpdate: { text: 'Imported March update' },
    });
    // And so every paper, built either way.
    const database = dataSourceDatabase(product.app.dataSource);
    for (const asAt of ['2020-09-30', SAMPLE_AS_AT, '2023-03-31', '2023-06-30', today]) {
      for (const request of [
        { kind: 'overview' as const, asAt, scheme: 'B' as const, previousCommittee: addDays(asAt, -90) },
        { kind: 'quarterly' as const, asAt, scheme: 'A' as const },
        { kind: 'tracker' as const, asAt, scheme: 'A' as const, previousCommittee: addDays(asAt, -30) },
      ]) {
        expect(await buildPaper(database, request)).toEqual(await buildPaper(database, request, 'trail'));
      }
    }
  });
});
