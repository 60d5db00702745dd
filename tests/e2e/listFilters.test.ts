import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Person } from '../../entities';
import { addCast, apiClient } from '../support/apiClient';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { csvRecords } from '../support/csv';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';
const isoDaysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Issue 18, "Search and filters", in Chromium: from the navigation to the list, two filters chosen together, each
 * shown as a tag; removing one tag keeps the other, and the CSV link downloads exactly the filtered list. axe checks
 * every state; the filtered list is screenshotted to artifacts/list-filters.png.
 */
describe('searching and filtering the list in a browser', () => {
  let product: TestProduct;
  let browser: Browser;
  let page: Page;
  let p: Record<'admin' | 'owner' | 'owner2' | 'lead' | 'lead2', Person>;

  beforeAll(async () => {
    product = await startTestProduct();
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'owner2', 'lead', 'lead2');
    await product.app.services.auth.setPassword(p.admin.id, PASSWORD, { id: null, label: 'test' });
    const api = apiClient(product);
    api.actingAs(p.admin.id);
    const [custody, firstAid, training, vetting] = await api.createReport({
      title: 'Custody services inspection',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [
        { reference: '1', category: 2, department: 'Custody', text: 'Review the custody risk assessment' },
        { reference: '2', category: 2, department: 'Custody', text: 'Train detention officers in first aid' },
        { reference: '3', category: 3, department: 'Learning', text: 'Refresh training on the risk assessment' },
        { reference: '4', category: 2, department: 'Vetting', text: 'Check vetting renewals' },
      ],
    });
    await api.command(custody!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: isoDaysFromNow(200) });
    await api.command(firstAid!, { type: 'assign', ownerId: p.owner2.id, leadId: p.lead.id, dueDate: isoDaysFromNow(250) });
    await api.command(training!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead2.id, dueDate: isoDaysFromNow(300) });
    await api.command(vetting!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: isoDaysFromNow(300) });
    await api.command(vetting!, { type: 'accept' }, p.owner.id);
    browser = await launchChromium();
    page = await signedInPage(browser, product, { email: p.admin.email, password: PASSWORD }, { context: { acceptDownloads: true } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const checks = pageChecks('e2e-list-filters');
  const references = async () =>
    (await page.locator('tbody tr td:first-child, tbody tr th:first-child').allTextContents())
      .map((t) => t.trim().replace(/^Recommendation /, ''))
      .sort();
  const tags = async () =>
    (await page.locator('#selected-filters a.app-filter-tag').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());

  it('combines two filters, shows each as a tag, removes one, and the CSV keeps the other', async () => {
    await Promise.all([page.waitForNavigation(), page.click('nav a:has-text("Recommendations")')]);
    expect(new URL(page.url()).pathname).toBe('/recommendations');
    expect(await references()).toEqual(['1', '2', '3', '4']);
    await checks.visited(page, 'list');

    await page.selectOption('#filter-lead', { label: p.lead.name });
    await page.selectOption('#filter-statusGroup', { label: 'Not started' });
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Apply filters")')]);
    expect(await references()).toEqual(['1', '2']);
    expect(await tags()).toEqual([`Remove this filter: Lead ${p.lead.name}`, 'Remove this filter: Status group Not started']);
    const address = new URL(page.url());
    expect([address.searchParams.get('lead'), address.searchParams.get('statusGroup')]).toEqual([p.lead.id, 'not_started']);
    await checks.visited(page, 'two-filters');
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'artifacts', 'list-filters.png'), fullPage: true });

    // Remove the lead: the status group stays, in the tags, the select and the address.
    await Promise.all([page.waitForNavigation(), page.click(`#selected-filters a:has-text("${p.lead.name}")`)]);
    expect(await tags()).toEqual(['Remove this filter: Status group Not started']);
    expect(await references()).toEqual(['1', '2', '3']);
    expect(await page.inputValue('#filter-statusGroup')).toBe('not_started');
    expect(await page.inputValue('#filter-lead')).toBe('');
    await checks.visited(page, 'one-filter');

    // The CSV link downloads the same list.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("as CSV")')]);
    expect(new URL(download.url()).search).toBe('?statusGroup=not_started&sort=report');
    const records = csvRecords((await (await download.createReadStream()).toArray()).join(''));
    expect(records.map((r) => r.Reference).sort()).toEqual(['1', '2', '3']);
    expect(records.map((r) => r.Status)).toEqual(['Assigned', 'Assigned', 'Assigned']);

    // A bad value in the address is named in the error summary, linked to its field.
    await page.goto(`${product.baseUrl}/recommendations?statusGroup=finished`);
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['#filter-statusGroup']);
    expect(await summary.textContent()).toContain('Status group must be a status group');
    await checks.visited(page, 'bad-filter');
  });
});
