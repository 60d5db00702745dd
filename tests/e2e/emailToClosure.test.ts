import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Person } from '../../entities';
import { addPeople, apiClient, type ApiClient } from '../support/apiClient';
import { launchChromium, pageChecks } from '../support/browser';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';
const isoDaysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
/** A Windows program ("MZ", and the PE signature where 0x3c points), to be sent as if it were a PDF. */
const EXE = (() => {
  const exe = Buffer.alloc(512);
  exe.write('MZ', 0, 'latin1');
  exe.writeUInt32LE(0x80, 0x3c);
  exe.write('PE\u0000\u0000', 0x80, 'latin1');
  return exe;
})();

/**
 * From email to closure in a real browser (Debian's Chromium): the owner follows the assignment email and submits
 * evidence, the lead finds it on My tasks beside the rest of their portfolio, the lead and the DCC approve from their
 * email links, the DCC records the letter with the signed copy attached, and a manager sees the item leave the overdue
 * list. The liaison lead then finds it on My tasks, submits it to HMICFRS and records HMICFRS's reply, each with its
 * file; an administrator produces the committee paper that shows it and imports a tracker. Every page visited is
 * screenshotted and checked with axe.
 */
describe('email to closure in a browser', () => {
  let product: TestProduct;
  let api: ApiClient;
  let browser: Browser;
  let p: Record<'admin' | 'owner' | 'lead' | 'dcc' | 'liaison', Person>;
  /** The item the journey follows, and another of the same lead's, due soon (at risk). */
  let id: string;
  let dueSoon: string;

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Tom Ellery', roles: ['action_owner'] },
      lead: { name: 'Nadia Haskins', roles: ['lead'] },
      dcc: { name: 'Simon Hartley', roles: ['dcc'] },
      liaison: { name: 'Rachel Okafor', roles: ['liaison_lead'] },
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
    const message = await product.sink.waitFor((m) => !read.has(m.id) && m.to.includes(person.email) && subject.test(m.subject), {
      timeoutMs: 30_000,
    });
    read.add(message.id);
    return message;
  };
  /** Submits the focused form field's form from the keyboard: Tab to the button after it, then Enter. */
  async function submitByKeyboard(page: Page, buttonId?: string): Promise<void> {
    await page.keyboard.press('Tab');
    const focused = (await page.evaluate('({ tag: document.activeElement?.tagName, id: document.activeElement?.id })')) as {
      tag?: string;
      id?: string;
    };
    expect(focused.tag).toBe('BUTTON');
    if (buttonId) expect(focused.id).toBe(buttonId);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  }

  const artifacts = path.join(__dirname, '..', '..', 'artifacts');
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

  /** The rows of the table with this caption, as the addresses they link to. */
  const tableLinks = (page: Page, caption: string) =>
    page.evaluate(`(() => {
      const found = [...document.querySelectorAll('table')].find((t) => t.querySelector('caption')?.textContent.trim() === ${JSON.stringify(caption)});
      return [...(found ? found.querySelectorAll('tbody tr a') : [])].map((a) => a.getAttribute('href'));
    })()`) as Promise<string[]>;

  /** A fresh browser signed in as this person, on My tasks. */
  async function signedIn(person: Person): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
    await page.goto(`${product.baseUrl}/`);
    await signInIfAsked(page, person);
    expect(new URL(page.url()).pathname).toBe('/');
    return page;
  }
  const clickThrough = (page: Page, selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);

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
    [id, dueSoon] = (await api.createReport({
      title: 'Stalking and harassment',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [
        { reference: '4a', category: 3 },
        { reference: '4b', category: 2 },
      ],
    })) as [string, string];
    await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
    await api.command(dueSoon, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: isoDaysFromNow(30) });
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

    // The lead's My tasks: the items they lead that are overdue and at risk; nothing waits for them yet.
    const leadContext = await browser.newContext();
    const lead = await leadContext.newPage();
    await lead.goto(`${product.baseUrl}/`);
    await signInIfAsked(lead, p.lead);
    expect(await lead.locator('main h2').allTextContents()).toEqual(['Items you lead', 'Decisions waiting for you']);
    expect(await tableLinks(lead, 'Overdue (1)')).toEqual([`/recommendations/${id}`]);
    expect(await tableLinks(lead, 'At risk (1)')).toEqual([`/recommendations/${dueSoon}`]);
    expect(await tableLinks(lead, 'Waiting for you (0)')).toEqual([]);
    await visited(lead, 'my-tasks-lead');

    // The owner follows the link in the assignment email, signs in, accepts and submits evidence.
    const assignment = await product.sink.waitFor(
      (m) => !read.has(m.id) && m.to.includes(p.owner.email) && m.text.includes(`/recommendations/${id}`),
      { timeoutMs: 30_000 },
    );
    read.add(assignment.id);
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
    await owner.setInputFiles('#evidenceFile-file', {
      name: 'Training register.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('officer,trained\nPC 101,yes\n'),
    });
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
    await lead.goto(`${product.baseUrl}/`);
    // Now the evidence waits for them: on My tasks among the items they lead, and as a decision.
    expect(await tableLinks(lead, 'Waiting for you (1)')).toEqual([`/approvals/${id}`]);
    expect(await tableLinks(lead, 'Approvals and extensions waiting for your decision, oldest first (1)')).toEqual([`/approvals/${id}`]);
    await visited(lead, 'my-tasks-lead-decision');
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
    await dcc.setInputFiles('#selfCertify-attachment', {
      name: 'Self-certification letter CC-2026-114.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await dcc.click('#selfCertify-submit');
    await dcc.waitForLoadState();
    expect(await dcc.textContent('body')).toContain('Self-certified, awaiting submission to HMICFRS');
    expect(await dcc.textContent('.govuk-notification-banner')).toContain('Attached: Self-certification letter CC-2026-114.pdf');
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

  it('goes on from the liaison lead’s My tasks to HMICFRS and back, with the letter and HMICFRS’s reply attached', async () => {
    const liaison = await signedIn(p.liaison);
    expect(await liaison.locator('main h2').allTextContents()).toEqual(['HMICFRS submissions']);
    expect(await tableLinks(liaison, 'To submit to HMICFRS (1)')).toEqual([`/recommendations/${id}`]);
    await visited(liaison, 'my-tasks-liaison-to-submit');

    // Her next step on the item is the submission, with a file field for the covering letter.
    await clickThrough(liaison, `main a[href="/recommendations/${id}"]`);
    expect((await liaison.locator('#next-step button').allTextContents()).map((t) => t.trim())).toEqual(['Record submission']);
    // A program dressed as a PDF first: the error summary names the file field, and nothing is recorded.
    await liaison.fill('#submitToHmicfrs-reference', 'HMICFRS-2027-7');
    await liaison.setInputFiles('#submitToHmicfrs-attachment', { name: 'Covering letter.pdf', mimeType: 'application/pdf', buffer: EXE });
    await clickThrough(liaison, '#submitToHmicfrs-submit');
    expect(await liaison.locator('.govuk-error-summary a[href="#submitToHmicfrs-attachment"]').textContent()).toContain(
      '“Covering letter.pdf” looks like a Windows program, not a PDF',
    );
    expect(await liaison.textContent('main')).toContain('Self-certified, awaiting submission to HMICFRS');
    await visited(liaison, 'item-liaison-attachment-error');
    await liaison.screenshot({ path: path.join(artifacts, 'attachment-error.png'), fullPage: true });
    await liaison.fill('#submitToHmicfrs-reference', 'HMICFRS-2027-7');
    await liaison.setInputFiles('#submitToHmicfrs-attachment', { name: 'Covering letter.pdf', mimeType: 'application/pdf', buffer: PDF });
    await clickThrough(liaison, '#submitToHmicfrs-submit');
    expect(await liaison.textContent('.govuk-notification-banner')).toContain('Attached: Covering letter.pdf');
    await visited(liaison, 'item-liaison-submitted');

    // Back on My tasks it awaits HMICFRS; HMICFRS says it will reality-test it, and its reply goes with the response.
    await clickThrough(liaison, 'nav a:has-text("My tasks")');
    expect(await tableLinks(liaison, 'Awaiting HMICFRS: record its response or visit (1)')).toEqual([`/recommendations/${id}`]);
    expect(await tableLinks(liaison, 'To submit to HMICFRS (0)')).toEqual([]);
    await visited(liaison, 'my-tasks-liaison-awaiting');
    await clickThrough(liaison, `main a[href="/recommendations/${id}"]`);
    await liaison.check('input[name="outcome"][value="reality_test"]');
    await liaison.fill('#recordHmicfrsResponse-reasons', 'To be reality-tested at the 2027 PEEL inspection.');
    await liaison.setInputFiles('#recordHmicfrsResponse-attachment', {
      name: 'HMICFRS reply.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('HMICFRS will reality-test this at the next inspection.\n'),
    });
    await clickThrough(liaison, '#recordHmicfrsResponse-submit');
    expect(await liaison.textContent('.govuk-notification-banner')).toContain('Attached: HMICFRS reply.txt');
    await clickThrough(liaison, 'nav a:has-text("My tasks")');
    expect(await tableLinks(liaison, 'To be reality-tested at the next inspection (1)')).toEqual([`/recommendations/${id}`]);
    await visited(liaison, 'my-tasks-liaison-reality-test');

    // The item lists the three files with what each went with, and each downloads.
    await clickThrough(liaison, `main a[href="/recommendations/${id}"]`);
    const rows = await liaison
      .locator('#attachments + table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => (td.textContent ?? '').trim())));
    expect(rows).toEqual([
      ['Self-certification letter CC-2026-114.pdf', 'Self-certification letter'],
      ['Covering letter.pdf', 'Submission to HMICFRS'],
      ['HMICFRS reply.txt', 'HMICFRS’s response'],
    ]);
    await visited(liaison, 'item-liaison-attachments');
    // HMICFRS's inspection plan arrives later: attached afterwards, with the form below the list (empty first: each field named).
    await clickThrough(liaison, '#attachment-submit');
    expect(await liaison.locator('.govuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
      '#attachment-file',
    ]);
    await visited(liaison, 'item-liaison-attach-error');
    await liaison.check('input[name="to"][value="hmicfrs_response"]');
    await liaison.setInputFiles('#attachment-file', {
      name: 'Inspection plan.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('PEEL 2027: custody and stalking reality tests.\n'),
    });
    await clickThrough(liaison, '#attachment-submit');
    expect(await liaison.textContent('.govuk-notification-banner')).toContain('Attached: Inspection plan.txt');
    expect(await liaison.locator('#attachments + table tbody tr').count()).toBe(4);
    await liaison.locator('#attachments').scrollIntoViewIfNeeded();
    await liaison.screenshot({ path: path.join(artifacts, 'attachments.png'), fullPage: true });
    const [download] = await Promise.all([liaison.waitForEvent('download'), liaison.click('a[download]:has-text("HMICFRS reply.txt")')]);
    expect(download.suggestedFilename()).toBe('HMICFRS reply.txt');
    expect(fs.readFileSync((await download.path())!, 'utf8')).toContain('reality-test');
    await liaison.context().close();
  }, 180_000);

  it('ends with an administrator producing the committee paper that shows it, and importing a tracker', async () => {
    const admin = await signedIn(p.admin);
    // Committee papers, from the navigation: the tracker as at today, in the page, then as CSV.
    await clickThrough(admin, 'nav a:has-text("Committee papers")');
    await visited(admin, 'papers-form');
    await admin.check('input[name="paper"][value="tracker"]');
    await admin.check('input[name="scheme"][value="B"]');
    await clickThrough(admin, 'button:has-text("Show the paper")');
    const preview = admin.locator('section.app-paper');
    expect(await preview.textContent()).toContain('Stalking and harassment');
    await visited(admin, 'papers-preview');
    const [csv] = await Promise.all([admin.waitForEvent('download'), admin.click('a[download]:has-text("CSV")')]);
    expect(csv.suggestedFilename()).toMatch(/^recommendation-tracker-\d{4}-\d{2}-\d{2}-scheme-b\.csv$/);
    expect(fs.readFileSync((await csv.path())!, 'utf8')).toContain('Stalking and harassment');

    // Import a tracker, from the navigation: a bad date is found by row and column; the fixed file is imported.
    await clickThrough(admin, 'nav a:has-text("Import a tracker")');
    await visited(admin, 'import-form');
    const tracker = (due: string) =>
      Buffer.from(
        [
          'Report title,Originator,Reference,Text,Due date',
          `Domestic abuse,HMICFRS,1,Review the risk assessment,${due}`,
          'Domestic abuse,HMICFRS,2,Train call handlers,',
        ].join('\r\n'),
      );
    await admin.setInputFiles('#file', { name: 'tracker.csv', mimeType: 'text/csv', buffer: tracker('31/02/2027') });
    await clickThrough(admin, 'button:has-text("Check the file")');
    expect(await admin.locator('.govuk-error-summary').textContent()).toContain('The file has 1 problem');
    expect(
      (await admin.locator('#problems tbody tr td, #problems tbody tr th').allTextContents()).slice(0, 3).map((t) => t.trim()),
    ).toEqual(['2', 'Due date', '31/02/2027']);
    await visited(admin, 'import-problems');
    await admin.setInputFiles('#file', { name: 'tracker.csv', mimeType: 'text/csv', buffer: tracker('') });
    await clickThrough(admin, 'button:has-text("Check the file")');
    expect(await admin.locator('h2#problems').textContent()).toBe('tracker.csv has no problems');
    await visited(admin, 'import-checked');
    await clickThrough(admin, 'button:has-text("Import tracker.csv")');
    expect(await admin.locator('.govuk-panel').textContent()).toContain('2 created, 0 updated, 0 unchanged');
    await visited(admin, 'import-result');
    await admin.context().close();
  }, 180_000);
});
