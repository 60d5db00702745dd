import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { ClosureCategory } from '../domain/vocabulary';
import type { SourceReport } from './SourceReport';
import type { TrackerImport } from './TrackerImport';

/**
 * What a tracker stated for one report (its report row: status line and counts) or one closure category (a category
 * row's totals), kept as written with the import, beside what the file's own rows implied then
 * (domain/reconciliation.ts compares the two).
 */
@Entity({ name: 'tracker_stated_figures' })
@Index('IDX_tracker_stated_figures_import', ['importId', 'row'])
@Check('tracker_stated_figures_scope_check', `"scope" IN ('report', 'category')`)
@Check('tracker_stated_figures_stated_outstanding_check', '"stated_outstanding" >= 0')
@Check('tracker_stated_figures_stated_closed_check', '"stated_closed" >= 0')
@Check('tracker_stated_figures_stated_total_check', '"stated_total" >= 0')
export class TrackerStatedFigure {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'uuid', name: 'import_id' })
  importId: string;

  @ManyToOne('TrackerImport')
  @JoinColumn({ name: 'import_id', foreignKeyConstraintName: 'tracker_stated_figures_import_id_fkey' })
  trackerImport?: TrackerImport;

  /** The row of the file that states it; its position orders the report. */
  @Column({ type: 'integer', nullable: true })
  row: number | null;

  @Column({ type: 'text' })
  scope: 'report' | 'category';

  @Column({ type: 'uuid', name: 'source_report_id', nullable: true })
  sourceReportId: string | null;

  @ManyToOne('SourceReport')
  @JoinColumn({ name: 'source_report_id', foreignKeyConstraintName: 'tracker_stated_figures_source_report_id_fkey' })
  sourceReport?: SourceReport;

  @Column({ type: 'text', name: 'report_title', nullable: true })
  reportTitle: string | null;

  @Column({ type: 'text', nullable: true })
  originator: string | null;

  @Column({ type: 'integer', nullable: true })
  category: ClosureCategory | null;

  @Column({ type: 'text', name: 'status_line', nullable: true })
  statusLine: string | null;

  /** Whether the status line's meaning (as mapped at the import) closes items. */
  @Column({ type: 'boolean', name: 'line_closes', nullable: true })
  lineCloses: boolean | null;

  @Column({ type: 'integer', name: 'stated_outstanding', nullable: true })
  statedOutstanding: number | null;

  @Column({ type: 'integer', name: 'stated_closed', nullable: true })
  statedClosed: number | null;

  @Column({ type: 'integer', name: 'stated_total', nullable: true })
  statedTotal: number | null;

  /** What the file's rows implied (domain/reconciliation.ts `impliedCounts`). */
  @Column({ type: 'integer', name: 'rows_listed' })
  rowsListed: number;

  @Column({ type: 'integer', name: 'rows_outstanding' })
  rowsOutstanding: number;

  @Column({ type: 'integer', name: 'rows_closed' })
  rowsClosed: number;
}
