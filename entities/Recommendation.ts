import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { RecommendationState } from '../domain/lifecycle';
import type { ClosureCategory, ItemKind } from '../domain/vocabulary';
import type { Person } from './Person';
import type { SourceReport } from './SourceReport';

/**
 * One item of a source report (a recommendation, area for improvement, action…). `state` is the lifecycle
 * state as the item's workflow last recorded it; status, owner, lead and due date are copied out of it
 * into columns so lists can filter and sort on them.
 */
@Entity({ name: 'recommendations' })
@Index('IDX_recommendations_report_reference', ['reportId', 'reference'], { unique: true })
export class Recommendation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'report_id' })
  reportId: string;

  @ManyToOne('SourceReport', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'report_id', foreignKeyConstraintName: 'FK_recommendations_report' })
  report: SourceReport;

  /** As printed: "4", "4a", "11.1", "AFI 2". */
  @Column({ type: 'text' })
  reference: string;

  @Column({ type: 'text' })
  kind: ItemKind;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'text', name: 'addressed_to', default: '' })
  addressedTo: string;

  @Column({ type: 'boolean', name: 'for_the_force', default: true })
  forTheForce: boolean;

  @Column({ type: 'smallint', nullable: true })
  category: ClosureCategory | null;

  @Column({ type: 'text', nullable: true })
  department: string | null;

  @Column({ type: 'text' })
  status: RecommendationState['status'];

  /** The status in the force's own words, as its imported tracker last gave it ("Awaiting feedback."); null if never imported. */
  @Column({ type: 'text', name: 'reported_status', nullable: true })
  reportedStatus: string | null;

  /** Who owned and led a long-closed item, as its imported tracker named them, when they are not people in the product. */
  @Column({ type: 'text', name: 'reported_owner', nullable: true })
  reportedOwner: string | null;

  @Column({ type: 'text', name: 'reported_lead', nullable: true })
  reportedLead: string | null;

  @Column({ type: 'uuid', name: 'owner_id', nullable: true })
  ownerId: string | null;

  @ManyToOne('Person', { nullable: true })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'FK_recommendations_owner' })
  owner: Person | null;

  @Column({ type: 'uuid', name: 'lead_id', nullable: true })
  leadId: string | null;

  @ManyToOne('Person', { nullable: true })
  @JoinColumn({ name: 'lead_id', foreignKeyConstraintName: 'FK_recommendations_lead' })
  lead: Person | null;

  @Column({ type: 'date', name: 'due_date', nullable: true })
  dueDate: string | null;

  @Column({ type: 'jsonb' })
  state: RecommendationState;

  /** Incremented by every recorded transition. */
  @Column({ type: 'integer', default: 0 })
  version: number;

  @Column({ type: 'text', name: 'workflow_id', unique: true })
  workflowId: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
