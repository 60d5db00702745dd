import type { Request, RequestHandler, Response } from 'express';
import { ApiProblem } from '../../platform/http/problem';
import { clearCookie, cookieName, isSecureRequest, readCookies, setCookie } from './cookies';
import { deriveKey, hmac, randomToken, sameSecret } from '../../platform/secrets';
import type { AuthService } from './service';

export const SESSION_COOKIE = 'rt_session';
const FORM_COOKIE = 'rt_form';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The CSRF token a request carries: the X-CSRF-Token header, or the `_csrf` field of a form. */
function csrfTokenOf(req: Request): string | undefined {
  const header = req.get('x-csrf-token');
  if (header) return header;
  const body = req.body as Record<string, unknown> | undefined;
  return body && typeof body === 'object' && !Buffer.isBuffer(body) && typeof body._csrf === 'string' ? body._csrf : undefined;
}

/**
 * Works out who is calling: an API token (Authorization: Bearer rt_…) or a session cookie. A bearer token that does
 * not work is refused outright (401); a stale cookie is dropped and the request goes on anonymously. A request that
 * changes something on the strength of a cookie must carry the session's CSRF token, or it is refused (403).
 */
/** Pages whose forms carry their own pre-session token (formToken below) instead of the session's: sign-in, email action links, set-password links, first-run set-up. */
const ownFormTokens = (req: Request) =>
  req.method === 'POST' &&
  (req.path === '/sign-in' || req.path === '/setup' || req.path.startsWith('/action-links/') || req.path.startsWith('/set-password/'));

export function authenticate(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    const authorization = req.get('authorization')?.trim();
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const identity = match ? await auth.apiTokenIdentity(match[1]!) : null;
      if (!identity) {
        res.set('WWW-Authenticate', 'Bearer');
        throw new ApiProblem(
          401,
          'The API token is not valid',
          'The token is unknown, revoked or expired, or the header is not "Authorization: Bearer <token>". Nothing was done.',
        );
      }
      req.identity = identity;
      next();
      return;
    }
    const secure = isSecureRequest(req, auth.settings.publicUrl);
    const token = readCookies(req)[cookieName(SESSION_COOKIE, secure)];
    if (token) {
      const identity = await auth.sessionIdentity(token);
      if (identity) req.identity = identity;
      else clearCookie(res, SESSION_COOKIE, secure);
    }
    if (
      req.identity?.via === 'session' &&
      !safeMethods.has(req.method) &&
      !ownFormTokens(req) &&
      !sameSecret(csrfTokenOf(req), req.identity.session!.csrfToken)
    ) {
      throw new ApiProblem(
        403,
        'The request did not carry its CSRF token',
        "Changes made from a signed-in browser must send the X-CSRF-Token header (from GET /api/session) or the form's _csrf field. Nothing was done.",
        [{ field: 'header.X-CSRF-Token', message: 'is missing or does not match this session' }],
      );
    }
    next();
  };
}

export function setSessionCookie(req: Request, res: Response, auth: AuthService, token: string): void {
  setCookie(res, SESSION_COOKIE, token, {
    secure: isSecureRequest(req, auth.settings.publicUrl),
    maxAgeSeconds: auth.settings.sessionHours * 3600,
  });
}

export function clearSessionCookie(req: Request, res: Response, auth: AuthService): void {
  clearCookie(res, SESSION_COOKIE, isSecureRequest(req, auth.settings.publicUrl));
}

/**
 * Forms shown before anyone is signed in (sign-in, email action links) use a double-submit token: a random cookie and
 * a hidden field holding its HMAC under SESSION_SECRET. Another site can neither read the cookie nor forge the field.
 */
export function formToken(req: Request, res: Response, auth: AuthService): string {
  const secure = isSecureRequest(req, auth.settings.publicUrl);
  let value = readCookies(req)[cookieName(FORM_COOKIE, secure)];
  if (!value || !/^[\w-]{43}$/.test(value)) {
    value = randomToken();
    setCookie(res, FORM_COOKIE, value, { secure, maxAgeSeconds: 2 * 3600 });
  }
  return hmac(deriveKey(auth.settings.sessionSecret, 'form-tokens'), value);
}

export function formTokenIsValid(req: Request, auth: AuthService): boolean {
  const value = readCookies(req)[cookieName(FORM_COOKIE, isSecureRequest(req, auth.settings.publicUrl))];
  if (!value) return false;
  const body = req.body as Record<string, unknown> | undefined;
  const field = body && typeof body === 'object' && !Buffer.isBuffer(body) && typeof body._csrf === 'string' ? body._csrf : undefined;
  return sameSecret(field, hmac(deriveKey(auth.settings.sessionSecret, 'form-tokens'), value));
}
