import { AuditEvent, Department, ExternalIdentity, type Person } from '../../entities';
import { addPeople, signIn } from '../support/apiClient';
import { startOidcIssuer, type FakeIssuer, type Tamper } from '../support/oidcIssuer';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'correct horse battery staple';

const cookieOf = (response: Response, name: string) => (response.headers.getSetCookie() ?? []).find((c) => c.startsWith(`${name}=`));
const events = async (product: TestProduct, type: string) =>
  product.app.dataSource.manager.find(AuditEvent, { where: { type }, order: { id: 'ASC' } });

/** Opens a page as a browser: returns the form token and the cookie it belongs to. */
async function openForm(baseUrl: string, path: string): Promise<{ cookie: string; token: string; html: string }> {
  const response = await fetch(`${baseUrl}${path}`, { redirect: 'manual' });
  const html = await response.text();
  return { cookie: cookieOf(response, 'rt_form')?.split(';')[0] ?? '', token: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '', html };
}

describe('local accounts, sessions and API tokens', () => {
  let product: TestProduct;
  let p: Record<'admin' | 'owner' | 'viewer', Person>;

  beforeAll(async () => {
    product = await startTestProduct({
      auth: {
        lockoutMinutes: 0.05,
        demoAccounts: [{ name: 'Demo <Admin>', email: 'demo@demo.police.uk', roles: ['administrator'] }],
        demoPassword: 'demo-password',
      },
    });
    p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Tom Ellery', roles: ['action_owner'] },
      viewer: { name: 'Margaret Holloway', roles: ['viewer'] },
    });
    for (const person of Object.values(p)) await product.app.services.auth.setPassword(person.id, PASSWORD, { id: null, label: 'test' });
  });
  afterAll(async () => {
    await product?.stop();
  });

  const api = (path: string, init: RequestInit & { session?: { cookie: string; csrfToken?: string } } = {}) =>
    fetch(`${product.baseUrl}${path}`, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(init.session
          ? { cookie: init.session.cookie, ...(init.session.csrfToken ? { 'x-csrf-token': init.session.csrfToken } : {}) }
          : {}),
        ...(init.headers as Record<string, string>),
      },
    });

  it('stores only an argon2id hash of the password', async () => {
    const [row] = (await product.app.dataSource.query(`SELECT password_hash FROM local_accounts WHERE person_id = $1`, [p.admin.id])) as {
      password_hash: string;
    }[];
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(row!.password_hash).not.toContain(PASSWORD);
  });

  it('signs in with a secure session cookie and audits it', async () => {
    const response = await api('/api/session', {
      method: 'POST',
      body: JSON.stringify({ email: '  Hannah.Whitcombe@TEST.police.uk ', password: PASSWORD }),
    });
    expect(response.status).toBe(201);
    const cookie = cookieOf(response, 'rt_session')!;
    expect(cookie).toMatch(/^rt_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    const body = (await response.json()) as { person: { id: string }; via: string; csrfToken: string };
    expect(body).toMatchObject({ person: { id: p.admin.id }, via: 'session' });
    const session = { cookie: cookie.split(';')[0]!, csrfToken: body.csrfToken };
    const me = await api('/api/session', { session });
    expect(((await me.json()) as { person: { name: string } }).person.name).toBe('Hannah Whitcombe');
    // Only the token's hash is stored.
    const token = session.cookie.split('=')[1]!;
    expect(await product.app.dataSource.query(`SELECT 1 FROM sessions WHERE id = $1`, [token])).toEqual([]);
    expect((await events(product, 'signed_in')).map((e) => e.actorId)).toContain(p.admin.id);
  });

  it('names the cookie __Host- and marks it Secure behind TLS', async () => {
    const response = await api('/api/session', {
      method: 'POST',
      headers: { 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ email: p.owner.email, password: PASSWORD }),
    });
    expect(response.status).toBe(201);
    expect(cookieOf(response, '__Host-rt_session')).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=\d+$/);
  });

  it('refuses a wrong password or an unknown email alike, and audits both', async () => {
    const before = (await events(product, 'sign_in_failed')).length;
    const wrong = await api('/api/session', {
      method: 'POST',
      body: JSON.stringify({ email: p.viewer.email, password: 'not the password' }),
    });
    const unknown = await api('/api/session', {
      method: 'POST',
      body: JSON.stringify({ email: 'nobody@test.police.uk', password: PASSWORD }),
    });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    const [a, b] = (await Promise.all([wrong.json(), unknown.json()])) as { title: string }[];
    expect(a!.title).toBe(b!.title);
    expect(cookieOf(wrong, 'rt_session')).toBeUndefined();
    const failed = (await events(product, 'sign_in_failed')).slice(before);
    expect(failed.map((e) => (e.after as { reason: string }).reason)).toEqual(['wrong_password', 'unknown_email']);
    // A success resets the count of failures.
    expect((await signIn(product.baseUrl, p.viewer.email, PASSWORD)).status).toBe(201);
  });

  it('locks an account after repeated wrong passwords, even against the right one, then lets it in again', async () => {
    const attempt = (password: string) => api('/api/session', { method: 'POST', body: JSON.stringify({ email: p.owner.email, password }) });
    for (let i = 0; i < 4; i++) expect((await attempt(`wrong ${i}`)).status).toBe(401);
    expect((await attempt('wrong 5')).status).toBe(401);
    const locked = await attempt(PASSWORD);
    expect(locked.status).toBe(401);
    expect((await events(product, 'account_locked')).map((e) => e.entityId)).toEqual([p.owner.id]);
    expect((await events(product, 'sign_in_failed')).at(-1)!.after).toMatchObject({ reason: 'locked' });
    await new Promise((resolve) => setTimeout(resolve, 3200));
    expect((await attempt(PASSWORD)).status).toBe(201);
  });

  it('answers a locked account exactly as an unknown address, and emails the real person once per lock', async () => {
    const { locked: person } = await addPeople(product.app.dataSource, { locked: { name: 'Joanna Merrick', roles: ['lead'] } });
    await product.app.services.auth.setPassword(person.id, PASSWORD, { id: null, label: 'test' });
    const attempt = (email: string, password: string) => api('/api/session', { method: 'POST', body: JSON.stringify({ email, password }) });
    for (let i = 0; i < 5; i++) expect((await attempt(person.email, `wrong ${i}`)).status).toBe(401);
    // This product locks for 3 seconds; this test needs longer than that to look at the lock.
    await product.app.dataSource.query(`UPDATE local_accounts SET locked_until = now() + interval '10 minutes' WHERE person_id = $1`, [
      person.id,
    ]);
    const answers = [
      await attempt(person.email, PASSWORD),
      await attempt(person.email, 'wrong again'),
      await attempt('nobody.at.all@test.police.uk', PASSWORD),
    ];
    const seen = await Promise.all(
      answers.map(async (r) => ({
        status: r.status,
        retryAfter: r.headers.get('retry-after'),
        type: r.headers.get('content-type'),
        body: await r.text(),
      })),
    );
    expect(seen[0]!.status).toBe(401);
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);

    // The sign-in page says the same for both, too.
    const page = async (email: string) => {
      const form = await openForm(product.baseUrl, '/sign-in');
      const response = await fetch(`${product.baseUrl}/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
        body: new URLSearchParams({ _csrf: form.token, email, password: PASSWORD, next: '/' }).toString(),
      });
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        error: /govuk-error-summary__list[\s\S]*?<a[^>]*>([^<]*)</.exec(await response.text())?.[1],
      };
    };
    const [lockedPage, unknownPage] = [await page(person.email), await page('nobody.at.all@test.police.uk')];
    expect(lockedPage).toEqual({ status: 401, retryAfter: null, error: 'The email address or password is not right.' });
    expect(unknownPage).toEqual(lockedPage);

    // The person is told by email, once for this lock however many more attempts there were.
    const notice = await product.sink.waitFor((m) => m.to.includes(person.email) && /has been locked/.test(m.subject));
    expect(notice.subject).toBe('Your account on the Test Constabulary recommendation tracker has been locked');
    expect(notice.text).toContain('A wrong password was given for your account 5 times in a row');
    expect(notice.text).toContain('If it was not you, tell the corporate development team');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await product.sink.list()).filter((m) => m.to.includes(person.email))).toHaveLength(1);
    const outbox = (await product.app.dataSource.query(
      `SELECT status FROM outbound_emails WHERE template = 'account_locked' AND recipient_id = $1`,
      [person.id],
    )) as { status: string }[];
    expect(outbox).toEqual([{ status: 'sent' }]);
  });

  it('refuses a change made with the cookie but without the CSRF token, writing nothing', async () => {
    const session = await signIn(product.baseUrl, p.admin.email, PASSWORD);
    const departments = await product.app.dataSource.manager.count(Department);
    const withoutToken = await api('/api/departments', {
      method: 'POST',
      session: { cookie: session.cookie },
      body: JSON.stringify({ name: 'Public Protection' }),
    });
    expect(withoutToken.status).toBe(403);
    expect(((await withoutToken.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('header.X-CSRF-Token');
    const wrongToken = await api('/api/departments', {
      method: 'POST',
      session: { cookie: session.cookie, csrfToken: 'guess' },
      body: JSON.stringify({ name: 'Public Protection' }),
    });
    expect(wrongToken.status).toBe(403);
    expect(await product.app.dataSource.manager.count(Department)).toBe(departments);
    const withToken = await api('/api/departments', { method: 'POST', session, body: JSON.stringify({ name: 'Public Protection' }) });
    expect(withToken.status).toBe(201);
  });

  it('ends a session on sign-out: the cookie stops working', async () => {
    const session = await signIn(product.baseUrl, p.viewer.email, PASSWORD);
    expect((await api('/api/session', { method: 'DELETE', session })).status).toBe(204);
    expect((await api('/api/session', { session })).status).toBe(401);
    expect((await events(product, 'signed_out')).map((e) => e.actorId)).toContain(p.viewer.id);
  });

  it('issues API tokens from a session only, shows them once, and revokes them', async () => {
    const session = await signIn(product.baseUrl, p.owner.email, PASSWORD);
    const issued = await api('/api/api-tokens', { method: 'POST', session, body: JSON.stringify({ name: 'Power BI' }) });
    expect(issued.status).toBe(201);
    const { token, apiToken } = (await issued.json()) as { token: string; apiToken: { id: string; prefix: string; personId: string } };
    expect(token).toMatch(/^rt_[\w-]{43}$/);
    expect(apiToken).toMatchObject({ prefix: token.slice(0, 10), personId: p.owner.id });
    const bearer = { authorization: `Bearer ${token}` };
    const me = await api('/api/session', { headers: bearer });
    expect(((await me.json()) as { via: string; csrfToken: null }).via).toBe('api_token');
    // A token cannot mint tokens, nor does it need a CSRF token.
    expect((await api('/api/api-tokens', { method: 'POST', headers: bearer, body: JSON.stringify({ name: 'more' }) })).status).toBe(403);
    const listed = (await (await api('/api/api-tokens', { headers: bearer })).json()) as { items: Record<string, unknown>[] };
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(await product.app.dataSource.query(`SELECT 1 FROM api_tokens WHERE token_hash = $1`, [token])).toEqual([]);
    // Someone else may not revoke it; its owner may.
    const viewer = await signIn(product.baseUrl, p.viewer.email, PASSWORD);
    expect((await api(`/api/api-tokens/${apiToken.id}`, { method: 'DELETE', session: viewer })).status).toBe(403);
    expect((await api(`/api/api-tokens/${apiToken.id}`, { method: 'DELETE', session })).status).toBe(204);
    expect((await api('/api/session', { headers: bearer })).status).toBe(401);
    // Only an administrator issues tokens for someone else.
    expect(
      (await api('/api/api-tokens', { method: 'POST', session, body: JSON.stringify({ name: 'x', personId: p.viewer.id }) })).status,
    ).toBe(403);
    const admin = await signIn(product.baseUrl, p.admin.email, PASSWORD);
    expect(
      (
        await api('/api/api-tokens', {
          method: 'POST',
          session: admin,
          body: JSON.stringify({ name: 'Integration account', personId: p.viewer.id }),
        })
      ).status,
    ).toBe(201);
  });

  it('sends a browser to the sign-in page and back, through its form with a form token', async () => {
    const anonymous = await api('/recommendations?x=1');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/sign-in?next=%2Frecommendations%3Fx%3D1');
    const form = await openForm(product.baseUrl, '/sign-in?next=/');
    expect(form.html).toContain('>Demo accounts</h2>');
    expect(form.html).toContain('Demo &lt;Admin&gt;');
    expect(form.html).toContain('demo-password');
    const post = (fields: Record<string, string>, cookie = form.cookie) =>
      fetch(`${product.baseUrl}/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams(fields).toString(),
      });
    expect((await post({ email: p.admin.email, password: PASSWORD, next: '/' }, '')).status).toBe(403);
    expect((await post({ _csrf: 'forged', email: p.admin.email, password: PASSWORD, next: '/' })).status).toBe(403);
    const wrong = await post({ _csrf: form.token, email: p.admin.email, password: 'nope', next: '/' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('The email address or password is not right.');
    const ok = await post({ _csrf: form.token, email: p.admin.email, password: PASSWORD, next: '//evil.example/' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/');
    const cookie = cookieOf(ok, 'rt_session')!.split(';')[0]!;
    const home = await fetch(`${product.baseUrl}/`, { headers: { cookie } });
    expect(home.status).toBe(200);
    expect(home.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(home.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('makes an address that fails too often wait (and this test runs last: it blocks the address)', async () => {
    let last: Response | null = null;
    for (let i = 0; i < 32; i++) {
      last = await api('/api/session', { method: 'POST', body: JSON.stringify({ email: `guess${i}@test.police.uk`, password: 'guess' }) });
      if (last.status === 429) break;
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api('/api/session', { method: 'POST', body: JSON.stringify({ email: p.admin.email, password: PASSWORD }) })).status).toBe(
      429,
    );
    expect((await events(product, 'sign_in_rate_limited')).length).toBeGreaterThan(0);
  });
});

describe('sign-in through the identity provider (OpenID Connect)', () => {
  let product: TestProduct;
  let issuer: FakeIssuer;
  let owner: Person;

  beforeAll(async () => {
    issuer = await startOidcIssuer();
    product = await startTestProduct({
      auth: {
        oidc: {
          issuerUrl: issuer.url,
          clientId: issuer.clientId,
          clientSecret: issuer.clientSecret,
          providerName: 'Demo Constabulary (Entra ID)',
          redirectUri: 'http://tracker.test/sign-in/oidc/callback',
        },
      },
    });
    ({ owner } = await addPeople(product.app.dataSource, { owner: { name: 'Tom Ellery', roles: ['action_owner'] } }));
  });
  afterAll(async () => {
    await product?.stop();
    await issuer?.stop();
  });

  /** Start at the product, sign in at the provider, come back to the callback: the browser's round trip. */
  async function roundTrip(next = '/') {
    const start = await fetch(`${product.baseUrl}/sign-in/oidc?next=${encodeURIComponent(next)}`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const stateCookie = cookieOf(start, 'rt_oidc')!.split(';')[0]!;
    const atProvider = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const back = new URL(atProvider.headers.get('location')!);
    return fetch(`${product.baseUrl}${back.pathname}${back.search}`, { redirect: 'manual', headers: { cookie: stateCookie } });
  }

  it('offers the provider on the sign-in page, links the account by email on first sign-in, then by subject', async () => {
    expect(await (await fetch(`${product.baseUrl}/sign-in`)).text()).toContain('Sign in with Demo Constabulary (Entra ID)');
    issuer.user = { sub: 'entra-oid-1', email: owner.email.toUpperCase(), name: 'Tom Ellery' };
    const callback = await roundTrip('/recommendations');
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('/recommendations');
    const cookie = cookieOf(callback, 'rt_session')!.split(';')[0]!;
    const me = (await (await fetch(`${product.baseUrl}/api/session`, { headers: { cookie } })).json()) as { person: { id: string } };
    expect(me.person.id).toBe(owner.id);
    expect(await product.app.dataSource.manager.findOneBy(ExternalIdentity, { issuer: issuer.url, subject: 'entra-oid-1' })).toMatchObject({
      personId: owner.id,
    });
    // Later sign-ins are by subject, whatever the email claim says now.
    issuer.user = { sub: 'entra-oid-1', email: 'renamed@test.police.uk' };
    expect((await roundTrip()).status).toBe(303);
    expect(
      (await product.app.dataSource.manager.find(AuditEvent, { where: { type: 'signed_in', actorId: owner.id } })).map(
        (e) => (e.after as { method: string }).method,
      ),
    ).toEqual(['oidc', 'oidc']);
  });

  it('refuses someone the product does not know, and each wrong ID token with its reason, auditing each', async () => {
    issuer.user = { sub: 'entra-oid-2', email: 'stranger@test.police.uk' };
    const stranger = await roundTrip();
    expect(stranger.status).toBe(403);
    expect(cookieOf(stranger, 'rt_session')).toBeUndefined();
    issuer.user = { sub: 'entra-oid-1', email: owner.email };
    const wrong: [Tamper, string][] = [
      ['wrong-nonce', 'The ID token does not answer this sign-in (nonce). Please start again.'],
      ['wrong-audience', 'The ID token is meant for another application. Please start again.'],
      ['expired', 'The ID token has expired. Please start again.'],
      ['bad-signature', 'The ID token signature is not valid. Please start again.'],
    ];
    for (const [tamper, message] of wrong) {
      issuer.tamper = tamper;
      const tampered = await roundTrip();
      issuer.tamper = 'none';
      expect({ tamper, status: tampered.status, session: cookieOf(tampered, 'rt_session') }).toEqual({
        tamper,
        status: 400,
        session: undefined,
      });
      expect(await tampered.text()).toContain(message);
    }
    const refusals = await product.app.dataSource.manager.find(AuditEvent, { where: { type: 'sign_in_failed' }, order: { id: 'ASC' } });
    expect(refusals.map((e) => e.after)).toEqual([
      expect.objectContaining({ reason: 'no_person' }),
      ...wrong.map(([, message]) => ({
        reason: 'oidc',
        detail: message.charAt(0).toLowerCase() + message.slice(1, -'. Please start again.'.length),
      })),
    ]);
    const noCookie = await fetch(`${product.baseUrl}/sign-in/oidc/callback?code=x&state=y`, { redirect: 'manual' });
    expect(noCookie.status).toBe(400);
  });
});
