import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { IsoDate } from '../domain/vocabulary';
import type { Person } from './Person';
import type { Recommendation } from './Recommendation';

/** A self-certification letter recorded against an item (`selfCertify`); kept even if HMICFRS later does not accept it. */
@Entity({ name: 'self_certification_letters' })
@Index('IDX_self_certification_letters_transition', ['transitionId'], { unique: true })
@Index('IDX_self_certification_letters_recommendation', ['recommendationId', 'signedOn'])
export class SelfCertificationLetter {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'recommendation_id' })
  recommendationId: string;

  @ManyToOne('Recommendation')
  @JoinColumn({ name: 'recommendation_id', foreignKeyConstraintName: 'FK_self_certification_letters_recommendation' })
  recommendation: Recommendation;

  /** As printed on the letter: "Chief Constable J. Smith". */
  @Column({ type: 'text' })
  signatory: string;

  @Column({ type: 'text', name: 'signatory_role', nullable: true })
  signatoryRole: string | null;

  @Column({ type: 'text', name: 'letter_reference', nullable: true })
  letterReference: string | null;

  @Column({ type: 'date', name: 'signed_on' })
  signedOn: IsoDate;

  @Column({ type: 'uuid', name: 'recorded_by', nullable: true })
  recordedBy: string | null;

  @ManyToOne('Person', { nullable: true })
  @JoinColumn({ name: 'recorded_by', foreignKeyConstraintName: 'FK_self_certification_letters_recorded_by' })
  recorder: Person | null;

  @Column({ type: 'text', name: 'transition_id' })
  transitionId: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
