import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Person } from './Person';
import type { Recommendation } from './Recommendation';

export const actionLinkActions = ['approve', 'reject', 'approveExtension', 'refuseExtension'] as const;
export type ActionLinkAction = (typeof actionLinkActions)[number];

/**
 * A link sent in an email that lets one person take one action on one item without signing in. The link itself
 * is signed (platform/email/actionLinkTokens.ts); this row makes it single use (`used_at`) and expiring.
 */
@Entity({ name: 'action_links' })
@Index('IDX_action_links_recommendation', ['recommendationId', 'personId'])
export class ActionLink {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'uuid', name: 'person_id' })
  personId: string;

  @ManyToOne('Person', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'FK_action_links_person' })
  person: Person;

  @Column({ type: 'uuid', name: 'recommendation_id' })
  recommendationId: string;

  @ManyToOne('Recommendation', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'recommendation_id', foreignKeyConstraintName: 'FK_action_links_recommendation' })
  recommendation: Recommendation;

  @Column({ type: 'text' })
  action: ActionLinkAction;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', name: 'used_at', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
