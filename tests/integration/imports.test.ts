import ExcelJS from 'exceljs';
import { importColumns } from '../../domain/trackerImport';
import { AuditEvent, Recommendation, SourceReport } from '../../entities';
import { nextNudgeQuery, recommendationWorkflowId, stateQuery } from '../../workflows/messages';
import { addPeople, apiClient, tokenFor, type ApiClient } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** A force's existing tracker comes in: checked first, then imported in one transaction, and never twice. */
describe('importing an existing tracker', () => {
  let product: TestProduct;
  let api: ApiClient;
  let adminToken: string;

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    const p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Sarah Lindqvist', roles: ['action_owner'] },
      lead: { name: 'Andrew Pemberton', roles: ['lead', 'finance_director'] },
    });
    adminToken = await tokenFor(product, p.admin.id);
    api.actingAs(p.admin.id);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const csv = (rows: string[][]) => [importColumns.join(','), ...rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))].join('\r\n');
  const send = async (body: Buffer | string, dryRun: boolean, type = 'text/csv') => {
    const response = await fetch(`${product.baseUrl}/api/imports?dryRun=${dryRun}`, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${adminToken}` }, body });
    return { status: response.status, body: (await response.json()) as { problems?: { row: number; column: string | null; message: string }[]; counts?: Record<string, number>; errors?: unknown[]; notes?: string[] } };
  };
  //                 title, originator, kind, scope, published, ref, item kind, text, to, for force, cat, dept, owner, lead, due, earlier, status, update
  const good = [
    ['Core Financials February 2016', 'Mazars', 'internal audit', 'force', '01/02/2016', 'Action 1', 'action', 'Review and update map and desk instructions.', '', 'yes', '2', 'Finance', 'sarah.lindqvist@test.police.uk', 'andrew.pemberton@test.police.uk', '31/07/2027', '30/04/2027', 'At risk', 'Review nearly complete.'],
    ['Core Financials February 2016', 'Mazars', 'internal audit', 'force', '01/02/2016', 'Action 2', 'action', 'Reconcile the control accounts.', '', 'yes', '2', 'Finance', '', '', '', '', 'Closed', ''],
    ['Core Financials February 2016', 'Mazars', 'internal audit', 'force', '01/02/2016', 'Action 3', 'action', 'National guidance on procurement cards.', 'Home Office', 'no', '', '', '', '', '', '', '', ''],
  ];

  it('lists every problem by row and column and imports nothing until the file is clean', async () => {
    const before = await product.app.dataSource.manager.count(Recommendation);
    const bad = [
      [...good[0]!.slice(0, 12), 'nobody@test.police.uk', 'andrew.pemberton@test.police.uk', '31/02/2027', '', 'Sort of done', ''],
      good[1]!,
    ];
    const dry = await send(csv(bad), true);
    expect(dry.status).toBe(200);
    expect(dry.body.problems).toEqual([
      expect.objectContaining({ row: 2, column: 'Status' }),
      { row: 2, column: 'Due date', message: '"31/02/2027" is not a date (write 31/03/2027 or 2027-03-31)' },
    ]);
    const refused = await send(csv(bad), false);
    expect(refused.status).toBe(422);
    const unknownOwner = await send(csv([[...good[0]!.slice(0, 12), 'nobody@test.police.uk', ...good[0]!.slice(13)]]), true);
    expect(unknownOwner.body.problems).toEqual([{ row: 2, column: 'Owner email', message: 'nobody active has the email nobody@test.police.uk' }]);
    expect(await product.app.dataSource.manager.count(Recommendation)).toBe(before);
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
    const next = await eventually(() => handle.query(nextNudgeQuery), (n) => n !== null);
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

  it('reads Excel workbooks too, and offers the template', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Tracker');
    sheet.addRow([...importColumns]);
    sheet.addRow(['Legitimacy 2015', 'HMIC', 'inspection', 'force', new Date('2016-02-01T00:00:00Z'), '1', 'recommendation', 'Respond to the final report.', '', 'yes', '2', '', '', '', '', '', 'logged', '']);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const dry = await send(file, true, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(dry.body).toMatchObject({ problems: [], counts: { create: 1 } });
    const template = await fetch(`${product.baseUrl}/api/imports/template.csv`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(template.headers.get('content-disposition')).toContain('tracker-import-template.csv');
    expect((await template.text()).split('\r\n')[0]).toBe(importColumns.join(','));
    expect((await send('not,a,tracker', true, 'application/pdf')).status).toBe(415);
  });
});
