import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Person } from '../../entities';
import { recommendationWorkflowId } from '../../workflows/messages';
import { addCast, apiClient } from '../support/apiClient';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';

/**
 * The administration pages in a real browser: every page, and each form's error state, screenshotted and checked
 * with axe (WCAG 2.2 AA, no violations). Forms are filled and submitted from the keyboard.
 */
describe('administration pages in a browser', () => {
  let product: TestProduct;
  let browser: Browser;
  let page: Page;
  let p: Record<'admin' | 'owner' | 'lead' | 'dcc' | 'viewer', Person>;

  beforeAll(async () => {
    product = await startTestProduct();
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead', 'dcc', 'viewer');
    await product.app.services.auth.setPassword(p.admin.id, PASSWORD, { id: null, label: 'test' });
    await product.app.services.auth.setPassword(p.viewer.id, PASSWORD, { id: null, label: 'test' });
    const api = apiClient(product);
    api.actingAs(p.admin.id);
    await api.call('POST', '/api/departments', { name: 'Public Protection' });
    await api.createReport({
      title: 'PEEL 2025',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1', category: 3 }],
    });
    browser = await launchChromium();
    page = await signedInPage(
      browser,
      product,
      { email: p.admin.email, password: PASSWORD },
      { path: '/admin', context: { viewport: { width: 1280, height: 720 } } },
    );
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  /** Screenshots the page and fails on any axe violation. */
  const checks = pageChecks('e2e-admin');
  const visited = (name: string) => checks.visited(page, name);

  /** Submits the form holding `selector` by pressing Enter in it (or Space on its button), as a keyboard user would. */
  async function submitFrom(selector: string): Promise<void> {
    await page.focus(selector);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  }

  it('every administration page has no axe violations', async () => {
    for (const [name, url] of [
      ['index', '/admin'],
      ['people', '/admin/people'],
      ['person-new', '/admin/people/new'],
      ['person', `/admin/people/${p.owner.id}`],
      ['departments', '/admin/departments'],
      ['delegations', '/admin/delegations'],
      ['routing-rules', '/admin/routing-rules'],
      ['routing-rule-new', '/admin/routing-rules/new'],
      ['settings', '/admin/settings'],
      ['report-new', '/admin/reports/new?rows=2'],
      ['triage', '/admin/triage'],
      ['hmicfrs', '/admin/hmicfrs'],
      ['consistency', '/admin/consistency'],
      ['change-password', '/account/password'],
    ] as const) {
      const response = await page.goto(`${product.baseUrl}${url}`);
      expect([name, response?.status(), new URL(page.url()).pathname]).toEqual([name, 200, url.split('?')[0]]);
      await visited(name);
    }
  });

  it('error states show the GOV.UK error summary, focused, linking to each field, with no axe violations', async () => {
    await page.goto(`${product.baseUrl}/admin/people/new`);
    await page.fill('#email', 'not an email');
    await submitFrom('#email');
    expect(await page.locator('.govuk-error-summary a').allTextContents()).toEqual([
      'Name must not be empty',
      'Email address must be an email address, like name@force.police.uk',
      'Roles must hold at least one role',
    ]);
    await visited('person-new-errors');
    await page.click('.govuk-error-summary a[href="#roles"]');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('roles');

    await page.goto(`${product.baseUrl}/admin/departments`);
    await page.fill('#name', 'Public Protection');
    await submitFrom('#name');
    await visited('departments-errors');

    await page.goto(`${product.baseUrl}/admin/delegations`);
    await page.fill('#startsOn', '2027-02-30');
    await submitFrom('#startsOn');
    await visited('delegations-errors');

    await page.goto(`${product.baseUrl}/admin/routing-rules/new`);
    await page.fill('#id', 'Not a name');
    await submitFrom('#id');
    await visited('routing-rule-errors');

    await page.goto(`${product.baseUrl}/admin/settings`);
    await page.fill('#sendTime', '25:00');
    await submitFrom('#sendTime');
    await visited('settings-errors');

    await page.goto(`${product.baseUrl}/admin/reports/new?rows=2`);
    await page.fill('#items-0-reference', '1');
    await submitFrom('#items-0-reference');
    expect(await page.locator('.govuk-error-summary a').count()).toBeGreaterThanOrEqual(4);
    await visited('report-new-errors');

    await page.goto(`${product.baseUrl}/admin/people/${p.owner.id}`);
    await page.fill('#password', 'short');
    await submitFrom('#password');
    await visited('person-password-errors');

    await page.goto(`${product.baseUrl}/account/password`);
    await page.fill('#currentPassword', 'not it');
    await submitFrom('#currentPassword');
    await visited('change-password-errors');
  });

  it('the consistency page with a difference found, and once repaired', async () => {
    const [id] = (await product.app.dataSource.query(`SELECT id FROM recommendations LIMIT 1`)) as { id: string }[];
    await product.app.client.workflow.getHandle(recommendationWorkflowId(id!.id)).terminate('e2e');
    await page.goto(`${product.baseUrl}/admin/consistency`);
    await Promise.all([page.waitForURL(/done=checked/), page.click('text=Check now')]);
    expect(await page.locator('.govuk-table').last().textContent()).toContain('No workflow running');
    await visited('consistency-differences');
    await Promise.all([page.waitForURL(/done=repaired/), page.click('text=Repair differences')]);
    expect(await page.textContent('.govuk-notification-banner')).toContain('Repaired 1 of 1 difference.');
    await visited('consistency-repaired');
  });

  it('rebuilding workflows from PostgreSQL: the plan, the confirmation, the outcome', async () => {
    const [id] = (await product.app.dataSource.query(`SELECT id FROM recommendations LIMIT 1`)) as { id: string }[];
    const handle = product.app.client.workflow.getHandle(recommendationWorkflowId(id!.id));
    await handle.terminate('e2e: lost');
    await page.goto(`${product.baseUrl}/admin/consistency`);
    await Promise.all([page.waitForURL(/\/admin\/consistency\/rebuild$/), page.click('text=Plan a rebuild')]);
    expect(await page.locator('.govuk-table').last().textContent()).toMatch(/PEEL 2025, 1.*Version 0: Logged.*Terminated.*To start/s);
    await visited('rebuild-plan');
    // Kept in git for reviewers (.gitignore), like the other pages' main screenshots.
    await page.screenshot({ path: path.join(__dirname, '..', '..', 'artifacts', 'rebuild-workflows.png'), fullPage: true });
    expect((await handle.describe()).status.name).toBe('TERMINATED');
    await Promise.all([page.waitForURL(/done=started/), page.click('text=Start 1 workflow')]);
    expect(await page.textContent('.govuk-notification-banner')).toContain('Started 1 workflow from PostgreSQL.');
    await visited('rebuild-done');
    expect((await product.app.client.workflow.getHandle(recommendationWorkflowId(id!.id)).describe()).status.name).toBe('RUNNING');
    await page.goto(`${product.baseUrl}/admin/consistency/rebuild`);
    expect(await page.textContent('main')).toContain('there is nothing to start');
    await visited('rebuild-nothing');
  });

  it('the emailed set-password link: its page, its errors, and once used', async () => {
    await page.goto(`${product.baseUrl}/admin/people/${p.lead.id}`);
    await Promise.all([page.waitForURL(/done=link/), page.click('text=Email a set-password link')]);
    await visited('person-link-sent');
    const email = await product.sink.waitFor((m) => m.to.includes(p.lead.email));
    const link = /http:\/\/tracker\.test(\/set-password\/[\w.-]+)/.exec(email.text)![1]!;
    const visitor = await (await browser.newContext()).newPage();
    const previous = page;
    page = visitor;
    try {
      await page.goto(`${product.baseUrl}${link}`);
      await visited('set-password');
      await page.fill('#password', 'nadias-chosen-password');
      await page.fill('#confirm', 'something else');
      await submitFrom('#confirm');
      await visited('set-password-errors');
      await page.fill('#password', 'nadias-chosen-password');
      await page.fill('#confirm', 'nadias-chosen-password');
      await submitFrom('#confirm');
      await visited('set-password-done');
      await page.goto(`${product.baseUrl}${link}`);
      await visited('set-password-used');
      expect(await page.textContent('h1')).toBe('This link no longer works');
    } finally {
      await visitor.close();
      page = previous;
    }
  });
  it('a viewer opening /admin gets a GOV.UK page saying what they can do, and the list searches as free text (issue 18)', async () => {
    const previous = page;
    page = await signedInPage(
      browser,
      product,
      { email: p.viewer.email, password: PASSWORD },
      { context: { viewport: { width: 1280, height: 720 } } },
    );
    try {
      const refused = await page.goto(`${product.baseUrl}/admin`);
      expect(refused?.status()).toBe(403);
      expect(await page.textContent('h1')).toBe('You cannot open this page');
      expect(await page.textContent('main')).not.toContain('people.manage');
      await visited('refused');
      await page.goto(`${product.baseUrl}/recommendations`);
      await page.fill('#filter-q', 'peel');
      await submitFrom('#filter-q');
      expect(new URL(page.url()).searchParams.get('q')).toBe('peel');
      expect(await page.inputValue('#filter-q')).toBe('peel');
      await visited('list-search');
    } finally {
      await page.context().close();
      page = previous;
    }
  });
});
