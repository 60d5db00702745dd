import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { RouteStep, RoutingMatch } from '../domain/approvalRouting';

/**
 * One of the force's approval routing rules (domain/approvalRouting.ts `RoutingRule`): which items it matches and
 * the ordered steps of their approval chain. Inactive rules are kept for history but not used.
 */
@Entity({ name: 'routing_rules' })
export class RoutingRule {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'integer' })
  priority: number;

  @Column({ type: 'jsonb', default: {} })
  match: RoutingMatch;

  @Column({ type: 'jsonb' })
  steps: RouteStep[];

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;

  /** Bumped by every save, so an edit made on a stale copy can be refused. */
  @VersionColumn({ type: 'integer' })
  version: number;
}
