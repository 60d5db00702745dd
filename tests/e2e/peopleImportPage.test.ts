import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { AuditEvent, Person } from '../../entities';
import { addCast } from '../support/apiClient';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';
const csv = (rows: string[][]) =>
  Buffer.from(['Name,Email,Roles,Job title,Department,Line manager email', ...rows.map((r) => r.join(','))].join('\r\n'));

/**
 * The people import page in Chromium: reached from Administration → People and from the tracker import page, a file
 * with problems shows each by row and column, the fixed file is imported with set-password emails, and the result is
 * listed. Screenshot: artifacts/people-import-page.png.
 */
describe('the people import page in a browser', () => {
  let product: TestProduct;
  let browser: Browser;
  let page: Page;
  let admin: Person;

  beforeAll(async () => {
    product = await startTestProduct();
    ({ admin } = await addCast(product.app.dataSource, 'admin'));
    await product.app.services.auth.setPassword(admin.id, PASSWORD, { id: null, label: 'test' });
    browser = await launchChromium();
    page = await signedInPage(browser, product, { email: admin.email, password: PASSWORD });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const checks = pageChecks('e2e-people-import');
  const click = (selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);
  const upload = async (name: string, buffer: Buffer) => {
    await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer });
    await click('button:has-text("Check the file")');
  };
  const tableRows = (selector: string) =>
    page
      .locator(`${selector} tbody tr`)
      .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => (cell.textContent ?? '').trim())));

  it('is reached from Administration → People and from the tracker import page, and offers the template', async () => {
    await click('nav a:has-text("Import a tracker")');
    await click('a:has-text("import people")');
    expect(new URL(page.url()).pathname).toBe('/admin/people/import');
    await click('nav a:has-text("Administration")');
    await click('a:has-text("People, roles and accounts")');
    await click('a:has-text("Import people")');
    expect(new URL(page.url()).pathname).toBe('/admin/people/import');
    expect(await page.locator('.govuk-inset-text').textContent()).toContain('set-password link');
    const template = await page.request.get(
      `${product.baseUrl}${await page.locator('a:has-text("Download the template")').getAttribute('href')}`,
    );
    expect(template.headers()['content-type']).toContain('text/csv');
    expect((await template.text()).split('\r\n')[0]).toBe('Name,Email,Roles,Job title,Department,Line manager email');
    await checks.visited(page, 'people-import-form');
  });

  it('names each problem by row and column, with the value, and imports nothing', async () => {
    await upload(
      'hr-export.csv',
      csv([
        ['Nadia Haskins', 'nadia.haskins@force.police.uk', 'Lead', 'Superintendent', 'Public Protection', ''],
        ['Tom Ellery', 'tom.ellery@force', 'Action owner', 'DI', 'Public Protection', 'nadia.haskins@force.police.uk'],
        ['Lucy Brannigan', 'lucy.brannigan@force.police.uk', 'Sergeant', '', 'Custody', 'someone.else@force.police.uk'],
      ]),
    );
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('The file has 3 problems');
    const problems = await tableRows('#problems');
    expect(problems.map((p) => p.slice(0, 3))).toEqual([
      ['3', 'Email', 'tom.ellery@force'],
      ['4', 'Roles', 'Sergeant'],
      ['4', 'Line manager email', 'someone.else@force.police.uk'],
    ]);
    expect(await page.locator('button:has-text("Import")').count()).toBe(0);
    await checks.visited(page, 'people-import-problems');
    expect(await product.app.dataSource.manager.count(Person)).toBe(1);
  });

  it('imports the fixed file with set-password emails, and lists what happened', async () => {
    await upload(
      'hr-export.csv',
      csv([
        ['Nadia Haskins', 'nadia.haskins@force.police.uk', 'Lead', 'Superintendent', 'Public Protection', ''],
        ['Tom Ellery', 'tom.ellery@force.police.uk', 'Action owner', 'DI', 'Public Protection', 'nadia.haskins@force.police.uk'],
        ['Hannah Whitcombe', admin.email, '', '', 'Corporate Development', ''],
      ]),
    );
    expect(await page.locator('.govuk-error-summary').count()).toBe(0);
    expect(await page.locator('h2#problems').textContent()).toBe('hr-export.csv has no problems');
    await checks.visited(page, 'people-import-checked');
    await page.check('input[name="sendPasswordEmails"]');
    await click('button:has-text("Import hr-export.csv")');
    expect(await page.locator('.govuk-panel').textContent()).toContain('2 added, 1 updated, 0 unchanged');
    expect(await page.locator('main').textContent()).toContain('Set-password emails sent: 2.');
    expect((await tableRows('table')).map((r) => [r[0], r[3]])).toEqual([
      ['2', 'Added'],
      ['3', 'Added'],
      ['4', 'Updated: department'],
    ]);
    await checks.visited(page, 'people-import-result');
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'artifacts', 'people-import-page.png'), fullPage: true });
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { type: 'person_added' })).toBe(2);
    await product.sink.waitFor((m) => m.to.includes('tom.ellery@force.police.uk'));

    // The person's page names their line manager from the file.
    await click('a:has-text("See the people")');
    await click('a:has-text("Tom Ellery")');
    expect(await page.locator('main').textContent()).toContain('Line manager: Nadia Haskins');
    await checks.visited(page, 'person-with-line-manager');
  });
});
