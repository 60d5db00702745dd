import { Column, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

/** The force's own settings as named JSON values (the reminder policy, closure days, committee dates). */
@Entity({ name: 'force_settings' })
export class ForceSetting {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'jsonb' })
  value: unknown;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;

  @VersionColumn({ type: 'integer' })
  version: number;
}
