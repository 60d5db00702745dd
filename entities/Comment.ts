import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One comment in an item's thread (api/comments/). Comments are never edited or deleted; each has its audit event.
 * Rejection and refusal reasons are not stored here: the thread reads them from the lifecycle's own records.
 */
@Entity({ name: 'comments' })
@Index('IDX_comments_recommendation', ['recommendationId', 'createdAt'])
@Index('UQ_comments_idempotency_key', ['idempotencyKey'], { unique: true })
export class Comment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'recommendation_id' })
  recommendationId: string;

  @Column({ type: 'uuid', name: 'author_id' })
  authorId: string;

  /** The author's name when they wrote it. */
  @Column({ type: 'text', name: 'author_name' })
  authorName: string;

  @Column({ type: 'text' })
  text: string;

  /** The people told of it by email: those chosen to notify and those @mentioned by email. */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  notified: string[];

  /** The request's Idempotency-Key (or the form's own key): sending it again posts nothing more. */
  @Column({ type: 'text', name: 'idempotency_key' })
  idempotencyKey: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
