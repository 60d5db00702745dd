import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Person } from '../../entities';
import { addCast, apiClient, type ApiClient } from '../support/apiClient';
import { launchChromium, pageChecks, signedInPage } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';
const artifacts = path.join(__dirname, '..', '..', 'artifacts');

/**
 * Issue 18's comments and notification preferences, in Chromium: the owner reaches the item from My tasks, reads the
 * lead's rejection in its Comments tab and comments, telling the lead; the lead answers from the approval page; the
 * owner chooses a weekly digest on their account page, reached from the navigation. axe on every page and error state.
 * Screenshots: artifacts/comments-item.png, artifacts/comments-approval.png, artifacts/account.png.
 */
describe('comments and one’s own reminder emails, in a browser', () => {
  let product: TestProduct;
  let api: ApiClient;
  let browser: Browser;
  let p: Record<'admin' | 'owner' | 'lead' | 'dcc', Person>;
  let id: string;
  const checks = pageChecks('e2e-comments-account');

  beforeAll(async () => {
    product = await startTestProduct({ digestEveryMs: 60 * 60_000 });
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead', 'dcc');
    for (const person of [p.owner, p.lead]) await product.app.services.auth.setPassword(person.id, PASSWORD, { id: null, label: 'test' });
    api = apiClient(product);
    api.actingAs(p.admin.id);
    [id] = (await api.createReport({
      title: 'Digital forensics',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '4', category: 2 }],
    })) as [string];
    await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
    await api.command(id, { type: 'accept' }, p.owner.id);
    await api.command(id, { type: 'submitEvidence', summary: 'Backlog of devices triaged' }, p.owner.id);
    await api.command(id, { type: 'reject', reasons: 'The triage log for March is not attached' }, p.lead.id);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  const signedIn = (person: Person) => signedInPage(browser, product, { email: person.email, password: PASSWORD });

  it('lets the owner read the rejection in the item’s comments and comment, telling the lead by email', async () => {
    const page = await signedIn(p.owner);
    await Promise.all([
      page.waitForURL(`${product.baseUrl}/recommendations/${id}`),
      page.locator(`a[href="/recommendations/${id}"]`).first().click(),
    ]);
    await Promise.all([page.waitForURL(/tab=comments/), page.getByRole('link', { name: 'Comments (0)' }).click()]);
    const rejection = page.locator('.app-thread__entry--system');
    expect(await rejection.textContent()).toContain('The triage log for March is not attached');
    expect(await rejection.textContent()).toContain('Evidence rejected');

    await Promise.all([
      page.waitForURL(`${product.baseUrl}/recommendations/${id}/comments`),
      page.getByRole('button', { name: 'Post comment' }).click(),
    ]);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('The comment must not be empty');
    await checks.visited(page, 'item-comment-error');

    await page.getByLabel('Add a comment').fill('The March log is on the shared drive; I will attach it today.');
    await page.getByLabel(`${p.lead.name} (lead)`).check();
    await Promise.all([page.waitForURL(/commented=1/), page.getByRole('button', { name: 'Post comment' }).click()]);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Your comment is posted');
    expect(await page.locator('.app-thread').textContent()).toContain(`Told by email: ${p.lead.name}`);
    await checks.visited(page, 'item-comments');
    await page.screenshot({ path: path.join(artifacts, 'comments-item.png'), fullPage: true });
    const mail = await product.sink.waitFor(
      (m) => m.to.includes(p.lead.email) && m.subject.startsWith(`${p.owner.name} commented on Recommendation 4`),
      { timeoutMs: 10_000 },
    );
    expect(mail.text).toContain('The March log is on the shared drive');
  });

  it('shows the thread on the approval page, where the lead answers', async () => {
    await api.command(id, { type: 'submitEvidence', summary: 'Backlog of devices triaged; March log attached' }, p.owner.id);
    const page = await signedIn(p.lead);
    await Promise.all([page.waitForURL(`${product.baseUrl}/approvals/${id}`), page.locator(`a[href="/approvals/${id}"]`).first().click()]);
    const thread = page.locator('.app-thread');
    expect(await thread.textContent()).toContain('The March log is on the shared drive');
    expect(await thread.textContent()).toContain('The triage log for March is not attached');
    await page.getByLabel('Add a comment').fill('Thanks, the log is there now. I will approve today.');
    await page.getByLabel(`${p.owner.name} (owner)`).check();
    await Promise.all([page.waitForURL(/commented=1/), page.getByRole('button', { name: 'Post comment' }).click()]);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Your comment is posted');
    expect(await page.locator('.app-thread').textContent()).toContain('I will approve today');
    await checks.visited(page, 'approval-comments');
    await page.screenshot({ path: path.join(artifacts, 'comments-approval.png'), fullPage: true });
    await product.sink.waitFor(
      (m) => m.to.includes(p.owner.email) && m.subject.startsWith(`${p.lead.name} commented on Recommendation 4`),
      { timeoutMs: 10_000 },
    );
  });

  it('lets a person choose a weekly digest on their account page, reached from the navigation', async () => {
    const page = await signedIn(p.owner);
    await Promise.all([page.waitForURL(`${product.baseUrl}/account`), page.getByRole('link', { name: 'Your account' }).click()]);
    expect(await page.getByLabel('A daily digest').isChecked()).toBe(true);
    await checks.visited(page, 'account');
    await page.getByLabel('A weekly digest').check();
    await Promise.all([page.waitForURL(/saved=notifications/), page.getByRole('button', { name: 'Save reminder emails' }).click()]);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('a weekly digest');
    expect(await page.getByLabel('A weekly digest').isChecked()).toBe(true);
    await checks.visited(page, 'account-saved');
    await page.screenshot({ path: path.join(artifacts, 'account.png'), fullPage: true });
    await Promise.all([
      page.waitForURL(`${product.baseUrl}/account/password`),
      page.getByRole('link', { name: 'Change your password' }).click(),
    ]);
  });
});
