import type { DataSource, EntityManager } from 'typeorm';
import { openStatuses } from '../../domain/lifecycle/states';
import { Department, Person, Recommendation } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { digestPreferencePhrase, type DigestPreference } from '../../domain/reminders/digestPreference';
import { ApiProblem, requireVersion } from '../../platform/http/problem';
import type { NewPerson, PersonChanges } from './schemas';

/** What deactivating someone ends of their access; api/auth's service does it (people sit below auth). */
export interface AccessOfPeople {
  endSessions(tx: EntityManager, personId: string): Promise<number>;
  revokeApiTokens(tx: EntityManager, personId: string): Promise<number>;
}

export interface Actor {
  id: string | null;
  label: string;
}

const auditedFields = ['name', 'email', 'roles', 'jobTitle', 'department', 'lineManagerId'] as const;

/**
 * The people of the force, as administrators manage them: adding, editing (with the version they saw), and
 * deactivating someone who has left. Used by the API and the administration pages alike. People are never deleted:
 * the audit trail and committee papers keep naming them.
 */
export class PeopleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AccessOfPeople,
  ) {}

  async create(input: NewPerson, by: Actor): Promise<Person> {
    return this.dataSource.transaction((tx) => this.createIn(tx, input, by));
  }

  /** Adds a person inside the caller's transaction (the people import adds many in one). */
  async createIn(tx: EntityManager, input: NewPerson, by: Actor): Promise<Person> {
    await this.check(tx, input, null);
    const person = await tx.save(tx.create(Person, { ...input, active: true }));
    await recordAudit(tx, {
      actorId: by.id,
      actorLabel: by.label,
      entityType: 'person',
      entityId: person.id,
      type: 'person_added',
      summary: `Added ${person.name} (${person.email}) as ${person.roles.join(', ')}`,
      after: pick(person),
    });
    return person;
  }

  /** Changes what is given; `ifMatch` (the version the editor saw) must still be current, or 412 and nothing changes. */
  async update(personId: string, changes: PersonChanges, ifMatch: string | undefined, by: Actor): Promise<Person> {
    return this.dataSource.transaction(async (tx) => {
      const person = await this.lockedPerson(tx, personId);
      if (ifMatch) requireVersion(ifMatch, person.version, 'person');
      return this.updateIn(tx, person, changes, by);
    });
  }

  /** Changes a person the caller has locked in its transaction; one `person_changed` event names what changed. */
  async updateIn(tx: EntityManager, person: Person, changes: PersonChanges, by: Actor, why = ''): Promise<Person> {
    await this.check(tx, changes, person);
    const before = pick(person);
    if (changes.roles && person.id === by.id && person.roles.includes('administrator') && !changes.roles.includes('administrator')) {
      throw ApiProblem.invalid([
        { field: 'body.roles', message: 'you cannot take the administrator role away from yourself: ask another administrator' },
      ]);
    }
    Object.assign(person, Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)));
    const after = pick(person);
    const changed = auditedFields.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
    if (!changed.length) return person;
    const saved = await tx.save(person);
    await recordAudit(tx, {
      actorId: by.id,
      actorLabel: by.label,
      entityType: 'person',
      entityId: person.id,
      type: 'person_changed',
      summary: `Changed ${changed.join(', ')} of ${person.name}${why}`,
      before: Object.fromEntries(changed.map((f) => [f, before[f]])),
      after: Object.fromEntries(changed.map((f) => [f, after[f]])),
    });
    return saved;
  }

  /**
   * Someone who has left: they can no longer sign in, their sessions end and their API tokens are revoked. Their
   * open items stay as they are, listed so an administrator can reassign them.
   */
  async deactivate(personId: string, reason: string, by: Actor): Promise<{ person: Person; openItems: number }> {
    return this.dataSource.transaction(async (tx) => {
      const person = await this.lockedPerson(tx, personId);
      if (person.id === by.id) throw ApiProblem.refused('you cannot deactivate yourself: ask another administrator');
      if (!person.active) return { person, openItems: await this.openItemCount(tx, person.id) };
      person.active = false;
      const saved = await tx.save(person);
      const endedSessions = await this.auth.endSessions(tx, person.id);
      const revokedTokens = await this.auth.revokeApiTokens(tx, person.id);
      const openItems = await this.openItemCount(tx, person.id);
      await recordAudit(tx, {
        actorId: by.id,
        actorLabel: by.label,
        entityType: 'person',
        entityId: person.id,
        type: 'person_deactivated',
        summary: `Deactivated ${person.name}${reason ? `: ${reason}` : ''} (ended ${endedSessions} session(s), revoked ${revokedTokens} API token(s); ${openItems} open item(s) to reassign)`,
        before: { active: true },
        after: { active: false, reason, endedSessions, revokedTokens, openItems },
      });
      return { person: saved, openItems };
    });
  }

  async reactivate(personId: string, by: Actor): Promise<Person> {
    return this.dataSource.transaction(async (tx) => {
      const person = await this.lockedPerson(tx, personId);
      if (person.active) return person;
      person.active = true;
      const saved = await tx.save(person);
      await recordAudit(tx, {
        actorId: by.id,
        actorLabel: by.label,
        entityType: 'person',
        entityId: person.id,
        type: 'person_reactivated',
        summary: `Reactivated ${person.name}`,
        before: { active: false },
        after: { active: true },
      });
      return saved;
    });
  }

  /**
   * How routine reminders reach the person (their own choice on their account page, or an administrator's). Read
   * by each reminder as it falls due, so the next one follows it.
   */
  async setDigestPreference(personId: string, preference: DigestPreference, by: Actor): Promise<Person> {
    return this.dataSource.transaction(async (tx) => {
      const person = await this.lockedPerson(tx, personId);
      const before = person.digestPreference;
      if (before === preference) return person;
      person.digestPreference = preference;
      const saved = await tx.save(person);
      await recordAudit(tx, {
        actorId: by.id,
        actorLabel: by.label,
        entityType: 'person',
        entityId: person.id,
        type: 'digest_preference_changed',
        summary: `${person.name} now receives routine reminders ${digestPreferencePhrase(preference)}`,
        before: { digestPreference: before },
        after: { digestPreference: preference },
      });
      return saved;
    });
  }

  /** Items a person owns or leads that are not closed. */
  async openItemCount(manager: EntityManager, personId: string): Promise<number> {
    return manager
      .getRepository(Recommendation)
      .createQueryBuilder('r')
      .where('(r.owner_id = :personId OR r.lead_id = :personId) AND r.status IN (:...open)', { personId, open: openStatuses })
      .getCount();
  }

  async lockedPerson(tx: EntityManager, personId: string): Promise<Person> {
    const person = await tx.findOne(Person, { where: { id: personId }, lock: { mode: 'pessimistic_write' } });
    if (!person) throw ApiProblem.notFound('The person');
    return person;
  }

  /** The rules that need the database: one person per email; a department the force has; a line manager who exists. */
  private async check(
    tx: EntityManager,
    input: { email?: string; department?: string; lineManagerId?: string | null },
    current: Person | null,
  ): Promise<void> {
    const problems = [];
    if (input.email !== undefined && input.email !== current?.email) {
      const holder = await tx.findOneBy(Person, { email: input.email });
      if (holder && holder.id !== current?.id)
        problems.push({ field: 'body.email', message: `is already the email of ${holder.name}${holder.active ? '' : ' (deactivated)'}` });
    }
    if (input.department && input.department !== current?.department && !(await tx.existsBy(Department, { name: input.department }))) {
      problems.push({ field: 'body.department', message: `"${input.department}" is not one of the force's departments (add it first)` });
    }
    if (input.lineManagerId && input.lineManagerId !== current?.lineManagerId) {
      if (input.lineManagerId === current?.id) problems.push({ field: 'body.lineManagerId', message: 'nobody is their own line manager' });
      else if (!(await tx.existsBy(Person, { id: input.lineManagerId })))
        problems.push({ field: 'body.lineManagerId', message: 'is not the id of a person in the product' });
    }
    if (problems.length) throw ApiProblem.invalid(problems);
  }
}

function pick(person: Person): Record<(typeof auditedFields)[number], unknown> {
  return {
    name: person.name,
    email: person.email,
    roles: person.roles,
    jobTitle: person.jobTitle,
    department: person.department,
    lineManagerId: person.lineManagerId,
  };
}
