import type { Browser, Page } from 'playwright-core';
import type { Person } from '../../entities';
import { addPeople, apiClient, type ApiClient } from '../support/apiClient';
import { launchChromium, pageChecks } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';

/**
 * From email to closure in a real browser (Debian's Chromium): the owner follows the assignment email and submits
 * evidence, the lead and the DCC approve from their email links, the DCC records the letter, and a manager sees the
 * item leave the overdue list. Every page visited is screenshotted and checked with axe.
 */
describe('email to closure in a browser', () => {
  let product: TestProduct;
  let api: ApiClient;
  let browser: Browser;
  let p: Record<'admin' | 'owner' | 'lead' | 'dcc', Person>;

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Tom Ellery', roles: ['action_owner'] },
      lead: { name: 'Nadia Haskins', roles: ['lead'] },
      dcc: { name: 'Simon Hartley', roles: ['dcc'] },
    });
    for (const person of Object.values(p)) await product.app.services.auth.setPassword(person.id, PASSWORD, { id: null, label: 'test' });
    api.actingAs(p.admin.id);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  /** Links in emails start with the product's public address; the browser reaches the test server instead. */
  const local = (url: string) => url.replace('http://tracker.test', product.baseUrl);
  /** The first email to this person with this subject that no earlier step has read. */
  const read = new Set<string>();
  const mailTo = async (person: Person, subject: RegExp) => {
    const message = await product.sink.waitFor((m) => !read.has(m.id) && m.to.includes(person.email) && subject.test(m.subject), { timeoutMs: 30_000 });
    read.add(message.id);
    return message;
  };
  /** Submits the focused form field's form from the keyboard: Tab to the button after it, then Enter. */
  async function submitByKeyboard(page: Page, buttonId?: string): Promise<void> {
    await page.keyboard.press('Tab');
    const focused = (await page.evaluate('({ tag: document.activeElement?.tagName, id: document.activeElement?.id })')) as { tag?: string; id?: string };
    expect(focused.tag).toBe('BUTTON');
    if (buttonId) expect(focused.id).toBe(buttonId);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  }

  /** Screenshots the page and fails on any axe violation. */
  const { visited } = pageChecks('e2e');

  async function signInIfAsked(page: Page, person: Person): Promise<void> {
    if (!new URL(page.url()).pathname.startsWith('/sign-in')) return;
    await visited(page, `sign-in-${person.name.split(' ')[0]!.toLowerCase()}`);
    await page.fill('#email', person.email);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForLoadState();
  }

  async function approveFromEmail(person: Person, name: string): Promise<void> {
    const request = await mailTo(person, /^Approval needed/);
    const approveUrl = /Approve \(works once, for you only\):\n(\S+)/.exec(request.text)![1]!;
    const context = await browser.newContext();
    const page = await context.newPage();
    if (name === 'lead') {
      // The lead opens the reject link first and submits without reasons: the error summary names the field. Nothing happens.
      const rejectUrl = /Reject[^\n]*\(works once, for you only\):\n(\S+)/.exec(request.text)![1]!;
      await page.goto(local(rejectUrl));
      await page.click('button[type=submit]');
      await page.waitForLoadState();
      expect(await page.locator('.govuk-error-summary a[href="#reasons"]').count()).toBe(1);
      await visited(page, 'reject-link-error');
    }
    await page.goto(local(approveUrl));
    await visited(page, `approve-link-${name}`);
    // By keyboard alone: focus the comment, type it, Tab to the button and press Enter.
    await page.focus('#comment');
    await page.keyboard.type(`Approved by ${person.name}`);
    await submitByKeyboard(page);
    expect(await page.textContent('body')).toContain('Done');
    await visited(page, `approved-${name}`);
    await context.close();
  }

  it('takes an overdue item from the assignment email to self-certified', async () => {
    const [id] = await api.createReport({ title: 'Stalking and harassment', originator: 'HMICFRS', kind: 'inspection', recommendations: [{ reference: '4a', category: 3 }] });
    await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
    // Due dates are set in the future; move this one back as the calendar would, so it is overdue.
    await product.app.dataSource.query(`UPDATE recommendations SET due_date = DATE '2020-01-31' WHERE id = $1`, [id]);

    // A manager sees it on the overdue list.
    const managerContext = await browser.newContext();
    const manager = await managerContext.newPage();
    await manager.goto(`${product.baseUrl}/dashboard`);
    // A wrong password first: the error summary names the problem.
    await manager.fill('#email', p.admin.email);
    await manager.fill('#password', 'not the password');
    await manager.click('button[type=submit]');
    await manager.waitForLoadState();
    expect(await manager.locator('.govuk-error-summary').textContent()).toContain('There is a problem');
    await visited(manager, 'sign-in-error');
    await signInIfAsked(manager, p.admin);
    await visited(manager, 'dashboard-before');
    await manager.goto(`${product.baseUrl}/recommendations?overdue=true`);
    expect(await manager.locator(`a[href="/recommendations/${id}"]`).count()).toBe(1);
    await visited(manager, 'overdue-list-before');

    // The owner follows the link in the assignment email, signs in, accepts and submits evidence.
    const assignment = await mailTo(p.owner, /./);
    const itemUrl = new RegExp(`(http://tracker\\.test/recommendations/${id})`).exec(assignment.text)![1]!;
    const ownerContext = await browser.newContext();
    const owner = await ownerContext.newPage();
    await owner.goto(local(itemUrl));
    await signInIfAsked(owner, p.owner);
    expect(new URL(owner.url()).pathname).toBe(`/recommendations/${id}`);
    await visited(owner, 'item-owner-assigned');
    await owner.click('#accept-submit');
    await owner.waitForLoadState();
    await visited(owner, 'item-owner-accepted');
    // The next step is a progress update; the evidence is one link away, in its own tab.
    await owner.click('#next-step a[href="?tab=evidence"]');
    await owner.waitForLoadState();
    // A mistake first: the error summary names the field.
    await owner.click('#submitEvidence-submit');
    await owner.waitForLoadState();
    expect(await owner.locator('.govuk-error-summary').textContent()).toContain('summary of the evidence');
    await visited(owner, 'item-owner-evidence-error');
    // The register goes up as a file, through the page's upload form.
    await owner.setInputFiles('#evidenceFile-file', { name: 'Training register.csv', mimeType: 'text/csv', buffer: Buffer.from('officer,trained\nPC 101,yes\n') });
    await owner.click('#evidenceFile-submit');
    await owner.waitForLoadState();
    expect(await owner.textContent('.govuk-notification-banner')).toContain('Evidence added: Training register.csv');
    await visited(owner, 'item-owner-evidence-added');
    await owner.fill('#submitEvidence-summary', 'Stalking policy published; all response officers trained (register attached).');
    await owner.click('#submitEvidence-submit');
    await owner.waitForLoadState();
    expect(await owner.textContent('body')).toContain('Awaiting approval');
    await visited(owner, 'item-owner-evidence-submitted');
    await owner.goto(`${product.baseUrl}/`);
    await visited(owner, 'my-tasks-owner');
    await owner.goto(`${product.baseUrl}/recommendations/${id}/evidence`);
    expect(await owner.textContent('main')).toContain('Training register.csv');
    await visited(owner, 'evidence-page');
    await owner.goto(`${product.baseUrl}/recommendations/${id}/updates`);
    await visited(owner, 'updates-page');
    // The owner may not decide on their own evidence: the approval page says why, without the form.
    await owner.goto(`${product.baseUrl}/approvals/${id}`);
    expect(await owner.locator('form[action$="/commands/approve"]').count()).toBe(0);
    expect(await owner.textContent('h1')).toContain('You cannot decide on this item now');
    await visited(owner, 'approval-page-not-yours');

    // The lead follows My tasks to the approval page, scrutinises, and rejects: first without reasons (the error
    // summary names the field), then with them, by keyboard alone.
    await mailTo(p.lead, /^Approval needed/);
    const leadContext = await browser.newContext();
    const lead = await leadContext.newPage();
    await lead.goto(`${product.baseUrl}/`);
    await signInIfAsked(lead, p.lead);
    await lead.click(`a[href="/approvals/${id}"]`);
    await lead.waitForLoadState();
    expect(await lead.textContent('main')).toContain('Training register.csv');
    await visited(lead, 'approval-page-lead');
    await lead.click('#reject-submit');
    await lead.waitForLoadState();
    expect(await lead.locator('.govuk-error-summary a[href="#reject-reasons"]').count()).toBe(1);
    await visited(lead, 'approval-page-reject-error');
    await lead.focus('#reject-reasons');
    await lead.keyboard.type('The register is not signed off by the training manager.');
    await submitByKeyboard(lead, 'reject-submit');
    expect(await lead.textContent('main')).toContain('Decision recorded');
    await visited(lead, 'approval-page-rejected');
    await leadContext.close();

    // The owner is told, and submits again.
    await mailTo(p.owner, /^Evidence not accepted/);
    await api.command(id!, { type: 'submitEvidence', summary: 'Register now signed off by the training manager.' }, p.owner.id);

    // The lead approves from the email link this time. The DCC opens the approval page first (it shows the earlier
    // rejection and the lead's comment), then approves from the email link.
    await approveFromEmail(p.lead, 'lead');
    const dccContext = await browser.newContext();
    const dcc = await dccContext.newPage();
    await dcc.goto(`${product.baseUrl}/approvals/${id}`);
    await signInIfAsked(dcc, p.dcc);
    const scrutiny = await dcc.textContent('main');
    expect(scrutiny).toContain('The register is not signed off by the training manager.');
    expect(scrutiny).toContain(`Approved by ${p.lead.name}`);
    await visited(dcc, 'approval-page-dcc');
    await approveFromEmail(p.dcc, 'dcc');

    // The approval page was left open: approving there now is refused by the lifecycle, and the page says why.
    await dcc.click('#approve-submit');
    await dcc.waitForLoadState();
    expect(await dcc.locator('.govuk-error-summary a[href="#approve-submit"]').count()).toBe(1);
    await visited(dcc, 'approval-page-refused');

    // The DCC records the self-certification letter on the item.
    await dcc.goto(`${product.baseUrl}/recommendations/${id}`);
    expect(await dcc.textContent('body')).toContain('Approved, awaiting self-certification');
    await visited(dcc, 'item-dcc-awaiting-self-certification');
    await dcc.fill('#selfCertify-signatory', 'Chief Constable Jo Farrell');
    await dcc.fill('#selfCertify-letterReference', 'CC/2026/114');
    await dcc.click('#selfCertify-submit');
    await dcc.waitForLoadState();
    expect(await dcc.textContent('body')).toContain('Self-certified, awaiting submission to HMICFRS');
    await visited(dcc, 'item-dcc-self-certified');
    await dccContext.close();

    // The manager sees it leave the overdue list.
    await manager.goto(`${product.baseUrl}/recommendations?overdue=true`);
    expect(await manager.locator(`a[href="/recommendations/${id}"]`).count()).toBe(0);
    await visited(manager, 'overdue-list-after');
    await manager.goto(`${product.baseUrl}/dashboard`);
    await visited(manager, 'dashboard-after');
    await manager.goto(`${product.baseUrl}/recommendations?overdue=maybe`);
    await visited(manager, 'list-filter-error');
    await managerContext.close();
  }, 300_000); // 31 pages, each screenshotted and checked by axe, on a machine shared with other test runs
});
