import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { IsoDate } from '../domain/vocabulary';
import type { ExtensionRequest } from './ExtensionRequest';
import type { Recommendation } from './Recommendation';

export const approvalRequestKinds = ['closure', 'extension'] as const;
export type ApprovalRequestKind = (typeof approvalRequestKinds)[number];

export const approvalRequestStatuses = ['open', 'approved', 'rejected', 'outdated', 'cancelled'] as const;
export type ApprovalRequestStatus = (typeof approvalRequestStatuses)[number];

/**
 * One approval chain: the closure chain (`state.approval`) from evidence to the last approval, or the chain of a
 * pending extension (`state.pendingExtension.chain`). It ends approved, rejected, cancelled (the item closed some
 * other way, or the extension lapsed), or outdated (an approved closure set aside when HMICFRS did not accept the
 * item or it was reopened).
 */
@Entity({ name: 'approval_requests' })
@Index('IDX_approval_requests_opened_transition', ['openedTransitionId', 'kind'], { unique: true })
@Index('IDX_approval_requests_recommendation', ['recommendationId', 'kind', 'startedOn'])
@Check('CHK_approval_requests_kind', `"kind" IN ('closure', 'extension')`)
@Check('CHK_approval_requests_status', `"status" IN ('open', 'approved', 'rejected', 'outdated', 'cancelled')`)
export class ApprovalRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'recommendation_id' })
  recommendationId: string;

  @ManyToOne('Recommendation')
  @JoinColumn({ name: 'recommendation_id', foreignKeyConstraintName: 'FK_approval_requests_recommendation' })
  recommendation: Recommendation;

  @Column({ type: 'text' })
  kind: ApprovalRequestKind;

  /** The extension this chain decides (kind 'extension'). */
  @Column({ type: 'uuid', name: 'extension_request_id', nullable: true })
  extensionRequestId: string | null;

  @ManyToOne('ExtensionRequest', { nullable: true })
  @JoinColumn({ name: 'extension_request_id', foreignKeyConstraintName: 'FK_approval_requests_extension_request' })
  extensionRequest: ExtensionRequest | null;

  /** The routing rule that chose the steps ('hmicfrs-inspection', 'extension-lead'…). */
  @Column({ type: 'text', name: 'route_id' })
  routeId: string;

  @Column({ type: 'date', name: 'started_on' })
  startedOn: IsoDate;

  @Column({ type: 'text', default: 'open' })
  status: ApprovalRequestStatus;

  @Column({ type: 'date', name: 'finished_on', nullable: true })
  finishedOn: IsoDate | null;

  /** The transition that started the chain. */
  @Column({ type: 'text', name: 'opened_transition_id' })
  openedTransitionId: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
