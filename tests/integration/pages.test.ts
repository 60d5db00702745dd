import type { Person } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { CSV_HEADER } from '../../api/recommendations/listCsv';
import { addCast, apiClient, signIn, tokenFor, type ApiClient } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';

/** The GOV.UK pages: my tasks, the list, one recommendation with its forms, the dashboard; forms act through the lifecycle. */
describe('pages', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'lead' | 'dcc', Person>;
  const sessions: Record<string, { cookie: string; csrfToken: string }> = {};

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead', 'dcc');
    api.actingAs(p.admin.id);
    for (const [key, person] of Object.entries(p)) {
      await product.app.services.auth.setPassword(person.id, PASSWORD, { id: null, label: 'test' });
      sessions[key] = await signIn(product.baseUrl, person.email, PASSWORD);
    }
  });
  afterAll(async () => {
    await product?.stop();
  });

  const get = async (who: keyof typeof p, path: string) => {
    const response = await fetch(`${product.baseUrl}${path}`, { headers: { cookie: sessions[who]!.cookie }, redirect: 'manual' });
    return { status: response.status, html: await response.text(), headers: response.headers };
  };
  const post = async (who: keyof typeof p, path: string, fields: Record<string, string>) => {
    const response = await fetch(`${product.baseUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: sessions[who]!.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: sessions[who]!.csrfToken, ...fields }).toString(),
    });
    return { status: response.status, html: await response.text(), location: response.headers.get('location') };
  };

  async function assigned(title: string, dueDate = '2027-06-30'): Promise<string> {
    const [id] = await api.createReport({
      title,
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '4a', category: 2 }],
    });
    await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate });
    return id!;
  }

  it('serves GOV.UK Frontend styles and fonts with a long cache, without sign-in', async () => {
    const css = await fetch(`${product.baseUrl}/govuk/govuk-frontend.min.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(css.headers.get('cache-control')).toContain('max-age=31536000');
    const fonts = (await css.text()).match(/\/assets\/fonts\/[\w.-]+\.woff2/g)!;
    const font = await fetch(`${product.baseUrl}${fonts[0]}`);
    expect(font.status).toBe(200);
    expect((await fetch(`${product.baseUrl}/assets/nothing-here.css`)).status).toBe(404);
  });

  it('sends a signed-out browser to sign in first', async () => {
    const response = await fetch(`${product.baseUrl}/dashboard`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/sign-in?next=%2Fdashboard');
  });

  it('shows the owner their task, and takes them through accepting, an update with an error, and evidence', async () => {
    const id = await assigned('Stalking and harassment');
    const home = await get('owner', '/');
    expect(home.status).toBe(200);
    expect(home.html).toContain('govuk-header');
    expect(home.html).toContain('Test Constabulary recommendation tracker');
    expect(home.html).toContain('href="#main-content"');
    expect(home.html).toContain(`/recommendations/${id}`);
    expect(home.html).toContain('Accept the task');

    let item = await get('owner', `/recommendations/${id}`);
    expect(item.html).toContain('Accept this task');
    expect(item.html).toContain('Due-date history');
    const accepted = await post('owner', `/recommendations/${id}/commands/accept`, {});
    expect(accepted.status).toBe(303);
    expect(accepted.location).toBe(`/recommendations/${id}?done=accept`);
    expect((await get('owner', accepted.location!)).html).toContain('Done: accept this task.');
    // Issue 18, bug 7: a banner keeps an acronym's capitals.
    expect((await get('owner', `/recommendations/${id}?done=submitToHmicfrs`)).html).toContain('Done: record submission to HMICFRS.');

    const empty = await post('owner', `/recommendations/${id}/commands/postUpdate`, { text: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('govuk-error-summary');
    expect(empty.html).toContain('href="#postUpdate-text"');
    expect(empty.html).toContain('id="postUpdate-text"');
    expect(empty.html).toContain('<title>Error: ');

    const badDate = await post('owner', `/recommendations/${id}/commands/requestExtension`, {
      'newDueDate-day': '30',
      'newDueDate-month': '2',
      'newDueDate-year': '2027',
      reason: 'More <b>time</b>',
    });
    expect(badDate.status).toBe(400);
    expect(badDate.html).toContain('href="#requestExtension-newDueDate-day"');
    expect(badDate.html).toContain('name="newDueDate-month" type="text" value="2"');
    expect(badDate.html).toContain('More &lt;b&gt;time&lt;/b&gt;');
    // A real date in three boxes is accepted: the extension is asked for.
    const extension = await post('owner', `/recommendations/${id}/commands/requestExtension`, {
      'newDueDate-day': '31',
      'newDueDate-month': '12',
      'newDueDate-year': '2027',
      reason: 'Training slipped',
    });
    expect(extension.status).toBe(303);
    expect((await api.get(id)).state.pendingExtension?.requestedDueDate).toBe('2027-12-31');

    expect((await post('owner', `/recommendations/${id}/commands/postUpdate`, { text: 'Training <planned>' })).status).toBe(303);
    expect((await post('owner', `/recommendations/${id}/commands/submitEvidence`, { summary: 'Policy published' })).status).toBe(303);
    item = await get('owner', `/recommendations/${id}`);
    expect(item.html).toContain('Training &lt;planned&gt;');
    expect(item.html).toContain('Policy published');

    // The lead sees the decision waiting, oldest first, and approves from the page; the owner may not approve (409).
    const leadHome = await get('lead', '/');
    expect(leadHome.html).toContain(`href="/approvals/${id}"`);
    const leadItem = await get('lead', `/recommendations/${id}`);
    expect(leadItem.html).toContain('Approve the evidence');
    expect(leadItem.html).toContain('Reject the evidence');
    const refused = await post('owner', `/recommendations/${id}/commands/approve`, {});
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('govuk-error-summary');
    expect(refused.html).toContain('href="#approve-submit"');
    const noReasons = await post('lead', `/recommendations/${id}/commands/reject`, { reasons: '' });
    expect(noReasons.status).toBe(400);
    expect(noReasons.html).toContain('href="#reject-reasons"');
    expect((await post('lead', `/recommendations/${id}/commands/approve`, { comment: 'Good' })).status).toBe(303);
    const dccItem = await get('dcc', `/recommendations/${id}`);
    expect(dccItem.html).toContain('Nadia Haskins');
    // The lead's comment is on the timeline, in its tab (the details show the pending extension's chain).
    expect((await get('dcc', `/recommendations/${id}?tab=history`)).html).toContain('Good');
  });

  it('gives approvers one page to scrutinise and decide: evidence, summary, earlier rejections and comments; others are told why not', async () => {
    const id = await assigned('Approval page');
    await api.command(id, { type: 'accept' }, p.owner.id);
    await api.command(id, { type: 'postUpdate', text: 'Register <drafted>' }, p.owner.id);
    const upload = await fetch(
      `${product.baseUrl}/api/recommendations/${id}/evidence/files?title=${encodeURIComponent('Training register.pdf')}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${await tokenFor(product, p.owner.id)}`, 'content-type': 'application/pdf' },
        body: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3 * 1024 - 9, 1)]),
      },
    );
    expect(upload.status).toBe(201);
    const file = (await upload.json()) as { id: string };
    await api.command(id, { type: 'submitEvidence', summary: 'Register of everyone trained' }, p.owner.id);

    // The owner may not decide: a page saying why, not the form.
    const ownerView = await get('owner', `/approvals/${id}`);
    expect(ownerView.status).toBe(200);
    expect(ownerView.html).toContain('You cannot decide on this item now');
    expect(ownerView.html).not.toContain('/commands/approve');
    // The lifecycle's reason names the person asked, by name rather than by id.
    expect(ownerView.html).toContain(p.lead.name);
    expect(ownerView.html).not.toContain(p.lead.id);

    let page = await get('lead', `/approvals/${id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Register of everyone trained');
    expect(page.html).toContain('Training register.pdf');
    expect(page.html).toContain('File, 3 KB');
    expect(page.html).toContain(`href="/recommendations/${id}/evidence/${file.id}/download"`);
    expect(page.html).toContain('Register &lt;drafted&gt;');
    expect(page.html).toContain(`action="/approvals/${id}/commands/approve"`);
    expect(page.html).toContain(`action="/approvals/${id}/commands/reject"`);

    // Rejecting needs reasons; the error summary names the field and nothing changes.
    const noReasons = await post('lead', `/approvals/${id}/commands/reject`, { reasons: ' ' });
    expect(noReasons.status).toBe(400);
    expect(noReasons.html).toContain('href="#reject-reasons"');
    expect(noReasons.html).toContain('Register of everyone trained');
    expect((await api.get(id)).status).toBe('awaiting_approval');

    const rejected = await post('lead', `/approvals/${id}/commands/reject`, { reasons: 'Attach the <signed> register' });
    expect(rejected.status).toBe(303);
    expect(rejected.location).toBe(`/approvals/${id}?done=reject`);
    expect((await get('lead', rejected.location!)).html).toContain('You rejected the evidence for Recommendation 4a');

    // Resubmitted: the lead sees the earlier rejection; after the lead approves, the DCC sees it and the lead's comment.
    await api.command(id, { type: 'submitEvidence', summary: 'Signed register attached' }, p.owner.id);
    page = await get('lead', `/approvals/${id}`);
    expect(page.html).toContain('Earlier rejections');
    expect(page.html).toContain('Attach the &lt;signed&gt; register');
    expect((await post('lead', `/approvals/${id}/commands/approve`, { comment: 'Checked the signatures' })).status).toBe(303);
    page = await get('dcc', `/approvals/${id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Checked the signatures');
    expect(page.html).toContain('Attach the &lt;signed&gt; register');

    // A decision the lifecycle refuses (the lead has already approved this step) shows its reason in the error summary.
    const refused = await post('lead', `/approvals/${id}/commands/approve`, {});
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('govuk-error-summary');
    expect(refused.html).toContain('href="#approve-submit"');
  });

  it('shows every progress update and the evidence as pages, and downloads an evidence file', async () => {
    const id = await assigned('Updates and evidence');
    await api.command(id, { type: 'accept' }, p.owner.id);
    for (const text of ['First update', 'Second update', 'Third update', 'Fourth update'])
      await api.command(id, { type: 'postUpdate', text }, p.owner.id);
    const item = await get('owner', `/recommendations/${id}`);
    expect(item.html).toContain('Fourth update');
    expect(item.html).toContain('See all 4 updates');
    expect(item.html).toContain(`href="/recommendations/${id}/updates"`);
    const updates = await get('owner', `/recommendations/${id}/updates`);
    expect(updates.status).toBe(200);
    expect(updates.html.indexOf('Fourth update')).toBeLessThan(updates.html.indexOf('First update'));
    expect(updates.html).toContain('4 updates, newest first');

    const content = Buffer.from('name,trained\nA,yes\n');
    const upload = await fetch(`${product.baseUrl}/api/recommendations/${id}/evidence/files?title=trained.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenFor(product, p.owner.id)}`, 'content-type': 'text/csv' },
      body: content,
    });
    const file = (await upload.json()) as { id: string };
    const evidence = await get('lead', `/recommendations/${id}/evidence`);
    expect(evidence.status).toBe(200);
    expect(evidence.html).toContain('trained.csv');
    expect(evidence.html).toContain(`File, ${content.length} bytes`);
    expect(evidence.html).toContain(p.owner.name);
    const download = await fetch(`${product.baseUrl}/recommendations/${id}/evidence/${file.id}/download`, {
      headers: { cookie: sessions.lead!.cookie },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''trained.csv");
    expect(Buffer.from(await download.arrayBuffer())).toEqual(content);
    expect((await get('lead', `/recommendations/${id}/evidence/00000000-0000-4000-8000-000000000000/download`)).status).toBe(404);
  });

  it('lets the owner add evidence from the page: a file upload (multipart, no JavaScript), a link and a note, with errors named', async () => {
    const id = await assigned('Evidence forms');
    await api.command(id, { type: 'accept' }, p.owner.id);
    // The forms are in the item's evidence tab; its next step links there.
    expect((await get('owner', `/recommendations/${id}`)).html).toContain(
      '<a class="govuk-link" href="?tab=evidence">Add your evidence and submit it for approval</a>',
    );
    const item = await get('owner', `/recommendations/${id}?tab=evidence`);
    expect(item.html).toContain('enctype="multipart/form-data"');
    expect((await get('lead', `/recommendations/${id}`)).html).not.toContain('Add evidence');

    const upload = async (who: keyof typeof p, file: Blob | null, name: string, fields: Record<string, string> = {}, csrf = true) => {
      const form = new FormData();
      if (csrf) form.set('_csrf', sessions[who]!.csrfToken);
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      if (file) form.set('file', file, name);
      const response = await fetch(`${product.baseUrl}/recommendations/${id}/evidence/files`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: sessions[who]!.cookie },
        body: form,
      });
      return { status: response.status, html: await response.text(), location: response.headers.get('location') };
    };
    const pdf = new Blob([Buffer.from('%PDF-1.4 policy')], { type: 'application/pdf' });
    const added = await upload('owner', pdf, 'Stalking policy.pdf');
    expect(added.status).toBe(303);
    expect(added.location).toBe(`/recommendations/${id}?added=${encodeURIComponent('Stalking policy.pdf')}#evidence`);
    const [stored] = await product.app.services.evidence.list(id);
    expect(stored).toMatchObject({
      kind: 'file',
      title: 'Stalking policy.pdf',
      contentType: 'application/pdf',
      sizeBytes: 15,
      addedBy: p.owner.id,
    });

    const none = await upload('owner', null, '');
    expect(none.status).toBe(400);
    expect(none.html).toContain('href="#evidenceFile-file"');
    expect(none.html).toContain('Choose a file to upload');
    const wrongType = await upload('owner', new Blob(['MZ'], { type: 'application/x-msdownload' }), 'tool.exe');
    expect(wrongType.status).toBe(400);
    expect(wrongType.html).toContain('This type of file cannot be kept as evidence');
    expect((await upload('owner', pdf, 'x.pdf', {}, false)).status).toBe(403);
    expect((await upload('lead', pdf, 'x.pdf')).status).toBe(403);

    const badLink = await post('owner', `/recommendations/${id}/evidence/links`, { title: 'Intranet page', url: 'javascript:alert(1)' });
    expect(badLink.status).toBe(400);
    expect(badLink.html).toContain('href="#evidenceLink-url"');
    expect(badLink.html).toContain('value="Intranet page"');
    expect(
      (await post('owner', `/recommendations/${id}/evidence/links`, { title: 'Intranet page', url: 'https://intranet.example/policy' }))
        .status,
    ).toBe(303);
    const emptyNote = await post('owner', `/recommendations/${id}/evidence/notes`, { title: '', note: 'Seen by the chief' });
    expect(emptyNote.html).toContain('href="#evidenceNote-title"');
    expect((await post('owner', `/recommendations/${id}/evidence/notes`, { title: 'Briefing', note: 'Seen by the <chief>' })).status).toBe(
      303,
    );
    const evidence = await get('owner', `/recommendations/${id}/evidence`);
    expect(evidence.html).toContain('Stalking policy.pdf');
    expect(evidence.html).toContain('href="https://intranet.example/policy"');
    expect(evidence.html).toContain('Note: Seen by the &lt;chief&gt;');

    // Once submitted, evidence is no longer added here: the lifecycle's reason would be given, and the forms are gone.
    await api.command(id, { type: 'submitEvidence', summary: 'All attached' }, p.owner.id);
    expect((await get('owner', `/recommendations/${id}`)).html).not.toContain('Add evidence');
    const late = await post('owner', `/recommendations/${id}/evidence/notes`, { title: 'Late', note: 'x' });
    expect(late.status).toBe(409);
    expect(late.html).toContain('href="#evidenceNote-submit"');
  });

  it('marks an item superseded by choosing the later one by report and reference, not by typing an id', async () => {
    const old = await assigned('Superseded 2024 inspection');
    const [later] = await api.createReport({
      title: 'Re-inspection 2026',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '7', category: 2 }],
    });
    const page = await get('admin', `/recommendations/${old}?tab=actions`);
    expect(page.html).toContain('The recommendation that supersedes it');
    expect(page.html).toMatch(new RegExp(`<option value="${later}"[^>]*>HMICFRS: Re-inspection 2026, Recommendation 7`));
    expect(page.html).not.toContain(`<option value="${old}"`);
    const form = page.html.match(/action="\/recommendations\/[^"]+\/commands\/markSuperseded"[\s\S]*?<\/form>/)![0];
    const hidden = Object.fromEntries([...form.matchAll(/type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const done = await post('admin', `/recommendations/${old}/commands/markSuperseded`, { ...hidden, supersededBy: later!, reason: '' });
    expect(done.status).toBe(303);
    expect((await api.get(old)).state.closure).toMatchObject({ how: 'superseded', supersededBy: later });
  });

  it('refuses a form without the session CSRF token', async () => {
    const id = await assigned('CSRF');
    const response = await fetch(`${product.baseUrl}/recommendations/${id}/commands/accept`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: sessions.owner!.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(response.status).toBe(403);
  });

  it('lists with filters, sorting and a CSV of the current list; the dashboard links each number to its list', async () => {
    const late = await assigned('Overdue work');
    // Due dates are set in the future, so move this one back as the calendar would.
    await product.app.dataSource.query(`UPDATE recommendations SET due_date = DATE '2020-01-31' WHERE id = $1`, [late]);
    const list = await get('admin', '/recommendations?overdue=true&sort=dueDate');
    expect(list.status).toBe(200);
    expect(list.html).toContain(`/recommendations/${late}`);
    // The report select names every report; the table lists only what matches.
    const tableOf = (html: string) => html.slice(html.indexOf('<table'));
    expect(tableOf(list.html)).not.toContain('Stalking and harassment');
    const csv = await get('admin', '/recommendations.csv?overdue=true');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.html.split('\r\n')[0]).toBe(CSV_HEADER.join(','));
    expect(csv.html).toContain('\r\n4a,HMICFRS: Overdue work,');
    const bad = await get('admin', '/recommendations?overdue=maybe');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('href="#filter-overdue"');
    // Issue 18, bug 7: free-text search from the list's own search box, kept in the address and in the box.
    const searched = await get('admin', '/recommendations?q=overdue%20WORK');
    expect(searched.status).toBe(200);
    expect(searched.html).not.toContain('Unrecognized key');
    expect(searched.html).toContain(`/recommendations/${late}`);
    expect(tableOf(searched.html)).not.toContain('Stalking and harassment');
    expect(searched.html).toMatch(/<input[^>]*id="filter-q" name="q" type="search"[^>]*value="overdue WORK"/);
    expect(searched.html).toContain('/recommendations.csv?q=overdue+WORK');

    // The reminders escalated it to the DCC ten days ago: the dashboard lists the escalation and its age.
    await recordAudit(product.app.dataSource.manager, {
      actorId: null,
      actorLabel: 'Recommendation tracker',
      occurredAt: new Date(Date.now() - 10 * 86_400_000),
      entityType: 'recommendation',
      entityId: late,
      recommendationId: late,
      type: 'off_target_dcc',
      summary: 'Escalated to the DCC',
    });
    const dashboard = await get('admin', '/dashboard');
    expect(dashboard.status).toBe(200);
    expect(dashboard.html).toContain('Escalations raised, oldest first');
    expect(dashboard.html).toMatch(
      new RegExp(`/recommendations/${late}[^]*?Overdue: escalated to the DCC[^]*?<td class="govuk-table__cell">(10|11)</td>`),
    );
    expect(dashboard.html).toContain('<svg');
    expect(dashboard.html).toContain(`/recommendations?overdue=true&amp;lead=${p.lead.id}`);
    expect(dashboard.html).toContain('Nadia Haskins');
  });
});
