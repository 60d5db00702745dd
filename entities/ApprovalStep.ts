import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { RouteStep } from '../domain/approvalRouting';
import type { IsoDate } from '../domain/vocabulary';
import type { ApprovalRequest } from './ApprovalRequest';
import type { Person } from './Person';

export type ApprovalDecision = 'approved' | 'rejected' | 'outdated';

/**
 * One asking of one step of an approval chain. `round` counts askings of the same step: an approval outdated by
 * changed evidence or text stays as its round with decision 'outdated', and the step is asked again in the next.
 */
@Entity({ name: 'approval_steps' })
@Index('IDX_approval_steps_position', ['approvalRequestId', 'position', 'round'], { unique: true })
@Index('IDX_approval_steps_approver', ['approverId', 'decision'])
@Check('CHK_approval_steps_decision', `"decision" IN ('approved', 'rejected', 'outdated')`)
export class ApprovalStep {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'approval_request_id' })
  approvalRequestId: string;

  @ManyToOne('ApprovalRequest', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'approval_request_id', foreignKeyConstraintName: 'FK_approval_steps_request' })
  approvalRequest: ApprovalRequest;

  /** From 0, in the chain's order. */
  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'integer', default: 1 })
  round: number;

  @Column({ type: 'jsonb' })
  step: RouteStep;

  /** Who was asked; null until the step opens, or while nobody eligible can be found (`waitingReason`). */
  @Column({ type: 'uuid', name: 'approver_id', nullable: true })
  approverId: string | null;

  @ManyToOne('Person', { nullable: true })
  @JoinColumn({ name: 'approver_id', foreignKeyConstraintName: 'FK_approval_steps_approver' })
  approver: Person | null;

  /** The person the approver stands in for through a delegation. */
  @Column({ type: 'uuid', name: 'on_behalf_of', nullable: true })
  onBehalfOf: string | null;

  @ManyToOne('Person', { nullable: true })
  @JoinColumn({ name: 'on_behalf_of', foreignKeyConstraintName: 'FK_approval_steps_on_behalf_of' })
  standingInFor: Person | null;

  @Column({ type: 'date', name: 'opened_on', nullable: true })
  openedOn: IsoDate | null;

  @Column({ type: 'text', name: 'waiting_reason', nullable: true })
  waitingReason: string | null;

  @Column({ type: 'text', nullable: true })
  decision: ApprovalDecision | null;

  @Column({ type: 'uuid', name: 'decided_by', nullable: true })
  decidedBy: string | null;

  @ManyToOne('Person', { nullable: true })
  @JoinColumn({ name: 'decided_by', foreignKeyConstraintName: 'FK_approval_steps_decided_by' })
  decider: Person | null;

  @Column({ type: 'date', name: 'decided_on', nullable: true })
  decidedOn: IsoDate | null;

  @Column({ type: 'text', nullable: true })
  comment: string | null;
}
