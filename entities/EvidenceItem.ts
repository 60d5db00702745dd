import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Recommendation } from './Recommendation';

export type EvidenceKind = 'file' | 'link' | 'note';

/**
 * A piece of evidence an owner attaches before submitting: an uploaded file (kept in the database with its
 * size and SHA-256, so backups hold it and tampering shows), a link to where it lives, or a note.
 */
@Entity({ name: 'evidence_items' })
@Index('IDX_evidence_items_recommendation', ['recommendationId', 'addedAt'])
export class EvidenceItem {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'recommendation_id' })
  recommendationId: string;

  @ManyToOne('Recommendation', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'recommendation_id', foreignKeyConstraintName: 'FK_evidence_items_recommendation' })
  recommendation: Recommendation;

  @Column({ type: 'text' })
  kind: EvidenceKind;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', nullable: true })
  url: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'text', name: 'content_type', nullable: true })
  contentType: string | null;

  @Column({ type: 'integer', name: 'size_bytes', nullable: true })
  sizeBytes: number | null;

  @Column({ type: 'text', nullable: true })
  sha256: string | null;

  /** Loaded only when the file is downloaded. */
  @Column({ type: 'bytea', nullable: true, select: false })
  content: Buffer | null;

  @Column({ type: 'uuid', name: 'added_by', nullable: true })
  addedBy: string | null;

  @Column({ type: 'text', name: 'added_by_label' })
  addedByLabel: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'added_at' })
  addedAt: Date;
}
