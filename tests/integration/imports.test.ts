import ExcelJS from 'exceljs';
import { In } from 'typeorm';
import { addCalendarDays, calendarDateInLondon } from '../../domain/calendar';
import { importColumns } from '../../domain/trackerImport';
import { AuditEvent, Person, Recommendation, SourceReport } from '../../entities';
import { nextNudgeQuery, recommendationWorkflowId, stateQuery } from '../../workflows/messages';
import { addPeople, apiClient, tokenFor, type ApiClient } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { expectIntervalsToMatchTrail } from '../support/stateIntervals';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** A force's existing tracker comes in: checked first, then imported in one transaction, and never twice. */
describe('importing an existing tracker', () => {
  let product: TestProduct;
  let api: ApiClient;
  let adminToken: string;
  let people: Record<'admin' | 'owner' | 'lead' | 'dcc' | 'liaison', { id: string; email: string }>;

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    const p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Sarah Lindqvist', roles: ['action_owner'] },
      lead: { name: 'Andrew Pemberton', roles: ['lead', 'finance_director'] },
      dcc: { name: 'Simon Hartley', roles: ['dcc'] },
      liaison: { name: 'Rachel Okafor', roles: ['liaison_lead'] },
    });
    people = p;
    adminToken = await tokenFor(product, p.admin.id);
    api.actingAs(p.admin.id);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const csv = (rows: string[][]) =>
    [importColumns.join(','), ...rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))].join(
      '\r\n',
    );
  const send = async (body: Buffer | string, dryRun: boolean, type = 'text/csv') => {
    const response = await fetch(`${product.baseUrl}/api/imports?dryRun=${dryRun}`, {
      method: 'POST',
      headers: { 'content-type': type, authorization: `Bearer ${adminToken}` },
      body,
    });
    return {
      status: response.status,
      body: (await response.json()) as {
        problems?: { row: number; column: string | null; message: string }[];
        counts?: Record<string, number>;
        errors?: unknown[];
        notes?: string[];
        statuses?: unknown[];
      },
    };
  };
  //                 title, originator, kind, scope, published, ref, item kind, text, to, for force, cat, dept, owner, lead, due, earlier, status, update
  const good = [
    [
      'Core Financials February 2016',
      'Mazars',
      'internal audit',
      'force',
      '01/02/2016',
      'Action 1',
      'action',
      'Review and update map and desk instructions.',
      '',
      'yes',
      '2',
      'Finance',
      'sarah.lindqvist@test.police.uk',
      'andrew.pemberton@test.police.uk',
      '31/07/2027',
      '30/04/2027',
      'At risk',
      'Review nearly complete.',
    ],
    [
      'Core Financials February 2016',
      'Mazars',
      'internal audit',
      'force',
      '01/02/2016',
      'Action 2',
      'action',
      'Reconcile the control accounts.',
      '',
      'yes',
      '2',
      'Finance',
      '',
      '',
      '',
      '',
      'Closed',
      '',
    ],
    [
      'Core Financials February 2016',
      'Mazars',
      'internal audit',
      'force',
      '01/02/2016',
      'Action 3',
      'action',
      'National guidance on procurement cards.',
      'Home Office',
      'no',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    ],
  ];

  it('refuses a body that is not a CSV file or a workbook, or is empty, naming the header or the body, for trackers and people alike', async () => {
    for (const path of ['/api/imports', '/api/people/import']) {
      const post = async (body: string, type: string) => {
        const response = await fetch(`${product.baseUrl}${path}?dryRun=true`, {
          method: 'POST',
          headers: { 'content-type': type, authorization: `Bearer ${adminToken}` },
          body,
        });
        return { status: response.status, errors: ((await response.json()) as { errors: unknown[] }).errors };
      };
      expect(await post('a,b', 'text/plain')).toEqual({
        status: 415,
        errors: [{ field: 'header.Content-Type', message: expect.stringMatching(/^must be text\/csv or application\/vnd/) }],
      });
      expect(await post('', 'text/csv')).toEqual({ status: 400, errors: [{ field: 'body', message: 'the file is empty' }] });
    }
  });

  it('lists every problem by row and column and imports nothing until the file is clean', async () => {
    const before = await product.app.dataSource.manager.count(Recommendation);
    const bad = [
      [...good[0]!.slice(0, 12), 'nobody@test.police.uk', 'andrew.pemberton@test.police.uk', '31/02/2027', '', 'Sort of done', ''],
      good[1]!,
    ];
    const dry = await send(csv(bad), true);
    expect(dry.status).toBe(200);
    expect(dry.body.problems).toEqual([
      { row: 2, column: 'Due date', value: '31/02/2027', message: '"31/02/2027" is not a date (write 31/03/2027 or 2027-03-31)' },
    ]);
    // A status in the force's own words is not a problem: the dry run proposes what it means, to be confirmed.
    expect(dry.body.statuses).toEqual([expect.objectContaining({ wording: 'Sort of done', source: 'proposed' })]);
    const refused = await send(csv(bad), false);
    expect(refused.status).toBe(422);
    const unknownOwner = await send(csv([[...good[0]!.slice(0, 12), 'nobody@test.police.uk', ...good[0]!.slice(13)]]), true);
    expect(unknownOwner.body.problems).toEqual([
      { row: 2, column: 'Owner email', value: 'nobody@test.police.uk', message: 'nobody active has the email nobody@test.police.uk' },
    ]);
    expect(await product.app.dataSource.manager.count(Recommendation)).toBe(before);
  });

  it('finds people the tracker names without an email by their name, when exactly one active person has it', async () => {
    const repo = product.app.dataSource.getRepository(Person);
    await repo.save([
      repo.create({ name: 'Jo Bloggs', email: 'jo.bloggs@test.police.uk', roles: ['action_owner'] }),
      repo.create({ name: 'Jo  bloggs', email: 'joanne.bloggs@test.police.uk', roles: ['action_owner'] }),
    ]);
    const named = (owner: string, lead: string) => csv([[...good[0]!.slice(0, 12), owner, lead, ...good[0]!.slice(14)]]);
    expect((await send(named('sarah  LINDQVIST', 'Andrew Pemberton'), true)).body).toMatchObject({ problems: [], counts: { create: 1 } });
    expect((await send(named('Jo Bloggs', 'Nobody Known'), true)).body.problems).toEqual([
      {
        row: 2,
        column: 'Owner email',
        value: 'Jo Bloggs',
        message: '2 active people are called Jo Bloggs: write the email of the one meant',
      },
      {
        row: 2,
        column: 'Lead email',
        value: 'Nobody Known',
        message: 'nobody active is called Nobody Known (write their email, or add them on People first)',
      },
    ]);
    // Found by name, the person must still hold the role.
    expect((await send(named('Andrew Pemberton', 'Andrew Pemberton'), true)).body.problems).toEqual([
      { row: 2, column: 'Owner email', value: 'Andrew Pemberton', message: 'Andrew Pemberton does not have the role "action owner"' },
    ]);
    await repo.update({ email: In(['jo.bloggs@test.police.uk', 'joanne.bloggs@test.police.uk']) }, { active: false });
  });

  it('imports a clean file in one go, starting workflows in the state each item is really in', async () => {
    const dry = await send(csv(good), true);
    expect(dry.body).toMatchObject({ problems: [], counts: { create: 3, update: 0, unchanged: 0 } });
    const done = await send(csv(good), false);
    expect(done.status).toBe(200);
    const items = await product.app.dataSource.manager.find(Recommendation, { order: { reference: 'ASC' } });
    expect(items.map((i) => [i.reference, i.status])).toEqual([
      ['Action 1', 'in_progress'],
      ['Action 2', 'closed'],
      ['Action 3', 'not_for_the_force'],
    ]);
    const inProgress = items[0]!;
    expect(inProgress.state.dueDateHistory.map((d) => d.dueDate)).toEqual(['2027-04-30', '2027-07-31']);
    expect(inProgress.state.latestUpdate?.text).toBe('Review nearly complete.');
    const handle = product.app.client.workflow.getHandle(recommendationWorkflowId(inProgress.id));
    expect((await handle.query(stateQuery)).status).toBe('in_progress');
    const next = await eventually(
      () => handle.query(nextNudgeQuery),
      (n) => n !== null,
    );
    expect(next!.key).toContain('2027-07-31');
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { type: 'recommendation_imported' })).toBe(3);
    // The imported item carries on through its lifecycle like any other.
    const view = await api.command(inProgress.id, { type: 'postUpdate', text: 'Desk instructions published' }, inProgress.ownerId!);
    expect(view.state.updateCount).toBe(2);
  });

  it('changes nothing when the same file comes again, and updates (never duplicates) a changed row', async () => {
    const again = await send(csv(good), false);
    expect(again.body.counts).toEqual({ create: 0, update: 0, unchanged: 3 });
    const changed = good.map((r) => [...r]);
    changed[1]![7] = 'Reconcile the control accounts every month.';
    const dry = await send(csv(changed), true);
    expect(dry.body.counts).toEqual({ create: 0, update: 1, unchanged: 2 });
    await send(csv(changed), false);
    expect(await product.app.dataSource.manager.count(Recommendation)).toBe(3);
    expect(await product.app.dataSource.manager.count(SourceReport)).toBe(1);
    const updated = await product.app.dataSource.manager.findOneByOrFail(Recommendation, { reference: 'Action 2' });
    expect(updated.text).toBe('Reconcile the control accounts every month.');
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { type: 'recommendation_import_updated' })).toBe(1);
  });

  it('starts items part-way through approval or with HMICFRS in that state, from their original dates, so the chases pick up', async () => {
    const row = (reference: string, status: string, statusSince: string, step = '') => {
      const cells = Object.fromEntries(importColumns.map((column) => [column, ''])) as Record<(typeof importColumns)[number], string>;
      Object.assign(cells, {
        'Report title': 'Digital Forensics',
        Originator: 'HMICFRS',
        'Source kind': 'inspection',
        'Published on': '01/12/2022',
        Reference: reference,
        Text: `Recommendation ${reference}`,
        Category: '3',
        'Owner email': people.owner.email,
        'Lead email': people.lead.email,
        'Due date': '30/09/2099',
        'Earlier due dates': '31/03/2023',
        Status: status,
        'Logged on': '12/12/2022',
        'Status since': statusSince,
        'Approval step': step,
      });
      return importColumns.map((column) => cells[column]);
    };
    // Dates relative to today, so the chases counted from them are still ahead.
    const today = calendarDateInLondon(Date.now());
    const uk = (iso: string) => iso.split('-').reverse().join('/');
    const [stepOpened, submitted] = [addCalendarDays(today, -1), addCalendarDays(today, -30)];
    const file = csv([
      row('1', 'Awaiting approval', uk(stepOpened), '2'),
      row('2', 'Submitted to HMICFRS', uk(submitted)),
      row('3', 'Awaiting approval', uk(stepOpened), '3'),
    ]);
    const dry = await send(file, true);
    expect(dry.body.problems).toEqual([
      {
        row: 4,
        column: 'Status',
        message: 'the row does not give a sound state: its approval route has 2 steps, so it cannot wait at step 3',
      },
    ]);
    const done = await send(
      csv([row('1', 'Awaiting approval', uk(stepOpened), '2'), row('2', 'Submitted to HMICFRS', uk(submitted))]),
      false,
    );
    expect(done.body).toMatchObject({ problems: [], counts: { create: 2 } });
    const [approval, hmicfrs] = await product.app.dataSource.manager.find(Recommendation, {
      where: { reference: In(['1', '2']) },
      order: { reference: 'ASC' },
    });
    // Step 1 (the lead) approved, step 2 (the DCC) open since the status date.
    expect(approval!.state.approval).toMatchObject({
      current: 1,
      steps: [
        { approverId: people.lead.id, approval: { by: people.lead.id } },
        { approverId: people.dcc.id, openedOn: stepOpened, approval: null },
      ],
    });
    expect(hmicfrs!.state).toMatchObject({
      status: 'awaiting_hmicfrs_sign_off',
      hmicfrs: { submittedOn: submitted },
      selfCertification: { signedOn: submitted },
    });
    // Each workflow is in that state, and its next nudge is the chase counted from the original date.
    const nudge = async (id: string, kind: string) => {
      const handle = product.app.client.workflow.getHandle(recommendationWorkflowId(id));
      expect((await handle.query(stateQuery)).status).toBe(id === approval!.id ? 'awaiting_approval' : 'awaiting_hmicfrs_sign_off');
      return eventually(
        () => handle.query(nextNudgeQuery),
        (n) => n?.kind === kind,
      );
    };
    expect((await nudge(approval!.id, 'approval_chase'))!.key).toContain(`:s2:${people.dcc.id}:${stepOpened}:chase`);
    expect((await nudge(hmicfrs!.id, 'hmicfrs_chase'))!.key).toContain(`hmicfrs:awaiting_hmicfrs_sign_off:${submitted}:`);
    // The trail carries the original dates: logged in 2022, extended when the first date fell due, with HMICFRS since it was sent.
    const trail = await product.app.dataSource.manager.find(AuditEvent, {
      where: { recommendationId: hmicfrs!.id, entityType: 'recommendation' },
      order: { occurredAt: 'ASC', id: 'ASC' },
    });
    expect(trail.slice(0, 4).map((e) => [e.type, e.occurredAt.toISOString().slice(0, 10)])).toEqual([
      ['recommendation_logged', '2022-12-12'],
      ['recommendation_imported', '2022-12-12'],
      ['imported_extension', '2023-03-31'],
      ['imported_status', submitted],
    ]);
  });

  it('keeps the items’ state intervals, which papers read, in step with the backdated trail the imports wrote', async () => {
    expect(await expectIntervalsToMatchTrail(product.app.dataSource, [calendarDateInLondon(Date.now())])).toBeGreaterThan(5);
  });

  it('reads Excel workbooks too, and offers the template', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Tracker');
    sheet.addRow([...importColumns]);
    sheet.addRow([
      'Legitimacy 2015',
      'HMIC',
      'inspection',
      'force',
      new Date('2016-02-01T00:00:00Z'),
      '1',
      'recommendation',
      'Respond to the final report.',
      '',
      'yes',
      '2',
      '',
      '',
      '',
      '',
      '',
      'logged',
      '',
    ]);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const dry = await send(file, true, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(dry.body).toMatchObject({ problems: [], counts: { create: 1 } });
    const template = await fetch(`${product.baseUrl}/api/imports/template.csv`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(template.headers.get('content-disposition')).toContain('tracker-import-template.csv');
    expect((await template.text()).split('\r\n')[0]).toBe(importColumns.join(','));
    expect((await send('not,a,tracker', true, 'application/pdf')).status).toBe(415);
  });
});
