import { createHmac } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ApiDependencies } from '../dependencies';
import { clearSessionCookie, formToken, formTokenIsValid, setSessionCookie } from './authenticate';
import { clearCookie, cookieName, isSecureRequest, readCookies, setCookie } from './cookies';
import { personForFirstSignIn } from './firstSignIn';
import { OidcClient, OidcError, type PendingSignIn } from './oidc';
import { deriveKey, sameSecret } from '../../platform/secrets';
import { ExternalIdentity, Person } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { roleLabels, type Role } from '../../domain/vocabulary';
import { escapeHtml } from '../../platform/web/html';
import { renderView } from '../../platform/web/views';

const OIDC_COOKIE = 'rt_oidc';

/** Only paths on this site: "/x", never "//host" or "/\\host" (browsers treat those as other sites). */
export function safeNext(next: unknown): string {
  if (
    typeof next !== 'string' ||
    !next.startsWith('/') ||
    next.startsWith('//') ||
    next.startsWith('/\\') ||
    next.length > 2000 ||
    /[\r\n]/.test(next)
  )
    return '/';
  return next;
}

const storable = (s: string) => !s.includes('\u0000');
const signInForm = z.object({
  _csrf: z.string().optional(),
  email: z
    .string()
    .trim()
    .min(3, 'Enter your email address')
    .max(320, 'The email address is too long')
    .refine(storable, 'The email address has a character that cannot be used'),
  password: z.string().min(1, 'Enter your password').max(1024, 'The password is too long'),
  next: z.string().optional(),
});

interface SignInPageOptions {
  serviceName: string;
  formToken: string;
  next: string;
  error?: string;
  email?: string;
  oidcName: string | null;
  demo: { accounts: { name: string; email: string; roles: string[] }[]; password: string } | null;
  /** Nobody administers the product yet: the page points to /setup (and to the identity provider when ADMIN_EMAILS is set). */
  setupNeeded?: 'setup' | 'setup_or_oidc' | false;
}

export function signInPage(o: SignInPageOptions): string {
  const errorField = /password/i.test(o.error ?? '') && !/email/i.test(o.error ?? '') ? 'password' : 'email';
  const demo = o.demo && {
    password: o.demo.password,
    rows: o.demo.accounts.map((a) => [
      { text: a.name },
      { html: `<code>${escapeHtml(a.email)}</code>` },
      { text: a.roles.map((r) => roleLabels[r as Role] ?? r).join(', ') },
    ]),
  };
  return renderView('signIn.njk', {
    ...o,
    title: 'Sign in',
    demo,
    errorField,
    errors: o.error ? [{ field: errorField, message: o.error }] : undefined,
  });
}

function messagePage(serviceName: string, title: string, text: string): string {
  return renderView('message.njk', { title, serviceName, paragraphs: [text], link: { href: '/sign-in', text: 'Back to sign in' } });
}

