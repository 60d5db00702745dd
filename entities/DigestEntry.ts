import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A routine reminder waiting for its recipient's digest: people get at most one routine email a day (or a week,
 * if they choose), listing all their items. Escalations and approval requests never wait here.
 */
@Entity({ name: 'digest_entries' })
@Index('IDX_digest_entries_pending', ['personId', 'sentAt'])
@Index('IDX_digest_entries_nudge', ['nudgeKey', 'personId'], { unique: true })
export class DigestEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'person_id' })
  personId: string;

  @Column({ type: 'uuid', name: 'recommendation_id' })
  recommendationId: string;

  /** The item's workflow's key for the nudge, prefixed with the item id: one entry per nudge and person. */
  @Column({ type: 'text', name: 'nudge_key' })
  nudgeKey: string;

  @Column({ type: 'text' })
  kind: string;

  /** One line of the digest, e.g. "Due in 7 working days (31 March 2027): HMICFRS PEEL 2021, recommendation 4". */
  @Column({ type: 'text' })
  line: string;

  @Column({ type: 'text' })
  link: string;

  @Column({ type: 'date', name: 'due_date', nullable: true })
  dueDate: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  /** The outbox row of the digest that carried it; null while it waits. */
  @Column({ type: 'uuid', name: 'outbound_email_id', nullable: true })
  outboundEmailId: string | null;

  @Column({ type: 'timestamptz', name: 'sent_at', nullable: true })
  sentAt: Date | null;
}
