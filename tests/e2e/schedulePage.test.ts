import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { reminderPolicyWith } from '../../domain/reminders/policy';
import type { Person } from '../../entities';
import { recommendationWorkflowId, reminderScheduleQuery } from '../../workflows/messages';
import { addCast, apiClient, type ApiClient } from '../support/apiClient';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { eventually } from '../support/eventually';
import { OpenApiValidator } from '../support/openApiValidator';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';

interface Schedule {
  planned: { at: string; kind: string; key: string; to: string[] }[];
  sent: { outboxId: string; subject: string; to: string; sentAt: string | null }[];
}

/**
 * An item's reminders and escalations, as an API and a page: what its workflow plans next (the workflow's own query)
 * and what was sent, with a link to each email in the development mailbox. Screenshotted to artifacts/schedule.png.
 */
describe('the reminder schedule of an item', () => {
  let product: TestProduct;
  let api: ApiClient;
  let browser: Browser;
  let page: Page;
  let p: Record<'admin' | 'owner' | 'lead' | 'dcc', Person>;
  let id: string;

  beforeAll(async () => {
    product = await startTestProduct({ digestEveryMs: 60 * 60_000 });
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead', 'dcc');
    await product.app.services.auth.setPassword(p.admin.id, PASSWORD, { id: null, label: 'test' });
    api = apiClient(product);
    api.actingAs(p.admin.id);
    const policy = reminderPolicyWith({ approvalChase: { duration: 'PT2S' }, approvalEscalation: { duration: 'PT4S' } });
    expect((await api.call('PUT', '/api/settings/reminders', { policy, committeeMeetings: ['2027-03-18'] })).status).toBe(200);
    [id] = (await api.createReport({
      title: 'PEEL 2025',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '3', category: 2 }],
    })) as [string];
    await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
    await api.command(id, { type: 'accept' }, p.owner.id);
    await api.command(id, { type: 'submitEvidence', summary: 'Vulnerability training delivered to all response officers' }, p.owner.id);
    await product.sink.waitFor((m) => m.to.includes(p.lead.email) && m.subject.startsWith('Reminder: your approval is waiting'), {
      timeoutMs: 20_000,
    });
    // Once the escalation is out the plan holds only dated notices, so the API and the workflow query read the same plan.
    await product.sink.waitFor((m) => m.subject.startsWith('Escalated to you: an approval has waited too long'), { timeoutMs: 20_000 });
    browser = await launchChromium();
    page = await signedInPage(
      browser,
      product,
      { email: p.admin.email, password: PASSWORD },
      { path: `/recommendations/${id}`, context: { viewport: { width: 1280, height: 720 } } },
    );
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const checks = pageChecks('e2e-schedule');

  it('answers from the workflow’s own plan and the outbox, as the OpenAPI document says', async () => {
    const response = await api.call<Schedule>('GET', `/api/recommendations/${id}/schedule`);
    expect(response.status).toBe(200);
    const validator = await OpenApiValidator.load(product.baseUrl);
    expect(validator.problems('GET', `/api/recommendations/${id}/schedule`, 200, 'application/json', response.body)).toEqual([]);
    const fromWorkflow = await product.app.client.workflow.getHandle(recommendationWorkflowId(id)).query(reminderScheduleQuery);
    expect(response.body.planned.map((n) => [n.key, n.at])).toEqual(fromWorkflow.planned.map((n) => [n.key, n.at]));
    expect(response.body.planned.map((n) => n.kind)).toContain('committee_update_request');
    expect(response.body.sent.find((s) => s.subject.startsWith('Reminder: your approval is waiting'))).toMatchObject({ to: p.lead.email });
    expect((await api.call('GET', `/api/recommendations/00000000-0000-4000-8000-000000000000/schedule`)).status).toBe(404);
  });

  it('is a page linked from the item, with what is planned and what was sent, linking to the mailbox; no axe violations', async () => {
    await page.goto(`${product.baseUrl}/recommendations/${id}`);
    await Promise.all([
      page.waitForURL(`${product.baseUrl}/recommendations/${id}/schedule`),
      page.getByRole('link', { name: /^Reminders/ }).click(),
    ]);
    await eventually(
      async () => (await page.reload(), await page.locator('#sent tbody tr').count()),
      (rows) => rows >= 2,
      { what: 'the chase and the escalation among the sent emails' },
    );
    expect(await page.locator('h1').textContent()).toBe('Reminders: Recommendation 3');
    const planned = await page.locator('#planned tbody tr').allTextContents();
    expect(
      planned.some(
        (row) => row.includes('Progress update requested for the committee') && row.includes('The committee meets on 18 March 2027'),
      ),
    ).toBe(true);
    const sent = page.locator('#sent');
    expect(await sent.textContent()).toContain(p.lead.email);
    await checks.visited(page, 'schedule');
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'artifacts', 'schedule.png'), fullPage: true });
    await Promise.all([
      page.waitForURL(/\/dev\/mailbox\/[^/]+$/),
      sent.getByRole('link', { name: /^Reminder: your approval is waiting/ }).click(),
    ]);
    expect(await page.textContent('body')).toContain('Reminder: your approval is waiting');
  });
});
