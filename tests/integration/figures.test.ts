import { addCalendarDays, calendarDateInLondon } from '../../domain/calendar';
import { atRiskHorizon, itemFigures, type ItemFigures } from '../../domain/figures';
import type { RecommendationState } from '../../domain/lifecycle/states';
import { ragLabel, ragStatuses } from '../../domain/rag';
import { reminderPolicyWith, type ReminderPolicy } from '../../domain/reminders/policy';
import { createWorkingCalendar } from '../../domain/workingDays';
import type { Person } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { dataSourceDatabase } from '../../api/papers/asAt';
import type { QuarterlyPaper } from '../../api/papers/quarterly';
import type { TrackerPaper } from '../../api/papers/tracker';
import { buildPaper } from '../../api/papers/service';
import { htmlText } from '../fixtures/papers/extractText';
import {
  assign,
  closeAs,
  flagAtRisk,
  inProgress,
  insertFixture,
  markNotForTheForce,
  materialise,
  submitEvidence,
  type Fixture,
  type FixtureItem,
} from '../fixtures/papers/fixture';
import { csvRecords } from '../support/csv';
import { addCast, apiClient, signIn, tokenFor, type ApiClient } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';

/**
 * Issue 18, bug 2: "at risk" and "overdue" mean one thing everywhere. The same items — due in the past, on the last
 * working day, today, tomorrow, within and beyond the force's at-risk window, flagged at risk, awaiting approval,
 * closed, logged, not for the force — are read on every surface: the list API's items and filters, the list page's
 * tags, the CSV, the dashboard's headlines, its tables and the lists they link to, My tasks, the item page, the
 * quarterly paper's summary and listing, and the tracker. Each figure must be what domain/figures.ts says under the
 * force's own reminder settings (here a six-week at-risk window, and today a closure day).
 */
