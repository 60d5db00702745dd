import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { IsoDate } from '../domain/vocabulary';
import type { Person } from './Person';
import type { Recommendation } from './Recommendation';

export const extensionRequestStatuses = ['pending', 'approved', 'refused', 'lapsed'] as const;
export type ExtensionRequestStatus = (typeof extensionRequestStatuses)[number];

/**
 * One request to move an item's due date (`state.pendingExtension` while it waits). It ends approved (the due date
 * moved to it), refused, or lapsed (a fresh assignment or the item's closure withdrew it).
 */
@Entity({ name: 'extension_requests' })
@Index('IDX_extension_requests_opened_transition', ['openedTransitionId'], { unique: true })
@Index('IDX_extension_requests_recommendation', ['recommendationId', 'requestedOn'])
@Check('CHK_extension_requests_status', `"status" IN ('pending', 'approved', 'refused', 'lapsed')`)
export class ExtensionRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'recommendation_id' })
  recommendationId: string;

  @ManyToOne('Recommendation')
  @JoinColumn({ name: 'recommendation_id', foreignKeyConstraintName: 'FK_extension_requests_recommendation' })
  recommendation: Recommendation;

  /** The due date when the extension was asked for. */
  @Column({ type: 'date', name: 'previous_due_date', nullable: true })
  previousDueDate: IsoDate | null;

  @Column({ type: 'date', name: 'requested_due_date' })
  requestedDueDate: IsoDate;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'uuid', name: 'requested_by', nullable: true })
  requestedBy: string | null;

  @ManyToOne('Person', { nullable: true })
  @JoinColumn({ name: 'requested_by', foreignKeyConstraintName: 'FK_extension_requests_requested_by' })
  requester: Person | null;

  @Column({ type: 'date', name: 'requested_on' })
  requestedOn: IsoDate;

  @Column({ type: 'text', default: 'pending' })
  status: ExtensionRequestStatus;

  @Column({ type: 'date', name: 'decided_on', nullable: true })
  decidedOn: IsoDate | null;

  @Column({ type: 'uuid', name: 'decided_by', nullable: true })
  decidedBy: string | null;

  @ManyToOne('Person', { nullable: true })
  @JoinColumn({ name: 'decided_by', foreignKeyConstraintName: 'FK_extension_requests_decided_by' })
  decider: Person | null;

  /** Why it was refused, or what withdrew it; null when approved. */
  @Column({ type: 'text', name: 'decision_reason', nullable: true })
  decisionReason: string | null;

  @Column({ type: 'text', name: 'opened_transition_id' })
  openedTransitionId: string;

  @Column({ type: 'text', name: 'closed_transition_id', nullable: true })
  closedTransitionId: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
