import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Person } from './Person';

export type SignInMethod = 'password' | 'oidc';

/**
 * A signed-in browser. The cookie carries a random token; only its SHA-256 is stored (the row's id), so a copy
 * of the database cannot be replayed as a cookie. `csrfToken` must accompany every change the browser asks for.
 */
@Entity({ name: 'sessions' })
@Index('IDX_sessions_person', ['personId', 'expiresAt'])
export class Session {
  /** Hex SHA-256 of the cookie's token. */
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'uuid', name: 'person_id' })
  personId: string;

  @ManyToOne('Person', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'FK_sessions_person' })
  person: Person;

  @Column({ type: 'text', name: 'csrf_token' })
  csrfToken: string;

  @Column({ type: 'text' })
  method: SignInMethod;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'last_seen_at' })
  lastSeenAt: Date;

  /** Absolute end, however active the session is. */
  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'text', name: 'ip_address', nullable: true })
  ipAddress: string | null;

  @Column({ type: 'text', name: 'user_agent', nullable: true })
  userAgent: string | null;
}
