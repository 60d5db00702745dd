import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { PartStatus } from '../domain/lifecycle';
import type { Recommendation } from './Recommendation';

/** A bullet of a long item ("4a", "4b") as the lifecycle state last left it (`state.parts`). */
@Entity({ name: 'recommendation_parts' })
@Index('IDX_recommendation_parts_reference', ['recommendationId', 'reference'], { unique: true })
@Check('CHK_recommendation_parts_status', `"status" IN ('not_started', 'in_progress', 'complete')`)
export class RecommendationPart {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'recommendation_id' })
  recommendationId: string;

  @ManyToOne('Recommendation')
  @JoinColumn({ name: 'recommendation_id', foreignKeyConstraintName: 'FK_recommendation_parts_recommendation' })
  recommendation: Recommendation;

  @Column({ type: 'text' })
  reference: string;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'text' })
  status: PartStatus;

  /** Its place in the item's list of parts, from 0. */
  @Column({ type: 'integer' })
  position: number;
}
