import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Person } from '../../entities';
import { addCast } from '../support/apiClient';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';
const agreed = 'HMICFRS have agreed closure of these recommendations.';
const awaiting = 'Evidence submitted to HMICFRS for review. Awaiting feedback.';
const tracker = (statuses: string[]) =>
  Buffer.from(
    [
      'Report title,Originator,Published on,Reference,Text,Category,Status,Logged on,Status since',
      ...statuses.map(
        (status, index) =>
          `Roads Policing: Not optional,HMICFRS,15/07/2020,${index + 1},Recommendation ${index + 1},3,"${status}",01/08/2020,15/03/2021`,
      ),
    ].join('\r\n'),
  );

/**
 * The import page's mapping step in Chromium: a tracker whose statuses are in the force's own words shows a select
 * per distinct wording with the proposed state and why; the person changes one, checks again, imports, and the next
 * import of the same words finds them saved. The item page shows the words as "status as last reported".
 * Screenshot: artifacts/import-status-mapping.png.
 */
describe('the import page’s status mapping step in a browser', () => {
  let product: TestProduct;
  let browser: Browser;
  let page: Page;
  let p: Record<'admin', Person>;

  beforeAll(async () => {
    product = await startTestProduct();
    p = await addCast(product.app.dataSource, 'admin');
    await product.app.services.auth.setPassword(p.admin.id, PASSWORD, { id: null, label: 'test' });
    browser = await launchChromium();
    page = await signedInPage(browser, product, { email: p.admin.email, password: PASSWORD });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const checks = pageChecks('e2e-import-statuses');
  const upload = async (name: string, buffer: Buffer) => {
    await Promise.all([page.waitForNavigation(), page.click('nav a:has-text("Import a tracker")')]);
    await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer });
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Check the file")')]);
  };
  const meaningOf = (wording: string) => page.locator('#statuses .govuk-form-group', { hasText: wording }).locator('select');

  it('proposes a state for each of the force’s own statuses, with why, and lets the person change it', async () => {
    await upload('roads.csv', tracker([agreed, agreed, awaiting]));
    expect(await page.locator('#statuses legend').textContent()).toContain('What the file’s statuses mean');
    expect(await page.locator('#statuses select').count()).toBe(2);
    expect(await meaningOf(agreed).inputValue()).toBe('closed');
    expect(await page.locator('#statuses .govuk-form-group', { hasText: agreed }).locator('.govuk-hint').textContent()).toContain(
      '2 rows. Not yet confirmed. Proposed: Closed (how follows from the category), as the wording says closure was agreed',
    );
    expect(await meaningOf(awaiting).inputValue()).toBe('submitted to hmicfrs');
    // Awaiting HMICFRS needs an owner, which this tracker does not name: the dry run says so.
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('The file has 3 problems');
    await checks.visited(page, 'statuses-proposed');

    await meaningOf(awaiting).selectOption('signed off');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Check again with these meanings")')]);
    expect(await page.locator('.govuk-error-summary').count()).toBe(0);
    expect(await page.locator('h2#problems').textContent()).toBe('roads.csv has no problems');
    expect(await meaningOf(awaiting).inputValue()).toBe('signed off');
    expect(await page.locator('#statuses .govuk-form-group', { hasText: awaiting }).locator('.govuk-hint').textContent()).toContain(
      'Your choice, saved for the force when you import',
    );
    await checks.visited(page, 'statuses-chosen');
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'artifacts', 'import-status-mapping.png'), fullPage: true });

    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Import roads.csv")')]);
    expect(await page.locator('.govuk-panel').textContent()).toContain('3 created');
    await checks.visited(page, 'statuses-imported');
  });

  it('shows the force’s words on the item page as its status as last reported', async () => {
    await Promise.all([page.waitForNavigation(), page.click('a:has-text("See the recommendations")')]);
    await Promise.all([page.waitForNavigation(), page.locator('table a', { hasText: '3' }).first().click()]);
    const row = page.locator('.govuk-summary-list__row', { hasText: 'Status as last reported' });
    expect(await row.locator('.govuk-summary-list__value').textContent()).toContain(awaiting);
    await checks.visited(page, 'item-reported-status');
  });

  it('finds the meanings saved at the next import of the same words', async () => {
    await upload('roads-again.csv', tracker([agreed, agreed, awaiting]));
    expect(await page.locator('#statuses .govuk-form-group', { hasText: awaiting }).locator('.govuk-hint').textContent()).toContain(
      'Confirmed at an earlier import',
    );
    expect(await meaningOf(awaiting).inputValue()).toBe('signed off');
    await checks.visited(page, 'statuses-saved');
  });
});
