import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { Role } from '../domain/vocabulary';

@Entity({ name: 'people' })
export class Person {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** Stored lower-case; unique. */
  @Column({ type: 'text', unique: true })
  email: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  roles: Role[];

  @Column({ type: 'text', name: 'job_title', default: '' })
  jobTitle: string;

  @Column({ type: 'text', default: '' })
  department: string;

  /** Whom the person reports to, as the force's HR records say (set by the people import or the API); null if unknown. */
  @Column({ type: 'uuid', name: 'line_manager_id', nullable: true })
  lineManagerId: string | null;

  /** People are deactivated, never deleted: deleting someone who is still another's line manager is refused. */
  @ManyToOne('Person', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'line_manager_id', foreignKeyConstraintName: 'people_line_manager_id_fkey' })
  lineManager?: Person;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** How routine reminders reach this person: each on its own, or gathered into a daily or weekly digest. */
  @Column({ type: 'text', name: 'digest_preference', default: 'daily' })
  digestPreference: 'immediate' | 'daily' | 'weekly';

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  /** Bumped by every save, so an administrator's edit made on a stale copy is refused (If-Match). */
  @VersionColumn({ type: 'integer', default: 1 })
  version: number;
}
