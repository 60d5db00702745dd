import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, as root, with everything that reaches for the network at start switched off (this
 * machine's closed network refuses those connections).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page of its own browser context (1280×900 unless `context` says otherwise), signed in as this person through the
 * sign-in form, on `path` (`/` unless said).
 */
export async function signedInPage(
  browser: Browser,
  product: { baseUrl: string },
  person: { email: string; password: string },
  options: { path?: string; context?: BrowserContextOptions } = {},
): Promise<Page> {
  const to = options.path ?? '/';
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options.context })).newPage();
  await page.goto(`${product.baseUrl}/sign-in?next=${to}`);
  await page.fill('#email', person.email);
  await page.fill('#password', person.password);
  await Promise.all([page.waitForURL(`${product.baseUrl}${to}`), page.keyboard.press('Enter')]);
  return page;
}

/**
 * What every browser test does on each page it reaches: a numbered full-page screenshot under
 * artifacts/<folder> (emptied first) for a reviewer, and axe's checks, failing on any violation.
 */
export function pageChecks(folder: string): { visited(page: Page, name: string): Promise<void> } {
  const shots = path.join(__dirname, '..', '..', 'artifacts', folder);
  fs.rmSync(shots, { recursive: true, force: true });
  fs.mkdirSync(shots, { recursive: true });
  let shot = 0;
  return {
    async visited(page, name) {
      shot += 1;
      await page.screenshot({ path: path.join(shots, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
      const results = await new AxeBuilder({ page }).analyze();
      expect(results.violations.map((v) => `${name}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    },
  };
}
