import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { IsoDate } from '../domain/vocabulary';
import type { Person } from './Person';
import type { Recommendation } from './Recommendation';

/** Every version of an item's evidence: submitted (`submitEvidence`) or changed while being approved (`amendEvidence`). */
@Entity({ name: 'evidence_submissions' })
@Index('IDX_evidence_submissions_version', ['recommendationId', 'version'], { unique: true })
@Check('CHK_evidence_submissions_kind', `"kind" IN ('submitted', 'amended')`)
export class EvidenceSubmission {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'recommendation_id' })
  recommendationId: string;

  @ManyToOne('Recommendation')
  @JoinColumn({ name: 'recommendation_id', foreignKeyConstraintName: 'FK_evidence_submissions_recommendation' })
  recommendation: Recommendation;

  /** `state.evidence.version`: 1 for the first evidence, one more for every submission or change after it. */
  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'text' })
  kind: 'submitted' | 'amended';

  @Column({ type: 'text' })
  summary: string;

  @Column({ type: 'uuid', name: 'submitted_by', nullable: true })
  submittedBy: string | null;

  @ManyToOne('Person', { nullable: true })
  @JoinColumn({ name: 'submitted_by', foreignKeyConstraintName: 'FK_evidence_submissions_submitted_by' })
  submitter: Person | null;

  @Column({ type: 'date', name: 'submitted_on' })
  submittedOn: IsoDate;

  @Column({ type: 'text', name: 'transition_id' })
  transitionId: string;
}
