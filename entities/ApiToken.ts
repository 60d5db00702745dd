import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Person } from './Person';

/**
 * A bearer token for an integration, acting as one person with that person's roles. The token is shown once
 * when issued; only its SHA-256 is kept. `prefix` (the first characters) lets people tell tokens apart.
 */
@Entity({ name: 'api_tokens' })
@Index('IDX_api_tokens_token_hash', ['tokenHash'], { unique: true })
@Index('IDX_api_tokens_person', ['personId'])
export class ApiToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'person_id' })
  personId: string;

  @ManyToOne('Person', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'FK_api_tokens_person' })
  person: Person;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', name: 'token_hash', select: false })
  tokenHash: string;

  @Column({ type: 'text' })
  prefix: string;

  @Column({ type: 'uuid', name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'expires_at', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
