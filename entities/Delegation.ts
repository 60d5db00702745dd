import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { IsoDate } from '../domain/vocabulary';
import type { Person } from './Person';

/**
 * While a delegation is active (domain/delegation.ts) `to` approves for `from`; cancelling one deletes its row.
 */
@Entity({ name: 'delegations' })
@Index('IDX_delegations_from_person', ['fromPersonId', 'startsOn', 'endsOn'])
@Index('IDX_delegations_to_person', ['toPersonId', 'startsOn', 'endsOn'])
@Check('CHK_delegations_dates', '"ends_on" >= "starts_on"')
@Check('CHK_delegations_people', '"from_person_id" <> "to_person_id"')
export class Delegation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'from_person_id' })
  fromPersonId: string;

  @ManyToOne('Person')
  @JoinColumn({ name: 'from_person_id', foreignKeyConstraintName: 'FK_delegations_from_person' })
  fromPerson: Person;

  @Column({ type: 'uuid', name: 'to_person_id' })
  toPersonId: string;

  @ManyToOne('Person')
  @JoinColumn({ name: 'to_person_id', foreignKeyConstraintName: 'FK_delegations_to_person' })
  toPerson: Person;

  @Column({ type: 'date', name: 'starts_on' })
  startsOn: IsoDate;

  @Column({ type: 'date', name: 'ends_on' })
  endsOn: IsoDate;

  @Column({ type: 'text', default: '' })
  reason: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}

/** The columns that read a row as domain/delegation.ts's `Delegation`, to which every reader applies the rule. */
export const delegationColumns = `from_person_id AS "fromId", to_person_id AS "toId", to_char(starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(ends_on, 'YYYY-MM-DD') AS "endsOn"`;
