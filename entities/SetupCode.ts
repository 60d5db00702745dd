import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A one-time set-up code for the first-run page (/setup), made by an API process that started while nobody
 * administers the product. Only its SHA-256 is stored, so any API process accepts the code another one printed; the
 * code itself is only in that process's log. The rows go when the first administrator exists, and a process
 * withdraws its own when it stops.
 */
@Entity({ name: 'setup_codes' })
export class SetupCode {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'text', name: 'code_hash' })
  codeHash: string;

  /** Where the code was printed: the host of the process that made it. */
  @Column({ type: 'text', name: 'issued_by' })
  issuedBy: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
