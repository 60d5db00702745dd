import { z } from 'zod';
import { Person } from '../../entities';
import type { ApiDependencies } from '../dependencies';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { apiTokenSchema, issuedApiTokenSchema, listOf, sessionSchema } from '../../platform/http/schemas';
import { personView } from '../people/routes';
import { changeOwnPasswordSchema } from '../people/schemas';
import { ApiProblem } from '../../platform/http/problem';
import { clearSessionCookie, setSessionCookie } from './authenticate';
import type { Identity } from '../../platform/http/identity';

const signInSchema = z
  .object({
    email: z.string().trim().min(3, 'must be an email address').max(320, 'must be at most 320 characters'),
    password: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
  })
  .strict();

const tokenRequestSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .describe('what the token is for, e.g. "Power BI dashboard"'),
    personId: z
      .uuid({ message: 'must be the id of a person (a UUID)' })
      .optional()
      .describe('who the token acts as (administrators only); default: yourself'),
    expiresInDays: z
      .number()
      .int('must be a whole number of days')
      .min(1, 'must be at least 1')
      .max(730, 'must be at most 730')
      .nullable()
      .default(365),
  })
  .strict();

const sessionView = (identity: Identity, person: Person) => ({
  person: personView(person),
  via: identity.via,
  csrfToken: identity.session?.csrfToken ?? null,
});

const tokenView = (t: {
  id: string;
  personId: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}) => ({
  id: t.id,
  personId: t.personId,
  name: t.name,
  prefix: t.prefix,
  createdBy: t.createdBy,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  expiresAt: t.expiresAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

/** Signing in and out over the API (a browser app), and API tokens for integrations. */
export function sessionFeature({ dataSource, auth }: ApiDependencies): Feature {
  return {
    mountPath: '/api/session',
    tag: 'Sign-in',
    description: 'Sign in with a local account (a session cookie) and read or end the session.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/',
        summary: 'Who I am, and the CSRF token for changes made with the session cookie',
        access: 'signedIn',
        responses: { 200: { description: 'The signed-in person', schema: sessionSchema } },
        async handle({ res, identity }) {
          const person = await dataSource.manager.findOneByOrFail(Person, { id: identity!.person.id });
          res.json(sessionView(identity!, person));
        },
      }),
      endpoint({
        method: 'post',
        path: '/',
        summary: 'Sign in with email and password',
        description: `Sets the session cookie (HttpOnly, SameSite=Lax, Secure over TLS). After ${auth.settings.maxFailures} wrong passwords the account is locked for ${auth.settings.lockoutMinutes} minutes and its person is told by email; a locked account is answered exactly as a wrong password (401), so the answer never tells whether an address has an account. An address that fails too often must wait. Every attempt is audited.`,
        access: 'public',
        body: signInSchema,
        responses: {
          201: { description: 'Signed in', schema: sessionSchema, headers: { 'Set-Cookie': 'the session cookie' } },
          401: { description: 'The email or password is not right, or the account is locked for a while (the same answer)' },
          429: { description: 'Too many failed sign-ins from this address', headers: { 'Retry-After': 'seconds' } },
        },
        async handle({ req, res, body }) {
          const outcome = await auth.signIn(body.email, body.password, req.ip ?? 'unknown');
          if (!outcome.ok) {
            if (outcome.reason === 'rate_limited') {
              res.set('Retry-After', String(outcome.retryAfterSeconds));
              throw new ApiProblem(
                429,
                'Too many failed sign-ins',
                'Too many failed sign-ins from this address: wait a while and try again.',
              );
            }
            // A locked account is answered as a wrong password: nothing here may tell whether the address has an account.
            throw new ApiProblem(
              401,
              'The email or password is not right',
              'Check them and try again. After several wrong passwords an account is locked for a while, and its owner is told by email.',
            );
          }
          const { token, session } = await auth.startSession(outcome.person, 'password', {
            ipAddress: req.ip ?? 'unknown',
            userAgent: req.get('user-agent') ?? null,
          });
          setSessionCookie(req, res, auth, token);
          const identity: Identity = { person: outcome.person, via: 'session', session: { id: session.id, csrfToken: session.csrfToken } };
          res.status(201).json(sessionView(identity, outcome.person));
        },
      }),
      endpoint({
        method: 'put',
        path: '/password',
        summary: 'Change my password',
        description:
          'The current password is required. Every other session of yours ends; this one stays signed in. Only from a signed-in browser session.',
        access: 'signedIn',
        body: changeOwnPasswordSchema,
        responses: { 204: { description: 'Changed' } },
        async handle({ res, body, identity }) {
          if (identity!.via !== 'session')
            throw new ApiProblem(403, 'Not allowed', 'A password is changed from a signed-in browser session, not with an API token.');
          await auth.changeOwnPassword(identity!, body.currentPassword, body.newPassword);
          res.status(204).end();
        },
      }),
      endpoint({
        method: 'delete',
        path: '/',
        summary: 'Sign out (ends the session)',
        access: 'signedIn',
        responses: { 204: { description: 'Signed out' } },
        async handle({ req, res, identity }) {
          await auth.endSession(identity!);
          clearSessionCookie(req, res, auth);
          res.status(204).end();
        },
      }),
    ],
  };
}

