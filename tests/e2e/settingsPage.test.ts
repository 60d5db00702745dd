import type { Browser, Page } from 'playwright-core';
import type { Person } from '../../entities';
import { addCast } from '../support/apiClient';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';

/** The whole reminder policy on the settings page, in a browser: every offset with its unit, its errors, no axe violations. */
describe('the reminder policy page in a browser', () => {
  let product: TestProduct;
  let browser: Browser;
  let page: Page;
  let p: Record<'admin', Person>;

  beforeAll(async () => {
    product = await startTestProduct();
    p = await addCast(product.app.dataSource, 'admin');
    await product.app.services.auth.setPassword(p.admin.id, PASSWORD, { id: null, label: 'test' });
    browser = await launchChromium();
    page = await signedInPage(
      browser,
      product,
      { email: p.admin.email, password: PASSWORD },
      { path: '/admin/settings', context: { viewport: { width: 1280, height: 720 } } },
    );
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const checks = pageChecks('e2e-settings');

  async function submitFrom(selector: string): Promise<void> {
    await page.focus(selector);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  }

  it('shows every offset with a hint naming its unit, refuses wrong units and a chase after its escalation by field, and saves', async () => {
    await checks.visited(page, 'settings');
    for (const id of [
      'atRiskWithin',
      'offTarget',
      'offTargetDcc',
      'offTargetRepeat',
      'approvalChase',
      'approvalEscalation',
      'hmicfrsChase',
      'committeeRequestBefore',
      'committeeDeadlineBefore',
      'committeeChaseBeforeDeadline',
    ]) {
      expect(await page.locator(`#${id}-hint`).textContent()).toContain('A whole number is working days');
    }
    expect(await page.inputValue('#approvalChase')).toBe('3');

    await page.fill('#offTargetRepeat', 'weekly');
    await page.fill('#approvalChase', '6');
    await page.fill('#approvalEscalation', '4');
    await submitFrom('#approvalEscalation');
    expect(await page.locator('.govuk-error-summary a').allTextContents()).toEqual([
      'Off-target chase repeats every: enter a number of working days, like 5, or a calendar period, like P2W (2 weeks) or P3M (3 months). “weekly” is neither.',
    ]);
    await checks.visited(page, 'settings-unit-error');

    await page.fill('#offTargetRepeat', 'P1W');
    await submitFrom('#approvalEscalation');
    const order = page.locator('.govuk-error-summary a');
    expect(await order.count()).toBe(1);
    expect(await order.getAttribute('href')).toBe('#approvalEscalation');
    expect(await order.textContent()).toMatch(/^The approval escalation \(4 working days\) must come after the chase \(6 working days\)/);
    expect(await page.locator('#approvalEscalation-error').textContent()).toContain('must come after the chase');
    await checks.visited(page, 'settings-order-error');

    await page.fill('#approvalEscalation', '8');
    await submitFrom('#approvalEscalation');
    expect(page.url()).toBe(`${product.baseUrl}/admin/settings?done=saved`);
    expect(await page.inputValue('#offTargetRepeat')).toBe('P1W');
    expect(await page.inputValue('#approvalEscalation')).toBe('8');
    await checks.visited(page, 'settings-saved');
    expect((await product.app.services.reminderSettings.get()).policy).toMatchObject({
      offTargetRepeat: { duration: 'P1W' },
      approvalChase: { workingDays: 6 },
      approvalEscalation: { workingDays: 8 },
    });
  });
});
