import type { EntityManager } from 'typeorm';
import { deriveKey, hmac, sameSecret } from '../../platform/secrets';

/** Where the chain first fails, and why, in words an administrator can act on. */
export interface BrokenLink {
  chainSeq: string;
  eventId: string | null;
  recommendationId: string | null;
  reason: string;
}

export interface Checkpoint {
  chainSeq: string;
  /** Hex. */
  hash: string;
  signature: string;
}

export interface ChainReport {
  checkedAt: string;
  events: number;
  /** Signed checkpoints compared with the trail (stored ones and any given, e.g. from the log or an email). */
  checkpoints: number;
  firstBreak: BrokenLink | null;
}

const signed = (secret: string, seq: string, hash: string) => hmac(deriveKey(secret, 'audit-checkpoints'), `${seq}:${hash}`);

export function signCheckpoint(secret: string, chainSeq: string, hash: string): Checkpoint {
  return { chainSeq, hash, signature: signed(secret, chainSeq, hash) };
}

/** A checkpoint as printed in the log and emailed: `audit-checkpoint:<seq>:<hash>:<signature>`. */
export const checkpointText = (c: Checkpoint) => `audit-checkpoint:${c.chainSeq}:${c.hash}:${c.signature}`;

export function parseCheckpoint(text: string): Checkpoint | null {
  const m = /^(?:audit-checkpoint:)?(\d+):([0-9a-f]{64}):([A-Za-z0-9_-]+)$/.exec(text.trim());
  return m ? { chainSeq: m[1]!, hash: m[2]!, signature: m[3]! } : null;
}

/** The newest event's place and hash: what a checkpoint records. */
export async function chainHead(manager: EntityManager): Promise<{ chainSeq: string; hash: string } | null> {
  const [row] = (await manager.query(
    `SELECT chain_seq::text AS seq, encode(hash, 'hex') AS hash FROM audit_events ORDER BY chain_seq DESC LIMIT 1`,
  )) as { seq: string; hash: string }[];
  return row ? { chainSeq: row.seq, hash: row.hash } : null;
}

// Each event: its content still gives its hash, it follows the event before it in the whole trail and in its item's.
const linkChecks = `
  SELECT chain_seq, id, recommendation_id,
         hash = audit_event_digest(a) AS intact,
         chain_seq = coalesce(lag(chain_seq) OVER w, 0) + 1 AS contiguous,
         prev_hash IS NOT DISTINCT FROM lag(hash) OVER w AS linked,
         CASE WHEN recommendation_id IS NULL THEN item_prev_hash IS NULL
              ELSE item_prev_hash IS NOT DISTINCT FROM lag(hash) OVER (PARTITION BY recommendation_id ORDER BY chain_seq) END AS item_linked
  FROM audit_events a
  WINDOW w AS (ORDER BY chain_seq)`;

function reasonOf(row: { intact: boolean; contiguous: boolean; linked: boolean; item_linked: boolean }): string {
  if (!row.intact) return 'its content no longer matches its hash: it was changed after it was written';
  if (!row.contiguous) return 'events before it are missing: they were deleted';
  if (!row.linked) return 'it does not follow the event before it: events were removed or replaced';
  return 'it does not follow the item’s previous event: an event of this item was removed or replaced';
}

/**
 * Checks the whole trail and every signed checkpoint, and names the first broken link. A checkpoint with a wrong
 * signature is itself a break: only the product, holding SESSION_SECRET, can sign one.
 */
export async function verifyAuditChain(manager: EntityManager, secret: string, given: Checkpoint[] = []): Promise<ChainReport> {
  const checkedAt = new Date().toISOString();
  const [counts] = (await manager.query(`SELECT count(*)::int AS events FROM audit_events`)) as { events: number }[];
  const [bad] = (await manager.query(
    `SELECT chain_seq::text AS seq, id::text AS id, recommendation_id AS item, intact, contiguous, linked, item_linked
     FROM (${linkChecks}) c WHERE NOT (intact AND contiguous AND linked AND item_linked) ORDER BY chain_seq LIMIT 1`,
  )) as { seq: string; id: string; item: string | null; intact: boolean; contiguous: boolean; linked: boolean; item_linked: boolean }[];
  let firstBreak: BrokenLink | null = bad
    ? { chainSeq: bad.seq, eventId: bad.id, recommendationId: bad.item, reason: reasonOf(bad) }
    : null;

  const stored = (
    (await manager.query(
      `SELECT chain_seq::text AS seq, encode(hash, 'hex') AS hash, signature FROM audit_checkpoints ORDER BY chain_seq`,
    )) as { seq: string; hash: string; signature: string }[]
  ).map((r) => ({ chainSeq: r.seq, hash: r.hash, signature: r.signature }));
  const checkpoints = [...stored, ...given].sort((a, b) => Number(a.chainSeq) - Number(b.chainSeq));
  for (const checkpoint of checkpoints) {
    const problem = await checkpointProblem(manager, secret, checkpoint);
    if (problem && (!firstBreak || Number(checkpoint.chainSeq) < Number(firstBreak.chainSeq))) firstBreak = problem;
  }
  return { checkedAt, events: counts?.events ?? 0, checkpoints: checkpoints.length, firstBreak };
}

async function checkpointProblem(manager: EntityManager, secret: string, c: Checkpoint): Promise<BrokenLink | null> {
  const at = { chainSeq: c.chainSeq, eventId: null, recommendationId: null };
  if (!sameSecret(c.signature, signed(secret, c.chainSeq, c.hash)))
    return { ...at, reason: `the checkpoint of event ${c.chainSeq} is not signed by this product: it was forged or altered` };
  const [row] = (await manager.query(
    `SELECT id::text AS id, recommendation_id AS item, encode(hash, 'hex') AS hash FROM audit_events WHERE chain_seq = $1`,
    [c.chainSeq],
  )) as {
    id: string;
    item: string | null;
    hash: string;
  }[];
  if (!row)
    return {
      ...at,
      reason: `event ${c.chainSeq}, recorded by a signed checkpoint, is no longer on the trail: the trail was emptied or cut`,
    };
  if (row.hash !== c.hash)
    return {
      chainSeq: c.chainSeq,
      eventId: row.id,
      recommendationId: row.item,
      reason: `event ${c.chainSeq} differs from the signed checkpoint: the trail was rewritten`,
    };
  return null;
}

/**
 * Items (of `$1`, or all when it is null) whose own trail does not verify: an event changed, or one removed between
 * two others. One row per item, with its reference and report for naming it.
 */
export const brokenItemTrailsSql = `
  SELECT b.item AS id, r.reference, s.title AS "reportTitle" FROM (
    SELECT DISTINCT recommendation_id AS item FROM (
      SELECT recommendation_id, hash = audit_event_digest(a) AS intact,
             item_prev_hash IS NOT DISTINCT FROM lag(hash) OVER (PARTITION BY recommendation_id ORDER BY chain_seq) AS item_linked
      FROM audit_events a WHERE recommendation_id IS NOT NULL AND ($1::uuid[] IS NULL OR recommendation_id = ANY($1::uuid[]))) c
    WHERE NOT (intact AND item_linked)) b
  LEFT JOIN recommendations r ON r.id = b.item LEFT JOIN source_reports s ON s.id = r.report_id
  ORDER BY s.title, r.reference`;

export async function itemsWithBrokenTrails(manager: EntityManager, recommendationIds: string[]): Promise<Set<string>> {
  if (recommendationIds.length === 0) return new Set();
  const rows = (await manager.query(brokenItemTrailsSql, [recommendationIds])) as { id: string }[];
  return new Set(rows.map((r) => r.id));
}
