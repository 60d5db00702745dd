import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The append-only history of everything that happened: the source of truth for "as at" reports.
 * The database refuses UPDATE and DELETE on this table (see the migration's trigger), and chains every event to the
 * one before it by hash, so a change behind the product's back is detectable (api/audit/chain.ts).
 */
@Entity({ name: 'audit_events' })
@Index('IDX_audit_events_recommendation', ['recommendationId', 'occurredAt'])
@Index('IDX_audit_events_entity', ['entityType', 'entityId', 'occurredAt'])
@Index('UQ_audit_events_chain_seq', ['chainSeq'], { unique: true })
@Index('IDX_audit_events_item_chain', ['recommendationId', 'chainSeq'])
@Index('IDX_audit_events_recommendation_trail', ['recommendationId', 'occurredAt', 'id'], { where: `"entity_type" = 'recommendation'` })
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz', name: 'occurred_at' })
  occurredAt: Date;

  /** Null when the product itself acted (a timer, an import, the demo loader). */
  @Column({ type: 'uuid', name: 'actor_id', nullable: true })
  actorId: string | null;

  /** Who acted, as they were named at the time. */
  @Column({ type: 'text', name: 'actor_label' })
  actorLabel: string;

  @Column({ type: 'text', name: 'entity_type' })
  entityType:
    | 'recommendation'
    | 'source_report'
    | 'person'
    | 'email'
    | 'routing_rule'
    | 'delegation'
    | 'department'
    | 'evidence_file'
    /** A file attached to the letter, the submission to HMICFRS or HMICFRS's response. */
    | 'attachment'
    | 'force_setting'
    /** What one of the force's status wordings means at import (entity id: the wording's key). */
    | 'import_status_mapping'
    /** An import of a tracker and what it stated (report rows' counts and status lines, category totals). */
    | 'tracker_import'
    /** The cover report of a kind of committee paper (entity id: the kind). */
    | 'paper_cover_report'
    /** Sign-ins, failed sign-ins, lockouts and sign-outs (entity id: the person's, or the email typed). */
    | 'account'
    | 'api_token'
    | 'action_link'
    /** A set-password link emailed to a person. */
    | 'password_link'
    /** A one-time code for the first-run page (api/setup/firstRun.ts). */
    | 'setup_code'
    /** Removal of expired sessions, used set-password links and old sign-in attempts. */
    | 'housekeeping'
    /** A request the permission table refused (entity id: "METHOD /path"). */
    | 'authorization';

  /** A UUID, or a routing rule's own id. */
  @Column({ type: 'text', name: 'entity_id' })
  entityId: string;

  @Column({ type: 'uuid', name: 'recommendation_id', nullable: true })
  recommendationId: string | null;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text' })
  summary: string;

  @Column({ type: 'jsonb', nullable: true })
  before: object | null;

  @Column({ type: 'jsonb', nullable: true })
  after: object | null;

  /** Makes a retried write a no-op: one key per event of one transition. */
  @Column({ type: 'text', name: 'idempotency_key', nullable: true, unique: true })
  idempotencyKey: string | null;

  /** The event's place in the hash chain, and the chain's hashes: set by the database as the event is appended. */
  @Column({ type: 'bigint', name: 'chain_seq', select: false, insert: false, update: false })
  chainSeq: string;

  @Column({ type: 'bytea', name: 'prev_hash', nullable: true, select: false, insert: false, update: false })
  prevHash: Buffer | null;

  @Column({ type: 'bytea', name: 'item_prev_hash', nullable: true, select: false, insert: false, update: false })
  itemPrevHash: Buffer | null;

  @Column({ type: 'bytea', select: false, insert: false, update: false })
  hash: Buffer;
}
