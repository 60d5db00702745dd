import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArguments, runAdminCommand, type AdminArguments, type AdminCommandContext } from '../../bin/admin';
import { AuditEvent, ExternalIdentity, Person } from '../../entities';
import { addPeople, signIn } from '../support/apiClient';
import { startOidcIssuer, type FakeIssuer } from '../support/oidcIssuer';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * A force's first run, without demo data: nobody administers the product, so nobody could sign in. The first
 * administrator comes from the set-up page with the code printed at start, from the admin command, or (with the
 * identity provider) from ADMIN_EMAILS; each way refuses once there is an administrator.
 */

const PASSWORD = 'a first password for the force';
const CODE_FORMAT = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/;

const cookieOf = (response: Response, name: string) =>
  (response.headers.getSetCookie() ?? []).find((c) => c.startsWith(`${name}=`))?.split(';')[0];

async function openForm(baseUrl: string, page: string): Promise<{ cookie: string; token: string; html: string; status: number }> {
  const response = await fetch(`${baseUrl}${page}`, { redirect: 'manual' });
  const html = await response.text();
  return {
    cookie: cookieOf(response, 'rt_form') ?? '',
    token: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '',
    html,
    status: response.status,
  };
}

async function postForm(
  baseUrl: string,
  page: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const form = await openForm(baseUrl, page);
  return fetch(`${baseUrl}${page}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie, ...headers },
    body: new URLSearchParams({ _csrf: form.token, ...fields }).toString(),
  });
}

const count = async (product: TestProduct, sql: string, params: unknown[] = []) =>
  ((await product.app.dataSource.query(sql, params)) as { n: number }[])[0]!.n;
const auditOf = (product: TestProduct, type: string) =>
  product.app.dataSource.manager.find(AuditEvent, { where: { type }, order: { id: 'ASC' } });
const errorSummary = (html: string) => [...html.matchAll(/<li>\s*<a href="#(\w+)">([^<]*)<\/a>/g)].map((m) => `${m[1]}: ${m[2]}`);

describe('first run: the set-up page', () => {
  let product: TestProduct;
  const hannah = { name: 'Hannah Whitcombe', email: 'Hannah.Whitcombe@Test.Police.uk' };

  beforeAll(async () => {
    product = await startTestProduct();
  });
  afterAll(async () => {
    await product?.stop();
  });

  const setup = (fields: Record<string, string>, headers?: Record<string, string>) => postForm(product.baseUrl, '/setup', fields, headers);

  it('makes a one-time set-up code at start and stores only its hash', async () => {
    const code = product.app.setupCode!;
    expect(code).toMatch(CODE_FORMAT);
    expect(product.app.services.firstRun.code).toBe(code);
    const rows = (await product.app.dataSource.query(`SELECT code_hash FROM setup_codes`)) as { code_hash: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/);
    const trail = JSON.stringify(await product.app.dataSource.query(`SELECT * FROM audit_events`));
    expect(trail).toContain('setup_code_issued');
    expect(trail).not.toContain(code);
    expect(trail).not.toContain(code.replace(/-/g, ''));
  });

  it('sends every page to /setup while nobody administers the product, and the sign-in page says so', async () => {
    for (const page of ['/', '/recommendations', '/admin', '/admin/people', '/account/password', '/no-such-page']) {
      const response = await fetch(`${product.baseUrl}${page}`, { redirect: 'manual' });
      expect([page, response.status, response.headers.get('location')]).toEqual([page, 303, '/setup']);
    }
    const signInPage = await (await fetch(`${product.baseUrl}/sign-in`)).text();
    expect(signInPage).toContain('Nobody administers this product yet.');
    expect(signInPage).toContain('href="/setup"');
    expect((await fetch(`${product.baseUrl}/api/people`)).status).toBe(401);
    const page = await openForm(product.baseUrl, '/setup');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1 class="govuk-heading-l">Set up the first administrator</h1>');
    expect(page.html).toContain('npm run admin -- create');
  });

  it('refuses a wrong code, records and audits it, and creates nobody', async () => {
    const response = await setup({ code: 'AAAAA-BBBBB-CCCCC-DDDDD', ...hannah, password: PASSWORD, confirm: PASSWORD });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(errorSummary(html)).toEqual([
      'code: The set-up code is not right: copy it from the log of the running product (each start prints a new one)',
    ]);
    expect(html).toContain(`value="${hannah.name}"`);
    expect(html).not.toContain(PASSWORD);
    expect(cookieOf(response, 'rt_session')).toBeUndefined();
    expect(await product.app.dataSource.manager.count(Person)).toBe(0);
    expect((await auditOf(product, 'setup_code_refused')).map((e) => e.summary)).toEqual(['Refused a wrong set-up code from 127.0.0.1']);
    expect(await count(product, `SELECT count(*)::int AS n FROM sign_in_attempts WHERE email = '(set-up code)' AND NOT succeeded`)).toBe(1);
  });

  it("gives every problem with the form at once, with the product's password rules", async () => {
    const code = product.app.setupCode!;
    const response = await setup({ code, name: ' ', email: 'not an email', password: 'short', confirm: 'different' });
    expect(response.status).toBe(400);
    expect(errorSummary(await response.text())).toEqual([
      'name: The name must not be empty',
      'email: The email address must be an email address, like name@force.police.uk',
      'password: The password must be at least 12 characters',
      'confirm: The password typed again must be the same as the password',
    ]);
    const containsEmail = await setup({ code, ...hannah, password: 'hannah.whitcombe-2026', confirm: 'hannah.whitcombe-2026' });
    expect(errorSummary(await containsEmail.text())).toEqual([
      'password: The password must not be or contain the email address (the part before the @)',
    ]);
    expect(await product.app.dataSource.manager.count(Person)).toBe(0);
  });

  it('makes an address that gives too many wrong codes wait, even with the right code', async () => {
    const from = { 'x-forwarded-for': '203.0.113.7' };
    for (let i = 0; i < 10; i++)
      expect((await setup({ code: `WRONG-${i}`, ...hannah, password: PASSWORD, confirm: PASSWORD }, from)).status).toBe(400);
    const limited = await setup({ code: product.app.setupCode!, ...hannah, password: PASSWORD, confirm: PASSWORD }, from);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('900');
    expect(errorSummary(await limited.text())).toEqual(['code: Too many wrong set-up codes from this address: try again in 15 minutes.']);
    expect((await auditOf(product, 'setup_rate_limited')).map((e) => e.actorLabel)).toEqual(['Set-up page, from 203.0.113.7']);
    expect(await product.app.dataSource.manager.count(Person)).toBe(0);
  });

  it("with the right code (any API process's, typed loosely) creates the administrator, signs them in and voids every code", async () => {
    const other = await product.startAnotherInstance();
    expect(other.setupCode).toMatch(CODE_FORMAT);
    expect(other.setupCode).not.toBe(product.app.setupCode);
    expect(await count(product, `SELECT count(*)::int AS n FROM setup_codes`)).toBe(2);

    // As read off a terminal: lower case, spaces for hyphens. The page answering is not the process that printed it.
    const response = await setup({
      code: ` ${other.setupCode!.toLowerCase().replace(/-/g, ' ')} `,
      ...hannah,
      password: PASSWORD,
      confirm: PASSWORD,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin');
    const cookie = cookieOf(response, 'rt_session')!;
    expect((await fetch(`${product.baseUrl}/admin`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
    const me = (await (await fetch(`${product.baseUrl}/api/session`, { headers: { cookie } })).json()) as {
      person: { name: string; email: string; roles: string[] };
    };
    expect(me.person).toMatchObject({ name: 'Hannah Whitcombe', email: 'hannah.whitcombe@test.police.uk', roles: ['administrator'] });

    expect(await count(product, `SELECT count(*)::int AS n FROM setup_codes`)).toBe(0);
    const [created] = await auditOf(product, 'first_administrator_created');
    expect(created!.summary).toBe(
      'Created the first administrator, Hannah Whitcombe (hannah.whitcombe@test.police.uk), on the set-up page; the 2 set-up code(s) no longer work',
    );
    expect((await auditOf(product, 'password_set')).map((e) => e.summary)).toEqual(['Chose their password on the set-up page']);
    expect((await auditOf(product, 'signed_in')).map((e) => e.actorLabel)).toEqual(['Hannah Whitcombe']);
    expect(product.app.services.firstRun.code).toBeNull();
    expect((await signIn(product.baseUrl, hannah.email, PASSWORD)).status).toBe(201);
  });

  it('then /setup is gone, whatever code is sent, and pages go to sign-in again', async () => {
    const page = await fetch(`${product.baseUrl}/setup`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Set-up is finished');
    const again = await setup({
      code: product.app.setupCode!,
      name: 'Someone Else',
      email: 'someone.else@test.police.uk',
      password: PASSWORD,
      confirm: PASSWORD,
    });
    expect(again.status).toBe(404);
    expect(await product.app.dataSource.manager.count(Person)).toBe(1);
    const home = await fetch(`${product.baseUrl}/`, { redirect: 'manual' });
    expect(home.headers.get('location')).toBe('/sign-in?next=%2F');
    expect(await (await fetch(`${product.baseUrl}/sign-in`)).text()).not.toContain('Nobody administers');
  });

  it('and the command refuses, saying what to do instead; a process started now prints no code', async () => {
    const context: AdminCommandContext = {
      dataSource: product.app.dataSource,
      passwordLinks: product.app.services.passwordLinks,
      publicUrl: 'http://tracker.test',
      actorLabel: 'Admin command (test)',
    };
    const refused = await runAdminCommand({ command: 'create', email: 'nadia.haskins@test.police.uk', name: 'Nadia Haskins' }, context);
    expect(refused.exitCode).toBe(1);
    expect(refused.text).toContain(
      'There is already an administrator, Hannah Whitcombe <hannah.whitcombe@test.police.uk>: nothing was changed.',
    );
    expect(refused.text).toContain('npm run admin -- link --email hannah.whitcombe@test.police.uk');
    expect(await product.app.dataSource.manager.count(Person)).toBe(1);
    expect((await product.startAnotherInstance()).setupCode).toBeNull();
  });
});

describe('first run: npm run admin', () => {
  let product: TestProduct;
  let context: AdminCommandContext;

  beforeAll(async () => {
    product = await startTestProduct();
    context = {
      dataSource: product.app.dataSource,
      passwordLinks: product.app.services.passwordLinks,
      publicUrl: 'http://tracker.test',
      actorLabel: 'Admin command (test)',
    };
  });
  afterAll(async () => {
    await product?.stop();
  });

  const args = (...argv: string[]) => parseArguments(argv) as AdminArguments;

  it("withdraws a process's code when it stops", async () => {
    const other = await product.startAnotherInstance();
    expect(await count(product, `SELECT count(*)::int AS n FROM setup_codes`)).toBe(2);
    await other.stop();
    expect(await count(product, `SELECT count(*)::int AS n FROM setup_codes`)).toBe(1);
    expect((await auditOf(product, 'setup_code_withdrawn')).map((e) => e.summary)).toEqual([
      'The API process that made this set-up code stopped: the code no longer works',
    ]);
  });

  it('create: an administrator without a password, and a printed link that works once', async () => {
    const result = await runAdminCommand(args('create', '--email', 'Nadia.Haskins@test.police.uk', '--name', 'Nadia Haskins'), context);
    expect(result.exitCode).toBe(0);
    expect(result.text).toContain('Created the first administrator: Nadia Haskins <nadia.haskins@test.police.uk>.');
    const link = /http:\/\/tracker\.test(\/set-password\/[\w.-]+)/.exec(result.text)![1]!;
    expect(result.text).toContain('Then sign in at http://tracker.test/sign-in');
    const nadia = await product.app.dataSource.manager.findOneByOrFail(Person, { email: 'nadia.haskins@test.police.uk' });
    expect(nadia.roles).toEqual(['administrator']);
    expect(await count(product, `SELECT count(*)::int AS n FROM local_accounts`)).toBe(0);
    expect(await count(product, `SELECT count(*)::int AS n FROM outbound_emails`)).toBe(0);
    expect(await count(product, `SELECT count(*)::int AS n FROM setup_codes`)).toBe(0);
    expect((await fetch(`${product.baseUrl}/setup`)).status).toBe(404);

    const page = await openForm(product.baseUrl, link);
    expect(page.html).toContain('Choose your password');
    expect(page.html).toContain('Nadia Haskins');
    const chosen = await postForm(product.baseUrl, link, { password: PASSWORD, confirm: PASSWORD });
    expect(chosen.status).toBe(200);
    expect(await chosen.text()).toContain('Your password is set');
    expect((await signIn(product.baseUrl, nadia.email, PASSWORD)).status).toBe(201);
    expect((await fetch(`${product.baseUrl}${link}`)).status).toBe(410);
    expect((await postForm(product.baseUrl, link, { password: 'another password 2026', confirm: 'another password 2026' })).status).toBe(
      410,
    );

    const [created] = await auditOf(product, 'first_administrator_created');
    expect(created).toMatchObject({
      actorLabel: 'Admin command (test)',
      summary:
        'Created the first administrator, Nadia Haskins (nadia.haskins@test.police.uk), with the admin command; the 1 set-up code(s) no longer work',
    });
    expect((await auditOf(product, 'password_link_issued')).map((e) => e.actorLabel)).toEqual(['Admin command (test)']);
    expect((await auditOf(product, 'password_set_by_link')).map((e) => e.actorId)).toEqual([nadia.id]);
  });

  it('create refuses once there is an administrator', async () => {
    const result = await runAdminCommand(args('create', '--email', 'tom.ellery@test.police.uk', '--name', 'Tom Ellery'), context);
    expect(result).toMatchObject({ exitCode: 1 });
    expect(result.text).toContain('There is already an administrator, Nadia Haskins <nadia.haskins@test.police.uk>: nothing was changed.');
    expect(await product.app.dataSource.manager.count(Person)).toBe(1);
  });

  it('link: a new link for an administrator who cannot sign in, and for nobody else', async () => {
    const result = await runAdminCommand(args('link', '--email', 'nadia.haskins@test.police.uk'), context);
    expect(result.exitCode).toBe(0);
    expect(result.text).toContain('A new link for Nadia Haskins <nadia.haskins@test.police.uk>; earlier ones no longer work.');
    const link = /http:\/\/tracker\.test(\/set-password\/[\w.-]+)/.exec(result.text)![1]!;
    expect((await fetch(`${product.baseUrl}${link}`)).status).toBe(200);
    const { owner } = await addPeople(product.app.dataSource, { owner: { name: 'Tom Ellery', roles: ['action_owner'] } });
    for (const email of [owner.email, 'nobody@test.police.uk']) {
      expect(await runAdminCommand(args('link', '--email', email), context)).toEqual({
        exitCode: 1,
        text: `${email} is not an active administrator here, so no link was made. This command makes links for administrators only: an administrator sends anyone else one from http://tracker.test/admin/people.\n`,
      });
    }
  });
});

