import type { Browser, Page } from 'playwright-core';
import { launchChromium, pageChecks } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'a first password for the force';

/**
 * A force's first run in a real browser: nobody administers the product, so every page leads to the set-up page,
 * which with the code printed at start creates the first administrator and signs them in. Each page is screenshotted
 * (artifacts/first-run) and checked with axe; the form is filled and sent from the keyboard.
 */
describe('the first-run set-up page in a browser', () => {
  let product: TestProduct;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    product = await startTestProduct();
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const checks = pageChecks('first-run');
  const visited = (name: string) => checks.visited(page, name);

  async function submitFrom(selector: string): Promise<void> {
    await page.focus(selector);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  }

  it('leads every page to /setup, and the sign-in page says why', async () => {
    await page.goto(`${product.baseUrl}/recommendations`);
    expect(new URL(page.url()).pathname).toBe('/setup');
    expect(await page.textContent('h1')).toBe('Set up the first administrator');
    await visited('setup');
    await page.goto(`${product.baseUrl}/sign-in`);
    expect(await page.textContent('.govuk-notification-banner')).toContain('Nobody administers this product yet.');
    await visited('sign-in-first-run');
  });

  it('shows each problem in the error summary, linking to its field', async () => {
    await page.goto(`${product.baseUrl}/setup`);
    await page.fill('#code', 'AAAAA-BBBBB-CCCCC-DDDDD');
    await page.fill('#name', 'Hannah Whitcombe');
    await page.fill('#email', 'hannah.whitcombe@test.police.uk');
    await page.fill('#password', 'short');
    await page.fill('#confirm', 'short');
    await submitFrom('#confirm');
    expect(await page.locator('.govuk-error-summary a').allTextContents()).toEqual([
      'The set-up code is not right: copy it from the log of the running product (each start prints a new one)',
      'The password must be at least 12 characters',
    ]);
    expect(await page.inputValue('#name')).toBe('Hannah Whitcombe');
    expect(await page.inputValue('#password')).toBe('');
    await visited('setup-errors');
    await page.click('.govuk-error-summary a[href="#code"]');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('code');
  });

  it('with the code printed at start creates the administrator and signs them in; then the page is gone', async () => {
    await page.fill('#code', product.app.setupCode!);
    await page.fill('#password', PASSWORD);
    await page.fill('#confirm', PASSWORD);
    await submitFrom('#confirm');
    expect(new URL(page.url()).pathname).toBe('/admin');
    expect(await page.textContent('h1')).toBe('Administration');
    await visited('administration-after-setup');
    const gone = await page.goto(`${product.baseUrl}/setup`);
    expect(gone?.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Set-up is finished');
    await visited('setup-finished');
  });
});
