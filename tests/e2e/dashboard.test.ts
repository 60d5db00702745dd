import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Person } from '../../entities';
import { addCast, addPeople, apiClient } from '../support/apiClient';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';
const isoDaysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Issue 18, bug 5: the dashboard's chart, as Chromium draws it. Every label is whole and inside the chart, a zero is
 * a bar of no width, and the tables by lead and by department (items with no department in a row of their own)
 * add up to the headlines. The page is screenshotted to artifacts/dashboard.png.
 */
describe('the dashboard in a browser', () => {
  let product: TestProduct;
  let browser: Browser;
  let page: Page;
  let p: Record<'admin' | 'owner', Person> & { lead: Person; longLead: Person };

  beforeAll(async () => {
    product = await startTestProduct();
    const cast = await addCast(product.app.dataSource, 'admin', 'owner', 'lead');
    const { longLead } = await addPeople(product.app.dataSource, {
      longLead: { name: 'Detective Chief Superintendent Alexandra Montgomery-Smythe', roles: ['lead'] },
    });
    p = { ...cast, longLead };
    await product.app.services.auth.setPassword(p.admin.id, PASSWORD, { id: null, label: 'test' });
    const api = apiClient(product);
    api.actingAs(p.admin.id);
    const ids = await api.createReport({
      title: 'Dashboard',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [
        { reference: '1', category: 2, department: 'Public Protection' },
        { reference: '2', category: 2 },
        { reference: '3', category: 2, department: 'Crime' },
        { reference: '4', category: 2 },
        { reference: '5', category: 2, department: 'Crime' },
      ],
    });
    // Nadia Haskins: nothing overdue, two at risk (the chart once drew her "0 overdue" beside a full-width bar).
    for (const id of ids.slice(0, 2))
      await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: isoDaysFromNow(20) });
    // The long-named lead: three overdue, none at risk.
    for (const id of ids.slice(2))
      await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.longLead.id, dueDate: isoDaysFromNow(20) });
    await product.app.dataSource.query(`UPDATE recommendations SET due_date = DATE '2026-01-30' WHERE id = ANY($1::uuid[])`, [
      ids.slice(2),
    ]);
    browser = await launchChromium();
    page = await signedInPage(browser, product, { email: p.admin.email, password: PASSWORD }, { path: '/dashboard' });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const checks = pageChecks('e2e-dashboard');

  it('draws whole labels inside the chart, and a zero as a bar of no width', async () => {
    await checks.visited(page, 'dashboard');
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'artifacts', 'dashboard.png'), fullPage: true });
    // Measured by the browser's own layout (getBBox), in the chart's coordinates. Written as a string: no DOM types here.
    const drawn = (await page.evaluate(`(() => {
      const svg = document.querySelector('svg[aria-labelledby="chart-title"]');
      const texts = [...svg.querySelectorAll('text')].map((text) => {
        const box = text.getBBox();
        return { text: text.textContent || '', figure: text.dataset.figure || 'name', right: box.x + box.width, left: box.x };
      });
      const bars = [...svg.querySelectorAll('rect')].map((rect) => ({ figure: rect.dataset.figure, x: Number(rect.getAttribute('x')), width: rect.getBBox().width }));
      return { viewWidth: svg.viewBox.baseVal.width, texts, bars };
    })()`)) as {
      viewWidth: number;
      texts: { text: string; figure: string; right: number; left: number }[];
      bars: { figure: string; x: number; width: number }[];
    };
    const labels = drawn.texts.filter((t) => t.figure !== 'name');
    expect(labels.map((t) => t.text.replace(/\s+/g, ' ').trim())).toEqual(['3 overdue', '0 at risk', '0 overdue', '2 at risk']);
    for (const text of drawn.texts) expect([text.text, text.right <= drawn.viewWidth, text.left >= 0]).toEqual([text.text, true, true]);
    // Names stay in their column, clear of the bars.
    const barsStart = Math.min(...drawn.bars.map((bar) => bar.x));
    for (const name of drawn.texts.filter((t) => t.figure === 'name'))
      expect([name.text, name.right < barsStart]).toEqual([name.text, true]);
    expect(drawn.bars.map((bar) => [bar.figure, bar.width > 0])).toEqual([
      ['overdue', true],
      ['atRisk', false],
      ['overdue', false],
      ['atRisk', true],
    ]);
    // In proportion: 2 at risk is two thirds of 3 overdue.
    expect(Math.abs(drawn.bars[3]!.width - (2 / 3) * drawn.bars[0]!.width)).toBeLessThanOrEqual(1);
  });

  it('counts every item in the tables, with a row for items with no department', async () => {
    // A count's link reads "2 overdue for Crime" to a screen reader; the number is what is shown.
    const table = async (caption: string) =>
      (await page.evaluate(`(() => {
        const found = [...document.querySelectorAll('table')].find((t) => t.querySelector('caption')?.textContent.trim() === ${JSON.stringify(caption)});
        return [...(found ? found.querySelectorAll('tbody tr') : [])].map((row) => [...row.querySelectorAll('th, td')].map((cell, i) => (i === 0 ? cell.textContent.trim() : cell.textContent.trim().split(' ')[0])));
      })()`)) as string[][];
    expect(await table('Overdue and at-risk items by department')).toEqual([
      ['Crime', '2', '0'],
      ['Public Protection', '0', '1'],
      ['No department', '1', '1'],
      ['Total', '3', '2'],
    ]);
    expect(await table('Overdue and at-risk items by lead')).toEqual([
      ['Detective Chief Superintendent Alexandra Montgomery-Smythe', '3', '0'],
      ['Nadia Haskins', '0', '2'],
      ['Total', '3', '2'],
    ]);
    // The "No department" link lands on a list of exactly that item, saying how it is filtered.
    await Promise.all([page.waitForNavigation(), page.click('a[href="/recommendations?overdue=true&noDepartment=true"]')]);
    expect(await page.locator('tbody tr').count()).toBe(1);
    // Issue 18: the list shows how it is filtered, each filter a tag that removes it.
    const tagTexts = (await page.locator('#selected-filters a.app-filter-tag').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(tagTexts).toEqual(['Remove this filter: Department No department', 'Remove this filter: Overdue Overdue']);
    await checks.visited(page, 'no-department-list');
  });
});
