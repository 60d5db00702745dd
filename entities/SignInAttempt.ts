import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Every password sign-in attempt, kept for rate limiting by address and by account. */
@Entity({ name: 'sign_in_attempts' })
@Index('IDX_sign_in_attempts_email', ['email', 'attemptedAt'])
@Index('IDX_sign_in_attempts_ip', ['ipAddress', 'attemptedAt'])
export class SignInAttempt {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** As typed, lower-cased; may name nobody. */
  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text', name: 'ip_address' })
  ipAddress: string;

  @Column({ type: 'boolean' })
  succeeded: boolean;

  @Column({ type: 'timestamptz', name: 'attempted_at' })
  attemptedAt: Date;
}
