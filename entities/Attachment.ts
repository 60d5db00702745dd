import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Recommendation } from './Recommendation';

export const attachmentRecordKinds = ['self_certification_letter', 'hmicfrs_submission', 'hmicfrs_response'] as const;
/** What a file is attached to: the self-certification letter, the submission to HMICFRS, or HMICFRS's response. */
export type AttachmentRecordKind = (typeof attachmentRecordKinds)[number];

/**
 * A file kept with an item's correspondence with HMICFRS (the signed letter, what was sent, HMICFRS's reply), checked
 * and kept as evidence files are: in the database with its size and SHA-256. The same file attached to the same record
 * twice (a form sent again) is kept once.
 */
@Entity({ name: 'attachments' })
@Index('IDX_attachments_recommendation', ['recommendationId', 'addedAt'])
@Index('IDX_attachments_record_file', ['recordId', 'sha256'], { unique: true })
@Check('CHK_attachments_record_kind', `"record_kind" IN ('self_certification_letter', 'hmicfrs_submission', 'hmicfrs_response')`)
export class Attachment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'recommendation_id' })
  recommendationId: string;

  @ManyToOne('Recommendation', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'recommendation_id', foreignKeyConstraintName: 'FK_attachments_recommendation' })
  recommendation: Recommendation;

  @Column({ type: 'text', name: 'record_kind' })
  recordKind: AttachmentRecordKind;

  /** The row of self_certification_letters, hmicfrs_submissions or hmicfrs_responses, by `recordKind`. */
  @Column({ type: 'uuid', name: 'record_id' })
  recordId: string;

  /** The name it downloads as. */
  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', name: 'content_type' })
  contentType: string;

  @Column({ type: 'integer', name: 'size_bytes' })
  sizeBytes: number;

  @Column({ type: 'text' })
  sha256: string;

  /** Loaded only when the file is downloaded. */
  @Column({ type: 'bytea', select: false })
  content: Buffer;

  @Column({ type: 'uuid', name: 'added_by', nullable: true })
  addedBy: string | null;

  @Column({ type: 'text', name: 'added_by_label' })
  addedByLabel: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'added_at' })
  addedAt: Date;
}
