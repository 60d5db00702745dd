import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SourceKind, SourceScope } from '../domain/vocabulary';

/** An inspection, super-complaint or audit whose items the force tracks. */
@Entity({ name: 'source_reports' })
export class SourceReport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  title: string;

  /** Who published it, as printed: HMICFRS, HMIC, HMI Probation, Mazars… */
  @Column({ type: 'text' })
  originator: string;

  @Column({ type: 'text' })
  kind: SourceKind;

  @Column({ type: 'text' })
  scope: SourceScope;

  @Column({ type: 'date', name: 'published_on' })
  publishedOn: string;

  /** The report's status as the force states it, for a report listed without its items ("All recommendations closed"). */
  @Column({ type: 'text', name: 'status_line', nullable: true })
  statusLine: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