describe('first run: the compiled command, as a force runs it', () => {
  let product: TestProduct;
  let work: string;
  let adminJs: string;

  beforeAll(async () => {
    product = await startTestProduct();
    // The build's compiler settings, for bin/admin.ts and what it imports only (the whole build takes longer).
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-admin-command-'));
    const root = path.resolve(__dirname, '..', '..');
    fs.writeFileSync(
      path.join(work, 'tsconfig.json'),
      JSON.stringify({
        extends: path.join(root, 'tsconfig.build.json'),
        compilerOptions: {
          outDir: path.join(work, 'dist'),
          rootDir: root,
          sourceMap: false,
          typeRoots: [path.join(root, 'node_modules', '@types')],
        },
        files: [path.join(root, 'bin', 'admin.ts')],
        include: [],
      }),
    );
    await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(work, 'tsconfig.json')], {
      cwd: root,
    });
    adminJs = path.join(work, 'dist', 'bin', 'admin.js');
  }, 120_000);
  afterAll(async () => {
    await product?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** `node dist/bin/admin.js …` with the product's database, secret and address, as in its container. */
  const run = (...argv: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [adminJs, ...argv],
        {
          cwd: work,
          env: {
            PATH: process.env.PATH,
            NODE_PATH: path.resolve(__dirname, '..', '..', 'node_modules'),
            NODE_ENV: 'production',
            DATABASE_URL: product.databaseUrl,
            SESSION_SECRET: product.app.services.auth.settings.sessionSecret,
            PUBLIC_URL: 'http://tracker.test',
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('creates the administrator and prints a link that works; run again, it refuses with exit code 1', async () => {
    const usage = await run('create', '--email', 'chief@test.police.uk');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--name is needed');

    const created = await run('create', '--email', 'priya.natarajan@test.police.uk', '--name', 'Priya Natarajan');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const link = /http:\/\/tracker\.test(\/set-password\/[\w.-]+)/.exec(created.stdout)![1]!;
    expect((await postForm(product.baseUrl, link, { password: PASSWORD, confirm: PASSWORD })).status).toBe(200);
    expect((await signIn(product.baseUrl, 'priya.natarajan@test.police.uk', PASSWORD)).status).toBe(201);

    const again = await run('create', '--email', 'someone@test.police.uk', '--name', 'Someone Else');
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain(
      'There is already an administrator, Priya Natarajan <priya.natarajan@test.police.uk>: nothing was changed.',
    );
  }, 60_000);
});

describe('first run with the identity provider: ADMIN_EMAILS', () => {
  let product: TestProduct;
  let issuer: FakeIssuer;
  let people: Record<'tom' | 'margaret', Person>;

  beforeAll(async () => {
    issuer = await startOidcIssuer();
    product = await startTestProduct({
      auth: {
        oidc: {
          issuerUrl: issuer.url,
          clientId: issuer.clientId,
          clientSecret: issuer.clientSecret,
          providerName: 'Test Constabulary (Entra ID)',
          redirectUri: 'http://tracker.test/sign-in/oidc/callback',
        },
        adminEmails: ['chief.it@test.police.uk', 'tom.ellery@test.police.uk'],
      },
    });
    people = await addPeople(product.app.dataSource, {
      tom: { name: 'Tom Ellery', roles: ['action_owner'] },
      margaret: { name: 'Margaret Holloway', roles: ['viewer'] },
    });
  });
  afterAll(async () => {
    await product?.stop();
    await issuer?.stop();
  });

  async function roundTrip(next = '/admin') {
    const start = await fetch(`${product.baseUrl}/sign-in/oidc?next=${encodeURIComponent(next)}`, { redirect: 'manual' });
    const stateCookie = cookieOf(start, 'rt_oidc')!;
    const atProvider = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const back = new URL(atProvider.headers.get('location')!);
    return fetch(`${product.baseUrl}${back.pathname}${back.search}`, { redirect: 'manual', headers: { cookie: stateCookie } });
  }
  const rolesOf = async (email: string) => (await product.app.dataSource.manager.findOneBy(Person, { email }))?.roles;

  it('offers the identity provider on the set-up page and the sign-in page', async () => {
    expect((await openForm(product.baseUrl, '/setup')).html).toContain('sign in with Test Constabulary (Entra ID)</a>');
    expect(await (await fetch(`${product.baseUrl}/sign-in`)).text()).toContain(
      'or sign in with Test Constabulary (Entra ID) if ADMIN_EMAILS lists you',
    );
  });

  it('refuses someone neither known nor listed, and links someone known but not listed without the role', async () => {
    issuer.user = { sub: 'entra-stranger', email: 'stranger@test.police.uk', name: 'A Stranger' };
    expect((await roundTrip()).status).toBe(403);
    expect(await rolesOf('stranger@test.police.uk')).toBeUndefined();
    issuer.user = { sub: 'entra-margaret', email: people.margaret.email, name: 'Margaret Holloway' };
    expect((await roundTrip('/')).status).toBe(303);
    expect(await rolesOf(people.margaret.email)).toEqual(['viewer']);
    expect(await count(product, `SELECT count(*)::int AS n FROM setup_codes`)).toBe(1);
  });

  it('creates a listed person as administrator on their first sign-in, and the set-up code stops working', async () => {
    issuer.user = { sub: 'entra-chief', email: 'Chief.IT@test.police.uk', name: 'Priya Chief' };
    const callback = await roundTrip('/admin');
    expect([callback.status, callback.headers.get('location')]).toEqual([303, '/admin']);
    const cookie = cookieOf(callback, 'rt_session')!;
    expect((await fetch(`${product.baseUrl}/admin`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
    const chief = await product.app.dataSource.manager.findOneByOrFail(Person, { email: 'chief.it@test.police.uk' });
    expect(chief).toMatchObject({ name: 'Priya Chief', roles: ['administrator'], active: true });
    expect(await product.app.dataSource.manager.findOneBy(ExternalIdentity, { issuer: issuer.url, subject: 'entra-chief' })).toMatchObject({
      personId: chief.id,
    });
    expect(await count(product, `SELECT count(*)::int AS n FROM setup_codes`)).toBe(0);
    expect((await auditOf(product, 'person_added')).map((e) => e.summary)).toEqual([
      'Added Priya Chief (chief.it@test.police.uk) as administrator on their first sign-in through the identity provider: ADMIN_EMAILS lists them',
    ]);
    expect((await auditOf(product, 'identity_linked')).at(-1)!.summary).toBe(
      'Linked their account at the identity provider (subject entra-chief) on their first sign-in through it; the 1 set-up code(s) no longer work',
    );
    expect((await fetch(`${product.baseUrl}/setup`)).status).toBe(404);
  });

  it('makes a listed person already known an administrator on first sign-in only', async () => {
    issuer.user = { sub: 'entra-tom', email: people.tom.email, name: 'Tom Ellery' };
    expect((await roundTrip('/')).status).toBe(303);
    expect(await rolesOf(people.tom.email)).toEqual(['action_owner', 'administrator']);
    expect((await auditOf(product, 'person_changed')).map((e) => e.summary)).toEqual([
      'Made Tom Ellery an administrator on their first sign-in through the identity provider: ADMIN_EMAILS lists them',
    ]);
    // An administrator takes the role away again: ADMIN_EMAILS does not give it back at the next sign-in.
    await product.app.dataSource.manager.update(Person, { id: people.tom.id }, { roles: ['action_owner'] });
    expect((await roundTrip('/')).status).toBe(303);
    expect(await rolesOf(people.tom.email)).toEqual(['action_owner']);
  });
});
