import type { EntityManager } from 'typeorm';
import { AuditEvent } from './AuditEvent';

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

/** Appends to the audit trail inside the caller's transaction, so the change and its record commit together. */
export async function recordAudit(tx: EntityManager, ...entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx
    .createQueryBuilder()
    .insert()
    .into(AuditEvent)
    .values(
      entries.map((e) => ({
        occurredAt: e.occurredAt ?? new Date(),
        actorId: e.actorId,
        actorLabel: e.actorLabel,
        entityType: e.entityType,
        entityId: e.entityId,
        recommendationId: e.recommendationId ?? null,
        type: e.type,
        summary: e.summary,
        before: e.before ?? null,
        after: e.after ?? null,
        idempotencyKey: e.idempotencyKey ?? null,
      })),
    )
    .orIgnore()
    .execute();
}
