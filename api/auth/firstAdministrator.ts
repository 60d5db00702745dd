import type { DataSource, EntityManager } from 'typeorm';
import { LocalAccount, Person, SetupCode } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { ApiProblem } from '../../platform/http/problem';

/** Who created the first administrator, for the audit trail. */
export interface FirstAdministratorActor {
  label: string;
  via: 'setup_page' | 'command';
}

/** The first administrator cannot be created: one exists already. */
export class AdministratorExists extends ApiProblem {
  constructor(readonly administrator: Pick<Person, 'name' | 'email'>) {
    super(
      409,
      'There is already an administrator',
      `${administrator.name} (${administrator.email}) administers the product: sign in as them to add people.`,
    );
  }
}

/** An active person with the administrator role, if there is one: the product is administered. */
export async function anAdministrator(manager: EntityManager): Promise<Person | null> {
  return manager
    .getRepository(Person)
    .createQueryBuilder('p')
    .where(`p.active AND 'administrator' = ANY(p.roles)`)
    .orderBy('p.createdAt')
    .getOne();
}

/**
 * Voids every set-up code: called in the transaction that made someone an administrator. Returns how many there
 * were; the caller's audit event says so.
 */
export async function voidSetupCodes(tx: EntityManager): Promise<number> {
  const result = await tx.createQueryBuilder().delete().from(SetupCode).execute();
  return result.affected ?? 0;
}

/**
 * Creates the first administrator, once: concurrent attempts (two API processes, the page and the command) are
 * serialized by a transaction-scoped advisory lock, and every attempt after the first finds an administrator and is
 * refused. With a password (the set-up page) the person gets a local account; without one (the command) they get
 * none until they choose a password through a set-password link. `more` runs in the same transaction (the command
 * issues that link there, so no administrator exists who cannot sign in).
 */
export async function createFirstAdministrator<T = void>(
  dataSource: DataSource,
  input: { name: string; email: string; passwordHash?: string },
  by: FirstAdministratorActor,
  more?: (tx: EntityManager, person: Person) => Promise<T>,
): Promise<{ person: Person; more: T | undefined }> {
  return dataSource.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('recommendation-tracker:first-administrator'))`);
    const existing = await anAdministrator(tx);
    if (existing) throw new AdministratorExists(existing);
    const holder = await tx.findOneBy(Person, { email: input.email });
    if (holder)
      throw ApiProblem.invalid([
        { field: 'body.email', message: `is already the email of ${holder.name}${holder.active ? '' : ' (deactivated)'}` },
      ]);
    const person = await tx.save(tx.create(Person, { name: input.name, email: input.email, roles: ['administrator'], active: true }));
    if (input.passwordHash)
      await tx.insert(LocalAccount, {
        personId: person.id,
        passwordHash: input.passwordHash,
        failedAttempts: 0,
        lockedUntil: null,
        passwordChangedAt: new Date(),
      });
    const voided = await voidSetupCodes(tx);
    const how = by.via === 'setup_page' ? 'on the set-up page' : 'with the admin command';
    await recordAudit(
      tx,
      {
        actorId: null,
        actorLabel: by.label,
        entityType: 'person',
        entityId: person.id,
        type: 'first_administrator_created',
        summary: `Created the first administrator, ${person.name} (${person.email}), ${how}${voided ? `; the ${voided} set-up code(s) no longer work` : ''}`,
        after: { name: person.name, email: person.email, roles: person.roles, via: by.via, setupCodesVoided: voided },
      },
      ...(input.passwordHash
        ? [
            {
              actorId: person.id,
              actorLabel: person.name,
              entityType: 'account' as const,
              entityId: person.id,
              type: 'password_set',
              summary: `Chose their password ${how}`,
            },
          ]
        : []),
    );
    return { person, more: more ? await more(tx, person) : undefined };
  });
}
