import type { EntityManager } from 'typeorm';
import type { AuditEvent } from './AuditEvent';

export interface AuditEntry {
  actorId: string | null;
  actorLabel: string;
  entityType: AuditEvent['entityType'];
  entityId: string;
  recommendationId?: string | null;
  type: string;
  summary: string;
  before?: object | null;
  after?: object | null;
  occurredAt?: Date;
  /** A retry with the same key writes nothing. */
  idempotencyKey?: string;
}

const auditColumns = [
  'occurred_at',
  'actor_id',
  'actor_label',
  'entity_type',
  'entity_id',
  'recommendation_id',
  'type',
  'summary',
  'before',
  'after',
  'idempotency_key',
];

/**
 * Appends to the audit trail inside the caller's transaction, so the change and its record commit together. All the
 * entries go in one statement; an entry whose idempotency key is already on the trail is skipped.
 */
export async function recordAudit(tx: EntityManager, ...entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const values: unknown[] = [];
  await tx.query(auditInsert(entries, values), values);
}

/**
 * The statement recordAudit runs, for a caller that makes it part of a larger one (a change and its audit entry in a
 * single statement, e.g. `WITH changed AS (UPDATE …) INSERT INTO audit_events …`): its parameters are appended to
 * `values`, numbered after those already there.
 */
export function auditInsert(entries: AuditEntry[], values: unknown[]): string {
  const rows = entries.map((e) => {
    const row = [
      e.occurredAt ?? new Date(),
      e.actorId,
      e.actorLabel,
      e.entityType,
      e.entityId,
      e.recommendationId ?? null,
      e.type,
      e.summary,
      e.before == null ? null : JSON.stringify(e.before),
      e.after == null ? null : JSON.stringify(e.after),
      e.idempotencyKey ?? null,
    ];
    const placeholders = row.map((value) => `$${values.push(value)}`);
    return `(${placeholders.join(', ')})`;
  });
  return `INSERT INTO audit_events (${auditColumns.join(', ')}) VALUES ${rows.join(', ')} ON CONFLICT (idempotency_key) DO NOTHING`;
}
