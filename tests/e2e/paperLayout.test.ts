import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Person } from '../../entities';
import { builtInPaperLayouts } from '../../domain/paperLayout';
import { addCast, apiClient } from '../support/apiClient';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';
const artifacts = path.join(__dirname, '..', '..', 'artifacts');

/**
 * The layout page in Chromium: from the administration index, start from the appendix layout, see each bad field
 * named in the error summary and beside the field, move a section, change headings and the order of columns, save, and
 * find the overview on the committee papers page printed in that layout. axe on every page. Screenshots: artifacts/paper-layout*.png.
 */
describe('choosing and editing the layout of the committee overview in a browser', () => {
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
      publishedOn: '2019-09-10',
      recommendations: [
        { reference: '1', category: 2, text: 'Review the custody risk assessment' },
        { reference: '2', category: 3, text: 'Record the use of bail' },
      ],
    });
    browser = await launchChromium();
    page = await signedInPage(browser, product, { email: p.admin.email, password: PASSWORD });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const checks = pageChecks('e2e-paper-layout');
  const click = (selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);
  /** A section's columns as the form shows them, in order: [key, position]. */
  const columnsShown = (section: number) =>
    page
      .locator(`input[id^="section-${section}-column-"][id$="-position"]`)
      .evaluateAll((inputs) =>
        inputs.map((input) => [input.id.replace(/^section-\d+-column-|-position$/g, ''), input.getAttribute('value')]),
      );

  it('starts from a built-in layout, and names each wrong field', async () => {
    await page.goto(`${product.baseUrl}/admin`);
    await click('a:has-text("Layout of the committee overview")');
    expect(new URL(page.url()).pathname).toBe('/admin/paper-layout');
    expect(await page.inputValue('#name')).toBe(builtInPaperLayouts.standard.name);
    await checks.visited(page, 'standard');

    await page.check('input[name="start"][value="appendices"]');
    await click('button:has-text("Start from this layout")');
    expect(await page.inputValue('#name')).toBe(builtInPaperLayouts.appendices.name);
    expect(await page.inputValue('#section-1-heading')).toBe('Appendix B: category 3 recommendations');
    expect(await page.inputValue('#section-1-column-awaitingSignOff')).toBe('Total number awaiting HMICFRS sign-off');
    expect(await page.isChecked('#dateStyle')).toBe(true); // "Sept 2019"

    await page.fill('#section-0-heading', '');
    await page.fill('#section-2-position', '9');
    await page.uncheck('input[name="section-1-categories"][value="4"]');
    await page.fill('#category-2-label', 'x'.repeat(101));
    await page.fill('#section-0-column-title-position', '9');
    await page.fill('#section-0-column-date-position', 'first');
    // A column left out has no position to check.
    await page.fill('#section-0-column-total-position', '');
    await click('button:has-text("Save the layout")');
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.locator('a').evaluateAll((links) => links.map((a) => [a.getAttribute('href'), a.textContent?.trim()]))).toEqual([
      ['#category-2-label', 'The category label must be 100 characters or fewer'],
      ['#section-0-heading', 'Enter the section heading'],
      ['#section-0-categories', 'Inspections of category 4 are in no section: add category 4 to a section that takes them'],
      ['#section-0-categories', 'Joint thematic inspections of category 4 are in no section: add category 4 to a section that takes them'],
      ['#section-0-column-date-position', 'Enter the position of column “Date” in section 1 as a whole number from 1 to 8'],
      ['#section-0-column-title-position', 'Enter the position of column “Title” in section 1 as a whole number from 1 to 8'],
      ['#section-2-position', 'Enter the position of section 3 as a whole number from 1 to 3'],
    ]);
    expect(await page.locator('#section-0-heading-error').textContent()).toContain('Enter the section heading');
    expect(await page.locator('#section-0-column-title-position-error').textContent()).toContain('from 1 to 8');
    // Nothing is saved.
    expect(await product.app.dataSource.query(`SELECT 1 FROM paper_layouts`)).toEqual([]);
    // What was typed stays, to be corrected.
    expect((await page.inputValue('#category-2-label')).length).toBe(101);
    // Until saved, the columns stay where they were shown.
    expect((await columnsShown(0)).slice(0, 3)).toEqual([
      ['date', 'first'],
      ['title', '9'],
      ['status', '3'],
    ]);
    expect(await page.isChecked('input[name="section-1-categories"][value="4"]')).toBe(false);
    await checks.visited(page, 'errors');
    await page.screenshot({ path: path.join(artifacts, 'paper-layout-errors.png'), fullPage: true });
  });

  it('saves the edited layout, and the overview follows it', async () => {
    await page.fill('#category-2-label', 'Category 2 – closed by the force');
    await page.fill('#section-0-heading', 'Appendix A: category 2');
    await page.check('input[name="section-1-categories"][value="4"]');
    // Super-complaints first.
    await page.fill('#section-2-position', '1');
    await page.fill('#section-0-position', '2');
    await page.fill('#section-1-position', '3');
    await page.fill('#section-0-column-status', '');
    await page.fill('#section-0-column-outstanding', 'Outstanding');
    // Title first, then the date, the closed count, the recommendations and the outstanding count.
    await page.fill('#section-0-column-title-position', '1');
    await page.fill('#section-0-column-date-position', '2');
    await page.fill('#section-0-column-closed-position', '3');
    await page.fill('#section-0-column-recommendations-position', '4');
    await page.fill('#section-0-column-outstanding-position', '5');
    await page.check('input[name="dateStyle"][value="numeric"]');
    await click('button:has-text("Save the layout")');
    expect(new URL(page.url()).search).toBe('?done=saved');
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Saved.');
    expect(await page.inputValue('#section-0-heading')).toBe('Appendix C: super-complaints');
    expect(await page.inputValue('#section-1-heading')).toBe('Appendix A: category 2');
    // The form shows the columns in their new order, numbered again, those left out last.
    expect((await columnsShown(1)).slice(0, 8)).toEqual([
      ['title', '1'],
      ['date', '2'],
      ['closed', '3'],
      ['recommendations', '4'],
      ['outstanding', '5'],
      ['status', '6'],
      ['awaitingSignOff', '7'],
      ['total', '8'],
    ]);
    expect(await page.locator('.govuk-inset-text').textContent()).toContain(`by ${p.admin.name}`);
    await checks.visited(page, 'saved');
    await page.screenshot({ path: path.join(artifacts, 'paper-layout.png'), fullPage: true });

    await page.goto(`${product.baseUrl}/papers`);
    await page.check('#paper'); // the overview
    await click('button:has-text("Show the paper")');
    expect(await page.locator('main').textContent()).toContain(`Printed in the force’s layout “${builtInPaperLayouts.appendices.name}”`);
    const preview = page.locator('section.app-paper');
    expect(await preview.locator('h3').allTextContents()).toEqual([
      'Appendix C: super-complaints',
      'Appendix A: category 2',
      'Appendix B: category 3 recommendations',
    ]);
    const firstTable = preview.locator('table').first();
    expect(await firstTable.locator('th').allTextContents()).toEqual([
      'Title',
      'Date',
      'Total number closed',
      'Recommendations',
      'Outstanding',
    ]);
    expect(await firstTable.locator('td').nth(0).textContent()).toBe('Custody services inspection');
    expect(await firstTable.locator('td').nth(1).textContent()).toBe('09/2019');
    expect(await preview.textContent()).toContain('Category 2 – closed by the force.');
    await checks.visited(page, 'papers-page');
    await click('a:has-text("Change the layout")');
    expect(new URL(page.url()).pathname).toBe('/admin/paper-layout');
  });
});
