import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The audit chain's head at a moment, signed with a key the database does not hold (api/audit/checkpoints.ts). */
@Entity({ name: 'audit_checkpoints' })
export class AuditCheckpoint {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'bigint', name: 'chain_seq' })
  chainSeq: string;

  @Column({ type: 'bytea' })
  hash: Buffer;

  @Column({ type: 'text' })
  signature: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
