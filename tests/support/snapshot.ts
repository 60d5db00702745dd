import type { DataSource } from 'typeorm';

/** Tables a refused request must leave alone (everything but the audit trail and the sign-in bookkeeping). */
const tables = [
  'people',
  'source_reports',
  'recommendations',
  'outbound_emails',
  'departments',
  'delegations',
  'routing_rules',
  'evidence_items',
  'local_accounts',
  'api_tokens',
  'action_links',
  'password_links',
  'external_identities',
];

/**
 * A fingerprint of everything stored: each table's rows (as JSON, hashed in SQL) and the audit trail's events other
 * than refusals. Two equal fingerprints mean nothing was written but refusal records.
 */
export async function databaseFingerprint(dataSource: DataSource): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of tables) {
    const [row] = (await dataSource.query(
      `SELECT count(*)::text AS n, coalesce(md5(string_agg((to_jsonb(t) - 'last_used_at')::text, ',' ORDER BY (to_jsonb(t) - 'last_used_at')::text)), '') AS h FROM "${table}" t`,
    )) as { n: string; h: string }[];
    out[table] = `${row!.n}:${row!.h}`;
  }
  const [audit] = (await dataSource.query(
    `SELECT count(*)::text AS n FROM audit_events WHERE type NOT IN ('permission_refused', 'action_link_forged', 'action_link_reused', 'action_link_expired', 'action_link_refused', 'sign_in_failed')`,
  )) as { n: string }[];
  out.audit_events = audit!.n;
  return out;
}

export async function refusalCount(dataSource: DataSource, type = 'permission_refused'): Promise<number> {
  const [row] = (await dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE type = $1`, [type])) as { n: number }[];
  return row!.n;
}

/** Waits until every email in the outbox has been sent (they go in the background), so fingerprints are stable. */
export async function emailsSettled(dataSource: DataSource, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = (await dataSource.query(`SELECT count(*)::int AS n FROM outbound_emails WHERE status = 'pending'`)) as { n: number }[];
    if (row!.n === 0) return;
    if (Date.now() > deadline) throw new Error(`${row!.n} email(s) still waiting to be sent`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
