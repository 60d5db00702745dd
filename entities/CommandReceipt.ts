import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Recommendation } from './Recommendation';

/** One lifecycle command as recorded: the key its request carried, what it asked (fingerprint) and the version it made. */
@Entity({ name: 'command_receipts' })
@Index('IDX_command_receipts_recommendation', ['recommendationId', 'versionAfter'])
export class CommandReceipt {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'uuid', name: 'recommendation_id' })
  recommendationId: string;

  @ManyToOne('Recommendation', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'recommendation_id', foreignKeyConstraintName: 'FK_command_receipts_recommendation' })
  recommendation?: Recommendation;

  @Column({ type: 'text', name: 'command_type' })
  commandType: string;

  @Column({ type: 'text' })
  fingerprint: string;

  @Column({ type: 'integer', name: 'version_after' })
  versionAfter: number;

  @Column({ type: 'uuid', name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column({ type: 'timestamptz', name: 'recorded_at', default: () => 'now()' })
  recordedAt: Date;
}
