import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Person } from '../../entities';
import { calendarDateInLondon } from '../../domain/calendar';
import { addCast, apiClient } from '../support/apiClient';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';
const isoDaysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The committee papers page in Chromium: reached from the navigation, its choices checked with the GOV.UK error
 * summary, the paper shown in the page, and its downloads carrying the same choices. Screenshot: artifacts/papers-page.png.
 */
describe('the committee papers page in a browser', () => {
  let product: TestProduct;
  let browser: Browser;
  let page: Page;
  let p: Record<'admin' | 'owner' | 'lead', Person>;

  beforeAll(async () => {
    product = await startTestProduct();
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead');
    await product.app.services.auth.setPassword(p.admin.id, PASSWORD, { id: null, label: 'test' });
    const api = apiClient(product);
    api.actingAs(p.admin.id);
    const ids = await api.createReport({
      title: 'Custody services inspection',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [
        { reference: '1', category: 2, text: 'Review the custody risk assessment' },
        { reference: '2', category: 2, text: 'Train detention officers in first aid' },
      ],
    });
    for (const id of ids) await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: isoDaysFromNow(200) });
    expect(
      (await api.call('PUT', '/api/settings/reminders', { committeeMeetings: ['2026-03-12', '2026-09-17', '2099-01-01'] })).status,
    ).toBe(200);
    browser = await launchChromium();
    page = await signedInPage(browser, product, { email: p.admin.email, password: PASSWORD }, { context: { acceptDownloads: true } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const checks = pageChecks('e2e-papers');
  const submit = () => Promise.all([page.waitForNavigation(), page.click('button:has-text("Show the paper")')]);
  const fillDate = async (name: string, day: string, month: string, year: string) => {
    await page.fill(`#${name}-day`, day);
    await page.fill(`#${name}-month`, month);
    await page.fill(`#${name}-year`, year);
  };

  it('is in the navigation, and names each wrong choice in the error summary', async () => {
    await Promise.all([page.waitForNavigation(), page.click('nav a:has-text("Committee papers")')]);
    expect(new URL(page.url()).pathname).toBe('/papers');
    // The previous committee starts as the force's last committee before today.
    expect([
      await page.inputValue('#previousCommittee-day'),
      await page.inputValue('#previousCommittee-month'),
      await page.inputValue('#previousCommittee-year'),
    ]).toEqual(['17', '9', '2026']);
    await checks.visited(page, 'papers-form');

    // Nothing chosen, an "as at" date in the future and an impossible previous committee date.
    const nextYear = String(Number(calendarDateInLondon(Date.now()).slice(0, 4)) + 1);
    await fillDate('asAt', '1', '1', nextYear);
    await fillDate('previousCommittee', '31', '2', '2026');
    await submit();
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.textContent()).toContain('Choose which paper to produce');
    expect(await summary.textContent()).toContain('The “as at” date must be today or in the past');
    expect(await summary.textContent()).toContain('The previous committee date must be a real date');
    await checks.visited(page, 'papers-errors');
    // Each error links to its field.
    expect(await summary.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
      '#paper',
      '#asAt-day',
      '#previousCommittee-day',
    ]);

    // A previous committee after the "as at" date.
    await page.check('#paper-3');
    await fillDate('asAt', '1', '3', '2026');
    await fillDate('previousCommittee', '1', '4', '2026');
    await submit();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'The previous committee date must be before the “as at” date (1 March 2026)',
    );
  });

  it('shows the paper in the page, and downloads it with the same choices', async () => {
    const today = calendarDateInLondon(Date.now());
    await page.check('#paper-3'); // the tracker
    await fillDate('asAt', String(Number(today.slice(8, 10))), String(Number(today.slice(5, 7))), today.slice(0, 4));
    await fillDate('previousCommittee', '', '', '');
    await page.check('input[name="scheme"][value="A"]');
    await submit();
    expect(await page.locator('.govuk-error-summary').count()).toBe(0);
    const preview = page.locator('section.app-paper');
    expect(await preview.locator('h2').first().textContent()).toBe('Inspection report recommendations: tracker');
    expect(await preview.textContent()).toContain('Review the custody risk assessment');
    // Scheme A: its key, and the items in progress as AMBER.
    expect(await preview.locator('td').allTextContents()).toEqual(expect.arrayContaining(['RED', 'PURPLE', 'AMBER']));
    // The paper's text is shown as text, never as markup: no script, no frame.
    expect(await preview.locator('script, iframe').count()).toBe(0);
    await checks.visited(page, 'papers-preview');
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'artifacts', 'papers-page.png'), fullPage: true });

    const links = await page.locator('a[download]').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
    expect(links.map(([text]) => text!.replace(/ of the .*/, ''))).toEqual(['Word (.docx)', 'PDF', 'Excel (.xlsx)', 'CSV']);
    for (const [, href] of links) expect(href).toContain(`scheme=A`);
    const excel = await page.request.get(`${product.baseUrl}${links[2]![1]}`);
    expect(excel.status()).toBe(200);
    expect(excel.headers()['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(excel.headers()['content-disposition']).toBe(`attachment; filename="recommendation-tracker-${today}-scheme-a.xlsx"`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[download]:has-text("CSV")')]);
    expect(download.suggestedFilename()).toBe(`recommendation-tracker-${today}-scheme-a.csv`);
    const csv = await page.request.get(`${product.baseUrl}${links[3]![1]}`);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(await csv.text()).toContain('Train detention officers in first aid');
  });

  it('offers the overview as Word and PDF only', async () => {
    await page.check('#paper');
    await submit();
    const links = await page.locator('a[download]').allTextContents();
    expect(links.map((text) => text.replace(/ of the .*/, ''))).toEqual(['Word (.docx)', 'PDF']);
    const pdf = await page.request.get(`${product.baseUrl}${await page.locator('a[download]:has-text("PDF")').getAttribute('href')}`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
  });
});
