import type { Person } from '../../entities';
import { addCast, apiClient, signIn, type ApiClient } from '../support/apiClient';
import { databaseFingerprint } from '../support/snapshot';
import { startTestProduct, type TestProduct } from '../support/testProduct';

type Fields = Record<string, string | string[]>;

/**
 * The administration pages, driven over HTTP as a signed-in administrator's browser would: a form with problems shows
 * the GOV.UK error summary naming each field and writes nothing; a good form writes and redirects; others get 403.
 */
describe('administration pages', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'lead' | 'dcc' | 'viewer', Person>;
  const PASSWORD = 'admin-pages-password';
  const sessions: Record<string, { cookie: string; csrfToken: string }> = {};

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead', 'dcc', 'viewer');
    api.actingAs(p.admin.id);
    for (const who of ['admin', 'owner', 'dcc', 'viewer'] as const) {
      await product.app.services.auth.setPassword(p[who].id, PASSWORD, { id: null, label: 'test' });
      sessions[who] = await signIn(product.baseUrl, p[who].email, PASSWORD);
    }
    expect((await api.call('POST', '/api/departments', { name: 'Public Protection' })).status).toBe(201);
  });
  afterAll(async () => {
    await product?.stop();
  });

  async function get(path: string, who = 'admin') {
    const response = await fetch(`${product.baseUrl}${path}`, { headers: { cookie: sessions[who]!.cookie }, redirect: 'manual' });
    return { status: response.status, html: await response.text() };
  }

  it('refuses a viewer opening /admin with a GOV.UK page saying what they can do, not a permission name', async () => {
    const page = await get('/admin', 'viewer');
    expect(page.status).toBe(403);
    expect(page.html).toContain('<h1 class="govuk-heading-l">You cannot open this page</h1>');
    expect(page.html).toContain(p.viewer.name);
    expect(page.html).toContain('Ask an administrator if you need access');
    expect(page.html).toMatch(/href="\/recommendations"/);
    expect(page.html).not.toContain('people.manage');
    const audited = (await product.app.dataSource.query(`SELECT 1 FROM audit_events WHERE type = 'permission_refused' AND actor_id = $1`, [
      p.viewer.id,
    ])) as unknown[];
    expect(audited.length).toBeGreaterThan(0);
    const apiAnswer = await fetch(`${product.baseUrl}/api/people`, {
      method: 'POST',
      headers: { cookie: sessions.viewer!.cookie, 'content-type': 'application/json', 'x-csrf-token': sessions.viewer!.csrfToken },
      body: '{}',
    });
    expect([apiAnswer.status, apiAnswer.headers.get('content-type')]).toEqual([403, expect.stringContaining('application/problem+json')]);
  });

  async function post(path: string, fields: Fields, who = 'admin') {
    const body = new URLSearchParams({ _csrf: sessions[who]!.csrfToken });
    for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
    const response = await fetch(`${product.baseUrl}${path}`, {
      method: 'POST',
      headers: { cookie: sessions[who]!.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
      redirect: 'manual',
    });
    return { status: response.status, location: response.headers.get('location'), html: await response.text() };
  }

  /** The error summary's entries: each links to its field, which the page has. */
  function summary(html: string): { field: string; message: string }[] {
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('<title>Error: ');
    const entries = [...html.matchAll(/<a href="#([\w-]+)">([^<]+)<\/a>/g)].map((m) => ({
      field: m[1]!,
      message: m[2]!.replace(/&#39;/g, "'").replace(/&quot;/g, '"'),
    }));
    for (const entry of entries) expect(html).toMatch(new RegExp(`id="${entry.field}"`));
    return entries;
  }

  /** Posts a form that must be refused with these fields named, writing nothing. */
  async function refused(path: string, fields: Fields, expected: string[]) {
    const before = await databaseFingerprint(product.app.dataSource);
    const response = await post(path, fields);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const errors = summary(response.html);
    expect(errors.map((e) => e.field)).toEqual(expected);
    expect(await databaseFingerprint(product.app.dataSource)).toEqual(before);
    return errors;
  }

  const audited = async (type: string) =>
    ((await product.app.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE type = $1`, [type])) as { n: number }[])[0]!.n;

  it('shows Administration in the navigation of administrators only, and refuses the pages to others', async () => {
    expect((await get('/')).html).toContain('href="/admin"');
    expect((await get('/', 'owner')).html).not.toContain('href="/admin"');
    for (const path of [
      '/admin',
      '/admin/people',
      '/admin/people/new',
      '/admin/departments',
      '/admin/delegations',
      '/admin/routing-rules',
      '/admin/routing-rules/new',
      '/admin/settings',
      '/admin/reports/new',
      '/admin/triage',
      '/admin/hmicfrs',
      '/admin/consistency',
    ]) {
      const page = await get(path);
      expect([path, page.status]).toEqual([path, 200]);
      expect(page.html).toContain('govuk-service-navigation');
      expect([path, (await get(path, 'owner')).status]).toEqual([path, 403]);
    }
    const before = await databaseFingerprint(product.app.dataSource);
    expect((await post('/admin/departments', { name: 'Refused' }, 'owner')).status).toBe(403);
    expect((await post('/admin/people/new', { name: 'Refused', email: 'refused@test.police.uk', roles: 'viewer' }, 'dcc')).status).toBe(
      403,
    );
    expect(await databaseFingerprint(product.app.dataSource)).toEqual(before);
  });

  it('adds a person: problems are named in the error summary and nothing is written; a good form adds them and redirects', async () => {
    const errors = await refused('/admin/people/new', { name: '', email: 'nope', department: 'Nowhere' }, ['name', 'email', 'roles']);
    expect(errors.map((e) => e.message)).toEqual([
      'Name must not be empty',
      'Email address must be an email address, like name@force.police.uk',
      'Roles must hold at least one role',
    ]);
    await refused('/admin/people/new', { name: 'Someone', email: p.owner.email, roles: 'viewer', department: 'Nowhere' }, [
      'email',
      'department',
    ]);
    const added = await post('/admin/people/new', {
      name: 'Priya <b>Shah</b>',
      email: 'Priya.Shah@test.police.uk',
      roles: ['action_owner', 'lead'],
      jobTitle: 'Inspector',
      department: 'Public Protection',
    });
    expect(added.status).toBe(303);
    const page = await get(added.location!);
    expect(page.html).toContain('Added Priya &lt;b&gt;Shah&lt;/b&gt;.');
    const [row] = (await product.app.dataSource.query(
      `SELECT id, roles, department FROM people WHERE email = 'priya.shah@test.police.uk'`,
    )) as { id: string; roles: string[]; department: string }[];
    expect(row).toMatchObject({ roles: ['action_owner', 'lead'], department: 'Public Protection' });
    expect((await get('/admin/people')).html).toContain(`/admin/people/${row!.id}`);
  });

  it('edits a person with the version seen; a stale edit is refused and says so', async () => {
    const person = (
      await api.call<{ id: string; version: number }>('POST', '/api/people', {
        name: 'Owen Price',
        email: 'owen.price@test.police.uk',
        roles: ['action_owner'],
      })
    ).body;
    await refused(`/admin/people/${person.id}`, { version: '1', name: 'Owen Price', email: 'owen.price@test.police.uk', roles: [] }, [
      'roles',
    ]);
    const saved = await post(`/admin/people/${person.id}`, {
      version: '1',
      name: 'Owen Price',
      email: 'owen.price@test.police.uk',
      roles: ['action_owner', 'viewer'],
      jobTitle: 'Sergeant',
      department: '',
    });
    expect(saved).toMatchObject({ status: 303, location: `/admin/people/${person.id}?done=changed` });
    const stale = await post(`/admin/people/${person.id}`, {
      version: '1',
      name: 'Owen Pryce',
      email: 'owen.price@test.police.uk',
      roles: ['action_owner'],
      jobTitle: '',
      department: '',
    });
    expect(stale.status).toBe(412);
    expect(summary(stale.html)[0]!.message).toContain('Someone else changed this person');
    expect((await api.call<{ name: string; jobTitle: string }>('GET', `/api/people/${person.id}`)).body).toMatchObject({
      name: 'Owen Price',
      jobTitle: 'Sergeant',
    });
  });

  it('keeps a department that is not (yet) one of the listed departments when another field is edited', async () => {
    const person = (
      await api.call<{ id: string }>('POST', '/api/people', {
        name: 'Derek Moorcroft',
        email: 'derek.moorcroft@test.police.uk',
        roles: ['lead'],
      })
    ).body;
    // As people imported before departments were listed have it: a department name that is no department row.
    await product.app.dataSource.query(`UPDATE people SET department = 'Crime and Operations' WHERE id = $1`, [person.id]);
    const page = await get(`/admin/people/${person.id}`);
    const selected = /<select[^>]*name="department"[\s\S]*?<option value="([^"]*)" selected>/.exec(page.html)?.[1];
    expect(selected).toBe('Crime and Operations');
    const version = /name="version" value="(\d+)"/.exec(page.html)![1]!;
    // The browser sends back what the form shows, with only the job title changed.
    const saved = await post(`/admin/people/${person.id}`, {
      version,
      name: 'Derek Moorcroft',
      email: 'derek.moorcroft@test.police.uk',
      roles: ['lead'],
      jobTitle: 'Chief Superintendent',
      department: selected!,
    });
    expect(saved.status).toBe(303);
    expect((await api.call<{ jobTitle: string; department: string }>('GET', `/api/people/${person.id}`)).body).toMatchObject({
      jobTitle: 'Chief Superintendent',
      department: 'Crime and Operations',
    });
    const [audit] = (await product.app.dataSource.query(
      `SELECT summary FROM audit_events WHERE entity_id = $1 AND type = 'person_changed'`,
      [person.id],
    )) as { summary: string }[];
    expect(audit!.summary).toBe('Changed jobTitle of Derek Moorcroft');
  });

  it('sets a line manager from the form, keeps it when another field is edited, and names a bad choice', async () => {
    const create = async (name: string, email: string) =>
      (await api.call<{ id: string }>('POST', '/api/people', { name, email, roles: ['action_owner'] })).body.id;
    const manager = await create('Grace Hollis', 'grace.hollis@test.police.uk');
    const person = await create('Tom Baines', 'tom.baines@test.police.uk');
    const form = async () => {
      const page = await get(`/admin/people/${person}`);
      return {
        html: page.html,
        version: /name="version" value="(\d+)"/.exec(page.html)![1]!,
        selected: /<select[^>]*name="lineManagerId"[\s\S]*?<option value="([^"]*)" selected>/.exec(page.html)?.[1] ?? '',
      };
    };
    const fields = { name: 'Tom Baines', email: 'tom.baines@test.police.uk', roles: ['action_owner'], jobTitle: '', department: '' };
    // Nobody is offered as their own line manager.
    expect((await form()).html).not.toContain(`<option value="${person}"`);

    let shown = await form();
    expect(await post(`/admin/people/${person}`, { ...fields, version: shown.version, lineManagerId: manager })).toMatchObject({
      status: 303,
    });
    shown = await form();
    expect(shown.selected).toBe(manager);
    // The browser sends back what the form shows, with only the job title changed: the line manager stays.
    await post(`/admin/people/${person}`, { ...fields, version: shown.version, jobTitle: 'Sergeant', lineManagerId: shown.selected });
    expect((await api.call<{ lineManagerId: string; jobTitle: string }>('GET', `/api/people/${person}`)).body).toMatchObject({
      lineManagerId: manager,
      jobTitle: 'Sergeant',
    });
    const summaries = (
      (await product.app.dataSource.query(
        `SELECT summary FROM audit_events WHERE entity_id = $1 AND type = 'person_changed' ORDER BY occurred_at, id`,
        [person],
      )) as { summary: string }[]
    ).map((r) => r.summary);
    expect(summaries).toEqual(['Changed lineManagerId of Tom Baines', 'Changed jobTitle of Tom Baines']);

    shown = await form();
    await refused(`/admin/people/${person}`, { ...fields, version: shown.version, lineManagerId: person }, ['lineManagerId']);
  });

  it('deactivates and reactivates, sets a password by the rules, and emails a set-password link the person uses once', async () => {
    const person = (
      await api.call<{ id: string }>('POST', '/api/people', {
        name: 'Rita Moss',
        email: 'rita.moss@test.police.uk',
        roles: ['action_owner'],
      })
    ).body;
    await refused(`/admin/people/${person.id}/password`, { password: 'short' }, ['password']);
    expect(await post(`/admin/people/${person.id}/password`, { password: 'a-good-long-password' })).toMatchObject({ status: 303 });
    expect((await signIn(product.baseUrl, 'rita.moss@test.police.uk', 'a-good-long-password')).status).toBe(201);

    expect(await post(`/admin/people/${person.id}/password-link`, {})).toMatchObject({
      status: 303,
      location: `/admin/people/${person.id}?done=link`,
    });
    const email = await product.sink.waitFor((m) => m.to.includes('rita.moss@test.police.uk'));
    expect(email.text).not.toContain('a-good-long-password');
    const path = /http:\/\/tracker\.test(\/set-password\/[\w.-]+)/.exec(email.text)![1]!;

    // Opening the link changes nothing; the form needs its own token, then sets the password once.
    const opened = await fetch(`${product.baseUrl}${path}`);
    const cookie = (opened.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]!).find((c) => c.startsWith('rt_form='))!;
    const token = /name="_csrf" value="([^"]+)"/.exec(await opened.text())![1]!;
    const submit = (fields: Record<string, string>) =>
      fetch(`${product.baseUrl}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
      });
    const mismatch = await submit({ password: 'ritas-own-password', confirm: 'something-else' });
    expect(mismatch.status).toBe(400);
    expect(summary(await mismatch.text())).toEqual([{ field: 'confirm', message: 'The confirmation must be the same as the password' }]);
    expect((await submit({ password: 'ritas-own-password', confirm: 'ritas-own-password' })).status).toBe(200);
    expect((await submit({ password: 'ritas-own-password', confirm: 'ritas-own-password' })).status).toBe(410);
    expect((await signIn(product.baseUrl, 'rita.moss@test.police.uk', 'ritas-own-password')).status).toBe(201);

    const deactivated = await post(`/admin/people/${person.id}/deactivate`, { reason: 'Left the force' });
    expect(deactivated.status).toBe(303);
    expect((await get(deactivated.location!)).html).toContain('Rita Moss is deactivated');
    expect((await signIn(product.baseUrl, 'rita.moss@test.police.uk', 'ritas-own-password')).status).toBe(401);
    expect((await post(`/admin/people/${p.admin.id}/deactivate`, {})).status).toBe(409);
    expect(await post(`/admin/people/${person.id}/reactivate`, {})).toMatchObject({ status: 303 });
    expect(await audited('person_reactivated')).toBe(1);
  });

  it('a signed-in person changes their own password on the account page', async () => {
    const wrong = await post('/account/password', { currentPassword: 'not it', newPassword: 'dccs-new-password' }, 'dcc');
    expect(summary(wrong.html)).toEqual([{ field: 'currentPassword', message: 'Your current password is not your current password' }]);
    expect(await audited('password_change_failed')).toBe(1);
    expect(await post('/account/password', { currentPassword: PASSWORD, newPassword: 'dccs-new-password' }, 'dcc')).toMatchObject({
      status: 303,
    });
    expect((await signIn(product.baseUrl, p.dcc.email, 'dccs-new-password')).status).toBe(201);
  });

  it('adds departments and delegations, and cancels a delegation', async () => {
    await refused('/admin/departments', { name: 'Public Protection' }, ['name']);
    expect(await post('/admin/departments', { name: 'Finance' })).toMatchObject({ status: 303, location: '/admin/departments?done=added' });
    await refused('/admin/delegations', { fromPersonId: p.dcc.id, toPersonId: p.lead.id, startsOn: '2027-08-14', endsOn: '2027-08-01' }, [
      'endsOn',
    ]);
    await refused('/admin/delegations', { fromPersonId: '', toPersonId: p.lead.id, startsOn: '2027-02-30', endsOn: '2027-08-01' }, [
      'fromPersonId',
      'startsOn',
    ]);
    expect(
      await post('/admin/delegations', {
        fromPersonId: p.dcc.id,
        toPersonId: p.lead.id,
        startsOn: '2027-08-01',
        endsOn: '2027-08-14',
        reason: 'Leave',
      }),
    ).toMatchObject({ status: 303 });
    const page = await get('/admin/delegations');
    expect(page.html).toContain('1 August 2027');
    const id = /\/admin\/delegations\/([\w-]+)\/cancel/.exec(page.html)![1]!;
    expect(await post(`/admin/delegations/${id}/cancel`, {})).toMatchObject({ status: 303 });
    expect(await audited('delegation_cancelled')).toBe(1);
  });

  it('adds and changes routing rules through the same checks as the API', async () => {
    await refused('/admin/routing-rules/new', { id: 'Bad Name', priority: 'high', step1: '' }, ['id']);
    await refused('/admin/routing-rules/new', { id: 'audit-finance', priority: 'high', step1: '' }, ['priority', 'step1']);
    // A rule for audits only would leave inspections with nobody to approve them.
    await refused(
      '/admin/routing-rules/new',
      { id: 'audit-finance', priority: '20', active: 'true', sourceKinds: 'internal_audit', step1: 'role:finance_director' },
      ['step1'],
    );
    expect(
      await post('/admin/routing-rules/new', { id: 'catch-all', priority: '0', active: 'true', step1: 'lead', step2: 'role:dcc' }),
    ).toMatchObject({ status: 303 });
    expect(
      await post('/admin/routing-rules/new', {
        id: 'audit-finance',
        priority: '20',
        active: 'true',
        sourceKinds: ['internal_audit', 'external_audit'],
        categories: '2',
        step1: 'role:finance_director',
      }),
    ).toMatchObject({ status: 303 });
    const rules = await get('/admin/routing-rules');
    expect(rules.html).toContain('the Finance director');
    const edit = await get('/admin/routing-rules/audit-finance');
    expect(edit.html).toMatch(/value="internal_audit" checked/);
    expect(
      await post('/admin/routing-rules/audit-finance', {
        version: '1',
        priority: '25',
        active: 'true',
        sourceKinds: 'internal_audit',
        step1: 'role:finance_director',
        step2: 'role:dcc',
      }),
    ).toMatchObject({ status: 303 });
    const stale = await post('/admin/routing-rules/audit-finance', { version: '1', priority: '30', active: 'true', step1: 'lead' });
    expect(stale.status).toBe(412);
    expect((await product.app.dataSource.query(`SELECT priority FROM routing_rules WHERE id = 'audit-finance'`))[0].priority).toBe(25);
  });

  it('changes the reminder policy, closure days and committee dates', async () => {
    await refused('/admin/settings', { sendTime: '25:00', dueReminders: '28, 14', closedDays: '', committeeMeetings: '' }, ['sendTime']);
    await refused('/admin/settings', { sendTime: '08:00', dueReminders: '28', closedDays: '2027-13-01', committeeMeetings: '' }, [
      'closedDays',
    ]);
    expect(
      await post('/admin/settings', {
        sendTime: '07:30',
        dueReminders: '20, 5',
        closedDays: '2027-12-29',
        committeeMeetings: '2027-03-15\n2027-06-14',
      }),
    ).toMatchObject({ status: 303 });
    const settings = await product.app.services.reminderSettings.get();
    expect(settings).toMatchObject({
      policy: { sendTime: '07:30', dueReminders: [{ workingDays: 20 }, { workingDays: 5 }] },
      closedDays: ['2027-12-29'],
      committeeMeetings: ['2027-03-15', '2027-06-14'],
    });
  });

  it('says what units the due-date reminders take, and takes only those (issue 18, bug 4)', async () => {
    const form = await get('/admin/settings');
    expect(form.html).toContain(
      'A whole number is working days, for example 28, 14, 7, 1. A calendar period is written P2W (2 weeks) or P1M (1 month)',
    );
    expect(form.html).toContain('An item is overdue from the working day after its due date, and at risk when it is due within 3 months');
    const fields = { sendTime: '08:00', closedDays: '', committeeMeetings: '' };
    const [minutes] = await refused('/admin/settings', { ...fields, dueReminders: '28, PT5M' }, ['dueReminders']);
    expect(minutes!.message).toBe(
      'Enter each reminder in working days (for example 7) or as a calendar period of years, months, weeks or days (for example P2W): “PT5M” is in hours, minutes or seconds',
    );
    const [words] = await refused('/admin/settings', { ...fields, dueReminders: '7 days' }, ['dueReminders']);
    expect(words!.message).toBe(
      'Enter each reminder as a whole number of working days (for example 7) or a calendar period such as P2W or P1M: “7 days” is neither',
    );
    await refused('/admin/settings', { ...fields, dueReminders: '-1' }, ['dueReminders']);
    expect(await post('/admin/settings', { ...fields, dueReminders: '20, P2W, 5' })).toMatchObject({ status: 303 });
    expect((await product.app.services.reminderSettings.get()).policy.dueReminders).toEqual([
      { workingDays: 20 },
      { duration: 'P2W' },
      { workingDays: 5 },
    ]);
  });

  it('refuses a policy whose chase would come after the escalation it leads to on the force’s calendar (issue 18, bug 4)', async () => {
    const { policy } = await product.app.services.reminderSettings.get();
    // Four working days, then a week: right in most weeks, wrong across a bank holiday or a closure day.
    const refusedPolicy = await api.call<{ errors: { message: string }[] }>('PUT', '/api/settings/reminders', {
      policy: { ...policy, approvalChase: { workingDays: 4 }, approvalEscalation: { duration: 'P7D' } },
    });
    expect(refusedPolicy.status).toBe(400);
    expect(refusedPolicy.body.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^the approval escalation \(P7D\) must come after the chase \(4 working days\): for a step opened on .+ the escalation would be sent on .+ the chase \(.+\)$/,
      ),
    ]);
    expect((await product.app.services.reminderSettings.get()).policy.approvalEscalation).toEqual(policy.approvalEscalation);
  });

  it('shows and edits every offset of the policy, each with its unit, and names the field whose order is wrong', async () => {
    const form = await get('/admin/settings');
    for (const field of [
      'atRiskWithin',
      'offTarget',
      'offTargetDcc',
      'offTargetRepeat',
      'approvalChase',
      'approvalEscalation',
      'hmicfrsChase',
      'committeeRequestBefore',
      'committeeDeadlineBefore',
      'committeeChaseBeforeDeadline',
    ]) {
      expect(form.html).toMatch(
        new RegExp(`id="${field}" name="${field}" type="text"[^>]* value="[^"]+" aria-describedby="${field}-hint"`),
      );
    }
    expect(form.html).toContain(
      'A whole number is working days (weekends, bank holidays and closure days skipped); a calendar period is written P2W (2 weeks)',
    );
    const fields = {
      sendTime: '08:00',
      dueReminders: '28, 14, 7, 1',
      closedDays: '',
      committeeMeetings: '',
      atRiskWithin: 'P3M',
      offTarget: '1',
      offTargetDcc: '5',
      offTargetRepeat: '5',
      approvalChase: '3',
      approvalEscalation: '5',
      hmicfrsChase: 'P3M',
      committeeRequestBefore: '15',
      committeeDeadlineBefore: '5',
      committeeChaseBeforeDeadline: '2',
    };
    const [units] = await refused('/admin/settings', { ...fields, approvalChase: '2 days' }, ['approvalChase']);
    expect(units!.message).toBe(
      'Approver chased, after a step opens: enter a number of working days, like 5, or a calendar period, like P2W (2 weeks) or P3M (3 months). “2 days” is neither.',
    );
    const [fraction] = await refused('/admin/settings', { ...fields, offTargetRepeat: '2.5' }, ['offTargetRepeat']);
    expect(fraction!.message).toContain('“2.5” is not a whole number of 0 or more.');
    const [order] = await refused('/admin/settings', { ...fields, approvalChase: '6', approvalEscalation: '4' }, ['approvalEscalation']);
    expect(order!.message).toMatch(/^The approval escalation \(4 working days\) must come after the chase \(6 working days\)/);
    const [committee] = await refused('/admin/settings', { ...fields, committeeRequestBefore: '3' }, ['committeeChaseBeforeDeadline']);
    expect(committee!.message).toMatch(/^Owners must be asked for committee updates/);
    expect(
      await post('/admin/settings', {
        ...fields,
        offTarget: '2',
        offTargetDcc: 'P1W',
        offTargetRepeat: '10',
        approvalChase: '4',
        approvalEscalation: '8',
        hmicfrsChase: 'P2M',
        committeeRequestBefore: '20',
        committeeDeadlineBefore: '6',
        committeeChaseBeforeDeadline: '3',
      }),
    ).toMatchObject({ status: 303 });
    expect((await product.app.services.reminderSettings.get()).policy).toMatchObject({
      offTarget: { workingDays: 2 },
      offTargetDcc: { duration: 'P1W' },
      offTargetRepeat: { workingDays: 10 },
      approvalChase: { workingDays: 4 },
      approvalEscalation: { workingDays: 8 },
      hmicfrsChase: { duration: 'P2M' },
      committee: { requestBefore: { workingDays: 20 }, deadlineBefore: { workingDays: 6 }, chaseBeforeDeadline: { workingDays: 3 } },
    });
  });

  it('enters a source report with items, one not for the force and one with parts, which then wait for triage', async () => {
    const report = {
      title: 'PEEL 2025: Anyshire',
      originator: 'HMICFRS',
      kind: 'inspection',
      scope: 'force',
      publishedOn: '2025-03-14',
      rows: '3',
    };
    await refused(
      '/admin/reports/new',
      {
        ...report,
        title: '',
        publishedOn: '2025-02-30',
        'items-0-reference': '1',
        'items-0-kind': 'recommendation',
        'items-0-text': '',
        'items-2-reference': '',
        'items-2-kind': 'recommendation',
        'items-2-text': 'No reference',
      },
      ['title', 'publishedOn', 'items-0-text', 'items-2-reference'],
    );
    const before = await databaseFingerprint(product.app.dataSource);
    // A bad part refuses the whole report: nothing is saved half-way.
    await refused(
      '/admin/reports/new',
      {
        ...report,
        'items-0-reference': '1',
        'items-0-kind': 'recommendation',
        'items-0-text': 'Text',
        'items-0-parts': 'a: One\na: Again',
      },
      ['items-0-parts'],
    );
    expect(await databaseFingerprint(product.app.dataSource)).toEqual(before);
    const more = await post('/admin/reports/new', { ...report, 'items-0-reference': '7', more: 'true' });
    expect(more.status).toBe(200);
    expect(more.html).toContain('id="items-7-reference"');
    expect(more.html).toMatch(/id="items-0-reference" name="items-0-reference" type="text" value="7"/);
    expect(await databaseFingerprint(product.app.dataSource)).toEqual(before);
    const saved = await post('/admin/reports/new', {
      ...report,
      'items-0-reference': '1',
      'items-0-kind': 'recommendation',
      'items-0-text': 'The force should improve how it records crime.',
      'items-0-category': '2',
      'items-0-department': 'Public Protection',
      'items-0-parts': 'a: Review the policy\nb: Train the staff',
      'items-1-reference': '2',
      'items-1-kind': 'recommendation',
      'items-1-text': 'The Home Office should change the counting rules.',
      'items-1-notForTheForce': 'true',
      'items-1-addressedTo': 'Home Office',
    });
    expect(saved.status).toBe(303);
    const triage = await get(saved.location!);
    expect(triage.html).toContain('Saved the report');
    const rows = (await product.app.dataSource.query(
      `SELECT r.id, r.reference, r.for_the_force, r.department FROM recommendations r JOIN source_reports s ON s.id = r.report_id WHERE s.title = $1 ORDER BY r.reference`,
      [report.title],
    )) as {
      id: string;
      reference: string;
      for_the_force: boolean;
      department: string | null;
    }[];
    expect(rows.map((r) => [r.reference, r.for_the_force, r.department])).toEqual([
      ['1', true, 'Public Protection'],
      ['2', false, null],
    ]);
    expect(triage.html).toContain(`/recommendations/${rows[0]!.id}`);
    const view = await api.get(rows[0]!.id);
    expect(view.state.parts?.map((part: { reference: string }) => part.reference)).toEqual(['a', 'b']);
    expect(
      await product.app.dataSource.query(
        `SELECT reference, status FROM recommendation_parts WHERE recommendation_id = $1 ORDER BY position`,
        [rows[0]!.id],
      ),
    ).toEqual([
      { reference: 'a', status: 'not_started' },
      { reference: 'b', status: 'not_started' },
    ]);
  });

  it('enters a report without items, with the status the force stated, logged on its own earlier date', async () => {
    const report = {
      title: 'Stalking and harassment 2019',
      originator: 'HMICFRS',
      kind: 'inspection',
      scope: 'national',
      publishedOn: '2019-09-05',
      rows: '1',
      'items-0-kind': 'recommendation',
    };
    await refused('/admin/reports/new', { ...report, loggedOn: '2019-08-01' }, ['loggedOn']);
    const saved = await post('/admin/reports/new', {
      ...report,
      loggedOn: '2019-10-01',
      statusLine: 'HMICFRS have agreed closure of these recommendations.',
    });
    expect(saved.status).toBe(303);
    const [row] = (await product.app.dataSource.query(
      `SELECT s.status_line, (SELECT e.occurred_at FROM audit_events e WHERE e.entity_id = s.id::text AND e.type = 'report_logged') AS logged FROM source_reports s WHERE s.title = $1`,
      [report.title],
    )) as { status_line: string; logged: Date }[];
    expect([row!.status_line, row!.logged.toISOString().slice(0, 10)]).toEqual([
      'HMICFRS have agreed closure of these recommendations.',
      '2019-10-01',
    ]);
  });
});
