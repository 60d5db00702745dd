import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { addCalendarDays, calendarDateInLondon } from '../../domain/calendar';
import type { Person } from '../../entities';
import { createMailer } from '../../platform/email/mailer';
import { addCast, apiClient, type ApiClient } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { startTestProduct, type TestProduct } from '../support/testProduct';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const scrape = async (url: string): Promise<string> => {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The value of one series in Prometheus' text format, its labels given in the order the exporter writes them; null when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  const written = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const selector = written.length ? `\\{${written.map(escape).join(',')}\\}` : '';
  const match = new RegExp(`^${escape(name)}${selector} ([^ ]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}

/** Every series of a family whose labels include these, in any order, with its value. */
function series(text: string, name: string, labels: Record<string, string>): number[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
}

/**
 * Issue 20, Operations: /metrics on the API (HTTP by route pattern, the dashboard's figures, the outbox) and on the
 * worker (its own listener, with the Temporal SDK's runtime metrics), scraped as Prometheus would.
 */
describe('/metrics on the API and the worker', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'lead', Person>;
  let ids: string[];
  const dueDate = addCalendarDays(calendarDateInLondon(Date.now()), 30);

  beforeAll(async () => {
    product = await startTestProduct({
      workerMetrics: { host: '127.0.0.1', port: 0, temporalSdkAddress: `127.0.0.1:${await freePort()}` },
    });
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead');
    api.actingAs(p.admin.id);
    ids = await api.createReport({
      title: 'Metrics',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: ['1', '2', '3'].map((reference) => ({ reference, category: 2 })),
    });
    for (const id of ids.slice(0, 2)) await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate });
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('counts HTTP requests by method, route pattern and status, with their durations, and never by the address asked for', async () => {
    expect((await api.call('GET', `/api/recommendations/${ids[0]}`)).status).toBe(200);
    expect((await api.call('GET', `/api/recommendations/${randomUUID()}`)).status).toBe(404);
    expect((await api.call('GET', `/api/recommendations/${ids[0]}/evidence`)).status).toBe(200);
    expect((await fetch(`${product.baseUrl}/no-such-page-${randomUUID()}`, { redirect: 'manual' })).status).toBeGreaterThanOrEqual(300);
    expect((await fetch(`${product.baseUrl}/govuk/govuk-frontend.min.css`)).status).toBe(200);

    const countIn = (t: string, method: string, route: string, status: number) =>
      sample(t, 'http_request_duration_seconds_count', { method, route, status_code: String(status) });
    // A request is counted when its answer has finished writing, which a loaded machine may run after the client read it.
    const text = await eventually(
      () => scrape(`${product.baseUrl}/metrics`),
      (t) => countIn(t, 'GET', '/govuk/*', 200) === 1 && countIn(t, 'GET', '/api/recommendations/:id/evidence', 200) === 1,
      { what: 'the requests above counted' },
    );
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    const count = (method: string, route: string, status: number) => countIn(text, method, route, status);
    expect(count('POST', '/api/recommendations/:id/commands', 200)).toBe(2);
    expect(count('POST', '/api/reports', 201)).toBe(1);
    expect(count('GET', '/api/recommendations/:id', 200)).toBeGreaterThanOrEqual(1);
    expect(count('GET', '/api/recommendations/:id', 404)).toBe(1);
    // A router mounted on a pattern (evidence, under its item) is named by that pattern too.
    expect(count('GET', '/api/recommendations/:id/evidence', 200)).toBe(1);
    // Static files: their router's mount path, not one series per file.
    expect(count('GET', '/govuk/*', 200)).toBe(1);
    expect(series(text, 'http_request_duration_seconds_count', { route: 'unmatched' }).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(
      1,
    );
    expect(
      sample(text, 'http_request_duration_seconds_bucket', {
        le: '+Inf',
        method: 'POST',
        route: '/api/recommendations/:id/commands',
        status_code: '200',
      }),
    ).toBe(2);
    expect(
      sample(text, 'http_request_duration_seconds_sum', { method: 'POST', route: '/api/recommendations/:id/commands', status_code: '200' }),
    ).toBeGreaterThan(0);
    for (const id of ids) expect(text).not.toContain(id);
    expect(text).not.toContain('no-such-page');
  });

  it('shows the dashboard’s figures: open items by status, overdue and at risk as the list filters them, decisions waiting', async () => {
    const listed = async (query: string) =>
      (await api.call<{ items: unknown[] }>('GET', `/api/recommendations?${query}&limit=100`)).body.items.length;
    const text = await eventually(
      () => scrape(`${product.baseUrl}/metrics`),
      (t) => sample(t, 'recommendation_tracker_open_items', { status: 'assigned' }) === 2,
      { what: 'two assigned items counted' },
    );
    expect(sample(text, 'recommendation_tracker_open_items', { status: 'logged' })).toBe(1);
    expect(sample(text, 'recommendation_tracker_open_items', { status: 'awaiting_approval' })).toBe(0);
    expect(sample(text, 'recommendation_tracker_open_items', { status: 'closed' })).toBeNull();
    // Due in 30 days: within the default three-month window, so both assigned items are at risk and neither overdue.
    expect(sample(text, 'recommendation_tracker_at_risk_items')).toBe(2);
    expect(sample(text, 'recommendation_tracker_at_risk_items')).toBe(await listed('atRisk=true'));
    expect(sample(text, 'recommendation_tracker_overdue_items')).toBe(await listed('overdue=true'));
    expect(sample(text, 'recommendation_tracker_decisions_waiting')).toBe(0);
  });

  it('shows the outbox: emails waiting and the age of the oldest, and reminder emails sent by kind', async () => {
    // An email waiting since twenty minutes ago, that no item's workflow will send (it belongs to none).
    await product.app.dataSource.query(
      `INSERT INTO outbound_emails (transition_id, template, recipient_id, to_address, subject, body_text, body_html, status, created_at)
       VALUES ('metrics-test', 'test', $1, $2, 'Waiting', 'Waiting', '<p>Waiting</p>', 'pending', now() - interval '20 minutes')`,
      [p.owner.id, p.owner.email],
    );
    // One due-date reminder, sent at once to an owner who asked for each reminder as it comes.
    expect(
      (await api.call('PUT', `/api/people/${p.owner.id}/digest-preference`, { digestPreference: 'immediate' }, p.owner.id)).status,
    ).toBe(200);
    const activities = createActivities({
      dataSource: product.app.dataSource,
      mailer: createMailer(product.sink.url, 'Tracker <no-reply@tracker.test>'),
      links: { publicUrl: 'http://tracker.test', forceName: 'Test Constabulary' },
    });
    const at = new Date().toISOString();
    await new MockActivityEnvironment().run(activities.sendNudgeNow, {
      recommendationId: ids[0]!,
      nudge: { at, kind: 'due_reminder' as const, recipients: 'owner' as const, key: `due:${dueDate}:-20wd:metrics`, dueDate },
      occurredAt: at,
    });
    await product.sink.waitFor((m) => m.to.includes(p.owner.email) && !m.subject.startsWith('Assigned'), { timeoutMs: 20_000 });

    const text = await eventually(
      () => scrape(`${product.baseUrl}/metrics`),
      (t) =>
        sample(t, 'recommendation_tracker_reminder_emails_sent_total', { kind: 'due_reminder' }) === 1 &&
        (sample(t, 'recommendation_tracker_outbox_unsent_emails') ?? 0) >= 1,
      { what: 'the reminder and the waiting email counted' },
    );
    expect(text).toContain('# TYPE recommendation_tracker_reminder_emails_sent_total counter');
    expect(sample(text, 'recommendation_tracker_reminder_emails_sent_total', { kind: 'off_target' })).toBe(0);
    expect(sample(text, 'recommendation_tracker_reminder_emails_sent_total', { kind: 'digest' })).toBe(0);
    expect(sample(text, 'recommendation_tracker_outbox_unsent_emails')).toBe(1);
    expect(sample(text, 'recommendation_tracker_outbox_failed_emails')).toBe(0);
    const oldest = sample(text, 'recommendation_tracker_outbox_oldest_unsent_age_seconds')!;
    expect(oldest).toBeGreaterThanOrEqual(20 * 60);
    expect(oldest).toBeLessThan(20 * 60 + 120);
  });

  it('serves the worker’s own /metrics with the Temporal SDK’s runtime metrics for its task queue', async () => {
    expect(product.app.workerMetricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const text = await eventually(
      () => scrape(product.app.workerMetricsUrl!),
      (t) => series(t, 'temporal_num_pollers', { task_queue: product.taskQueue }).some((n) => n > 0),
      { what: 'the worker’s pollers in its metrics' },
    );
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(
      series(text, 'temporal_worker_task_slots_available', { task_queue: product.taskQueue, worker_type: 'WorkflowWorker' }).length,
    ).toBeGreaterThan(0);
    expect(
      series(text, 'temporal_workflow_task_schedule_to_start_latency_seconds_count', { task_queue: product.taskQueue }).some((n) => n > 0),
    ).toBe(true);
    expect(
      series(text, 'temporal_workflow_task_execution_latency_seconds_count', {
        task_queue: product.taskQueue,
        workflow_type: 'recommendationWorkflow',
      }).some((n) => n > 0),
    ).toBe(true);
    expect(series(text, 'temporal_sticky_cache_size', { task_queue: product.taskQueue }).some((n) => n > 0)).toBe(true);
    // The worker's listener answers /metrics only.
    expect((await fetch(product.app.workerMetricsUrl!.replace(/\/metrics$/, '/'))).status).toBe(404);
  });
});