describe('every surface shows the figures domain/figures.ts defines', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'lead' | 'lead2' | 'dcc' | 'viewer', Person>;
  let cookie: Record<'admin' | 'owner', string>;
  const today = calendarDateInLondon(Date.now());
  const closedDays = [today];
  const calendar = createWorkingCalendar({ extraClosedDays: closedDays });
  let policy: ReminderPolicy;
  /** Each item's reference, id and what the domain says of it today. */
  let items: { reference: string; id: string; ownerId: string | null; expected: ItemFigures }[];

  const days = (n: number) => addCalendarDays(today, n);
  const longAgo = days(-200);

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead', 'lead2', 'dcc', 'viewer');
    api.actingAs(p.admin.id);
    const sessions: Record<string, string> = {};
    for (const who of ['admin', 'owner'] as const) {
      await product.app.services.auth.setPassword(p[who].id, PASSWORD, { id: null, label: 'test' });
      sessions[who] = (await signIn(product.baseUrl, p[who].email, PASSWORD)).cookie;
    }
    cookie = sessions as typeof cookie;

    // The force's settings: at risk within six weeks (not the default three months), and a closure day today.
    const current = await api.call<{ settings: { policy: ReminderPolicy } }>('GET', '/api/settings/reminders');
    policy = reminderPolicyWith({ atRiskWithin: { duration: 'P6W' } }, current.body.settings.policy);
    const saved = await api.call('PUT', '/api/settings/reminders', { policy, closedDays, committeeMeetings: [] });
    expect(saved.status).toBe(200);

    const horizon = atRiskHorizon(today, policy, calendar);
    const lastWorkingDay = calendar.previousWorkingDay(today);
    const working = (
      reference: string,
      due: string,
      lead = p.lead.id,
      extra: FixtureItem['steps'] = [],
      loggedOn = longAgo,
    ): FixtureItem => ({
      reference,
      kind: 'action',
      category: 2,
      text: `Item ${reference}`,
      loggedOn,
      steps: [...inProgress(days(-150) < loggedOn ? loggedOn : days(-150), p.owner.id, lead, due), ...extra],
    });
    const fixture: Fixture = {
      people: [],
      reports: [
        {
          title: 'Figures on every surface',
          originator: 'HMICFRS',
          kind: 'inspection',
          scope: 'force',
          publishedOn: days(-210),
          loggedOn: longAgo,
          items: [
            working('1 long past', days(-40)),
            working('2 last working day', lastWorkingDay),
            working('3 the working day before', calendar.previousWorkingDay(lastWorkingDay), p.lead2.id),
            working('4 today', today),
            working('5 tomorrow', days(1)),
            working('6 within the window', days(20), p.lead2.id),
            working('7 at the window edge', horizon),
            working('8 just beyond the window', addCalendarDays(horizon, 1)),
            working('9 far off - flagged', days(300), p.lead.id, [flagAtRisk(days(-5), 'Supplier late')]),
            working('10 long past - flagged', days(-40), p.lead2.id, [flagAtRisk(days(-50), 'Supplier late')]),
            working('11 with the approvers - past due', days(-30), p.lead.id, [submitEvidence(days(-20))]),
            { reference: '12 logged', kind: 'action', category: null, text: 'Item 12', steps: [] },
            working('13 closed this quarter', days(-30), p.lead.id, [closeAs(days(-3), 'no_longer_relevant', 'Withdrawn')]),
            working('14 new - at risk', days(10), p.lead.id, [], days(-5)),
            working('15 new - on target', days(300), p.lead.id, [], days(-5)),
            {
              reference: '16 for the Home Office',
              kind: 'action',
              category: null,
              forTheForce: false,
              addressedTo: 'the Home Office',
              text: 'Item 16',
              steps: [],
            },
            {
              reference: '17 assigned - not accepted',
              kind: 'action',
              category: 2,
              text: 'Item 17',
              steps: [assign(days(-60), p.owner.id, p.lead2.id, days(-10))],
            },
            {
              reference: '18 not for the force',
              kind: 'action',
              category: null,
              text: 'Item 18',
              steps: [markNotForTheForce(days(-60), 'For the College of Policing')],
            },
          ],
        },
      ],
    };
    await insertFixture(product.app.dataSource, fixture);
    const materialised = materialise(fixture).items;
    items = materialised.map(({ id, fixture: item, state }) => ({
      reference: item.reference,
      id,
      ownerId: state.ownerId,
      expected: itemFigures(subjectOf(state, item.forTheForce ?? true), today, policy, calendar),
    }));
    // Departments, with two spellings of one (the list's filter ignores case), and most items with none.
    const departmentOf: Record<string, string> = {
      '1 long past': 'Crime',
      '6 within the window': 'crime',
      '10 long past - flagged': 'Public Protection',
      '4 today': 'Public Protection',
    };
    for (const item of items) {
      if (departmentOf[item.reference])
        await product.app.dataSource.query('UPDATE recommendations SET department = $2 WHERE id = $1', [
          item.id,
          departmentOf[item.reference],
        ]);
    }
    // The reminders escalated two items to the DCC: one overdue, one not overdue (due on the last working day, which today's closure keeps from being late).
    for (const reference of ['1 long past', '2 last working day']) {
      const id = idOf(reference);
      await recordAudit(product.app.dataSource.manager, {
        actorId: null,
        actorLabel: 'Recommendation tracker (reminders)',
        entityType: 'recommendation',
        entityId: id,
        recommendationId: id,
        type: 'off_target_dcc',
        summary: 'Escalated',
      });
    }
  }, 120_000);

  afterAll(async () => {
    await product?.stop();
  });

  const subjectOf = (state: RecommendationState, forTheForce: boolean) => ({
    status: state.status,
    dueDate: state.dueDate,
    atRisk: state.atRisk,
    forTheForce,
  });
  const idOf = (reference: string) => items.find((item) => item.reference === reference)!.id;
  const referenceOf = (id: string) => items.find((item) => item.id === id)?.reference;
  const where = (test: (figures: ItemFigures) => boolean) =>
    items
      .filter((item) => test(item.expected))
      .map((item) => item.reference)
      .sort();
  const page = async (who: 'admin' | 'owner', path: string) => {
    const response = await fetch(`${product.baseUrl}${path}`, { headers: { cookie: cookie[who] } });
    expect([path, response.status]).toEqual([path, 200]);
    return response.text();
  };
  /** Each table row of a page, by the item it links to. */
  const rowsByItem = (html: string) => {
    const rows = new Map<string, string>();
    for (const row of html.match(/<tr class="govuk-table__row">[\s\S]*?<\/tr>/g) ?? []) {
      const id = /href="\/recommendations\/([0-9a-f-]{36})"/.exec(row)?.[1];
      if (id) rows.set(referenceOf(id) ?? id, row);
    }
    return rows;
  };
  /** A page's headings, paragraphs and table rows as lines of text (cells tab-separated). */
  const textOf = (html: string) =>
    htmlText(`<body>${html.slice(html.indexOf('<main'))}`).map((line) =>
      line
        .split('\t')
        .map((cell) => cell.replace(/\s+/g, ' ').trim())
        .join('\t'),
    );
  const tags = (html: string) => ({
    overdue: /govuk-tag--red">\s*Overdue\s*</.test(html),
    atRisk: /govuk-tag--yellow">\s*At risk\s*</.test(html),
  });

  it('has the cases it means to test (the test data is what it says)', () => {
    const of = (reference: string) => items.find((item) => item.reference === reference)!.expected;
    expect(of('1 long past')).toMatchObject({ overdue: true, atRisk: false, rag: 'off_target' });
    // Today is a closure day: due on the last working day is not yet overdue.
    expect(of('2 last working day')).toMatchObject({ overdue: false, atRisk: true });
    expect(of('4 today')).toMatchObject({ overdue: false, atRisk: true, dueSoon: true });
    expect(of('7 at the window edge').atRisk).toBe(true);
    expect(of('8 just beyond the window')).toMatchObject({ atRisk: false, rag: 'on_target' });
    expect(of('9 far off - flagged')).toMatchObject({ atRisk: true, flaggedAtRisk: true });
    expect(of('10 long past - flagged')).toMatchObject({ overdue: true, atRisk: false });
    expect(of('11 with the approvers - past due')).toMatchObject({ overdue: false, atRisk: false, rag: 'proposed_for_closure' });
    expect(of('16 for the Home Office').rag).toBe('not_for_the_force');
    expect(of('17 assigned - not accepted').overdue).toBe(true);
  });

  it('the list API: each item’s figures, and the overdue and at-risk filters', async () => {
    const list = async (query: string) =>
      (await api.call<{ items: ({ id: string } & ItemFigures)[] }>('GET', `/api/recommendations?limit=200${query}`)).body.items;
    const all = await list('');
    expect(all).toHaveLength(items.length);
    for (const item of all) {
      const expected = items.find((i) => i.id === item.id)!;
      expect([
        expected.reference,
        {
          overdue: item.overdue,
          atRisk: item.atRisk,
          rag: item.rag,
          workingDaysOverdue: item.workingDaysOverdue,
          dueSoon: item.dueSoon,
          flaggedAtRisk: item.flaggedAtRisk,
        },
      ]).toEqual([
        expected.reference,
        {
          overdue: expected.expected.overdue,
          atRisk: expected.expected.atRisk,
          rag: expected.expected.rag,
          workingDaysOverdue: expected.expected.workingDaysOverdue,
          dueSoon: expected.expected.dueSoon,
          flaggedAtRisk: expected.expected.flaggedAtRisk,
        },
      ]);
    }
    const references = async (query: string) => (await list(query)).map((item) => referenceOf(item.id)!).sort();
    expect(await references('&overdue=true')).toEqual(where((f) => f.overdue));
    expect(await references('&overdue=false')).toEqual(where((f) => !f.overdue));
    expect(await references('&atRisk=true')).toEqual(where((f) => f.atRisk));
    expect(await references('&atRisk=false')).toEqual(where((f) => !f.atRisk));
    // The RAG filter: each status lists exactly the items the domain gives it, and two combine as either.
    for (const rag of ragStatuses) expect([rag, await references(`&rag=${rag}`)]).toEqual([rag, where((f) => f.rag === rag)]);
    expect(await references('&rag=off_target,at_risk')).toEqual(where((f) => f.rag === 'off_target' || f.rag === 'at_risk'));
    expect(await references('&rag=off_target')).toEqual(await references('&overdue=true'));
  });

  it('the list page tags and the CSV say the same', async () => {
    const rows = rowsByItem(await page('admin', '/recommendations?limit=100'));
    expect(rows.size).toBe(items.length);
    for (const item of items)
      expect([item.reference, tags(rows.get(item.reference)!)]).toEqual([
        item.reference,
        { overdue: item.expected.overdue, atRisk: item.expected.atRisk },
      ]);

    const records = csvRecords(await page('admin', '/recommendations.csv'));
    for (const record of records) {
      const item = items.find((i) => i.reference === record.Reference)!;
      expect([item.reference, record.RAG, record['At risk'], record.Overdue, record['Working days overdue']]).toEqual([
        item.reference,
        ragLabel(item.expected.rag),
        item.expected.atRisk ? 'yes' : 'no',
        item.expected.overdue ? 'yes' : 'no',
        String(item.expected.workingDaysOverdue),
      ]);
    }
    expect(records).toHaveLength(items.length);
  });

  it('the dashboard: headlines, the lists they link to, and tables whose rows add up to them', async () => {
    const html = await page('admin', '/dashboard');
    const headline = (filter: string) =>
      Number(new RegExp(`href="/recommendations\\?${filter}=true">(\\d+)<span class="govuk-visually-hidden"> items`).exec(html)?.[1]);
    expect(headline('overdue')).toBe(where((f) => f.overdue).length);
    expect(headline('atRisk')).toBe(where((f) => f.atRisk).length);

    for (const [filter, figure] of [
      ['overdue', 'overdue'],
      ['atRisk', 'atRisk'],
    ] as const) {
      const linked = rowsByItem(await page('admin', `/recommendations?${filter}=true&limit=100`));
      expect([...linked.keys()].sort()).toEqual(where((f) => f[figure]));
      // Every item on the list the headline links to carries the tag: the list is visibly what the number counts.
      for (const row of linked.values()) expect(tags(row)[figure]).toBe(true);
    }

    const lines = textOf(html);
    for (const [caption, heading] of [
      ['Overdue and at-risk items by lead', 'Lead'],
      ['Overdue and at-risk items by department', 'Department'],
    ]) {
      const start = lines.indexOf(caption);
      expect(lines[start + 1]).toBe(`${heading}\tOverdue\tAt risk`);
      const rows: string[][] = [];
      for (let i = start + 2; lines[i] && !lines[i]!.startsWith('Total'); i += 1) rows.push(lines[i]!.split('\t'));
      const total = lines[start + 2 + rows.length]!.split('\t');
      const sum = (column: number) => rows.reduce((n, row) => n + parseInt(row[column]!, 10), 0);
      expect([caption, sum(1), sum(2), parseInt(total[1]!, 10), parseInt(total[2]!, 10)]).toEqual([
        caption,
        headline('overdue'),
        headline('atRisk'),
        headline('overdue'),
        headline('atRisk'),
      ]);
      if (heading === 'Department') {
        expect(rows.map((row) => row[0])).toContain('No department');
        expect(rows.filter((row) => row[0]!.toLowerCase() === 'crime')).toHaveLength(1);
      }
    }
    // Each department's numbers are what its links list.
    const links = [
      ...html.matchAll(/href="(\/recommendations\?(?:overdue|atRisk)=true&amp;(?:department=[^"&]+|noDepartment=true))">(\d+)</g),
    ];
    expect(links.length).toBeGreaterThanOrEqual(4);
    for (const [, href, count] of links)
      expect([href, rowsByItem(await page('admin', `${href!.replace(/&amp;/g, '&')}&limit=100`)).size]).toEqual([href, Number(count)]);

    // An off-target escalation is listed only while the item is overdue: never "Overdue" beside an item not counted.
    const escalations = lines.slice(lines.indexOf('Escalations raised, oldest first'));
    expect(escalations.some((line) => line.includes('Overdue: escalated to the DCC'))).toBe(true);
    const escalated = rowsByItem(html.slice(html.indexOf('Escalations raised, oldest first')));
    for (const reference of escalated.keys())
      if (escalated.get(reference)!.includes('Overdue:')) expect(items.find((i) => i.reference === reference)!.expected.overdue).toBe(true);
  });

  it('My tasks and the item page', async () => {
    const html = await page('owner', '/');
    const mine = items.filter(
      (item) =>
        item.ownerId === p.owner.id &&
        ['assigned', 'in_progress', 'reopened', 'evidence_submitted', 'awaiting_approval'].includes(statusOf.get(item.id)!),
    );
    const overdue = mine.filter((item) => item.expected.overdue).length;
    const soon = mine.filter((item) => !item.expected.overdue && (item.expected.dueSoon || item.expected.atRisk)).length;
    expect(html).toContain(`Overdue (${overdue})`);
    expect(html).toContain(`Due soon or at risk (${soon})`);

    for (const reference of [
      '1 long past',
      '2 last working day',
      '8 just beyond the window',
      '9 far off - flagged',
      '11 with the approvers - past due',
    ]) {
      const item = items.find((i) => i.reference === reference)!;
      const shown = tags(await page('admin', `/recommendations/${item.id}`));
      expect([reference, shown]).toEqual([reference, { overdue: item.expected.overdue, atRisk: item.expected.atRisk }]);
    }
  });

  /** The lifecycle status each row was written with (the fixture's state). */
  const statusOf = new Map<string, string>();
  beforeAll(async () => {
    for (const row of (await product.app.dataSource.query('SELECT id, status FROM recommendations')) as { id: string; status: string }[])
      statusOf.set(row.id, row.status);
  });

  it('the quarterly paper: page 1’s at-risk figure is what the listing marks at risk, and both are the domain’s', async () => {
    const paper = (await buildPaper(dataSourceDatabase(product.app.dataSource), {
      kind: 'quarterly',
      asAt: today,
      scheme: 'B',
    })) as QuarterlyPaper;
    const actions = paper.groups.flatMap((group) => group.actions.map((action) => ({ ...action, title: group.title })));
    const listedAs = (label: string) =>
      actions
        .filter((action) => action.status.label === label)
        .map((action) => referenceOf(action.id)!)
        .sort();
    expect(listedAs('At risk')).toEqual(where((f) => f.atRisk));
    expect(listedAs('Off target')).toEqual(where((f) => f.overdue));
    expect(paper.atRiskInAll.current).toBe(listedAs('At risk').length);
    expect(paper.summary.find((row) => row.label === 'Action(s) off target')!.current).toBe(listedAs('Off target').length);
    for (const action of actions)
      expect([referenceOf(action.id), action.status.label]).toEqual([
        referenceOf(action.id),
        ragLabel(items.find((i) => i.id === action.id)!.expected.rag),
      ]);
    // The window named in the heading is the force's.
    expect(paper.groups.find((group) => group.group === 'at_risk')!.title).toBe(
      'Action(s) at risk of being off target (overdue within the next 6 weeks)',
    );

    // What a committee reads on page 1, in the HTML paper.
    const response = await fetch(`${product.baseUrl}/api/papers/quarterly?asAt=${today}`, {
      headers: { authorization: `Bearer ${await tokenFor(product, p.viewer.id)}` },
    });
    expect(response.status).toBe(200);
    const lines = htmlText(await response.text());
    expect(lines).toContain(
      `Action(s) off target\t${listedAs('Off target').length}\t${paper.summary[0]!.previous}\t${paper.summary[0]!.trend}`,
    );
    expect(lines.find((line) => line.startsWith('In all, '))).toMatch(
      new RegExp(`^In all, ${listedAs('At risk').length} actions are at risk of being off target`),
    );
  });

  it('the tracker colours each item by the same figures', async () => {
    const paper = (await buildPaper(dataSourceDatabase(product.app.dataSource), {
      kind: 'tracker',
      asAt: today,
      scheme: 'B',
    })) as TrackerPaper;
    const tracked = paper.reports.flatMap((report) => report.items);
    expect(tracked).toHaveLength(items.length);
    for (const item of tracked) {
      const expected = items.find((i) => i.id === item.id)!;
      expect([expected.reference, item.colour.label]).toEqual([expected.reference, ragLabel(expected.expected.rag)]);
    }
    expect(paper.key.find((entry) => entry.colour.label === 'At risk')!.meaning).toContain('6 weeks');
  });
});