export function apiTokensFeature({ dataSource, auth }: ApiDependencies): Feature {
  return {
    mountPath: '/api/api-tokens',
    tag: 'API tokens',
    description:
      'Bearer tokens for integrations (Authorization: Bearer rt_…). A token acts as one person, with that person’s roles; only its hash is stored.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/',
        summary: 'My API tokens (an administrator sees everyone’s)',
        access: 'apiTokens.manage',
        relation: async () => ({ self: true }),
        responses: {
          200: { description: 'Tokens, newest first (never the tokens themselves)', schema: listOf(apiTokenSchema, 'ApiTokenList') },
        },
        async handle({ res, by }) {
          const everyone = by.actor.roles.includes('administrator');
          res.json({ items: (await auth.listApiTokens(everyone ? null : by.actor.personId)).map(tokenView) });
        },
      }),
      endpoint({
        method: 'post',
        path: '/',
        summary: 'Issue an API token',
        description: 'Only from a signed-in browser session (a token cannot mint tokens). The token is in this answer and nowhere else.',
        access: 'apiTokens.manage',
        relation: async ({ req, identity }) => {
          const personId = (req.body as { personId?: unknown } | undefined)?.personId;
          return { self: personId === undefined || personId === identity.person.id };
        },
        body: tokenRequestSchema,
        responses: { 201: { description: 'Issued', schema: issuedApiTokenSchema } },
        async handle({ res, body, by, identity }) {
          if (identity!.via !== 'session')
            throw new ApiProblem(403, 'Not allowed', 'API tokens are issued from a signed-in browser session, not with another token.');
          const personId = body.personId ?? by.actor.personId!;
          if (!(await dataSource.manager.existsBy(Person, { id: personId, active: true })))
            throw ApiProblem.invalid([{ field: 'body.personId', message: 'no active person has this id' }]);
          const expiresAt = body.expiresInDays === null ? null : new Date(Date.now() + body.expiresInDays * 86_400_000);
          const { token, row } = await auth.issueApiToken(
            { personId, name: body.name, expiresAt },
            { id: by.actor.personId, label: by.label },
          );
          res.status(201).json({ token, apiToken: tokenView(row) });
        },
      }),
      endpoint({
        method: 'delete',
        path: '/:tokenId',
        summary: 'Revoke an API token',
        access: 'apiTokens.manage',
        params: z.object({ tokenId: z.uuid({ message: 'must be a token id (a UUID)' }) }),
        relation: async ({ params, identity }) => {
          const row = await auth.findApiToken(params.tokenId);
          if (!row) throw ApiProblem.notFound('The API token');
          return { self: row.personId === identity.person.id };
        },
        responses: { 204: { description: 'Revoked' } },
        async handle({ res, params, by }) {
          const row = await auth.findApiToken(params.tokenId);
          if (!row) throw ApiProblem.notFound('The API token');
          if (!row.revokedAt) await auth.revokeApiToken(row, { id: by.actor.personId, label: by.label });
          res.status(204).end();
        },
      }),
    ],
  };
}
