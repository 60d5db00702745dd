import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createActionLink } from '../../platform/email/actionLinkTokens';
import { buildApp, redactUrl } from '../../api/server';
import { createMailboxRouter } from '../../dev/mailbox';
import type { Person } from '../../entities';
import { addPeople, apiClient, signIn, tokenFor, type ApiClient } from '../support/apiClient';
import { databaseFingerprint, emailsSettled } from '../support/snapshot';
import { startTestProduct, type TestProduct } from '../support/testProduct';

interface Problem {
  status: number;
  title: string;
  detail?: string;
  errors?: { field: string; message: string }[];
}

const validReport = {
  title: 'Police response to violence against women and girls',
  originator: 'HMICFRS',
  kind: 'inspection',
  scope: 'national',
  publishedOn: '2021-09-17',
  recommendations: [{ reference: '1', kind: 'recommendation', text: 'Chief constables should…' }],
};

/** Hostile input gets a clear 4xx naming what is wrong, never a 500, a stack trace or SQL, and nothing is written. */
describe('hostile input', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'lead', Person>;
  let itemId: string;
  const PASSWORD = 'hostile-input-password';

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Tom Ellery', roles: ['action_owner'] },
      lead: { name: 'Nadia Haskins', roles: ['lead'] },
    });
    api.actingAs(p.admin.id);
    await tokenFor(product, p.owner.id);
    await product.app.services.auth.setPassword(p.admin.id, PASSWORD, { id: null, label: 'test' });
    [itemId] = (await api.createReport({
      title: 'Target',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1', category: 2 }],
    })) as [string];
    await api.command(itemId, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
    await api.command(itemId, { type: 'accept' }, p.owner.id);
  });
  afterAll(async () => {
    await product?.stop();
  });

  /** Sends raw bytes as the administrator (unless told otherwise) and checks the answer is a clean 4xx that wrote nothing. */
  async function refused(
    method: string,
    path: string,
    body: string | Buffer | undefined,
    headers: Record<string, string> = {},
    status?: number,
  ): Promise<Problem> {
    await emailsSettled(product.app.dataSource);
    const before = await databaseFingerprint(product.app.dataSource);
    const response = await fetch(`${product.baseUrl}${path}`, {
      method,
      body,
      headers: { authorization: `Bearer ${await tokenFor(product, p.admin.id)}`, 'content-type': 'application/json', ...headers },
    });
    const text = await response.text();
    expect([path, response.status >= 400 && response.status < 500]).toEqual([path, true]);
    if (status) expect([path, response.status]).toEqual([path, status]);
    expect(text).not.toMatch(/\bat .+\.(ts|js):\d+|QueryFailedError|SELECT |INSERT INTO|node_modules/);
    expect(await databaseFingerprint(product.app.dataSource)).toEqual(before);
    return text.startsWith('{') ? (JSON.parse(text) as Problem) : { status: response.status, title: text };
  }
  const json = (value: unknown) => JSON.stringify(value);
  const fields = (problem: Problem) => Object.fromEntries((problem.errors ?? []).map((e) => [e.field, e.message]));

  it('wrong types, missing and extra fields are named one by one', async () => {
    const problem = await refused(
      'POST',
      '/api/reports',
      json({ title: 42, originator: null, kind: ['inspection'], publishedOn: true, recommendations: 'all of them', isAdmin: true }),
      {},
      400,
    );
    expect(Object.keys(fields(problem)).sort()).toEqual([
      'body',
      'body.kind',
      'body.originator',
      'body.publishedOn',
      'body.recommendations',
      'body.scope',
      'body.title',
    ]);
    expect(fields(problem).body).toBe('unknown field(s): isAdmin');
    const command = await refused(
      'POST',
      `/api/recommendations/${itemId}/commands`,
      json({ type: 'postUpdate', text: 7, extra: 1 }),
      {},
      400,
    );
    expect(command.errors!.map((e) => e.field).sort()).toEqual(['body', 'body.text']);
    expect(
      fields(await refused('POST', `/api/recommendations/${itemId}/commands`, json({ type: 'launchMissiles' }), {}, 400))['body.type'],
    ).toContain('must be one of');
    expect(
      fields(
        await refused(
          'POST',
          '/api/reports',
          json({ ...validReport, __proto__: { admin: true }, constructor: { prototype: {} } }).replace(
            '"recommendations"',
            '"__proto__":{"x":1},"recommendations"',
          ),
          {},
          400,
        ),
      ).body,
    ).toContain('unknown field');
  });

  it('bodies that are not JSON, of the wrong type, or too large', async () => {
    expect((await refused('POST', '/api/reports', '{"title": "unterminated', {}, 400)).title).toBe('The request body is not valid JSON');
    expect((await refused('POST', '/api/reports', 'title=x', { 'content-type': 'text/plain' }, 415)).errors).toEqual([
      { field: 'header.Content-Type', message: 'must be application/json' },
    ]);
    expect((await refused('POST', '/api/reports', json({ ...validReport, title: 'x'.repeat(1_100_000) }), {}, 413)).detail).toBe(
      'The most that can be sent at once is 1 MB. Nothing was saved.',
    );
    await refused(
      'POST',
      '/sign-in',
      `email=${'a'.repeat(120_000)}`,
      { 'content-type': 'application/x-www-form-urlencoded', authorization: '' },
      413,
    );
    await refused('POST', '/api/reports', json(validReport), { 'content-type': 'application/json; charset=klingon' }, 415);
  });

  it('very long and odd Unicode strings are refused by length, NUL is refused, and the rest is kept exactly', async () => {
    expect(fields(await refused('POST', '/api/reports', json({ ...validReport, title: 'é'.repeat(501) }), {}, 400))['body.title']).toBe(
      'must be at most 500 characters',
    );
    expect(
      fields(
        await refused(
          'POST',
          '/api/reports',
          json({ ...validReport, recommendations: [{ ...validReport.recommendations[0], reference: '1'.repeat(100_000) }] }),
          {},
          400,
        ),
      )['body.recommendations[0].reference'],
    ).toBe('must be at most 40 characters');
    expect(
      fields(await refused('POST', '/api/reports', json({ ...validReport, title: 'null\u0000byte' }), {}, 400))['body.title'],
    ).toContain('NUL');
    expect(fields(await refused('GET', '/api/recommendations?originator=%00', undefined, {}, 400))['query.originator']).toContain('NUL');
    expect(
      fields(await refused('POST', '/api/reports', json({ ...validReport, title: 'half a pair \uD800 here' }), {}, 400))['body.title'],
    ).toContain('broken Unicode');
    const odd = 'Ré\u0301sumé \u202Eevil\u202C 👮🏽‍♀️ \u200B\uFEFF 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 中文 العربية';
    const created = await api.call<{ id: string; title: string }>('POST', '/api/reports', { ...validReport, title: odd });
    expect(created.status).toBe(201);
    const back = await api.call<{ title: string }>('GET', `/api/reports/${created.body.id}`);
    expect(back.body.title).toBe(odd);
  });

  it('HTML and script in text fields are stored as text and rendered escaped', async () => {
    const script = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const [id] = await api.createReport({
      title: script,
      originator: `<b>HMICFRS</b>`,
      kind: 'inspection',
      recommendations: [{ reference: '<i>1</i>', text: script, category: 2 }],
    });
    const view = await api.get(id!);
    expect([view.text, view.reference, view.report.title]).toEqual([script, '<i>1</i>', script]);
    const session = await signIn(product.baseUrl, p.admin.email, PASSWORD);
    for (const path of [`/recommendations/${id}`, '/recommendations']) {
      const html = await (await fetch(`${product.baseUrl}${path}`, { headers: { cookie: session.cookie } })).text();
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<img src=x');
    }
  });

  it('SQL-looking strings are only text', async () => {
    const sql = '\'; DROP TABLE recommendations; -- " OR 1=1 /*';
    const [id] = await api.createReport({
      title: sql,
      originator: "HMICFRS' OR '1'='1",
      kind: 'inspection',
      recommendations: [{ reference: "1'--", text: sql, category: 2 }],
    });
    expect((await api.get(id!)).report.title).toBe(sql);
    const filtered = await api.call<{ items: unknown[] }>(
      'GET',
      `/api/recommendations?originator=${encodeURIComponent("x' OR '1'='1")}&department=${encodeURIComponent("'; DELETE FROM people; --")}`,
    );
    expect(filtered.body.items).toEqual([]);
    await refused('GET', `/api/recommendations/${encodeURIComponent("1' OR '1'='1")}`, undefined, {}, 400);
    await refused('GET', `/api/recommendations?sort=${encodeURIComponent('due_date; DROP TABLE people')}`, undefined, {}, 400);
    const cursor = Buffer.from(JSON.stringify({ s: 'dueDate', v: ["2027-01-01'); DROP TABLE people; --", 'x'] })).toString('base64url');
    await refused('GET', `/api/recommendations?sort=dueDate&cursor=${cursor}`, undefined, {}, 400);
    expect((await product.app.dataSource.query(`SELECT count(*)::int AS n FROM people`))[0].n).toBe(3);
  });

  it('a cookie request without its CSRF token, an unknown token, and a header that tries to name the caller', async () => {
    const session = await signIn(product.baseUrl, p.admin.email, PASSWORD);
    await refused('POST', '/api/departments', json({ name: 'Forged' }), { authorization: '', cookie: session.cookie }, 403);
    await refused(
      'POST',
      '/api/departments',
      json({ name: 'Forged' }),
      { authorization: '', cookie: session.cookie, 'x-csrf-token': `${session.csrfToken}x` },
      403,
    );
    await refused(
      'POST',
      '/api/departments',
      json({ name: 'Forged' }),
      { authorization: 'Bearer rt_forged', 'x-person-id': p.admin.id },
      401,
    );
    await refused('POST', '/api/departments', json({ name: 'Forged' }), { authorization: '', 'x-person-id': p.admin.id }, 401);
  });

  it('a request id that tries to inject into headers or logs is replaced', async () => {
    const response = await fetch(`${product.baseUrl}/healthz`, { headers: { 'x-request-id': 'abc\tdef<script>' } });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs requests with their ids, and never a token, a cookie or an email link', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const app = buildApp({
      dataSource: product.app.dataSource,
      ...product.app.services,
      logger,
      readiness: async () => ({ ready: true, checks: {} }),
      forceName: 'Test',
      evidenceMaxBytes: 1024,
    });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const token = await tokenFor(product, p.admin.id);
      const session = await signIn(product.baseUrl, p.admin.email, PASSWORD);
      const link = await createActionLink(
        product.app.dataSource.manager,
        { personId: p.lead.id, recommendationId: itemId, action: 'approve', expiresAt: new Date(Date.now() + 86_400_000) },
        product.app.services.auth.settings.sessionSecret,
      );
      await fetch(`${base}/api/recommendations?cursor=abc`, { headers: { authorization: `Bearer ${token}`, 'x-request-id': 'trace-42' } });
      await fetch(`${base}/api/session`, { headers: { cookie: session.cookie } });
      await fetch(`${base}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: p.admin.email, password: PASSWORD }),
      });
      await fetch(`${base}${link.path}`);
      await fetch(`${base}/sign-in/oidc/callback?code=secret-code&state=secret-state`);
      const all = lines.join('\n');
      expect(all).toContain('"id":"trace-42"');
      for (const secret of [token, session.cookie.split('=')[1]!, link.token, PASSWORD, 'secret-code', 'secret-state', session.csrfToken])
        expect(all).not.toContain(secret);
      expect(all).toContain('/action-links/[redacted]');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(redactUrl('/api/x?limit=2&token=abc&state=s')).toBe('/api/x?limit=2&token=%5Bredacted%5D&state=%5Bredacted%5D');
  });

  it('JSON nested deeper than 64 levels is refused with 400 naming the body, signed in or not, and nothing overflows', async () => {
    const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const deepObject = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    for (const [path, body, headers] of [
      ['/api/reports', deepArray, {}],
      ['/api/reports', deepObject, {}],
      ['/api/session', deepArray, { authorization: '' }],
      ['/api/session', deepObject, { authorization: '' }],
      [
        '/api/reports',
        json({
          ...validReport,
          recommendations: [{ ...validReport.recommendations[0], text: JSON.parse(`${'['.repeat(65)}"x"${']'.repeat(65)}`) }],
        }),
        {},
      ],
    ] as const) {
      const problem = await refused('POST', path, body, headers, 400);
      expect(problem.title).toBe('The request is nested too deeply');
      expect(problem.errors).toEqual([{ field: 'body', message: 'must not nest arrays or objects more than 64 levels deep' }]);
    }
    // 64 levels is still only a body with problems in it, named as such.
    const atTheLimit = fields(
      await refused('POST', '/api/reports', json({ ...validReport, title: JSON.parse(`${'['.repeat(63)}"x"${']'.repeat(63)}`) }), {}, 400),
    );
    expect(Object.keys(atTheLimit)).toEqual(['body.title']);
    expect((await fetch(`${product.baseUrl}/healthz`)).status).toBe(200);
  });

  it('an address whose percent-encoding is not UTF-8 is a 400 problem in the api and a 404 page, never a 500', async () => {
    for (const path of [
      '/api/recommendations/%ff%fe',
      '/api/reports/%ff',
      `/api/recommendations/${itemId}/evidence/%c0%af/content`,
      '/api/people/%e0%80',
    ]) {
      const problem = await refused('GET', path, undefined, {}, 400);
      expect(problem.errors).toEqual([{ field: 'path', message: 'must be valid percent-encoded UTF-8' }]);
    }
    const session = await signIn(product.baseUrl, p.admin.email, PASSWORD);
    for (const [path, cookie] of [
      ['/recommendations/%ff%fe', session.cookie],
      ['/approvals/%ff', session.cookie],
      ['/admin/people/%ff%fe', session.cookie],
      ['/action-links/%ff%fe', ''],
      ['/set-password/%ff', ''],
    ] as const) {
      const response = await fetch(`${product.baseUrl}${path}`, { headers: { cookie }, redirect: 'manual' });
      const html = await response.text();
      expect([path, response.status, response.headers.get('content-type')?.split(';')[0]]).toEqual([path, 404, 'text/html']);
      expect(html).toContain('<h1 class="govuk-heading-l">Page not found</h1>');
    }
  });

  it('the development mailbox needs a signed-in administrator on this machine, and is not there at all in production', async () => {
    const mailbox = (path: string, headers: Record<string, string> = {}, base = product.baseUrl) =>
      fetch(`${base}${path}`, { headers, redirect: 'manual' });
    const anonymous = await mailbox('/dev/mailbox/api/messages');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    expect(await anonymous.text()).not.toContain('@');
    const page = await mailbox('/dev/mailbox');
    expect([page.status, page.headers.get('location')]).toEqual([303, '/sign-in?next=%2Fdev%2Fmailbox']);
    const owner = { authorization: `Bearer ${await tokenFor(product, p.owner.id)}` };
    expect((await mailbox('/dev/mailbox/api/messages', owner)).status).toBe(403);
    const admin = { authorization: `Bearer ${await tokenFor(product, p.admin.id)}` };
    expect((await mailbox('/dev/mailbox/api/messages', admin)).status).toBe(200);
    expect((await mailbox('/dev/mailbox/api/messages', { ...admin, 'x-forwarded-for': '203.0.113.7' })).status).toBe(403);

    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    let app: ReturnType<typeof buildApp>;
    try {
      app = buildApp({
        dataSource: product.app.dataSource,
        ...product.app.services,
        logger: pino({ level: 'silent' }),
        readiness: async () => ({ ready: true, checks: {} }),
        forceName: 'Test',
        evidenceMaxBytes: 1024,
        mailbox: createMailboxRouter(product.sink),
      });
    } finally {
      process.env.NODE_ENV = before;
    }
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const production = await mailbox('/dev/mailbox/api/messages', admin, base);
      expect(production.status).toBe(404);
      expect(await production.text()).not.toContain(p.owner.email);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('people and passwords: wrong types, extra fields, markup and SQL are refused or kept as text; password changes need the CSRF token', async () => {
    const person = fields(
      await refused('POST', '/api/people', json({ name: ['Eve'], email: 'eve@', roles: 'administrator', active: true }), {}, 400),
    );
    expect(Object.keys(person).sort()).toEqual(['body', 'body.email', 'body.name', 'body.roles']);
    expect(person.body).toBe('unknown field(s): active');
    expect(
      fields(
        await refused(
          'POST',
          '/api/people',
          json({ name: 'x'.repeat(201), email: `${'e'.repeat(400)}@test.police.uk`, roles: ['viewer'] }),
          {},
          400,
        ),
      ),
    ).toEqual({
      'body.name': 'must be at most 200 characters',
      'body.email': 'must be at most 320 characters',
    });
    expect(
      fields(await refused('PATCH', `/api/people/${p.owner.id}`, json({ roles: ['viewer', "admin'; --"] }), {}, 400))['body.roles[1]'],
    ).toContain('must be one of');
    await refused('PATCH', `/api/people/${encodeURIComponent("1' OR '1'='1")}`, json({ name: 'x' }), {}, 400);
    expect(
      fields(await refused('PUT', `/api/people/${p.owner.id}/password`, json({ password: 12345678901234 }), {}, 400))['body.password'],
    ).toBe('must be text');
    expect(
      fields(await refused('PUT', `/api/people/${p.owner.id}/password`, json({ password: 'x'.repeat(300) }), {}, 400))['body.password'],
    ).toBe('must be at most 256 characters');

    const session = await signIn(product.baseUrl, p.admin.email, PASSWORD);
    await refused(
      'PUT',
      '/api/session/password',
      json({ currentPassword: PASSWORD, newPassword: 'a-forged-new-password' }),
      { authorization: '', cookie: session.cookie },
      403,
    );

    const script = '<script>alert("x")</script>';
    const added = await api.call<{ id: string; name: string; email: string }>('POST', '/api/people', {
      name: script,
      email: "o'brien@test.police.uk",
      roles: ['viewer'],
      jobTitle: "'; DROP TABLE people; --",
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: script, email: "o'brien@test.police.uk" });
    const deactivated = await api.call<{ person: { active: boolean } }>('POST', `/api/people/${added.body.id}/deactivate`, {
      reason: script,
    });
    expect(deactivated.body.person.active).toBe(false);
    expect(redactUrl('/set-password/abc.def')).toBe('/set-password/[redacted]');
  });

  it('a tracker past the limits and files that are not what their type says are refused, naming where and what, and nothing is written', async () => {
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const wide = await refused(
      'POST',
      '/api/imports?dryRun=false',
      `Report title,Originator,Reference,Text${',x'.repeat(61)}\n`,
      { 'content-type': 'text/csv' },
      413,
    );
    expect(wide.errors).toEqual([{ field: 'body', message: 'row 1, column BM: the file has too many columns' }]);
    const long = await refused(
      'POST',
      '/api/imports?dryRun=false',
      `Report title,Originator,Reference,Text\nT,HMICFRS,1,${'x'.repeat(40_000)}\n`,
      { 'content-type': 'text/csv' },
      422,
    );
    expect(JSON.stringify(long).length).toBeLessThan(1_000);
    await refused('POST', '/api/imports?dryRun=true', Buffer.from('MZ not a workbook'), { 'content-type': xlsx }, 400);

    const exe = Buffer.alloc(256);
    exe.write('MZ', 0, 'latin1');
    exe.writeUInt32LE(0x80, 0x3c);
    exe.write('PE\u0000\u0000', 0x80, 'latin1');
    const evidence = (title: string) => `/api/recommendations/${itemId}/evidence/files?title=${encodeURIComponent(title)}`;
    expect((await refused('POST', evidence('invoice.exe'), exe, { 'content-type': 'application/pdf' }, 415)).errors).toEqual([
      { field: 'body', message: 'looks like a Windows program, not a PDF' },
    ]);
    await refused('POST', evidence('photo.png'), '<html><script>alert(1)</script></html>', { 'content-type': 'image/png' }, 415);
    await refused('POST', evidence('evil.pdf'), exe, { 'content-type': 'application/pdf' }, 415);
  });
});
