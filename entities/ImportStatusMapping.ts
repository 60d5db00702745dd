import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { StatusMeaning } from '../domain/importStatusWording';

/** What one of the force's own status wordings means, confirmed at an import and used by the next (domain/importStatusWording.ts). */
@Entity({ name: 'import_status_mappings' })
export class ImportStatusMapping {
  /** The wording as `statusWordingKey` keys it. */
  @PrimaryColumn({ type: 'text', name: 'wording_key' })
  wordingKey: string;

  /** The wording as the force wrote it when it was confirmed. */
  @Column({ type: 'text' })
  wording: string;

  @Column({ type: 'text' })
  status: StatusMeaning;

  @Column({ type: 'uuid', name: 'confirmed_by', nullable: true })
  confirmedBy: string | null;

  @UpdateDateColumn({ type: 'timestamptz', name: 'confirmed_at' })
  confirmedAt: Date;
}
