import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Person } from './Person';

/**
 * A link emailed to a person so they choose their own password (a new account, or a reset): signed
 * (api/auth/passwordLinks.ts), bound to one person, expiring, and single use through `used_at`. A password is never
 * emailed.
 */
@Entity({ name: 'password_links' })
@Index('IDX_password_links_person', ['personId'])
@Index('IDX_password_links_expires', ['expiresAt'])
export class PasswordLink {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'uuid', name: 'person_id' })
  personId: string;

  @ManyToOne('Person', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'FK_password_links_person' })
  person: Person;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', name: 'used_at', nullable: true })
  usedAt: Date | null;

  /** The administrator who sent it. */
  @Column({ type: 'uuid', name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
