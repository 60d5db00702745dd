import { randomUUID } from 'node:crypto';
import { defaultCoverReport } from '../../api/papers/coverReport';
import { buildApp } from '../../api/server';
import { createMailboxRouter } from '../../dev/mailbox';
import type { Role } from '../../domain/vocabulary';
import { Attachment, Delegation, Person as PersonEntity, RoutingRule, type Person } from '../../entities';
import { createLogger } from '../../platform/logger';
import { addPeople, apiClient, signIn, type ApiClient } from '../support/apiClient';
import { listRoutes } from '../support/routes';
import { databaseFingerprint, emailsSettled, refusalCount } from '../support/snapshot';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * Every route × every role, and the owner of the item versus another action owner, generated from one table. A route
 * the app serves without a row here fails the first test, so adding a route means deciding who may use it.
 */

const personaRoles = {
  administrator: ['administrator'],
  action_owner: ['action_owner'],
  owner: ['action_owner'],
  lead: ['lead'],
  dcc: ['dcc'],
  finance_director: ['finance_director'],
  liaison_lead: ['liaison_lead'],
  viewer: ['viewer'],
} satisfies Record<string, Role[]>;
type Persona = keyof typeof personaRoles;
const personas = Object.keys(personaRoles) as Persona[];

const ALL = personas;
const ACTORS = personas.filter((p) => p !== 'viewer');
const ADMIN: Persona[] = ['administrator'];
const APPROVERS: Persona[] = ['administrator', 'lead', 'dcc', 'finance_director', 'liaison_lead'];
const COMMENTERS: Persona[] = ['administrator', 'owner', 'lead', 'liaison_lead'];
const PASSWORD = 'matrix-password-2026';

interface Session {
  cookie: string;
  csrfToken: string;
}

