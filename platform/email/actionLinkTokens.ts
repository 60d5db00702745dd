import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ActionLink, actionLinkActions, type ActionLinkAction } from '../../entities/ActionLink';
import { deriveKey, hmac, sameSecret } from '../secrets';

/**
 * Email action links: a link that lets one person take one action on one item without signing in, once, before it
 * expires. The link carries its claims and an HMAC-SHA256 signature under a key derived from SESSION_SECRET, so a
 * forged or altered link is recognised without a database read; the `action_links` row makes it single use.
 *
 * How the email activity uses it (activities/, inside the transaction that writes the outbox row):
 *
 *   import { actionLinkExpiry, createActionLink } from '../platform/email/actionLinkTokens';
 *   const link = await createActionLink(tx, {
 *     id: deterministicUuid,            // optional: e.g. derived from the outbox row, so a retried activity reuses it
 *     personId: approverId,              // who is asked (the email's recipient)
 *     recommendationId,
 *     action: 'approve',                 // or 'reject', 'approveExtension', 'refuseExtension'
 *     expiresAt: actionLinkExpiry(new Date(), config.ACTION_LINK_DAYS),
 *   }, sessionSecret);                   // config SESSION_SECRET, via sessionSecret(config) in config/config.ts
 *   const url = `${publicUrl}${link.path}`;   // put one link per action in the email
 *
 * Following the link only shows what will happen (GET changes nothing, so mail scanners are harmless); the
 * person's submission of that page acts, as them, for that one action (api/actionLinks/routes.ts).
 */

export interface ActionLinkRequest {
  /** A fixed id makes the call idempotent: the same id gives the same link and one row. */
  id?: string;
  personId: string;
  recommendationId: string;
  action: ActionLinkAction;
  expiresAt: Date;
}

export interface ActionLinkClaims {
  id: string;
  personId: string;
  recommendationId: string;
  action: ActionLinkAction;
  expiresAt: Date;
}

const VERSION = 1;

/** The default expiry: `days` days from `now` (ACTION_LINK_DAYS, 14 unless configured). */
export function actionLinkExpiry(now: Date, days: number): Date {
  return new Date(now.getTime() + days * 86_400_000);
}

function sign(payload: string, secret: string): string {
  return hmac(deriveKey(secret, 'action-links'), payload);
}

/** Signs the claims into the token that goes in the URL: `<payload>.<signature>`, both base64url. */
export function signActionLink(claims: ActionLinkClaims, secret: string): string {
  const payload = Buffer.from(
    JSON.stringify([
      VERSION,
      claims.id,
      claims.personId,
      claims.recommendationId,
      claims.action,
      Math.floor(claims.expiresAt.getTime() / 1000),
    ]),
  ).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

/** Stores the link (single use) and returns its path, `/action-links/<token>`; `manager` may be a transaction. */
export async function createActionLink(
  manager: EntityManager,
  request: ActionLinkRequest,
  secret: string,
): Promise<{ id: string; token: string; path: string }> {
  const [link] = await createActionLinks(manager, [request], secret);
  return link!;
}

/** Stores several links in one statement (an email may offer more than one decision), in the order asked. */
export async function createActionLinks(
  manager: EntityManager,
  requests: ActionLinkRequest[],
  secret: string,
): Promise<{ id: string; token: string; path: string }[]> {
  if (requests.length === 0) return [];
  const claims: ActionLinkClaims[] = requests.map((request) => ({
    ...request,
    id: request.id ?? randomUUID(),
    expiresAt: new Date(Math.floor(request.expiresAt.getTime() / 1000) * 1000),
  }));
  const values: unknown[] = [];
  const rows = claims.map(
    (c) => `(${[c.id, c.personId, c.recommendationId, c.action, c.expiresAt].map((value) => `$${values.push(value)}`).join(', ')})`,
  );
  await manager.query(
    `INSERT INTO action_links (id, person_id, recommendation_id, action, expires_at) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`,
    values,
  );
  return claims.map((c) => {
    const token = signActionLink(c, secret);
    return { id: c.id, token, path: `/action-links/${token}` };
  });
}

export type TokenReading = { ok: true; claims: ActionLinkClaims } | { ok: false; reason: 'malformed' | 'forged' };

/** Checks a token's signature and shape. Expiry and single use are the database's to say (see routes.ts). */
export function readActionLinkToken(token: string, secret: string): TokenReading {
  if (token.length > 1000) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[\w-]+$/.test(parts[0]!) || !/^[\w-]+$/.test(parts[1]!)) return { ok: false, reason: 'malformed' };
  const [payload, signature] = parts as [string, string];
  if (!sameSecret(signature, sign(payload, secret))) return { ok: false, reason: 'forged' };
  try {
    const [version, id, personId, recommendationId, action, expires] = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8'),
    ) as unknown[];
    if (
      version !== VERSION ||
      typeof id !== 'string' ||
      typeof personId !== 'string' ||
      typeof recommendationId !== 'string' ||
      typeof expires !== 'number'
    ) {
      return { ok: false, reason: 'malformed' };
    }
    if (!(actionLinkActions as readonly unknown[]).includes(action)) return { ok: false, reason: 'malformed' };
    return {
      ok: true,
      claims: { id, personId, recommendationId, action: action as ActionLinkAction, expiresAt: new Date(expires * 1000) },
    };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}
