import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Person } from '../../entities';
import { addCast, apiClient } from '../support/apiClient';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';
const csv = (rows: string[][]) =>
  Buffer.from(['Report title,Originator,Reference,Text,Due date', ...rows.map((r) => r.join(','))].join('\r\n'));

/**
 * The import page in Chromium: reached from the navigation, a file with a bad row shows its problem by row and
 * column, a fixed file shows what importing does, and importing it shows what was created, updated and unchanged.
 * Screenshot: artifacts/import-page.png.
 */
describe('the import page in a browser', () => {
  let product: TestProduct;
  let browser: Browser;
  let page: Page;
  let p: Record<'admin' | 'viewer', Person>;

  beforeAll(async () => {
    product = await startTestProduct();
    p = await addCast(product.app.dataSource, 'admin', 'viewer');
    await product.app.services.auth.setPassword(p.admin.id, PASSWORD, { id: null, label: 'test' });
    const api = apiClient(product);
    api.actingAs(p.admin.id);
    await api.createReport({
      title: 'Custody inspection',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1', text: 'Review custody' }],
    });
    browser = await launchChromium();
    page = await signedInPage(browser, product, { email: p.admin.email, password: PASSWORD });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const checks = pageChecks('e2e-import');
  const upload = async (name: string, buffer: Buffer, mimeType = 'text/csv') => {
    await page.setInputFiles('#file', { name, mimeType, buffer });
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Check the file")')]);
  };
  const tableRows = (selector: string) =>
    page
      .locator(`${selector} tbody tr`)
      .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => (cell.textContent ?? '').trim())));

  it('is in the navigation, and offers the template', async () => {
    await Promise.all([page.waitForNavigation(), page.click('nav a:has-text("Import a tracker")')]);
    expect(new URL(page.url()).pathname).toBe('/imports');
    const template = await page.request.get(
      `${product.baseUrl}${await page.locator('a:has-text("Download the template")').getAttribute('href')}`,
    );
    expect(template.headers()['content-type']).toContain('text/csv');
    expect((await template.text()).split('\r\n')[0]).toContain('Report title');
    await checks.visited(page, 'import-form');
  });

  it('names each problem by row and column, with the value, and imports nothing', async () => {
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Check the file")')]);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Select a tracker file (CSV or Excel)');
    await upload('notes.txt', Buffer.from('hello'), 'text/plain');
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'The selected file must be a CSV file or an Excel workbook (.xlsx)',
    );

    await upload(
      'tracker.csv',
      csv([
        ['Custody inspection', 'HMICFRS', '2', 'Train detention officers', '31/02/2027'],
        ['Custody inspection', 'HMICFRS', '3', 'Audit cell checks', ''],
      ]),
    );
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('The file has 1 problem');
    const problems = await tableRows('#problems');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.slice(0, 3)).toEqual(['2', 'Due date', '31/02/2027']);
    expect(await page.locator('button:has-text("Import")').count()).toBe(0);
    await checks.visited(page, 'import-problems');
    expect(await product.app.dataSource.query(`SELECT count(*)::int AS n FROM recommendations`)).toEqual([{ n: 1 }]);
  });

  it('refuses a file past a limit with an error summary, not JSON', async () => {
    const wide = Buffer.from(
      `${Array.from({ length: 70 }, (_, i) => `Column ${i + 1}`).join(',')}\r\n${Array.from({ length: 70 }, () => 'x').join(',')}`,
    );
    await upload('wide.csv', wide);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('The file has too many columns');
    expect(await page.locator('#file-error').textContent()).toContain('column BM');
    await upload('tracker.xlsx', Buffer.from('not a workbook'), 'application/octet-stream');
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('The selected file could not be read as an Excel workbook');
    await checks.visited(page, 'import-unreadable');

    // Past 10 MB the form is not read: the page says so.
    const _csrf = await page.inputValue('input[name="_csrf"]');
    const big = await page.request
      .post(`${product.baseUrl}/imports`, {
        multipart: { _csrf, file: { name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.alloc(11 * 1024 * 1024, 'a') } },
        maxRedirects: 0,
      })
      .catch(() => null);
    // The server answers before reading the body and closes the connection; a client may see the answer or the close.
    if (big) expect([big.status(), big.headers().location]).toEqual([303, '/imports?error=too-large']);
    await page.goto(`${product.baseUrl}/imports?error=too-large`);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('The selected file must be smaller than 10 MB');
  });

  it('imports the fixed file, exactly as checked, and lists what was created, updated and unchanged', async () => {
    const fixed = csv([
      ['Custody inspection', 'HMICFRS', '1', 'Review custody (amended)', ''],
      ['Custody inspection', 'HMICFRS', '2', 'Train detention officers', ''],
      ['Custody inspection', 'HMICFRS', '3', 'Audit cell checks', ''],
    ]);
    await upload('tracker.csv', fixed);
    expect(await page.locator('.govuk-error-summary, #problems td').allTextContents()).toEqual([]);
    expect(await page.locator('h2#problems').textContent()).toBe('tracker.csv has no problems');
    await checks.visited(page, 'import-checked');
    const form = {
      _csrf: (await page.inputValue('form[action="/imports/import"] input[name="_csrf"]'))!,
      file: await page.inputValue('form[action="/imports/import"] input[name="file"]'),
    };
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Import tracker.csv")')]);
    expect(await page.locator('.govuk-panel').textContent()).toContain('2 created, 1 updated, 0 unchanged');
    const rows = await tableRows('table');
    expect(rows.map((r) => [r[0], r[2], r[3]!.split(':')[0]])).toEqual([
      ['2', '1', 'Updated'],
      ['3', '2', 'Created'],
      ['4', '3', 'Created'],
    ]);
    await checks.visited(page, 'import-result');
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'artifacts', 'import-page.png'), fullPage: true });
    const trail = (await product.app.dataSource.query(
      `SELECT type FROM audit_events WHERE type IN ('recommendation_logged', 'recommendation_import_updated') ORDER BY type`,
    )) as { type: string }[];
    expect(trail.filter((e) => e.type === 'recommendation_import_updated')).toHaveLength(1);
    expect(trail.filter((e) => e.type === 'recommendation_logged')).toHaveLength(3);

    // The same import form sent again: the kept file is gone, so the page asks for the file again.
    const again = await page.request.post(`${product.baseUrl}/imports/import`, { form });
    expect(again.status()).toBe(409);
    expect(await again.text()).toContain('Upload the file again');
  });
});