/** A page form uploading one file, as a browser sends it (multipart/form-data). */
function multipartFile(name: string, type: string, content: string): { type: string; data: Buffer } {
  const boundary = `matrix-${randomUUID()}`;
  const data = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n${content}\r\n--${boundary}--\r\n`,
  );
  return { type: `multipart/form-data; boundary=${boundary}`, data };
}

interface Ctx {
  product: TestProduct;
  admin: ApiClient;
  people: Record<Persona, Person>;
  /** In progress, owned by the `owner` persona. */
  itemId: string;
  reportId: string;
  fileId: string;
  /** A file attached to the item's (pretend) letter. */
  attachmentId: string;
}

interface Request {
  path: string;
  /** Sent as an HTML form rather than JSON. */
  form?: Record<string, string>;
  /** Cookies to send besides the session's. */
  cookies?: string[];
  body?: unknown;
  raw?: { type: string; data: Buffer };
  /** Another session of the persona than the one the matrix holds (for requests that end it). */
  session?: Session;
}

interface Row {
  /** 'public': anyone, signed in or not; 'signedIn': every persona; otherwise the personas allowed. */
  allowed: 'public' | 'signedIn' | Persona[];
  /** A server-rendered page: anonymous visitors are sent to sign in rather than refused. */
  page?: true;
  request(ctx: Ctx, persona: Persona | null): Promise<Request> | Request;
}

/** A page's form token and the cookie it belongs to, as a browser gets them by opening the page. */
async function formFrom(ctx: Ctx, path: string): Promise<{ cookie: string; token: string }> {
  const response = await fetch(`${ctx.product.baseUrl}${path}`, { redirect: 'manual' });
  const cookie = (response.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]!).find((c) => c.startsWith('rt_form=')) ?? '';
  const token = /name="_csrf" value="([^"]+)"/.exec(await response.text())?.[1] ?? '';
  return { cookie, token };
}

/** A person for an administrator to act on, active or not. */
const someone = (ctx: Ctx, active = true): Promise<Person> =>
  ctx.product.app.dataSource.manager.save(PersonEntity, {
    name: `Matrix person ${next()}`,
    email: `person-${next()}@test.police.uk`,
    roles: ['action_owner' as const],
    active,
  });

/** A routing rule that is switched off, so changing it never changes who approves. */
const switchedOffRule = (ctx: Ctx): Promise<RoutingRule> =>
  ctx.product.app.dataSource.manager.save(
    ctx.product.app.dataSource.manager.create(RoutingRule, {
      id: `off-${next()}`,
      priority: 0,
      description: '',
      active: false,
      match: {},
      steps: [{ kind: 'lead' }],
    }),
  );

const freshSession = async (ctx: Ctx, persona: Persona | null): Promise<Session | undefined> =>
  persona ? signIn(ctx.product.baseUrl, ctx.people[persona].email, PASSWORD) : undefined;

let unique = 0;
const next = () => `${Date.now().toString(36)}-${++unique}`;

const table: Record<string, Row> = {
  'GET /healthz': { allowed: 'public', request: () => ({ path: '/healthz' }) },
  'GET /readyz': { allowed: 'public', request: () => ({ path: '/readyz' }) },
  'GET /metrics': { allowed: 'public', request: () => ({ path: '/metrics' }) },
  'GET /api/openapi.json': { allowed: 'public', request: () => ({ path: '/api/openapi.json' }) },
  'GET /api/docs': { allowed: 'public', request: () => ({ path: '/api/docs' }) },

  'GET /api/session': { allowed: 'signedIn', request: () => ({ path: '/api/session' }) },
  'POST /api/session': {
    allowed: 'public',
    request: (ctx, p) => ({ path: '/api/session', body: { email: ctx.people[p ?? 'viewer'].email, password: PASSWORD } }),
  },
  'DELETE /api/session': {
    allowed: 'signedIn',
    request: async (ctx, p) => ({ path: '/api/session', session: await freshSession(ctx, p) }),
  },

  'GET /api/api-tokens': { allowed: ALL, request: () => ({ path: '/api/api-tokens' }) },
  'POST /api/api-tokens': { allowed: ALL, request: () => ({ path: '/api/api-tokens', body: { name: `matrix ${next()}` } }) },
  'DELETE /api/api-tokens/:tokenId': {
    allowed: ALL,
    request: async (ctx, p) => {
      const { row } = await ctx.product.app.services.auth.issueApiToken(
        { personId: ctx.people[p ?? 'viewer'].id, name: 'to revoke', expiresAt: null },
        { id: null, label: 'matrix' },
      );
      return { path: `/api/api-tokens/${row.id}` };
    },
  },

  'POST /api/reports': {
    allowed: ADMIN,
    request: () => ({
      path: '/api/reports',
      body: {
        title: `Matrix report ${next()}`,
        originator: 'HMICFRS',
        kind: 'inspection',
        scope: 'force',
        publishedOn: '2025-01-15',
        recommendations: [],
      },
    }),
  },
  'GET /api/reports': { allowed: ALL, request: () => ({ path: '/api/reports' }) },
  'GET /api/imports/template.csv': { allowed: ADMIN, request: () => ({ path: '/api/imports/template.csv' }) },
  'POST /api/imports': {
    allowed: ADMIN,
    request: () => ({
      path: '/api/imports?dryRun=true',
      raw: { type: 'text/csv', data: Buffer.from('Report title,Originator,Reference,Text\r\nMatrix report,HMICFRS,1,Text\r\n') },
    }),
  },
  'GET /api/people/import/template.csv': { allowed: ADMIN, request: () => ({ path: '/api/people/import/template.csv' }) },
  'POST /api/people/import': {
    allowed: ADMIN,
    request: () => ({
      path: '/api/people/import?dryRun=true',
      raw: { type: 'text/csv', data: Buffer.from('Name,Email,Roles\r\nMatrix newcomer,matrix.newcomer@test.police.uk,viewer\r\n') },
    }),
  },
  'GET /api/imports': { allowed: ADMIN, request: () => ({ path: '/api/imports' }) },
  // No import has this id: 404, having passed the permission check.
  'GET /api/imports/:id/reconciliation': {
    allowed: ADMIN,
    request: () => ({ path: '/api/imports/00000000-0000-4000-8000-000000000000/reconciliation' }),
  },
  'GET /api/imports/status-mappings': { allowed: ADMIN, request: () => ({ path: '/api/imports/status-mappings' }) },
  'PUT /api/imports/status-mappings.csv': {
    allowed: ADMIN,
    request: () => ({
      path: '/api/imports/status-mappings.csv',
      raw: { type: 'text/csv', data: Buffer.from('Status as written,Means\r\nAwaiting feedback.,submitted to hmicfrs\r\n') },
    }),
  },
  'PUT /api/imports/status-mappings': {
    allowed: ADMIN,
    request: () => ({
      path: '/api/imports/status-mappings',
      body: { mappings: [{ wording: 'Awaiting feedback.', status: 'submitted to hmicfrs' }] },
    }),
  },
  'GET /api/reports/:id': { allowed: ALL, request: (ctx) => ({ path: `/api/reports/${ctx.reportId}` }) },

  'GET /api/recommendations': { allowed: ALL, request: () => ({ path: '/api/recommendations?owner=me&sort=dueDate' }) },
  'GET /api/recommendations/:id': { allowed: ALL, request: (ctx) => ({ path: `/api/recommendations/${ctx.itemId}` }) },
  'GET /api/recommendations/:id/schedule': { allowed: ALL, request: (ctx) => ({ path: `/api/recommendations/${ctx.itemId}/schedule` }) },
  'GET /api/recommendations/:id/comments': { allowed: ALL, request: (ctx) => ({ path: `/api/recommendations/${ctx.itemId}/comments` }) },
  // Those taking part in the item (its owner and lead here), the force liaison lead and administrators.
  'POST /api/recommendations/:id/comments': {
    allowed: COMMENTERS,
    request: (ctx) => ({ path: `/api/recommendations/${ctx.itemId}/comments`, body: { text: `Matrix comment ${next()}` } }),
  },
  // Each item's command is then the lifecycle's to allow (an outcome per item), as for a single command.
  'POST /api/bulk-actions': {
    allowed: ACTORS,
    request: async (ctx) => {
      const [id] = await ctx.admin.createReport({
        title: `Bulk ${next()}`,
        originator: 'HMICFRS',
        kind: 'inspection',
        recommendations: [{ reference: '1' }],
      });
      return { path: '/api/bulk-actions', body: { bulkId: randomUUID(), action: { kind: 'setCategory', category: 3 }, items: [{ id }] } };
    },
  },
  'POST /api/recommendations/:id/assign': {
    allowed: ACTORS,
    request: async (ctx) => {
      const [id] = await ctx.admin.createReport({
        title: `Assign ${next()}`,
        originator: 'HMICFRS',
        kind: 'inspection',
        recommendations: [{ reference: '1', category: 2 }],
      });
      return {
        path: `/api/recommendations/${id}/assign`,
        body: { ownerId: ctx.people.owner.id, leadId: ctx.people.lead.id, dueDate: '2028-01-31' },
      };
    },
  },
  'POST /api/recommendations/:id/commands': {
    allowed: ACTORS,
    request: (ctx) => ({
      path: `/api/recommendations/${ctx.itemId}/commands`,
      body: { type: 'postUpdate', text: `Matrix update ${next()}` },
    }),
  },

  'GET /api/recommendations/:id/evidence': { allowed: ALL, request: (ctx) => ({ path: `/api/recommendations/${ctx.itemId}/evidence` }) },
  'GET /api/recommendations/:id/evidence/:itemId/content': {
    allowed: ALL,
    request: (ctx) => ({ path: `/api/recommendations/${ctx.itemId}/evidence/${ctx.fileId}/content` }),
  },
  'POST /api/recommendations/:id/evidence/links': {
    allowed: ['administrator', 'owner'],
    request: (ctx) => ({
      path: `/api/recommendations/${ctx.itemId}/evidence/links`,
      body: { title: `Policy ${next()}`, url: 'https://intranet.example.police.uk/policy' },
    }),
  },
  'POST /api/recommendations/:id/evidence/notes': {
    allowed: ['administrator', 'owner'],
    request: (ctx) => ({
      path: `/api/recommendations/${ctx.itemId}/evidence/notes`,
      body: { title: `Note ${next()}`, note: 'Training delivered to 40 officers' },
    }),
  },
  'POST /api/recommendations/:id/evidence/files': {
    allowed: ['administrator', 'owner'],
    request: (ctx) => ({
      path: `/api/recommendations/${ctx.itemId}/evidence/files?title=record-${next()}.txt`,
      raw: { type: 'text/plain', data: Buffer.from('attendance') },
    }),
  },
  // The letter's and HMICFRS's files: everyone reads them, as evidence; those who record the letter and HMICFRS's answers attach them
  // (the matrix's item has no letter yet, so an allowed attach is refused by the item's state: 409).
  'GET /api/recommendations/:id/attachments': {
    allowed: ALL,
    request: (ctx) => ({ path: `/api/recommendations/${ctx.itemId}/attachments` }),
  },
  'GET /api/recommendations/:id/attachments/:attachmentId/content': {
    allowed: ALL,
    request: (ctx) => ({ path: `/api/recommendations/${ctx.itemId}/attachments/${ctx.attachmentId}/content` }),
  },
  'POST /api/recommendations/:id/attachments': {
    allowed: ['administrator', 'dcc', 'liaison_lead'],
    request: (ctx) => ({
      path: `/api/recommendations/${ctx.itemId}/attachments?to=self_certification_letter&title=letter-${next()}.txt`,
      raw: { type: 'text/plain', data: Buffer.from('signed') },
    }),
  },

  'GET /api/approvals': { allowed: ALL, request: () => ({ path: '/api/approvals' }) },
  'GET /api/people': { allowed: ALL, request: () => ({ path: '/api/people?limit=5' }) },
  'GET /api/people/:personId': { allowed: ALL, request: (ctx) => ({ path: `/api/people/${ctx.people.lead.id}` }) },
  'POST /api/people': {
    allowed: ADMIN,
    request: () => ({
      path: '/api/people',
      body: { name: 'Matrix newcomer', email: `newcomer-${next()}@test.police.uk`, roles: ['viewer'] },
    }),
  },
  'PATCH /api/people/:personId': {
    allowed: ADMIN,
    request: async (ctx) => ({ path: `/api/people/${(await someone(ctx)).id}`, body: { jobTitle: 'Sergeant' } }),
  },
  'POST /api/people/:personId/deactivate': {
    allowed: ADMIN,
    request: async (ctx) => ({ path: `/api/people/${(await someone(ctx)).id}/deactivate`, body: { reason: 'Left' } }),
  },
  'POST /api/people/:personId/reactivate': {
    allowed: ADMIN,
    request: async (ctx) => ({ path: `/api/people/${(await someone(ctx, false)).id}/reactivate` }),
  },
  'PUT /api/people/:personId/password': {
    allowed: ADMIN,
    request: async (ctx) => ({ path: `/api/people/${(await someone(ctx)).id}/password`, body: { password: 'a-matrix-password-2026' } }),
  },
  'POST /api/people/:personId/password-link': {
    allowed: ADMIN,
    request: async (ctx) => ({ path: `/api/people/${(await someone(ctx)).id}/password-link` }),
  },
  // Each persona about their own password; the current one is wrong, so the answer is 400 and nothing changes.
  'PUT /api/session/password': {
    allowed: 'signedIn',
    request: () => ({ path: '/api/session/password', body: { currentPassword: 'not-the-password', newPassword: 'a-new-matrix-password' } }),
  },
  'PUT /api/people/:personId/digest-preference': {
    // Everyone may set their own; the matrix asks each persona about themselves (anonymous: about the viewer).
    allowed: ALL,
    request: (ctx, p) => ({ path: `/api/people/${ctx.people[p ?? 'viewer'].id}/digest-preference`, body: { digestPreference: 'weekly' } }),
  },

  'GET /api/routing-rules': { allowed: ALL, request: () => ({ path: '/api/routing-rules' }) },
  'PUT /api/routing-rules/:ruleId': {
    allowed: ADMIN,
    request: () => ({
      path: `/api/routing-rules/catch-all-${next()}`,
      body: { priority: 0, match: {}, steps: [{ kind: 'lead' }, { kind: 'role', role: 'dcc' }] },
    }),
  },

  'GET /api/delegations': { allowed: ALL, request: () => ({ path: '/api/delegations' }) },
  'POST /api/delegations': {
    allowed: APPROVERS,
    request: (ctx, p) => {
      const from = p && APPROVERS.includes(p) ? ctx.people[p] : ctx.people.dcc;
      const to = from.id === ctx.people.lead.id ? ctx.people.dcc : ctx.people.lead;
      return { path: '/api/delegations', body: { fromPersonId: from.id, toPersonId: to.id, startsOn: '2027-08-01', endsOn: '2027-08-14' } };
    },
  },
  'DELETE /api/delegations/:delegationId': {
    allowed: APPROVERS,
    request: async (ctx, p) => {
      const from = p && APPROVERS.includes(p) ? ctx.people[p] : ctx.people.dcc;
      const to = from.id === ctx.people.lead.id ? ctx.people.dcc : ctx.people.lead;
      const row = await ctx.product.app.dataSource.manager.save(Delegation, {
        fromPersonId: from.id,
        toPersonId: to.id,
        startsOn: '2027-09-01',
        endsOn: '2027-09-14',
        reason: '',
      });
      return { path: `/api/delegations/${row.id}` };
    },
  },

  'GET /api/departments': { allowed: ALL, request: () => ({ path: '/api/departments' }) },
  'POST /api/departments': { allowed: ADMIN, request: () => ({ path: '/api/departments', body: { name: `Department ${next()}` } }) },
  'GET /api/audit': { allowed: ['administrator', 'dcc'], request: () => ({ path: '/api/audit?limit=5' }) },
  'GET /api/papers/:kind': { allowed: ALL, request: () => ({ path: '/api/papers/overview' }) },
  'GET /api/papers/:kind/cover-report': { allowed: ALL, request: () => ({ path: '/api/papers/tracker/cover-report' }) },
  'PUT /api/papers/:kind/cover-report': {
    allowed: ADMIN,
    request: () => ({ path: '/api/papers/tracker/cover-report', body: defaultCoverReport('tracker') }),
  },
  'GET /api/settings/reminders': { allowed: ALL, request: () => ({ path: '/api/settings/reminders' }) },
  'PUT /api/settings/reminders': {
    allowed: ADMIN,
    request: () => ({ path: '/api/settings/reminders', body: { closedDays: ['2027-12-29'] } }),
  },
  'GET /api/admin/consistency': { allowed: ADMIN, request: () => ({ path: '/api/admin/consistency' }) },
  'POST /api/admin/consistency/repair': { allowed: ADMIN, request: () => ({ path: '/api/admin/consistency/repair' }) },

  'GET /': { allowed: 'signedIn', page: true, request: () => ({ path: '/' }) },
  'GET /recommendations/:id': { allowed: 'signedIn', page: true, request: (ctx) => ({ path: `/recommendations/${ctx.itemId}` }) },
  'GET /recommendations': { allowed: 'signedIn', page: true, request: () => ({ path: '/recommendations?overdue=false' }) },
  'GET /recommendations.csv': { allowed: 'signedIn', page: true, request: () => ({ path: '/recommendations.csv' }) },
  'GET /dashboard': { allowed: 'signedIn', page: true, request: () => ({ path: '/dashboard' }) },
  'GET /papers': {
    allowed: ALL,
    page: true,
    request: () => ({ path: '/papers?paper=overview&asAt-day=1&asAt-month=10&asAt-year=2026&scheme=B' }),
  },
  'GET /papers/download': {
    allowed: ALL,
    page: true,
    request: () => ({ path: '/papers/download?paper=overview&asAt-day=1&asAt-month=10&asAt-year=2026&scheme=B&format=docx' }),
  },
  'GET /papers/cover-report': { allowed: ADMIN, page: true, request: () => ({ path: '/papers/cover-report?paper=tracker&scheme=A' }) },
  'POST /papers/cover-report': {
    allowed: ADMIN,
    request: () => ({ path: '/papers/cover-report', form: { paper: 'tracker', scheme: 'A', ...defaultCoverReport('tracker') } }),
  },
  // The approval page: anyone signed in may look; whoever may not decide is told why (200), not shown the form.
  'GET /approvals/:id': { allowed: 'signedIn', page: true, request: (ctx) => ({ path: `/approvals/${ctx.itemId}` }) },
  'GET /recommendations/:id/updates': {
    allowed: 'signedIn',
    page: true,
    request: (ctx) => ({ path: `/recommendations/${ctx.itemId}/updates` }),
  },
  'GET /recommendations/:id/schedule': {
    allowed: 'signedIn',
    page: true,
    request: (ctx) => ({ path: `/recommendations/${ctx.itemId}/schedule` }),
  },
  'GET /recommendations/bulk': { allowed: ACTORS, page: true, request: () => ({ path: '/recommendations/bulk' }) },
  'POST /recommendations/bulk/confirm': {
    allowed: ACTORS,
    request: (ctx) => ({ path: '/recommendations/bulk/confirm', form: { items: ctx.itemId, action: 'setCategory', category: '3' } }),
  },
  'POST /recommendations/bulk/run': {
    allowed: ACTORS,
    request: async (ctx) => {
      const [id] = await ctx.admin.createReport({
        title: `Bulk page ${next()}`,
        originator: 'HMICFRS',
        kind: 'inspection',
        recommendations: [{ reference: '1' }],
      });
      return {
        path: '/recommendations/bulk/run',
        form: { request: JSON.stringify({ bulkId: randomUUID(), action: { kind: 'setCategory', category: 3 }, items: [{ id }] }) },
      };
    },
  },
  'GET /recommendations/:id/evidence': {
    allowed: 'signedIn',
    page: true,
    request: (ctx) => ({ path: `/recommendations/${ctx.itemId}/evidence` }),
  },
  'GET /recommendations/:id/evidence/:itemId/download': {
    allowed: 'signedIn',
    page: true,
    request: (ctx) => ({ path: `/recommendations/${ctx.itemId}/evidence/${ctx.fileId}/download` }),
  },
  // The item page's form attaching a file afterwards (the matrix's item has no letter yet, so an allowed one is sent back: 400).
  'POST /recommendations/:id/attachments': {
    allowed: ['administrator', 'dcc', 'liaison_lead'],
    request: (ctx) => ({
      path: `/recommendations/${ctx.itemId}/attachments`,
      raw: multipartFile(`letter-${next()}.txt`, 'text/plain', 'signed'),
    }),
  },
  'GET /recommendations/:id/attachments/:attachmentId/download': {
    allowed: 'signedIn',
    page: true,
    request: (ctx) => ({ path: `/recommendations/${ctx.itemId}/attachments/${ctx.attachmentId}/download` }),
  },
  // The approval page's decisions: the lifecycle refuses them on an item not awaiting approval (409), but only a viewer is refused the permission.
  // The recommendation page's evidence forms: the owner, or an administrator.
  'POST /recommendations/:id/evidence/files': {
    allowed: ['administrator', 'owner'],
    request: (ctx) => ({
      path: `/recommendations/${ctx.itemId}/evidence/files`,
      raw: multipartFile(`record-${next()}.txt`, 'text/plain', 'attendance'),
    }),
  },
  'POST /recommendations/:id/evidence/links': {
    allowed: ['administrator', 'owner'],
    request: (ctx) => ({
      path: `/recommendations/${ctx.itemId}/evidence/links`,
      form: { title: `Policy ${next()}`, url: 'https://intranet.example.police.uk/policy' },
    }),
  },
  'POST /recommendations/:id/evidence/notes': {
    allowed: ['administrator', 'owner'],
    request: (ctx) => ({ path: `/recommendations/${ctx.itemId}/evidence/notes`, form: { title: `Note ${next()}`, note: 'Seen' } }),
  },
  'POST /approvals/:id/comments': {
    allowed: COMMENTERS,
    request: (ctx) => ({ path: `/approvals/${ctx.itemId}/comments`, form: { text: `Matrix approval page comment ${next()}` } }),
  },
  'POST /recommendations/:id/comments': {
    allowed: COMMENTERS,
    request: (ctx) => ({ path: `/recommendations/${ctx.itemId}/comments`, form: { text: `Matrix page comment ${next()}` } }),
  },
  'POST /approvals/:id/commands/:type': {
    allowed: ACTORS,
    request: (ctx) => ({ path: `/approvals/${ctx.itemId}/commands/approve`, form: { comment: 'Matrix' } }),
  },
  // A page's form: anonymous posts are refused (401) rather than redirected, as every change is.
  'POST /recommendations/:id/commands/:type': {
    allowed: ACTORS,
    request: (ctx) => ({ path: `/recommendations/${ctx.itemId}/commands/postUpdate`, form: { text: `Matrix page update ${next()}` } }),
  },
  'GET /sign-in': { allowed: 'public', page: true, request: () => ({ path: '/sign-in' }) },
  'POST /sign-in': {
    allowed: 'public',
    page: true,
    request: async (ctx, p) => {
      const form = await formFrom(ctx, '/sign-in');
      return {
        path: '/sign-in',
        cookies: [form.cookie],
        form: { _csrf: form.token, email: ctx.people[p ?? 'viewer'].email, password: PASSWORD },
      };
    },
  },
  'POST /sign-out': {
    allowed: 'public',
    page: true,
    request: async (ctx, p) => ({ path: '/sign-out', session: await freshSession(ctx, p) }),
  },
  'GET /sign-in/oidc': { allowed: 'public', page: true, request: () => ({ path: '/sign-in/oidc' }) },
  'GET /sign-in/oidc/callback': { allowed: 'public', page: true, request: () => ({ path: '/sign-in/oidc/callback?code=x&state=y' }) },
  'GET /action-links/:token': { allowed: 'public', page: true, request: () => ({ path: '/action-links/not-a-link' }) },
  'POST /action-links/:token': {
    allowed: 'public',
    page: true,
    request: async (ctx) => {
      const form = await formFrom(ctx, '/sign-in');
      return { path: '/action-links/not-a-link', cookies: [form.cookie], form: { _csrf: form.token } };
    },
  },
  'GET /set-password/:token': { allowed: 'public', page: true, request: () => ({ path: '/set-password/not-a-link' }) },
  'POST /set-password/:token': {
    allowed: 'public',
    page: true,
    request: async (ctx) => {
      const form = await formFrom(ctx, '/sign-in');
      return {
        path: '/set-password/not-a-link',
        cookies: [form.cookie],
        form: { _csrf: form.token, password: 'a-long-enough-password', confirm: 'a-long-enough-password' },
      };
    },
  },
  // The first-run page: open to anyone holding the set-up code, and gone (404) once an administrator exists, as here.
  'GET /setup': { allowed: 'public', page: true, request: () => ({ path: '/setup' }) },
  'POST /setup': {
    allowed: 'public',
    page: true,
    request: async (ctx) => {
      const form = await formFrom(ctx, '/sign-in');
      return {
        path: '/setup',
        cookies: [form.cookie],
        form: {
          _csrf: form.token,
          code: 'AAAAA-BBBBB-CCCCC-DDDDD',
          name: 'Matrix setup',
          email: `setup-${next()}@test.police.uk`,
          password: PASSWORD,
          confirm: PASSWORD,
        },
      };
    },
  },
  'GET /account': { allowed: 'signedIn', page: true, request: () => ({ path: '/account' }) },
  'POST /account/notifications': {
    allowed: 'signedIn',
    request: () => ({ path: '/account/notifications', form: { digestPreference: 'daily' } }),
  },
  'GET /account/password': { allowed: 'signedIn', page: true, request: () => ({ path: '/account/password' }) },
  // Each persona about their own password, with a wrong current one: the form comes back with its error.
  'POST /account/password': {
    allowed: 'signedIn',
    request: () => ({ path: '/account/password', form: { currentPassword: 'not-the-password', newPassword: 'a-new-matrix-password' } }),
  },

  'GET /admin': { allowed: ADMIN, page: true, request: () => ({ path: '/admin' }) },
  'GET /imports': { allowed: ADMIN, page: true, request: () => ({ path: '/imports' }) },
  'GET /imports/reconciliation': { allowed: ADMIN, page: true, request: () => ({ path: '/imports/reconciliation' }) },
  // No import has this id: the not-found page, having passed the permission check.
  'GET /imports/:id/reconciliation': {
    allowed: ADMIN,
    page: true,
    request: () => ({ path: '/imports/00000000-0000-4000-8000-000000000000/reconciliation' }),
  },
  'POST /imports': {
    allowed: ADMIN,
    request: () => ({
      path: '/imports',
      raw: multipartFile('tracker.csv', 'text/csv', 'Report title,Originator,Reference,Text\r\nMatrix report,HMICFRS,1,Text\r\n'),
    }),
  },
  // Nothing was checked under this hash: the page asks for the file again (409), having imported nothing.
  'POST /imports/import': { allowed: ADMIN, request: () => ({ path: '/imports/import', form: { file: 'not-a-checked-file' } }) },
  'GET /admin/people': { allowed: ADMIN, page: true, request: () => ({ path: '/admin/people?status=deactivated' }) },
  'GET /admin/people/import': { allowed: ADMIN, page: true, request: () => ({ path: '/admin/people/import' }) },
  'POST /admin/people/import': {
    allowed: ADMIN,
    request: () => ({
      path: '/admin/people/import',
      raw: multipartFile('people.csv', 'text/csv', 'Name,Email,Roles\r\nMatrix newcomer,matrix.newcomer@test.police.uk,viewer\r\n'),
    }),
  },
  // Nothing was checked under this hash: the page asks for the file again (409), having imported nothing.
  'POST /admin/people/import/import': {
    allowed: ADMIN,
    request: () => ({ path: '/admin/people/import/import', form: { file: 'not-a-checked-file' } }),
  },
  'GET /admin/people/new': { allowed: ADMIN, page: true, request: () => ({ path: '/admin/people/new' }) },
  'POST /admin/people/new': {
    allowed: ADMIN,
    request: () => ({
      path: '/admin/people/new',
      form: { name: 'Matrix page newcomer', email: `page-${next()}@test.police.uk`, roles: 'viewer' },
    }),
  },
  'GET /admin/people/:personId': { allowed: ADMIN, page: true, request: (ctx) => ({ path: `/admin/people/${ctx.people.owner.id}` }) },
  'POST /admin/people/:personId': {
    allowed: ADMIN,
    request: async (ctx) => {
      const person = await someone(ctx);
      return { path: `/admin/people/${person.id}`, form: { version: '1', name: person.name, email: person.email, roles: 'lead' } };
    },
  },
  'POST /admin/people/:personId/deactivate': {
    allowed: ADMIN,
    request: async (ctx) => ({ path: `/admin/people/${(await someone(ctx)).id}/deactivate`, form: { reason: 'Left' } }),
  },
  'POST /admin/people/:personId/reactivate': {
    allowed: ADMIN,
    request: async (ctx) => ({ path: `/admin/people/${(await someone(ctx, false)).id}/reactivate`, form: {} }),
  },
  'POST /admin/people/:personId/password': {
    allowed: ADMIN,
    request: async (ctx) => ({ path: `/admin/people/${(await someone(ctx)).id}/password`, form: { password: 'a-matrix-password-2026' } }),
  },
  'POST /admin/people/:personId/password-link': {
    allowed: ADMIN,
    request: async (ctx) => ({ path: `/admin/people/${(await someone(ctx)).id}/password-link`, form: {} }),
  },
  'GET /admin/departments': { allowed: ADMIN, page: true, request: () => ({ path: '/admin/departments' }) },
  'POST /admin/departments': {
    allowed: ADMIN,
    request: () => ({ path: '/admin/departments', form: { name: `Page department ${next()}` } }),
  },
  'GET /admin/delegations': { allowed: ADMIN, page: true, request: () => ({ path: '/admin/delegations' }) },
  'POST /admin/delegations': {
    allowed: ADMIN,
    request: (ctx) => ({
      path: '/admin/delegations',
      form: { fromPersonId: ctx.people.dcc.id, toPersonId: ctx.people.lead.id, startsOn: '2027-10-01', endsOn: '2027-10-14', reason: '' },
    }),
  },
  'POST /admin/delegations/:delegationId/cancel': {
    allowed: ADMIN,
    request: async (ctx) => {
      const row = await ctx.product.app.dataSource.manager.save(Delegation, {
        fromPersonId: ctx.people.dcc.id,
        toPersonId: ctx.people.lead.id,
        startsOn: '2027-11-01',
        endsOn: '2027-11-14',
        reason: '',
      });
      return { path: `/admin/delegations/${row.id}/cancel`, form: {} };
    },
  },
  'GET /admin/routing-rules': { allowed: ADMIN, page: true, request: () => ({ path: '/admin/routing-rules' }) },
  'GET /admin/routing-rules/new': { allowed: ADMIN, page: true, request: () => ({ path: '/admin/routing-rules/new' }) },
  'POST /admin/routing-rules/new': {
    allowed: ADMIN,
    request: () => ({
      path: '/admin/routing-rules/new',
      form: { id: `page-rule-${next()}`, priority: '0', active: 'true', step1: 'lead', step2: 'role:dcc' },
    }),
  },
  'GET /admin/routing-rules/:ruleId': {
    allowed: ADMIN,
    page: true,
    request: async (ctx) => ({ path: `/admin/routing-rules/${(await switchedOffRule(ctx)).id}` }),
  },
  'POST /admin/routing-rules/:ruleId': {
    allowed: ADMIN,
    request: async (ctx) => ({
      path: `/admin/routing-rules/${(await switchedOffRule(ctx)).id}`,
      form: { version: '1', priority: '1', step1: 'lead' },
    }),
  },
  'GET /admin/settings': { allowed: ADMIN, page: true, request: () => ({ path: '/admin/settings' }) },
  'POST /admin/settings': {
    allowed: ADMIN,
    request: () => ({
      path: '/admin/settings',
      form: { sendTime: '08:00', dueReminders: '28, 14, 7, 1', closedDays: '', committeeMeetings: '' },
    }),
  },
  'GET /admin/reports/new': { allowed: ADMIN, page: true, request: () => ({ path: '/admin/reports/new?rows=2' }) },
  'POST /admin/reports/new': {
    allowed: ADMIN,
    request: () => ({
      path: '/admin/reports/new',
      form: {
        title: `Page report ${next()}`,
        originator: 'HMICFRS',
        kind: 'inspection',
        scope: 'force',
        publishedOn: '2025-01-15',
        rows: '1',
      },
    }),
  },
  'GET /admin/triage': { allowed: ADMIN, page: true, request: () => ({ path: '/admin/triage' }) },
  'GET /admin/hmicfrs': { allowed: ADMIN, page: true, request: () => ({ path: '/admin/hmicfrs' }) },
  'GET /admin/consistency': { allowed: ADMIN, page: true, request: () => ({ path: '/admin/consistency' }) },
  'POST /admin/consistency': { allowed: ADMIN, request: () => ({ path: '/admin/consistency', form: {} }) },
  'POST /admin/consistency/repair': { allowed: ADMIN, request: () => ({ path: '/admin/consistency/repair', form: {} }) },
  'GET /admin/consistency/rebuild': { allowed: ADMIN, page: true, request: () => ({ path: '/admin/consistency/rebuild' }) },
  'POST /admin/consistency/rebuild': { allowed: ADMIN, request: () => ({ path: '/admin/consistency/rebuild', form: {} }) },
  'GET /admin/audit-trail': { allowed: ['administrator', 'dcc'], page: true, request: () => ({ path: '/admin/audit-trail' }) },
  'POST /admin/audit-trail': { allowed: ['administrator', 'dcc'], request: () => ({ path: '/admin/audit-trail', form: {} }) },
  'ALL /dev/mailbox/*': { allowed: ADMIN, page: true, request: () => ({ path: '/dev/mailbox/' }) },
};

const allowedFor = (row: Row, persona: Persona): boolean =>
  row.allowed === 'public' || row.allowed === 'signedIn' || row.allowed.includes(persona);

describe('authorization matrix', () => {
  let ctx: Ctx;
  const sessions = new Map<Persona, Session>();

  beforeAll(async () => {
    const product = await startTestProduct();
    const people = await addPeople(
      product.app.dataSource,
      Object.fromEntries(personas.map((p) => [p, { name: `Matrix ${p.replace(/_/g, ' ')}`, roles: personaRoles[p] }])) as Record<
        Persona,
        { name: string; roles: Role[] }
      >,
    );
    for (const persona of personas) {
      await product.app.services.auth.setPassword(people[persona].id, PASSWORD, { id: null, label: 'matrix' });
      const session = await signIn(product.baseUrl, people[persona].email, PASSWORD);
      expect(session.status).toBe(201);
      sessions.set(persona, session);
    }
    const admin = apiClient(product);
    admin.actingAs(people.administrator.id);
    const reportResponse = await admin.call<{ id: string; recommendations: { id: string }[] }>('POST', '/api/reports', {
      title: 'Matrix inspection',
      originator: 'HMICFRS',
      kind: 'inspection',
      scope: 'force',
      publishedOn: '2025-01-15',
      recommendations: [{ reference: '1', kind: 'recommendation', text: 'Forces should…', category: 2 }],
    });
    const itemId = reportResponse.body.recommendations[0]!.id;
    await admin.command(itemId, { type: 'assign', ownerId: people.owner.id, leadId: people.lead.id, dueDate: '2028-01-31' });
    await admin.command(itemId, { type: 'accept' }, people.owner.id);
    const file = await admin.call<{ id: string }>('POST', `/api/recommendations/${itemId}/evidence/notes`, { title: 'Seed', note: 'x' });
    expect(file.status).toBe(201);
    const upload = await fetch(`${product.baseUrl}/api/recommendations/${itemId}/evidence/files?title=seed.txt`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', cookie: sessions.get('owner')!.cookie, 'x-csrf-token': sessions.get('owner')!.csrfToken },
      body: 'seed file',
    });
    expect(upload.status).toBe(201);
    const attachment = await product.app.dataSource.manager.save(Attachment, {
      recommendationId: itemId,
      recordKind: 'self_certification_letter' as const,
      recordId: randomUUID(),
      title: 'letter.txt',
      contentType: 'text/plain',
      sizeBytes: 6,
      sha256: 'seed',
      content: Buffer.from('signed'),
      addedBy: people.administrator.id,
      addedByLabel: 'Matrix administrator',
    });
    ctx = {
      product,
      admin,
      people,
      itemId,
      reportId: reportResponse.body.id,
      fileId: ((await upload.json()) as { id: string }).id,
      attachmentId: attachment.id,
    };
  });
  afterAll(async () => {
    await ctx?.product.stop();
  });

  it('has one row for every route the app serves, and no row for a route it does not', () => {
    const app = buildApp({
      dataSource: ctx.product.app.dataSource,
      ...ctx.product.app.services,
      logger: createLogger({ level: 'silent' }),
      readiness: async () => ({ ready: true, checks: {} }),
      forceName: 'Matrix',
      evidenceMaxBytes: 1024,
      mailbox: createMailboxRouter(ctx.product.sink),
    });
    expect(listRoutes(app, ['/dev/mailbox'])).toEqual(Object.keys(table).sort());
  });

  async function send(method: string, request: Request, session: Session | undefined) {
    const headers: Record<string, string> = {};
    if (session) Object.assign(headers, { 'x-csrf-token': session.csrfToken });
    const cookies = [...(session ? [session.cookie] : []), ...(request.cookies ?? [])].filter(Boolean);
    if (cookies.length) headers.cookie = cookies.join('; ');
    let body: string | Buffer | undefined;
    if (request.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    } else if (request.raw) {
      headers['content-type'] = request.raw.type;
      body = request.raw.data;
    } else if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const response = await fetch(`${ctx.product.baseUrl}${request.path}`, { method, headers, body, redirect: 'manual' });
    await response.arrayBuffer();
    return response;
  }

  const cases = Object.entries(table).flatMap(([route, row]) => {
    const method = route.split(' ')[0] === 'ALL' ? 'GET' : route.split(' ')[0]!;
    // Refusals first, so an allowed request never changes what a refused one would find.
    const ordered = [...personas].sort((a, b) => Number(allowedFor(row, a)) - Number(allowedFor(row, b)));
    return [
      ...ordered.map((persona) => ({ route, row, method, persona: persona as Persona | null, allowed: allowedFor(row, persona) })),
      { route, row, method, persona: null as Persona | null, allowed: row.allowed === 'public' },
    ];
  });

  it.each(cases.map((c) => [`${c.route} as ${c.persona ?? 'anonymous'}: ${c.allowed ? 'allowed' : 'refused'}`, c] as const))(
    '%s',
    async (_name, c) => {
      const request = await c.row.request(ctx, c.persona);
      const session = request.session ?? (c.persona ? sessions.get(c.persona) : undefined);
      if (c.allowed) {
        const response = await send(c.method, request, session);
        expect([401, 403]).not.toContain(response.status);
        expect(response.status).toBeLessThan(500);
        return;
      }
      await emailsSettled(ctx.product.app.dataSource);
      const before = await databaseFingerprint(ctx.product.app.dataSource);
      const refusals = await refusalCount(ctx.product.app.dataSource);
      const response = await send(c.method, request, session);
      if (!c.persona) {
        if (c.row.page) {
          expect(response.status).toBe(303);
          expect(response.headers.get('location')).toMatch(/^\/sign-in\?next=/);
        } else {
          expect(response.status).toBe(401);
        }
      } else {
        expect(response.status).toBe(403);
        expect(await refusalCount(ctx.product.app.dataSource)).toBe(refusals + 1);
      }
      expect(await databaseFingerprint(ctx.product.app.dataSource)).toEqual(before);
    },
  );

  it('records who was refused what', async () => {
    const viewer = sessions.get('viewer')!;
    const response = await send('POST', { path: '/api/departments', body: { name: `Refused ${randomUUID()}` } }, viewer);
    expect(response.status).toBe(403);
    const [event] = (await ctx.product.app.dataSource.query(
      `SELECT actor_id, entity_type, entity_id, summary FROM audit_events WHERE type = 'permission_refused' ORDER BY id DESC LIMIT 1`,
    )) as {
      actor_id: string;
      entity_type: string;
      entity_id: string;
      summary: string;
    }[];
    expect(event).toMatchObject({ actor_id: ctx.people.viewer.id, entity_type: 'authorization', entity_id: 'POST /api/departments' });
    expect(event!.summary).toContain('departments.manage');
  });
});
