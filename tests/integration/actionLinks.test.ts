import { actionLinkExpiry, createActionLink, signActionLink } from '../../platform/email/actionLinkTokens';
import { ActionLink, AuditEvent, type Person } from '../../entities';
import { addCast, apiClient, signIn, type ApiClient } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { databaseFingerprint } from '../support/snapshot';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** Email action links: signed, for one person, one action and one item, expiring, single use; only a form submission acts. */
describe('email action links', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'lead' | 'dcc', Person>;
  let secret: string;

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead', 'dcc');
    api.actingAs(p.admin.id);
    secret = product.app.services.auth.settings.sessionSecret;
  });
  afterAll(async () => {
    await product?.stop();
  });

  /** An item whose evidence waits for the lead's approval. */
  async function awaitingLead(title: string): Promise<string> {
    const [id] = await api.createReport({
      title,
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1', category: 2 }],
    });
    await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
    await api.command(id!, { type: 'accept' }, p.owner.id);
    await api.command(id!, { type: 'submitEvidence', summary: 'Policy <b>published</b> and training delivered' }, p.owner.id);
    await emailsSettled();
    return id!;
  }

  /** Emails are sent in the background; fingerprints are taken once every one has gone. */
  const emailsSettled = () =>
    eventually(
      () =>
        product.app.dataSource.query(`SELECT count(*)::int AS n FROM outbound_emails WHERE status <> 'sent'`) as Promise<{ n: number }[]>,
      (rows) => rows[0]!.n === 0,
      { what: 'every email to be sent' },
    );

  const link = (recommendationId: string, personId: string, action: 'approve' | 'reject', expiresAt = actionLinkExpiry(new Date(), 14)) =>
    createActionLink(product.app.dataSource.manager, { personId, recommendationId, action, expiresAt }, secret);

  const open = async (path: string, cookie?: string) => {
    const response = await fetch(`${product.baseUrl}${path}`, { redirect: 'manual', ...(cookie ? { headers: { cookie } } : {}) });
    const html = await response.text();
    return {
      status: response.status,
      html,
      cookie: (response.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]!).find((c) => c.startsWith('rt_form=')) ?? '',
      token: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '',
      headers: response.headers,
    };
  };
  const submit = async (path: string, fields: Record<string, string>, cookie: string) => {
    const response = await fetch(`${product.baseUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: response.status, html: await response.text(), headers: response.headers };
  };
  const audits = async (type: string) => product.app.dataSource.manager.countBy(AuditEvent, { type });
  const usedEvent = (linkId: string) =>
    product.app.dataSource.manager.findOneByOrFail(AuditEvent, { type: 'action_link_used', entityId: linkId });
  const PASSWORD = 'a-long-test-password';
  const signedIn = async (person: Person) => {
    await product.app.services.auth.setPassword(person.id, PASSWORD, { id: null, label: 'test' });
    const session = await signIn(product.baseUrl, person.email, PASSWORD);
    expect(session.status).toBe(201);
    return session;
  };

  it('shows what will happen and changes nothing when followed (as a mail scanner would), then acts once when submitted', async () => {
    const id = await awaitingLead('Approve by email');
    const { id: linkId, path } = await link(id, p.lead.id, 'approve');
    expect(path).toMatch(/^\/action-links\/[\w-]+\.[\w-]+$/);
    const before = await databaseFingerprint(product.app.dataSource);
    const first = await open(path);
    await open(path);
    expect(first.status).toBe(200);
    expect(first.html).toContain('Approve: Recommendation 1?');
    expect(first.html).toContain('Nadia Haskins');
    expect(first.html).toContain('Nothing has happened yet');
    expect(first.html).toContain('Policy &lt;b&gt;published&lt;/b&gt;');
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await databaseFingerprint(product.app.dataSource)).toEqual(before);

    const withoutToken = await submit(path, { comment: 'x' }, first.cookie);
    expect(withoutToken.status).toBe(403);
    expect(await databaseFingerprint(product.app.dataSource)).toEqual(before);

    const done = await submit(path, { _csrf: first.token, comment: 'Content with this' }, first.cookie);
    expect(done.status).toBe(200);
    expect(done.html).toContain('You approved Recommendation 1');
    expect(done.headers.getSetCookie().some((c) => c.startsWith('rt_session'))).toBe(false);
    const after = await api.get(id);
    expect(after.state.approval!.current).toBe(1);
    expect(after.state.approval!.steps[0]!.approval).toMatchObject({ by: p.lead.id, comment: 'Content with this' });
    expect(after.history.some((h) => h.actor === 'Nadia Haskins (email link)')).toBe(true);
    expect((await product.app.dataSource.manager.findOneByOrFail(ActionLink, { id: linkId })).usedAt).not.toBeNull();
    expect(await audits('action_link_used')).toBe(1);
    expect((await usedEvent(linkId)).after).toEqual({
      linkPerson: { id: p.lead.id, name: 'Nadia Haskins' },
      signedInPerson: null,
      ipAddress: expect.any(String),
    });

    // Used once: following or submitting it again changes nothing and says so.
    const reused = await open(path);
    expect(reused.status).toBe(410);
    expect(reused.html).toContain('already been used');
    const resubmitted = await submit(path, { _csrf: first.token }, first.cookie);
    expect(resubmitted.status).toBe(410);
    expect(await audits('action_link_reused')).toBe(2);
    expect((await api.get(id)).version).toBe(after.version);
  });

  it('gives no sign-in: anything else still needs a password', async () => {
    const id = await awaitingLead('Only this action');
    const { path } = await link(id, p.lead.id, 'approve');
    const page = await open(path);
    const cookie = page.cookie;
    expect((await fetch(`${product.baseUrl}/api/session`, { headers: { cookie } })).status).toBe(401);
    const home = await fetch(`${product.baseUrl}/recommendations/${id}`, { headers: { cookie }, redirect: 'manual' });
    expect(home.status).toBe(303);
  });

  it('refuses forged, altered and expired links with a clear page and an audit event, changing nothing', async () => {
    const id = await awaitingLead('Bad links');
    const genuine = await link(id, p.lead.id, 'approve');
    const before = await databaseFingerprint(product.app.dataSource);
    const forged = `/action-links/${signActionLink({ id: genuine.id, personId: p.lead.id, recommendationId: id, action: 'approve', expiresAt: new Date(Date.now() + 86_400_000) }, 'not the product secret, but long enough')}`;
    const [payload, signature] = genuine.token.split('.');
    const altered = `/action-links/${signActionLink({ id: genuine.id, personId: p.dcc.id, recommendationId: id, action: 'approve', expiresAt: new Date(Date.now() + 86_400_000) }, secret).split('.')[0]}.${signature}`;
    const truncated = `/action-links/${payload}.${signature!.slice(0, 20)}`;
    for (const path of [forged, altered, truncated, '/action-links/%3Cscript%3Ealert(1)%3C%2Fscript%3E']) {
      const response = await open(path);
      expect(response.status).toBe(400);
      expect(response.html).toContain('This link is not valid');
      expect(response.html).not.toContain('<script>alert');
    }
    expect(await audits('action_link_forged')).toBe(4);

    const expired = await link(id, p.lead.id, 'approve', new Date(Date.now() - 1000));
    const response = await open(expired.path);
    expect(response.status).toBe(410);
    expect(response.html).toContain('This link has expired');
    expect(await audits('action_link_expired')).toBe(1);
    expect(await databaseFingerprint(product.app.dataSource)).toEqual({
      ...before,
      action_links: (await databaseFingerprint(product.app.dataSource)).action_links,
    });
    expect((await api.get(id)).state.approval!.current).toBe(0);
  });

  it('does not use up a link the lifecycle refuses, nor one submitted without the reasons a rejection needs', async () => {
    const id = await awaitingLead('Rejections and refusals');
    const ownersLink = await link(id, p.owner.id, 'approve');
    const refused = await open(ownersLink.path);
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('This can no longer be done');
    expect((await product.app.dataSource.manager.findOneByOrFail(ActionLink, { id: ownersLink.id })).usedAt).toBeNull();

    const reject = await link(id, p.lead.id, 'reject');
    const page = await open(reject.path);
    expect(page.html).toContain('Why the evidence is not enough');
    const blank = await submit(reject.path, { _csrf: page.token, reasons: '   ' }, page.cookie);
    expect(blank.status).toBe(400);
    expect(blank.html).toContain('Say why the evidence is not enough');
    expect((await product.app.dataSource.manager.findOneByOrFail(ActionLink, { id: reject.id })).usedAt).toBeNull();
    const done = await submit(
      reject.path,
      { _csrf: page.token, reasons: 'The training records do not cover response officers.' },
      page.cookie,
    );
    expect(done.status).toBe(200);
    const after = await api.get(id);
    expect(after.status).toBe('in_progress');
    expect(after.state.lastRejection).toMatchObject({ by: p.lead.id, reasons: 'The training records do not cover response officers.' });
  });

  it('warns first when someone else is signed in, acts only once they choose to continue, and records both people', async () => {
    const id = await awaitingLead('Used from another session');
    const { id: linkId, path } = await link(id, p.lead.id, 'approve');
    const dcc = await signedIn(p.dcc);
    const before = await databaseFingerprint(product.app.dataSource);
    const warning = `You are signed in as Simon Hartley. This link was sent to Nadia Haskins. If you continue, the decision is recorded as Nadia Haskins&#39;s, made from Simon Hartley&#39;s session.`;

    // Opening it shows the warning, not the form: a way on (as Nadia, acknowledged), a way to sign out, and the item.
    const first = await open(path, dcc.cookie);
    expect(first.status).toBe(200);
    expect(first.html).toContain('You are signed in as someone else');
    expect(first.html).toContain(warning);
    expect(first.html).toContain(`name="acknowledge" value="${p.dcc.id}"`);
    expect(first.html).toContain('action="/sign-out"');
    expect(first.html).toContain(`href="/recommendations/${id}"`);
    expect(first.html).not.toContain('name="comment"');
    expect(first.headers.get('cache-control')).toBe('no-store');

    // A form token from an anonymous visit, submitted in Simon's session without the acknowledgement: warned, nothing done.
    const anonymous = await open(path);
    expect(anonymous.html).toContain('name="comment"');
    const cookies = `${dcc.cookie}; ${anonymous.cookie}`;
    for (const acknowledge of [undefined, p.lead.id, 'yes']) {
      const refused = await submit(
        path,
        { _csrf: anonymous.token, comment: 'From the wrong session', ...(acknowledge ? { acknowledge } : {}) },
        cookies,
      );
      expect(refused.status).toBe(409);
      expect(refused.html).toContain(warning);
    }
    expect(await databaseFingerprint(product.app.dataSource)).toEqual(before);
    expect((await product.app.dataSource.manager.findOneByOrFail(ActionLink, { id: linkId })).usedAt).toBeNull();

    // Continuing: the form repeats the warning and carries the acknowledgement; submitting it acts and records both.
    const confirm = await open(`${path}?acknowledge=${p.dcc.id}`, cookies);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Approve: Recommendation 1?');
    expect(confirm.html).toContain(warning);
    expect(confirm.html).toContain(`name="acknowledge" value="${p.dcc.id}"`);
    expect(confirm.token).not.toBe('');
    const done = await submit(path, { _csrf: confirm.token, acknowledge: p.dcc.id, comment: 'Approved from Simon\u2019s desk' }, cookies);
    expect(done.status).toBe(200);
    expect(done.html).toContain('You approved Recommendation 1');
    const after = await api.get(id);
    expect(after.state.approval!.steps[0]!.approval).toMatchObject({ by: p.lead.id });
    expect(after.history.some((h) => h.actor === "Nadia Haskins (email link, from Simon Hartley's session)")).toBe(true);
    const used = await usedEvent(linkId);
    expect(used.actorId).toBe(p.lead.id);
    expect(used.summary).toContain("in Simon Hartley's session");
    expect(used.after).toMatchObject({
      linkPerson: { id: p.lead.id, name: 'Nadia Haskins' },
      signedInPerson: { id: p.dcc.id, name: 'Simon Hartley', via: 'session' },
    });
  });

  it("acts as before when the link's own person is signed in, and records the session", async () => {
    const id = await awaitingLead('Used from her own session');
    const { id: linkId, path } = await link(id, p.lead.id, 'approve');
    const lead = await signedIn(p.lead);
    const page = await open(path, lead.cookie);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Approve: Recommendation 1?');
    expect(page.html).not.toContain('signed in as someone else');
    expect(page.html).not.toContain('name="acknowledge"');
    const done = await submit(path, { _csrf: page.token, comment: 'Mine' }, `${lead.cookie}; ${page.cookie}`);
    expect(done.status).toBe(200);
    const after = await api.get(id);
    expect(after.history.some((h) => h.actor === 'Nadia Haskins (email link)')).toBe(true);
    expect((await usedEvent(linkId)).after).toMatchObject({
      linkPerson: { id: p.lead.id, name: 'Nadia Haskins' },
      signedInPerson: { id: p.lead.id, name: 'Nadia Haskins', via: 'session' },
    });
  });
});
