import { recommendationWorkflowId, recordQuery, type WorkflowRecord } from '../../workflows/messages';
import type { ConsistencyReport } from '../../api/consistency';
import { stableJson } from '../../api/consistency/compare';
import type { Person } from '../../entities';
import { addCast, apiClient, signIn, type ApiClient } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * The consistency check on real PostgreSQL and Temporal: items are made to disagree on purpose (a terminated workflow,
 * a row one transition ahead as a lost workflow task leaves it, a row edited at the same version), then found,
 * repaired with an audit event each, and found to agree; the admin page and /metrics show the same.
 */
describe('consistency check', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'lead', Person>;
  let ids: { terminated: string; behind: string; differs: string; fine: string };
  const PASSWORD = 'consistency-password';

  const row = async (id: string): Promise<WorkflowRecord & { status: string }> =>
    (
      (await product.app.dataSource.query(`SELECT state, version, status FROM recommendations WHERE id = $1`, [id])) as (WorkflowRecord & {
        status: string;
      })[]
    )[0]!;
  const workflowRecord = (id: string) => product.app.client.workflow.getHandle(recommendationWorkflowId(id)).query(recordQuery);
  const metric = async (kind: string): Promise<number | null> => {
    const text = await (await fetch(`${product.baseUrl}/metrics`)).text();
    const match = new RegExp(`^recommendation_tracker_workflow_divergences\\{class="${kind}"\\} (\\d+)$`, 'm').exec(text);
    return match ? Number(match[1]) : null;
  };

  /** Three items made to disagree, one left alone. */
  async function makeThemDisagree() {
    const references = ['1', '2', '3', '4'];
    const [terminated, behind, differs, fine] = await api.createReport({
      title: `Consistency ${Date.now()}`,
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: references.map((reference) => ({ reference, category: 2 })),
    });
    ids = { terminated: terminated!, behind: behind!, differs: differs!, fine: fine! };
    for (const id of Object.values(ids))
      await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2028-01-31' });
    await api.command(ids.fine, { type: 'accept' }, p.owner.id);

    // (a) The workflow is gone.
    await product.app.client.workflow.getHandle(recommendationWorkflowId(ids.terminated)).terminate('consistency test');
    // (b) The transition was recorded in PostgreSQL but the workflow never heard: the row one version on.
    await product.app.dataSource.query(
      `UPDATE recommendations SET state = jsonb_set(state, '{status}', '"in_progress"'), status = 'in_progress', version = version + 1 WHERE id = $1`,
      [ids.behind],
    );
    // (c) The same version, a different state.
    await product.app.dataSource.query(`UPDATE recommendations SET state = jsonb_set(state, '{dueDate}', '"2029-06-30"') WHERE id = $1`, [
      ids.differs,
    ]);
  }

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead');
    api.actingAs(p.admin.id);
    await makeThemDisagree();
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('reports each difference with its class, changing nothing, and only to administrators', async () => {
    expect((await api.call('GET', '/api/admin/consistency', undefined, p.owner.id)).status).toBe(403);
    const before = { behind: await row(ids.behind), differs: await row(ids.differs) };

    const response = await api.call<ConsistencyReport>('GET', '/api/admin/consistency');
    expect(response.status).toBe(200);
    const report = response.body;
    expect(report).toMatchObject({
      heal: false,
      checked: 4,
      remaining: 3,
      counts: { agrees: 1, workflow_missing: 1, workflow_behind: 1, workflow_ahead: 0, state_differs: 1, unreachable: 0 },
    });
    const byId = Object.fromEntries(report.differences.map((d) => [d.recommendationId, d]));
    expect(byId[ids.terminated]).toMatchObject({
      class: 'workflow_missing',
      reference: '1',
      workflow: null,
      postgres: { status: 'assigned', version: 1 },
      healed: false,
      repair: null,
    });
    expect(byId[ids.terminated]!.detail).toMatch(/terminated/);
    expect(byId[ids.behind]).toMatchObject({
      class: 'workflow_behind',
      postgres: { status: 'in_progress', version: 2 },
      workflow: { status: 'assigned', version: 1 },
    });
    expect(byId[ids.differs]).toMatchObject({
      class: 'state_differs',
      postgres: { version: 1 },
      workflow: { version: 1 },
      detail: 'Differs in dueDate',
    });
    expect(byId[ids.fine]).toBeUndefined();

    // Reporting changed nothing: the rows, the workflows, the audit trail.
    expect(await row(ids.behind)).toEqual(before.behind);
    expect(await row(ids.differs)).toEqual(before.differs);
    expect((await workflowRecord(ids.behind)).version).toBe(1);
    expect(await product.app.dataSource.query(`SELECT 1 FROM audit_events WHERE type = 'workflow_resynced'`)).toHaveLength(0);

    expect(await metric('workflow_missing')).toBe(1);
    expect(await metric('workflow_behind')).toBe(1);
    expect(await metric('state_differs')).toBe(1);
    expect(await metric('workflow_ahead')).toBe(0);
    const text = await (await fetch(`${product.baseUrl}/metrics`)).text();
    expect(text).toContain('# TYPE recommendation_tracker_workflow_divergences gauge');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('repairs every difference so that each workflow holds exactly the row, noting each repair on the item’s history', async () => {
    const response = await api.call<ConsistencyReport>('POST', '/api/admin/consistency/repair');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ heal: true, remaining: 0 });
    expect(response.body.differences.map((d) => [d.recommendationId, d.healed]).sort()).toEqual(
      [ids.terminated, ids.behind, ids.differs].map((id) => [id, true]).sort(),
    );

    for (const id of Object.values(ids)) {
      const [recorded, stored] = [await workflowRecord(id), await row(id)];
      expect([id, recorded.version, stableJson(recorded.state)]).toEqual([id, stored.version, stableJson(stored.state)]);
    }
    const again = (await api.call<ConsistencyReport>('GET', '/api/admin/consistency')).body;
    expect(again).toMatchObject({ checked: 4, remaining: 0, differences: [], counts: { agrees: 4 } });
    expect(await metric('workflow_missing')).toBe(0);
    expect(await metric('workflow_behind')).toBe(0);

    const events = (await product.app.dataSource.query(
      `SELECT recommendation_id, actor_id, entity_type, summary, after FROM audit_events WHERE type = 'workflow_resynced' ORDER BY recommendation_id`,
    )) as { recommendation_id: string; actor_id: string; entity_type: string; summary: string; after: object }[];
    expect(events.map((e) => e.recommendation_id).sort()).toEqual([ids.terminated, ids.behind, ids.differs].sort());
    const summary = (id: string) => events.find((e) => e.recommendation_id === id)!.summary;
    expect(summary(ids.behind)).toBe(
      'Workflow was at version 1 (assigned); PostgreSQL at version 2 (in progress); the workflow now follows PostgreSQL',
    );
    expect(summary(ids.terminated)).toBe(
      'The workflow had terminated; PostgreSQL at version 1 (assigned); the workflow was started from PostgreSQL',
    );
    expect(summary(ids.differs)).toContain('the state differing in dueDate');
    for (const event of events) expect(event).toMatchObject({ actor_id: p.admin.id, entity_type: 'recommendation' });
    // The repair is on the item's history, and adds nothing the papers would fold into its state.
    expect((await api.get(ids.behind)).history.map((h) => h.summary)).toContain(summary(ids.behind));
    for (const event of events) expect(Object.keys(event.after).sort()).toEqual(['finding', 'workflow']);

    // The repaired workflows go on from PostgreSQL's version.
    expect((await api.command(ids.behind, { type: 'postUpdate', text: 'After the repair' }, p.owner.id)).version).toBe(3);
    expect((await api.command(ids.terminated, { type: 'accept' }, p.owner.id)).version).toBe(2);
  });

  it('has an administration page that shows the last check, checks now and repairs, with its CSRF token', async () => {
    await product.app.services.auth.setPassword(p.admin.id, PASSWORD, { id: null, label: 'test' });
    await product.app.services.auth.setPassword(p.owner.id, PASSWORD, { id: null, label: 'test' });
    const admin = await signIn(product.baseUrl, p.admin.email, PASSWORD);
    const owner = await signIn(product.baseUrl, p.owner.email, PASSWORD);
    const get = async (path: string, session = admin) => {
      const response = await fetch(`${product.baseUrl}${path}`, { headers: { cookie: session.cookie }, redirect: 'manual' });
      return { status: response.status, html: await response.text() };
    };
    const post = async (path: string, session = admin, csrf = session.csrfToken) => {
      const response = await fetch(`${product.baseUrl}${path}`, {
        method: 'POST',
        headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf }).toString(),
        redirect: 'manual',
      });
      await response.arrayBuffer();
      return { status: response.status, location: response.headers.get('location') };
    };

    expect((await get('/admin')).html).toContain('href="/admin/consistency"');
    expect((await get('/admin/consistency', owner)).status).toBe(403);
    expect((await post('/admin/consistency', owner)).status).toBe(403);
    expect((await post('/admin/consistency/repair', admin, 'not-the-token')).status).toBe(403);

    await product.app.client.workflow.getHandle(recommendationWorkflowId(ids.fine)).terminate('page test');
    expect(await post('/admin/consistency')).toEqual({ status: 303, location: '/admin/consistency?done=checked' });
    const checked = await get('/admin/consistency?done=checked');
    expect(checked.status).toBe(200);
    expect(checked.html).toContain('Checked 4 open items: 1 differs from PostgreSQL.');
    expect(checked.html).toContain(`href="/recommendations/${ids.fine}"`);
    expect(checked.html).toContain('No workflow running');
    expect(checked.html).toContain('Report only: nothing was changed');
    expect(checked.html).toMatch(
      /<form method="post" action="\/admin\/consistency\/repair" novalidate>\s*<input type="hidden" name="_csrf" value="[^"]+">/,
    );
    expect(checked.html).toContain('Check now');

    expect(await post('/admin/consistency/repair')).toEqual({ status: 303, location: '/admin/consistency?done=repaired' });
    const repaired = await get('/admin/consistency?done=repaired');
    expect(repaired.html).toContain('Repaired 1 of 1 difference.');
    expect(repaired.html).toContain('Checked and repaired');
    expect((await workflowRecord(ids.fine)).version).toBe((await row(ids.fine)).version);
  });
});
