import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Person } from './Person';

/**
 * A person's local sign-in: an argon2id password hash (never the password), and the count of failed
 * sign-ins since the last success, which locks the account for a while once it reaches the limit.
 */
@Entity({ name: 'local_accounts' })
export class LocalAccount {
  @PrimaryColumn({ type: 'uuid', name: 'person_id' })
  personId: string;

  @ManyToOne('Person', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'FK_local_accounts_person' })
  person: Person;

  /** PHC string: `$argon2id$v=19$m=…,t=…,p=…$salt$hash`. */
  @Column({ type: 'text', name: 'password_hash', select: false })
  passwordHash: string;

  @Column({ type: 'integer', name: 'failed_attempts', default: 0 })
  failedAttempts: number;

  @Column({ type: 'timestamptz', name: 'locked_until', nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'timestamptz', name: 'password_changed_at' })
  passwordChangedAt: Date;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
