import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { dataSourceDatabase } from '../../api/papers/asAt';
import type { OverviewPaper } from '../../api/papers/overview';
import { buildPaper } from '../../api/papers/service';
import { Recommendation } from '../../entities';
import { SEED_001_AS_AT, SEED_001_PREVIOUS, seed001Reports, seed001Roles } from '../fixtures/papers/seed001';
import { SEED_001_FILE, seed001Differences, seed001Emails, seed001LineMeanings } from '../fixtures/papers/seed001File';
import { addTrackerPeople } from '../fixtures/papers/trackerFile';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';

/**
 * Seed 001 through the import page in Chromium: the file that keeps the paper's own structure and wording (report
 * rows with their STATUS line and printed counts, items that take the line), its lines confirmed on the mapping step,
 * the reconciliation in the dry run, the import, and the reconciliation page (also reached from the papers page);
 * the overview as at the paper's date then prints the seed's numbers where the seed is consistent. Then a report
 * whose counts do not say which items are outstanding: a choice per item on the page. Axe on every page;
 * screenshot artifacts/reconciliation.png.
 */
describe('seed 001 through the import page, and its reconciliation report', () => {
  let product: TestProduct;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    product = await startTestProduct();
    const people = await addTrackerPeople(product, { ...seed001Roles, 'Import Administrator': ['administrator'] });
    await product.app.services.auth.setPassword(people['Import Administrator']!.id, PASSWORD, { id: null, label: 'test' });
    browser = await launchChromium();
    page = await signedInPage(browser, product, { email: people['Import Administrator']!.email, password: PASSWORD });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const checks = pageChecks('e2e-reconciliation');
  const upload = async (name: string, buffer: Buffer) => {
    await page.goto(`${product.baseUrl}/imports`);
    await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer });
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Check the file")')]);
  };
  const meaningOf = (wording: string) => page.locator('#statuses .govuk-form-group', { hasText: wording.slice(0, 120) }).locator('select');
  const findings = async (selector: string) =>
    (await page.locator(`${selector} tbody tr`).all()).map(async (row) =>
      (await row.locator('td').allTextContents()).map((cell) => cell.trim()).slice(1, 5),
    );

  it('imports seed 001 from its own file through the mapping step, and shows where its figures differ from its rows', async () => {
    const file = readFileSync(path.join(__dirname, '..', 'fixtures', 'papers', SEED_001_FILE));
    await upload('seed001-tracker.csv', file);
    // Digital Forensics waits at an approval step, which its line, read as in progress, does not have: the mapping step says.
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('The file has 3 problems');
    expect(await meaningOf('Evidence submitted to HMICFRS for review. Awaiting feedback.').inputValue()).toBe('submitted to hmicfrs');
    await checks.visited(page, 'seed001-checked');

    for (const [line, meaning] of Object.entries(seed001LineMeanings)) await meaningOf(line).selectOption(meaning);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Check again with these meanings")')]);
    expect(await page.locator('.govuk-error-summary').count()).toBe(0);
    expect(await page.locator('h2#problems').textContent()).toBe('seed001-tracker.csv has no problems');
    expect(await page.locator('h2#reconciliation').textContent()).toBe('Where the file’s figures differ from its rows');
    expect(await Promise.all(await findings('#main-content table:has(caption:has-text("Stated figures that differ"))'))).toEqual(
      seed001Differences.map(([title, figure, stated, implied]) => [
        title,
        figure!.charAt(0).toUpperCase() + figure!.slice(1),
        stated,
        implied,
      ]),
    );
    await checks.visited(page, 'seed001-mapped');

    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Import seed001-tracker.csv")')]);
    const items = seed001Reports.reduce((sum, report) => sum + report.listed.length, 0);
    expect(await page.locator('.govuk-panel').textContent()).toContain(`${seed001Reports.length + items} created`);
    await checks.visited(page, 'seed001-imported');

    await Promise.all([page.waitForNavigation(), page.click('a:has-text("The reconciliation report of this import")')]);
    expect(await page.locator('h1').textContent()).toBe('Reconciliation report');
    expect(await Promise.all(await findings('#findings'))).toEqual(
      seed001Differences.map(([title, figure, stated, implied]) => [
        title,
        figure!.charAt(0).toUpperCase() + figure!.slice(1),
        stated,
        implied,
      ]),
    );
    await checks.visited(page, 'seed001-reconciliation');
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'artifacts', 'reconciliation.png'), fullPage: true });

    // The papers page links the reconciliation reports.
    await page.goto(`${product.baseUrl}/papers`);
    await Promise.all([page.waitForNavigation(), page.click('a:has-text("reconciliation report")')]);
    expect(await page.locator('h1').textContent()).toBe('Reconciliation reports');
    expect(await page.locator('tbody tr').count()).toBe(1);
    await checks.visited(page, 'reconciliation-list');

    // The overview as at the paper's date: the seed's numbers where it is consistent, blank counts for the reports it
    // lists without items, and no closed counts the rows do not give.
    const paper = (await buildPaper(dataSourceDatabase(product.app.dataSource), {
      kind: 'overview',
      asAt: SEED_001_AS_AT,
      scheme: 'B',
      previousCommittee: SEED_001_PREVIOUS,
    })) as OverviewPaper;
    expect(paper.main.reports.map((r) => [r.title, r.outstanding, r.closed])).toEqual(
      seed001Reports.map((r) => [r.title, ...(r.printed ? [r.printed.outstanding, 0] : [null, null])]),
    );
    expect(paper.main.totals.outstanding + paper.main.totals.awaitingSignOff).toBe(93);
  }, 240_000);

  it('asks on the page which items of a report are outstanding when its counts do not say', async () => {
    const owner = seed001Emails['Action Owner'];
    const lead = seed001Emails['ACC Griffin'];
    const line = 'Evidence submitted to HMICFRS for review. Awaiting feedback.';
    const file = Buffer.from(
      [
        'Report title,Originator,Published on,Reference,Text,Category,Owner email,Lead email,Due date,Status,Logged on,Status since,Total number outstanding,Total number closed',
        `Custody inspection,HMICFRS,01/03/2022,,,,,,,"${line}",10/03/2022,,3,1`,
        ...[1, 2, 3, 4].map(
          (n) => `Custody inspection,HMICFRS,01/03/2022,${n},Recommendation ${n},3,${owner},${lead},31/12/2022,,10/03/2022,01/06/2022,,`,
        ),
      ].join('\r\n'),
    );
    await upload('custody.csv', file);
    const fieldset = page.locator('fieldset', { hasText: 'Which items of “Custody inspection” are outstanding?' });
    expect(await fieldset.locator('p').textContent()).toContain('3 are stated outstanding of 4 listed; the tracker does not say which');
    expect(await Promise.all([3, 4, 5, 6].map((row) => page.locator(`#choice-${row}`).inputValue()))).toEqual([
      'outstanding',
      'outstanding',
      'outstanding',
      'closed',
    ]);
    await checks.visited(page, 'choices-proposed');
    await page.locator('#choice-3').selectOption('closed');
    await page.locator('#choice-6').selectOption('outstanding');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Import custody.csv")')]);
    expect(await page.locator('.govuk-panel').textContent()).toContain('5 created');
    const items = await product.app.dataSource.manager.find(Recommendation, {
      where: { report: { title: 'Custody inspection' } },
      order: { reference: 'ASC' },
    });
    expect(items.map((item) => item.status)).toEqual([
      'closed',
      'awaiting_hmicfrs_sign_off',
      'awaiting_hmicfrs_sign_off',
      'awaiting_hmicfrs_sign_off',
    ]);
    expect(await page.locator('#reconciliation').textContent()).toContain('The figures the file states agree with its rows.');
    await checks.visited(page, 'choices-imported');
  }, 120_000);
});
