import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Person } from './Person';

/**
 * A person's account at the force's identity provider (OpenID Connect): the issuer and its stable subject id.
 * Linked on the first sign-in whose verified email matches the person's; afterwards the subject alone decides.
 */
@Entity({ name: 'external_identities' })
@Index('IDX_external_identities_person', ['personId'])
export class ExternalIdentity {
  @PrimaryColumn({ type: 'text' })
  issuer: string;

  @PrimaryColumn({ type: 'text' })
  subject: string;

  @Column({ type: 'uuid', name: 'person_id' })
  personId: string;

  @ManyToOne('Person', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'FK_external_identities_person' })
  person: Person;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'last_sign_in_at', nullable: true })
  lastSignInAt: Date | null;
}
