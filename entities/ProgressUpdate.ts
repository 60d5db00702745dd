import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { IsoDate } from '../domain/vocabulary';
import type { Person } from './Person';
import type { Recommendation } from './Recommendation';

/** One progress update posted on an item (command `postUpdate`, event `progress_updated`). */
@Entity({ name: 'progress_updates' })
@Index('IDX_progress_updates_transition', ['transitionId'], { unique: true })
@Index('IDX_progress_updates_recommendation', ['recommendationId', 'postedOn'])
export class ProgressUpdate {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'recommendation_id' })
  recommendationId: string;

  @ManyToOne('Recommendation')
  @JoinColumn({ name: 'recommendation_id', foreignKeyConstraintName: 'FK_progress_updates_recommendation' })
  recommendation: Recommendation;

  @Column({ type: 'text' })
  text: string;

  /** Null when the product itself posted it. */
  @Column({ type: 'uuid', name: 'author_id', nullable: true })
  authorId: string | null;

  @ManyToOne('Person', { nullable: true })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'FK_progress_updates_author' })
  author: Person | null;

  @Column({ type: 'date', name: 'posted_on' })
  postedOn: IsoDate;

  /** The transition that posted it: one update per transition. */
  @Column({ type: 'text', name: 'transition_id' })
  transitionId: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
