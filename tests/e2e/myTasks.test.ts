import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Person } from '../../entities';
import { addCast, apiClient, type ApiClient } from '../support/apiClient';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';
const isoDaysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Issue "Every screen tells the same truth", bugs 8 and 9, in Chromium: a lead and the liaison lead each find their
 * tasks on My tasks (the navigation's count agreeing), and the item page puts the signed-in person's next step first,
 * with Approve as the green button. Screenshots: artifacts/my-tasks-lead.png, artifacts/my-tasks-liaison.png.
 */
describe('My tasks per role, and the next step first, in a browser', () => {
  let product: TestProduct;
  let api: ApiClient;
  let browser: Browser;
  let p: Record<'admin' | 'owner' | 'lead' | 'dcc' | 'liaison', Person>;
  const ids: Record<'overdue' | 'toApprove' | 'toSubmit' | 'withHmicfrs', string> = {
    overdue: '',
    toApprove: '',
    toSubmit: '',
    withHmicfrs: '',
  };
  const checks = pageChecks('e2e-my-tasks');

  beforeAll(async () => {
    product = await startTestProduct();
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead', 'dcc', 'liaison');
    for (const person of [p.lead, p.liaison]) await product.app.services.auth.setPassword(person.id, PASSWORD, { id: null, label: 'test' });
    api = apiClient(product);
    api.actingAs(p.admin.id);
    const [overdue, toApprove, toSubmit, withHmicfrs] = await api.createReport({
      title: 'Custody services',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [
        { reference: '1', category: 2 },
        { reference: '2', category: 2 },
        { reference: '3', category: 3 },
        { reference: '4', category: 3 },
      ],
    });
    Object.assign(ids, { overdue, toApprove, toSubmit, withHmicfrs });
    for (const id of Object.values(ids)) {
      await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: isoDaysFromNow(200) });
      await api.command(id, { type: 'accept' }, p.owner.id);
    }
    await product.app.dataSource.query(`UPDATE recommendations SET due_date = DATE '2026-01-30' WHERE id = $1`, [ids.overdue]);
    for (const id of [ids.toApprove, ids.toSubmit, ids.withHmicfrs])
      await api.command(id, { type: 'submitEvidence', summary: 'Custody records audited' }, p.owner.id);
    for (const id of [ids.toSubmit, ids.withHmicfrs]) {
      await api.command(id, { type: 'approve' }, p.lead.id);
      await api.command(id, { type: 'approve' }, p.dcc.id);
      await api.command(id, { type: 'selfCertify', signatory: 'DCC Simon Hartley' }, p.dcc.id);
    }
    await api.command(ids.withHmicfrs, { type: 'submitToHmicfrs', reference: 'HMICFRS-2027-7' }, p.liaison.id);
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const signedIn = (person: Person) => signedInPage(browser, product, { email: person.email, password: PASSWORD });

  /** The rows of the table with this caption, as the item names they link to. */
  const tableLinks = (page: Page, caption: string) =>
    page.evaluate(`(() => {
      const found = [...document.querySelectorAll('table')].find((t) => t.querySelector('caption')?.textContent.trim() === ${JSON.stringify(caption)});
      return [...(found ? found.querySelectorAll('tbody tr a') : [])].map((a) => a.getAttribute('href'));
    })()`) as Promise<string[]>;
  const navCount = async (page: Page) => Number(await page.locator('.app-nav-count').first().textContent());

  it('shows a lead their portfolio and the decision waiting for them', async () => {
    const page = await signedIn(p.lead);
    await checks.visited(page, 'lead-my-tasks');
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'artifacts', 'my-tasks-lead.png'), fullPage: true });
    const headings = await page.locator('main h2').allTextContents();
    expect(headings).toEqual(['Items you lead', 'Decisions waiting for you']);
    expect(await tableLinks(page, 'Overdue (1)')).toEqual([`/recommendations/${ids.overdue}`]);
    expect(await tableLinks(page, 'Waiting for you (1)')).toEqual([`/approvals/${ids.toApprove}`]);
    expect(await tableLinks(page, 'Approvals and extensions waiting for your decision, oldest first (1)')).toEqual([
      `/approvals/${ids.toApprove}`,
    ]);
    // The same truth in the navigation as on the page: the overdue item and the decision.
    expect(await page.textContent('main')).toContain('2 things are waiting for you.');
    expect(await navCount(page)).toBe(2);
  });

  it('puts the next step first on the item page: Approve is the green button, Reject a warning, the rest in tabs', async () => {
    const page = await signedIn(p.lead);
    await page.goto(`${product.baseUrl}/recommendations/${ids.toApprove}`);
    await checks.visited(page, 'lead-item-next-step');
    // Document order: the next step comes before the tabs, and holds the decision.
    const order = (await page.evaluate(`(() => {
      const step = document.querySelector('#next-step');
      const tabs = document.querySelector('.govuk-tabs');
      return { stepFirst: !!(step.compareDocumentPosition(tabs) & Node.DOCUMENT_POSITION_FOLLOWING), inStep: [...step.querySelectorAll('button')].map((b) => [b.textContent.trim(), b.className]) };
    })()`)) as { stepFirst: boolean; inStep: [string, string][] };
    expect(order.stepFirst).toBe(true);
    expect(order.inStep).toEqual([
      ['Approve', 'govuk-button'],
      ['Reject', 'govuk-button govuk-button--warning'],
    ]);
    expect(await page.locator('#next-step-heading').textContent()).toBe('Your next step');
    // The status tag's colour is its group's: awaiting approval is yellow.
    expect(await page.locator('main .govuk-tag').first().getAttribute('class')).toBe('govuk-tag govuk-tag--yellow');
    // The tabs are links the server answers, so they work without JavaScript.
    await Promise.all([page.waitForNavigation(), page.click('a.govuk-tabs__tab:has-text("Due-date history and timeline")')]);
    expect(await page.locator('main h2').allTextContents()).toContain('Timeline');
    await checks.visited(page, 'lead-item-history-tab');
  });

  it('shows the liaison lead what to submit to HMICFRS and what waits for its answer', async () => {
    const page = await signedIn(p.liaison);
    await checks.visited(page, 'liaison-my-tasks');
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'artifacts', 'my-tasks-liaison.png'), fullPage: true });
    expect(await page.locator('main h2').allTextContents()).toEqual(['HMICFRS submissions']);
    expect(await tableLinks(page, 'To submit to HMICFRS (1)')).toEqual([`/recommendations/${ids.toSubmit}`]);
    expect(await tableLinks(page, 'Awaiting HMICFRS: record its response or visit (1)')).toEqual([`/recommendations/${ids.withHmicfrs}`]);
    expect(await navCount(page)).toBe(2);
    // Her next step on the item is the submission, first on the page.
    await page.goto(`${product.baseUrl}/recommendations/${ids.toSubmit}`);
    expect((await page.locator('#next-step button').allTextContents()).map((t) => t.trim())).toEqual(['Record submission']);
    await checks.visited(page, 'liaison-item-next-step');
  });
});
