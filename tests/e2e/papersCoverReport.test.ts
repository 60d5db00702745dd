import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Person } from '../../entities';
import { addCast, apiClient } from '../support/apiClient';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';
const artifacts = path.join(__dirname, '..', '..', 'artifacts');

/**
 * The cover report in Chromium: from the paper on the committee papers page to its cover report, the suggested words
 * the first time, each wrong field named in the error summary, then the paper's preview opening with what was saved,
 * and the saved words as the start next time. Screenshots: artifacts/paper-cover-report*.png.
 */
describe('editing and previewing the cover report in a browser', () => {
  let product: TestProduct;
  let browser: Browser;
  let page: Page;
  let p: Record<'admin', Person>;

  beforeAll(async () => {
    product = await startTestProduct();
    p = await addCast(product.app.dataSource, 'admin');
    await product.app.services.auth.setPassword(p.admin.id, PASSWORD, { id: null, label: 'test' });
    const api = apiClient(product);
    api.actingAs(p.admin.id);
    await api.createReport({
      title: 'Custody services inspection',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1', category: 2, text: 'Review the custody risk assessment' }],
    });
    browser = await launchChromium();
    page = await signedInPage(browser, product, { email: p.admin.email, password: PASSWORD });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const checks = pageChecks('e2e-paper-cover-report');
  const click = (selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);

  it('starts from suggested words, and names each wrong field', async () => {
    await click('nav a:has-text("Committee papers")');
    await page.check('#paper'); // the overview
    await click('button:has-text("Show the paper")');
    expect(await page.locator('main').textContent()).toContain('No cover report has been saved for this paper yet');
    expect(await page.locator('section.app-paper').textContent()).not.toContain('Cover report');

    await click('a:has-text("Write a cover report")');
    expect(new URL(page.url()).pathname).toBe('/papers/cover-report');
    expect(await page.inputValue('#recommendation')).toBe('That the progress update be noted.');
    expect(await page.inputValue('#reportTo')).toBe('Audit and Scrutiny Panel');
    await checks.visited(page, 'cover-report-form');

    await page.fill('#recommendation', '');
    await page.fill('#purpose', 'p'.repeat(2001));
    await click('button:has-text("Save the cover report")');
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.locator('a').evaluateAll((links) => links.map((a) => [a.getAttribute('href'), a.textContent?.trim()]))).toEqual([
      ['#purpose', 'Purpose of the report must be 2,000 characters or fewer'],
      ['#recommendation', 'Enter the recommendation'],
    ]);
    // What was typed stays, to be corrected.
    expect((await page.inputValue('#purpose')).length).toBe(2001);
    await checks.visited(page, 'cover-report-errors');
    await page.screenshot({ path: path.join(artifacts, 'paper-cover-report-errors.png'), fullPage: true });
  });

  it('saves, and the paper opens with it; next time it starts from the saved words', async () => {
    await page.fill('#purpose', 'To update the panel on the inspection recommendations made to the force.');
    await page.fill('#recommendation', 'That the panel notes the progress made since its last meeting.');
    await page.fill('#background', 'The force was inspected in 2019.\n\nThis is the third update to the panel.');
    await click('button:has-text("Save the cover report")');
    expect(new URL(page.url()).pathname).toBe('/papers');
    expect(await page.locator('.govuk-error-summary').count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain(`The paper opens with the cover report saved on`);

    const preview = page.locator('section.app-paper');
    const headings = await preview.locator('h2, h3, h4').allTextContents();
    expect(headings.slice(0, 3)).toEqual(['HMICFRS inspections: current overview', 'Cover report', '1. Purpose of the report']);
    expect(headings.indexOf('2. Recommendation')).toBeLessThan(headings.indexOf('Recommendations by HMICFRS closure category'));
    const text = await preview.textContent();
    expect(text).toContain('That the panel notes the progress made since its last meeting.');
    expect(text!.indexOf('This is the third update to the panel.')).toBeLessThan(text!.indexOf('Review the custody risk assessment'));
    await checks.visited(page, 'cover-report-preview');
    await page.screenshot({ path: path.join(artifacts, 'paper-cover-report-preview.png'), fullPage: true });

    await click('a:has-text("Edit the cover report")');
    expect(await page.inputValue('#recommendation')).toBe('That the panel notes the progress made since its last meeting.');
    expect(await page.inputValue('#background')).toBe('The force was inspected in 2019.\n\nThis is the third update to the panel.');
    expect(await page.locator('.govuk-inset-text').textContent()).toContain(`by ${p.admin.name}`);
    await checks.visited(page, 'cover-report-again');
    await page.screenshot({ path: path.join(artifacts, 'paper-cover-report.png'), fullPage: true });
    await click('a:has-text("Back to the paper")');
    expect(new URL(page.url()).pathname).toBe('/papers');
    expect(await page.locator('section.app-paper h3').first().textContent()).toBe('Cover report');
  });
});
