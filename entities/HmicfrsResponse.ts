import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { IsoDate } from '../domain/vocabulary';
import type { Person } from './Person';
import type { Recommendation } from './Recommendation';

export const hmicfrsResponseOutcomes = ['signed_off', 'not_accepted', 'reality_test', 'verification_visit'] as const;
export type HmicfrsResponseOutcome = (typeof hmicfrsResponseOutcomes)[number];

/**
 * What HMICFRS said or did about a self-certified item: signed it off, did not accept it, will reality-test it at
 * the next inspection (`recordHmicfrsResponse`), or visited to verify it (`recordVerificationVisit`).
 */
@Entity({ name: 'hmicfrs_responses' })
@Index('IDX_hmicfrs_responses_transition', ['transitionId'], { unique: true })
@Index('IDX_hmicfrs_responses_recommendation', ['recommendationId', 'recordedOn'])
@Check('CHK_hmicfrs_responses_outcome', `"outcome" IN ('signed_off', 'not_accepted', 'reality_test', 'verification_visit')`)
export class HmicfrsResponse {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'recommendation_id' })
  recommendationId: string;

  @ManyToOne('Recommendation')
  @JoinColumn({ name: 'recommendation_id', foreignKeyConstraintName: 'FK_hmicfrs_responses_recommendation' })
  recommendation: Recommendation;

  @Column({ type: 'text' })
  outcome: HmicfrsResponseOutcome;

  /** HMICFRS's reasons, or the notes of a verification visit. */
  @Column({ type: 'text', nullable: true })
  reasons: string | null;

  /** The day of the verification visit (outcome 'verification_visit'). */
  @Column({ type: 'date', name: 'visited_on', nullable: true })
  visitedOn: IsoDate | null;

  @Column({ type: 'date', name: 'recorded_on' })
  recordedOn: IsoDate;

  @Column({ type: 'uuid', name: 'recorded_by', nullable: true })
  recordedBy: string | null;

  @ManyToOne('Person', { nullable: true })
  @JoinColumn({ name: 'recorded_by', foreignKeyConstraintName: 'FK_hmicfrs_responses_recorded_by' })
  recorder: Person | null;

  @Column({ type: 'text', name: 'transition_id' })
  transitionId: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
