import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Person } from '../../entities';
import { addCast, apiClient } from '../support/apiClient';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { eventually } from '../support/eventually';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';

/**
 * Bulk assignment in Chromium, reached from the navigation: select three items (one of them not for the force),
 * choose an owner, a lead and a due date, check what will change for each, continue, and see each item's outcome;
 * the owner gets one email listing the two assigned. Screenshots: artifacts/bulk-assign-confirm.png and
 * artifacts/bulk-assign-results.png.
 */
describe('bulk assignment in a browser', () => {
  let product: TestProduct;
  let browser: Browser;
  let page: Page;
  let p: Record<'admin' | 'owner' | 'lead', Person>;
  let ids: string[];

  beforeAll(async () => {
    product = await startTestProduct();
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead');
    await product.app.services.auth.setPassword(p.admin.id, PASSWORD, { id: null, label: 'test' });
    const api = apiClient(product);
    api.actingAs(p.admin.id);
    ids = await api.createReport({
      title: 'Custody inspection',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1' }, { reference: '2' }, { reference: '3' }],
    });
    browser = await launchChromium();
    page = await signedInPage(browser, product, { email: p.admin.email, password: PASSWORD });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const checks = pageChecks('e2e-bulk-actions');
  const click = (selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);
  const tableRows = (selector: string) =>
    page
      .locator(`${selector} tbody tr`)
      .evaluateAll((rows) =>
        rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => (cell.textContent ?? '').trim().replace(/\s+/g, ' '))),
      );

  it('is reached from the navigation, and says what is missing', async () => {
    await click('nav a:has-text("Administration")');
    await click('a:has-text("Triage or assign several items at once")');
    expect(new URL(page.url()).pathname).toBe('/recommendations/bulk');
    await checks.visited(page, 'select');
    await click('button:has-text("Continue")');
    const summary = await page.locator('.govuk-error-summary').textContent();
    expect(summary).toContain('Select at least one item');
    expect(summary).toContain('Choose what to do with the selected items');
    await checks.visited(page, 'select-errors');
  });

  it('triages one item as not for the force, then assigns three: a confirmation lists each change, and the results each outcome', async () => {
    await page.check(`input[name="items"][value="${ids[2]}"]`);
    await page.check('#action-2');
    await page.fill('#reason', 'Addressed to the Home Office');
    await click('button:has-text("Continue")');
    await click('button:has-text("Continue")');
    expect(await page.locator('h1').textContent()).toBe('Bulk action: 1 done, 0 refused');

    await click('a:has-text("Triage or assign more items")');
    for (const id of ids.slice(0, 2)) await page.check(`input[name="items"][value="${id}"]`);
    await page.check('#action-3');
    await page.selectOption('#ownerId', p.owner.id);
    await page.selectOption('#leadId', p.lead.id);
    await page.fill('#dueDate-day', '30');
    await page.fill('#dueDate-month', '6');
    await page.fill('#dueDate-year', '2027');
    await click('button:has-text("Continue")');
    expect(await page.locator('h1').textContent()).toBe('Check the changes before they are made');
    const plan = await tableRows('table');
    expect(plan.map((row) => row[0])).toEqual(['Recommendation 1', 'Recommendation 2']);
    for (const row of plan) expect(row[3]).toContain(`owner ${p.owner.name}; lead ${p.lead.name}; due 30 June 2027`);
    await checks.visited(page, 'confirm');
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'artifacts', 'bulk-assign-confirm.png'), fullPage: true });

    const confirmed = { _csrf: await page.inputValue('input[name="_csrf"]'), request: await page.inputValue('input[name="request"]') };
    // Meanwhile someone marks one of them not for the force: it is refused with the reason, the other goes ahead.
    const api = apiClient(product);
    await api.command(ids[1]!, { type: 'markNotForTheForce', reason: 'Addressed to the College of Policing' }, p.admin.id);
    await click('button:has-text("Continue")');
    expect(await page.locator('h1').textContent()).toBe('Bulk action: 1 done, 1 refused');
    const results = await tableRows('table');
    expect(results.map((row) => [row[0], row[2]])).toEqual([
      ['Recommendation 1', 'Done'],
      ['Recommendation 2', 'Refused'],
    ]);
    expect(results[1]![3]).toMatch(/^Someone changed it after you confirmed/);
    await checks.visited(page, 'results');
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'artifacts', 'bulk-assign-results.png'), fullPage: true });

    // Sending the confirmed bulk action again (a second click, a refresh) changes nothing twice.
    const again = await page.request.post(`${product.baseUrl}/recommendations/bulk/run`, { form: confirmed });
    expect(again.status()).toBe(200);
    expect(await again.text()).toContain('Done already by this bulk action');
    expect(
      await product.app.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE recommendation_id = $1 AND type = 'owner_assigned'`,
        [ids[0]],
      ),
    ).toEqual([{ n: 1 }]);
    await eventually(
      async () => (await product.sink.list()).filter((m) => m.to.includes(p.owner.email)),
      (messages) => messages.length === 1,
      { what: "the owner's assignment email" },
    );
  });
});