/** Sign-in and sign-out pages: local accounts, and the force's identity provider (OpenID Connect) when configured. */
export function signInRoutes({ dataSource, auth, forceName, firstRun }: ApiDependencies): Router {
  const router = Router();
  const serviceName = `${forceName} recommendation tracker`;
  const settings = auth.settings;
  const oidc = settings.oidc ? new OidcClient(settings.oidc) : null;
  const demo = settings.demoAccounts && settings.demoPassword ? { accounts: settings.demoAccounts, password: settings.demoPassword } : null;
  const oidcKey = deriveKey(settings.sessionSecret, 'oidc-state');

  const render = async (req: Request, res: Response, status: number, extra: Partial<SignInPageOptions> = {}) => {
    const setupNeeded = (await firstRun.administered()) ? false : oidc && settings.adminEmails.length ? 'setup_or_oidc' : 'setup';
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(
        signInPage({
          serviceName,
          formToken: formToken(req, res, auth),
          next: safeNext(req.query.next ?? (req.body as { next?: string } | undefined)?.next),
          oidcName: oidc ? settings.oidc!.providerName : null,
          demo,
          setupNeeded,
          ...extra,
        }),
      );
  };

  router.get('/sign-in', (req, res) => {
    if (req.identity) return res.redirect(303, safeNext(req.query.next));
    return render(req, res, 200);
  });

  router.post('/sign-in', async (req, res) => {
    if (!formTokenIsValid(req, auth)) return render(req, res, 403, { error: 'The form had expired. Please try again.' });
    const parsed = signInForm.safeParse(req.body ?? {});
    if (!parsed.success)
      return render(req, res, 400, {
        error: parsed.error.issues.map((i) => i.message).join('. '),
        email: typeof req.body?.email === 'string' ? req.body.email.slice(0, 320) : '',
      });
    const outcome = await auth.signIn(parsed.data.email, parsed.data.password, req.ip ?? 'unknown');
    if (!outcome.ok) {
      if (outcome.reason === 'rate_limited') {
        res.set('Retry-After', String(outcome.retryAfterSeconds));
        const minutes = Math.max(1, Math.ceil((outcome.retryAfterSeconds ?? 60) / 60));
        return render(req, res, 429, {
          error: `Too many failed sign-ins from your address. Try again in ${minutes} minute(s).`,
          email: parsed.data.email,
        });
      }
      // A locked account gets the same page as a wrong password, so the page never tells whether an account exists.
      return render(req, res, 401, { error: 'The email address or password is not right.', email: parsed.data.email });
    }
    const { token } = await auth.startSession(outcome.person, 'password', {
      ipAddress: req.ip ?? 'unknown',
      userAgent: req.get('user-agent') ?? null,
    });
    setSessionCookie(req, res, auth, token);
    res.redirect(303, safeNext(parsed.data.next));
  });

  /** Needs the session's CSRF token in the form (checked by the authentication middleware). */
  router.post('/sign-out', async (req, res) => {
    if (req.identity) await auth.endSession(req.identity);
    clearSessionCookie(req, res, auth);
    res.redirect(303, '/sign-in');
  });

  const signState = (value: string) => createHmac('sha256', oidcKey).update(value).digest('base64url');

  router.get('/sign-in/oidc', async (req, res) => {
    if (!oidc)
      return res
        .status(404)
        .type('html')
        .send(messagePage(serviceName, 'Not available', 'Sign-in through an identity provider is not set up here.'));
    try {
      const { url, pending } = await oidc.startSignIn();
      const value = Buffer.from(JSON.stringify({ ...pending, next: safeNext(req.query.next), exp: Date.now() + 10 * 60_000 })).toString(
        'base64url',
      );
      setCookie(res, OIDC_COOKIE, `${value}.${signState(value)}`, { secure: isSecureRequest(req, settings.publicUrl), maxAgeSeconds: 600 });
      res.redirect(302, url);
    } catch (error) {
      if (!(error instanceof OidcError)) throw error;
      req.log?.warn({ err: error }, 'identity provider not usable');
      res
        .status(502)
        .type('html')
        .send(messagePage(serviceName, 'Sign-in is not available just now', `The identity provider could not be used: ${error.message}.`));
    }
  });

  router.get('/sign-in/oidc/callback', async (req, res) => {
    if (!oidc)
      return res
        .status(404)
        .type('html')
        .send(messagePage(serviceName, 'Not available', 'Sign-in through an identity provider is not set up here.'));
    const secure = isSecureRequest(req, settings.publicUrl);
    const raw = readCookies(req)[cookieName(OIDC_COOKIE, secure)] ?? '';
    clearCookie(res, OIDC_COOKIE, secure);
    const [value, signature] = raw.split('.');
    let pending: (PendingSignIn & { next: string; exp: number }) | null = null;
    if (value && signature && sameSecret(signature, signState(value))) {
      try {
        pending = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as PendingSignIn & { next: string; exp: number };
      } catch {
        pending = null;
      }
    }
    if (!pending || pending.exp < Date.now()) {
      return res
        .status(400)
        .type('html')
        .send(
          messagePage(
            serviceName,
            'Sign-in took too long',
            'The sign-in was not started here, or took more than ten minutes. Please start again.',
          ),
        );
    }
    try {
      const claims = await oidc.finishSignIn(req.query as Record<string, unknown>, pending);
      const linked = await dataSource.manager.findOne(ExternalIdentity, {
        where: { issuer: claims.issuer, subject: claims.subject },
        relations: { person: true },
      });
      let person: Person | null = linked?.person.active ? linked.person : null;
      if (!linked && claims.email) {
        person = await personForFirstSignIn(dataSource, { ...claims, email: claims.email }, settings.adminEmails);
      } else if (linked && person) {
        await dataSource.manager.update(ExternalIdentity, { issuer: claims.issuer, subject: claims.subject }, { lastSignInAt: new Date() });
      }
      if (!person) {
        await recordAudit(dataSource.manager, {
          actorId: null,
          actorLabel: `Identity provider sign-in from ${req.ip ?? 'unknown'}`,
          entityType: 'account',
          entityId: (claims.email ?? claims.subject).slice(0, 320),
          type: 'sign_in_failed',
          summary: `Refused a sign-in through the identity provider: ${claims.email ?? `subject ${claims.subject}`} is not an active person here`,
          after: { reason: 'no_person', issuer: claims.issuer, subject: claims.subject },
        });
        return res
          .status(403)
          .type('html')
          .send(
            messagePage(
              serviceName,
              'No account here',
              `${claims.email ?? 'Your account'} is not set up in this product. Ask the corporate development team to add you.`,
            ),
          );
      }
      const { token } = await auth.startSession(person, 'oidc', {
        ipAddress: req.ip ?? 'unknown',
        userAgent: req.get('user-agent') ?? null,
      });
      setSessionCookie(req, res, auth, token);
      res.redirect(303, safeNext(pending.next));
    } catch (error) {
      if (!(error instanceof OidcError)) throw error;
      await recordAudit(dataSource.manager, {
        actorId: null,
        actorLabel: `Identity provider sign-in from ${req.ip ?? 'unknown'}`,
        entityType: 'account',
        entityId: 'identity-provider',
        type: 'sign_in_failed',
        summary: `Refused a sign-in through the identity provider: ${error.message}`,
        after: { reason: 'oidc', detail: error.message },
      });
      res
        .status(400)
        .type('html')
        .send(
          messagePage(
            serviceName,
            'You could not be signed in',
            `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}. Please start again.`,
          ),
        );
    }
  });

  return router;
}
