import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { IsoDate } from '../domain/vocabulary';
import type { Person } from './Person';
import type { Recommendation } from './Recommendation';

/** A category 3 item sent to HMICFRS for sign-off by the force liaison lead (`submitToHmicfrs`). */
@Entity({ name: 'hmicfrs_submissions' })
@Index('IDX_hmicfrs_submissions_transition', ['transitionId'], { unique: true })
@Index('IDX_hmicfrs_submissions_recommendation', ['recommendationId', 'submittedOn'])
export class HmicfrsSubmission {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'recommendation_id' })
  recommendationId: string;

  @ManyToOne('Recommendation')
  @JoinColumn({ name: 'recommendation_id', foreignKeyConstraintName: 'FK_hmicfrs_submissions_recommendation' })
  recommendation: Recommendation;

  @Column({ type: 'date', name: 'submitted_on' })
  submittedOn: IsoDate;

  @Column({ type: 'uuid', name: 'submitted_by', nullable: true })
  submittedBy: string | null;

  @ManyToOne('Person', { nullable: true })
  @JoinColumn({ name: 'submitted_by', foreignKeyConstraintName: 'FK_hmicfrs_submissions_submitted_by' })
  submitter: Person | null;

  /** HMICFRS's or the force's reference for the submission, if any. */
  @Column({ type: 'text', nullable: true })
  reference: string | null;

  @Column({ type: 'text', name: 'transition_id' })
  transitionId: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
