import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type OutboundEmailStatus = 'pending' | 'sent' | 'failed';

/**
 * The outbox: an email is written here in the same transaction as the event that causes it, then sent
 * by an activity that marks it sent once the SMTP server accepted it. The row id is the Message-ID.
 */
@Entity({ name: 'outbound_emails' })
@Index('IDX_outbound_emails_transition', ['transitionId', 'template', 'recipientId'], { unique: true })
@Index('IDX_outbound_emails_pending', ['createdAt'], { where: `status = 'pending'` })
@Index('IDX_outbound_emails_batch', ['batchId'])
export class OutboundEmail {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', name: 'transition_id' })
  transitionId: string;

  @Column({ type: 'text' })
  template: string;

  @Column({ type: 'uuid', name: 'recipient_id' })
  recipientId: string;

  @Column({ type: 'text', name: 'to_address' })
  toAddress: string;

  @Column({ type: 'uuid', name: 'recommendation_id', nullable: true })
  recommendationId: string | null;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text', name: 'body_text' })
  bodyText: string;

  @Column({ type: 'text', name: 'body_html' })
  bodyHtml: string;

  /** An iCalendar event sent with the email (a due date), or null. */
  @Column({ type: 'text', name: 'calendar_event', nullable: true })
  calendarEvent: string | null;

  @Column({ type: 'text', default: 'pending' })
  status: OutboundEmailStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError: string | null;

  /** While set and in the future, a sender is (or may still be) handing this row to the SMTP server: nobody else sends it. */
  @Column({ type: 'timestamptz', name: 'lease_until', nullable: true })
  leaseUntil: Date | null;

  /** The batch of commands that queued it (entities/emailBatches.ts): its recipient's emails of one kind from it go as one. */
  @Column({ type: 'text', name: 'batch_id', nullable: true })
  batchId: string | null;

  /** A batched row is not sent before this, unless its batch closes sooner; null once nothing holds it. */
  @Column({ type: 'timestamptz', name: 'hold_until', nullable: true })
  holdUntil: Date | null;

  @Column({ type: 'timestamptz', name: 'sent_at', nullable: true })
  sentAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
