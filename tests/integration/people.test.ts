import { removeExpiredSignInRecords, startHousekeeping } from '../../api/auth/housekeeping';
import { createLogger } from '../../platform/logger';
import { eventually } from '../support/eventually';
import type { Person } from '../../entities';
import { addCast, apiClient, signIn, type ApiClient, type Problem } from '../support/apiClient';
import { databaseFingerprint } from '../support/snapshot';
import { startTestProduct, type TestProduct } from '../support/testProduct';

type PersonBody = Person & { version: number };

/** Administrators manage people and their accounts over the API; people change their own password. */
describe('people and accounts', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'lead', Person>;
  const ADMIN_PASSWORD = 'administrator-password-2026';

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead');
    api.actingAs(p.admin.id);
    await product.app.services.auth.setPassword(p.admin.id, ADMIN_PASSWORD, { id: null, label: 'test' });
    expect((await api.call('POST', '/api/departments', { name: 'Public Protection' })).status).toBe(201);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const auditTypes = async (entityId: string): Promise<string[]> =>
    (
      (await product.app.dataSource.query(`SELECT type FROM audit_events WHERE entity_id = $1 ORDER BY id`, [entityId])) as {
        type: string;
      }[]
    ).map((r) => r.type);

  async function addPerson(name: string, email: string): Promise<PersonBody> {
    const response = await api.call<PersonBody>('POST', '/api/people', {
      name,
      email: `  ${email.toUpperCase()} `,
      roles: ['action_owner', 'lead', 'action_owner'],
      department: 'Public Protection',
      jobTitle: 'Inspector',
    });
    expect(response.status).toBe(201);
    return response.body;
  }

  it('adds a person, with the roles of DOMAIN.md, a known department and a unique email; refusals name each field and write nothing', async () => {
    const before = await databaseFingerprint(product.app.dataSource);
    const bad = await api.call<Problem>('POST', '/api/people', {
      name: '',
      email: 'not an email',
      roles: ['superuser'],
      department: 'Nowhere',
      extra: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors!.map((e) => e.field).sort()).toEqual(['body', 'body.email', 'body.name', 'body.roles[0]']);
    const noRoles = await api.call<Problem>('POST', '/api/people', {
      name: 'Amy',
      email: 'amy@test.police.uk',
      roles: [],
      department: 'Nowhere',
    });
    expect(noRoles.body.errors).toEqual([{ field: 'body.roles', message: 'must hold at least one role' }]);
    const unknownDepartment = await api.call<Problem>('POST', '/api/people', {
      name: 'Amy',
      email: p.owner.email,
      roles: ['viewer'],
      department: 'Nowhere',
    });
    expect(unknownDepartment.body.errors!.map((e) => e.field)).toEqual(['body.email', 'body.department']);
    expect(unknownDepartment.body.errors![0]!.message).toContain(p.owner.name);
    expect(await databaseFingerprint(product.app.dataSource)).toEqual(before);

    const amy = await addPerson('Amy Castell', 'amy.castell@test.police.uk');
    expect(amy).toMatchObject({
      name: 'Amy Castell',
      email: 'amy.castell@test.police.uk',
      roles: ['action_owner', 'lead'],
      department: 'Public Protection',
      active: true,
      version: 1,
    });
    expect(await auditTypes(amy.id)).toEqual(['person_added']);
  });

  it('edits a person with the version they saw: a stale edit gets 412 and loses nothing', async () => {
    const ben = await addPerson('Ben Ashdown', 'ben.ashdown@test.police.uk');
    const read = await api.call<PersonBody>('GET', `/api/people/${ben.id}`);
    expect(read.headers.get('etag')).toBe('"1"');
    const first = await api.call<PersonBody>(
      'PATCH',
      `/api/people/${ben.id}`,
      { roles: ['lead'], jobTitle: 'Chief Inspector' },
      undefined,
      { 'if-match': '"1"' },
    );
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ roles: ['lead'], jobTitle: 'Chief Inspector', version: 2 });
    expect(first.headers.get('etag')).toBe('"2"');
    const stale = await api.call<Problem>('PATCH', `/api/people/${ben.id}`, { name: 'Benjamin Ashdown' }, undefined, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect((await api.call<PersonBody>('GET', `/api/people/${ben.id}`)).body).toMatchObject({
      name: 'Ben Ashdown',
      jobTitle: 'Chief Inspector',
      version: 2,
    });
    const empty = await api.call<Problem>('PATCH', `/api/people/${ben.id}`, {});
    expect(empty.status).toBe(400);
    const [changed] = (await product.app.dataSource.query(
      `SELECT before, after, summary FROM audit_events WHERE entity_id = $1 AND type = 'person_changed'`,
      [ben.id],
    )) as { before: unknown; after: unknown; summary: string }[];
    expect(changed).toMatchObject({
      before: { roles: ['action_owner', 'lead'], jobTitle: 'Inspector' },
      after: { roles: ['lead'], jobTitle: 'Chief Inspector' },
    });
  });

  it('deactivating someone ends their sessions and tokens and stops sign-in; their open items stay, to be reassigned', async () => {
    const [itemId] = await api.createReport({
      title: 'Deactivation',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1', category: 2 }],
    });
    await api.command(itemId!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2028-03-31' });
    await product.app.services.auth.setPassword(p.owner.id, 'owner-password-2026', { id: null, label: 'test' });
    const session = await signIn(product.baseUrl, p.owner.email, 'owner-password-2026');
    expect(session.status).toBe(201);
    const asOwner = await api.call('GET', '/api/session', undefined, p.owner.id);
    expect(asOwner.status).toBe(200);

    const self = await api.call<Problem>('POST', `/api/people/${p.admin.id}/deactivate`, {});
    expect(self.status).toBe(409);

    const response = await api.call<{ person: PersonBody; openItems: number }>('POST', `/api/people/${p.owner.id}/deactivate`, {
      reason: 'Retired',
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ person: { active: false }, openItems: 1 });
    expect((await fetch(`${product.baseUrl}/api/session`, { headers: { cookie: session.cookie } })).status).toBe(401);
    expect((await api.call('GET', '/api/session', undefined, p.owner.id)).status).toBe(401);
    expect((await signIn(product.baseUrl, p.owner.email, 'owner-password-2026')).status).toBe(401);
    expect((await api.get(itemId!)).owner).toMatchObject({ id: p.owner.id });
    const listed = await api.call<{ items: PersonBody[] }>('GET', '/api/people?status=deactivated');
    expect(listed.body.items.map((x) => x.id)).toContain(p.owner.id);
    expect((await api.call<{ items: PersonBody[] }>('GET', '/api/people')).body.items.map((x) => x.id)).not.toContain(p.owner.id);

    const again = await api.call<PersonBody>('POST', `/api/people/${p.owner.id}/reactivate`);
    expect(again.body.active).toBe(true);
    expect((await signIn(product.baseUrl, p.owner.email, 'owner-password-2026')).status).toBe(201);
    expect((await api.call('GET', '/api/session', undefined, p.owner.id)).status).toBe(401); // revoked tokens stay revoked
    expect(await auditTypes(p.owner.id)).toEqual(expect.arrayContaining(['person_deactivated', 'person_reactivated']));
  });

  it('sets and resets passwords by the rules, naming the field; a reset ends the person’s sessions', async () => {
    const cara = await addPerson('Cara Lindqvist', 'cara.lindqvist@test.police.uk');
    for (const [password, message] of [
      ['short', 'must be at least 12 characters'],
      ['cara.lindqvist-2026', 'must not be or contain the email address (the part before the @)'],
      ['aaaaaaaaaaaaaaaa', 'must not repeat the same few characters'],
    ] as const) {
      const refused = await api.call<Problem>('PUT', `/api/people/${cara.id}/password`, { password });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ field: 'body.password', message }]);
    }
    expect((await api.call('PUT', `/api/people/${cara.id}/password`, { password: 'first-password-of-cara' })).status).toBe(204);
    const session = await signIn(product.baseUrl, cara.email, 'first-password-of-cara');
    expect(session.status).toBe(201);
    expect((await api.call('PUT', `/api/people/${cara.id}/password`, { password: 'second-password-of-cara' })).status).toBe(204);
    expect((await fetch(`${product.baseUrl}/api/session`, { headers: { cookie: session.cookie } })).status).toBe(401);
    expect((await signIn(product.baseUrl, cara.email, 'second-password-of-cara')).status).toBe(201);
    expect(await auditTypes(cara.id)).toEqual(expect.arrayContaining(['password_set', 'password_reset']));
  });

  it('a person changes their own password with the current one; their other sessions end, this one stays', async () => {
    const dan = await addPerson('Dan Okonjo', 'dan.okonjo@test.police.uk');
    await product.app.services.auth.setPassword(dan.id, 'dans-old-password', { id: null, label: 'test' });
    const here = await signIn(product.baseUrl, dan.email, 'dans-old-password');
    const elsewhere = await signIn(product.baseUrl, dan.email, 'dans-old-password');
    const change = (body: unknown) =>
      fetch(`${product.baseUrl}/api/session/password`, {
        method: 'PUT',
        headers: { cookie: here.cookie, 'x-csrf-token': here.csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const wrong = await change({ currentPassword: 'not-the-password', newPassword: 'dans-new-password' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as Problem).errors).toEqual([{ field: 'body.currentPassword', message: 'is not your current password' }]);
    const short = await change({ currentPassword: 'dans-old-password', newPassword: 'short' });
    expect(((await short.json()) as Problem).errors).toEqual([{ field: 'body.newPassword', message: 'must be at least 12 characters' }]);
    expect((await change({ currentPassword: 'dans-old-password', newPassword: 'dans-new-password' })).status).toBe(204);
    expect((await fetch(`${product.baseUrl}/api/session`, { headers: { cookie: here.cookie } })).status).toBe(200);
    expect((await fetch(`${product.baseUrl}/api/session`, { headers: { cookie: elsewhere.cookie } })).status).toBe(401);
    expect((await signIn(product.baseUrl, dan.email, 'dans-old-password')).status).toBe(401);
    expect((await signIn(product.baseUrl, dan.email, 'dans-new-password')).status).toBe(201);
    expect(await auditTypes(dan.id)).toContain('password_changed');

    // Wrong current passwords count towards the lockout, as wrong passwords at sign-in do.
    for (let i = 0; i < 5; i++)
      expect((await change({ currentPassword: `wrong-${i}`, newPassword: 'dans-third-password' })).status).toBe(400);
    const locked = await change({ currentPassword: 'dans-new-password', newPassword: 'dans-third-password' });
    expect(((await locked.json()) as Problem).errors![0]!.message).toContain('locked');
    // Signing in to a locked account is answered as a wrong password; the person is told by email instead.
    expect((await signIn(product.baseUrl, dan.email, 'dans-new-password')).status).toBe(401);
    expect(await auditTypes(dan.id)).toEqual(expect.arrayContaining(['password_change_failed', 'account_locked']));
    expect((await product.sink.waitFor((m) => m.to.includes(dan.email) && /has been locked/.test(m.subject))).text).toContain(
      '5 times in a row',
    );
  });

  it('emails a signed, single-use, expiring set-password link, never a password', async () => {
    const eve = await addPerson('Eve Marchetti', 'eve.marchetti@test.police.uk');
    const sent = await api.call<{ sentTo: string; expiresAt: string }>('POST', `/api/people/${eve.id}/password-link`);
    expect(sent.status).toBe(201);
    expect(sent.body.sentTo).toBe(eve.email);
    const email = await product.sink.waitFor((m) => m.to.includes(eve.email));
    const link = /http:\/\/tracker\.test(\/set-password\/[\w.-]+)/.exec(email.text)![1]!;
    const token = link.split('/').pop()!;
    const links = product.app.services.passwordLinks;
    expect(await links.read(`${token.slice(0, -2)}xx`)).toEqual({ ok: false, reason: 'forged' });
    await expect(links.use(token, 'short', { ipAddress: '127.0.0.1' })).rejects.toMatchObject({
      status: 400,
      errors: [{ field: 'body.password', message: 'must be at least 12 characters' }],
    });
    await links.use(token, 'eves-chosen-password', { ipAddress: '127.0.0.1' });
    await expect(links.use(token, 'eves-other-password', { ipAddress: '127.0.0.1' })).rejects.toMatchObject({ status: 410 });
    expect((await signIn(product.baseUrl, eve.email, 'eves-chosen-password')).status).toBe(201);

    // A newer link cancels the older one; an expired one does not work.
    await api.call('POST', `/api/people/${eve.id}/password-link`);
    await api.call('POST', `/api/people/${eve.id}/password-link`);
    const [older, newer] = (await product.sink.list())
      .filter((m) => m.to.includes(eve.email))
      .slice(0, 2)
      .reverse()
      .map((m) => /\/set-password\/([\w.-]+)/.exec(m.text)![1]!);
    expect(await links.read(older!)).toEqual({ ok: false, reason: 'used' });
    expect((await links.read(newer!)).ok).toBe(true);
    await product.app.dataSource.query(
      `UPDATE password_links SET expires_at = now() - interval '1 second' WHERE used_at IS NULL AND person_id = $1`,
      [eve.id],
    );
    expect(await links.read(newer!)).toEqual({ ok: false, reason: 'expired' });
    expect(await auditTypes(eve.id)).toEqual(expect.arrayContaining(['password_set_by_link']));
    const [{ n }] = (await product.app.dataSource.query(
      `SELECT count(*)::int AS n FROM outbound_emails WHERE to_address = $1 AND status = 'sent'`,
      [eve.email],
    )) as { n: number }[];
    expect(n).toBe(3);
  });

  it('housekeeping removes ended sessions, used or expired links and old sign-in attempts, and nothing live', async () => {
    const fred = await addPerson('Fred Talbot', 'fred.talbot@test.police.uk');
    await product.app.services.auth.setPassword(fred.id, 'freds-password-2026', { id: null, label: 'test' });
    const live = await signIn(product.baseUrl, fred.email, 'freds-password-2026');
    await signIn(product.baseUrl, fred.email, 'freds-password-2026');
    await product.app.dataSource.query(
      `UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE person_id = $1 AND id = (SELECT id FROM sessions WHERE person_id = $1 ORDER BY created_at DESC LIMIT 1)`,
      [fred.id],
    );
    await api.call('POST', `/api/people/${fred.id}/password-link`);
    await product.app.dataSource.query(
      `INSERT INTO sign_in_attempts (email, ip_address, succeeded, attempted_at) VALUES ('old@test.police.uk', '10.0.0.1', false, now() - interval '40 days'), ('recent@test.police.uk', '10.0.0.1', false, now())`,
    );

    const removed = await removeExpiredSignInRecords(product.app.dataSource);
    expect(removed.sessions).toBeGreaterThanOrEqual(1);
    expect(removed.passwordLinks).toBeGreaterThanOrEqual(1); // those used or cancelled by the tests above
    expect(removed.signInAttempts).toBe(1);
    const count = async (sql: string, params: unknown[] = []) =>
      ((await product.app.dataSource.query(sql, params)) as { n: number }[])[0]!.n;
    expect(await count(`SELECT count(*)::int AS n FROM sessions WHERE expires_at <= now() OR revoked_at IS NOT NULL`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM sessions WHERE person_id = $1`, [fred.id])).toBe(1);
    expect((await fetch(`${product.baseUrl}/api/session`, { headers: { cookie: live.cookie } })).status).toBe(200);
    expect(await count(`SELECT count(*)::int AS n FROM password_links WHERE person_id = $1`, [fred.id])).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM sign_in_attempts WHERE email = 'recent@test.police.uk'`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM audit_events WHERE type = 'sign_in_records_removed'`)).toBe(1);
    expect(await removeExpiredSignInRecords(product.app.dataSource)).toEqual({ sessions: 0, passwordLinks: 0, signInAttempts: 0 });
  });

  it('the API process runs housekeeping on an interval', async () => {
    await product.app.dataSource.query(
      `INSERT INTO sign_in_attempts (email, ip_address, succeeded, attempted_at) VALUES ('ancient@test.police.uk', '10.0.0.2', false, now() - interval '90 days')`,
    );
    const stop = startHousekeeping(product.app.dataSource, createLogger({ level: 'silent' }), 100);
    try {
      const left = await eventually(
        async () =>
          (
            (await product.app.dataSource.query(
              `SELECT count(*)::int AS n FROM sign_in_attempts WHERE email = 'ancient@test.police.uk'`,
            )) as { n: number }[]
          )[0]!.n,
        (n) => n === 0,
        { what: 'the interval to remove the old sign-in attempt' },
      );
      expect(left).toBe(0);
    } finally {
      await stop();
    }
  });
});
