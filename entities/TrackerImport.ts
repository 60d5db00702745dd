import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One import of a force's tracker that stated figures (report rows' counts and status lines, category totals). */
@Entity({ name: 'tracker_imports' })
export class TrackerImport {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'timestamptz', name: 'imported_at' })
  importedAt: Date;

  @Column({ type: 'uuid', name: 'imported_by', nullable: true })
  importedBy: string | null;

  @Column({ type: 'text', name: 'imported_by_label' })
  importedByLabel: string;

  /** Rows under the header. */
  @Column({ type: 'integer' })
  rows: number;
}
