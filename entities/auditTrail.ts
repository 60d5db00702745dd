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

const auditColumns = ['occurred_at', 'actor_id', 'actor_label', 'entity_type', 'entity_id', 'recommendation_id', 'type', 'summary', 'before', 'after', 'idempotency_key'];

/**
 * Appends to the audit trail inside the caller's transaction, so the change and its record commit together. All the
 * entries go in one statement; an entry whose idempotency key is already on the trail is skipped.
 */
export async function recordAudit(tx: EntityManager, ...entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const values: unknown[] = [];
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
  await tx.query(`INSERT INTO audit_events (${auditColumns.join(', ')}) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`, values);
}
