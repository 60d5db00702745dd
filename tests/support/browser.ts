import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

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
