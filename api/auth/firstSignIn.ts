import type { DataSource } from 'typeorm';
import { ExternalIdentity, Person } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { voidSetupCodes } from './firstAdministrator';
import type { OidcClaims } from './oidc';

/**
 * The person a first sign-in through the identity provider is for, linked to the provider's account from now on:
 * the active person with the verified email. A person ADMIN_EMAILS lists becomes an administrator on this first
 * sign-in, and is created if the product does not know them yet (how a force using only its identity provider gets
 * its first administrator). Later sign-ins go by the provider's subject alone, so ADMIN_EMAILS does not give the
 * role back to someone an administrator has since taken it from. Null when nobody here has the email.
 */
export async function personForFirstSignIn(
  dataSource: DataSource,
  claims: OidcClaims & { email: string },
  adminEmails: readonly string[],
): Promise<Person | null> {
  const listed = adminEmails.includes(claims.email);
  return dataSource.transaction(async (tx) => {
    let person = await tx.findOneBy(Person, { email: claims.email });
    if ((person && !person.active) || (!person && !listed)) return null;
    const actor = { actorId: null, actorLabel: `Identity provider sign-in of ${claims.email} (ADMIN_EMAILS)` };
    let granted = false;
    if (!person) {
      person = await tx.save(
        tx.create(Person, {
          name: claims.name?.trim().slice(0, 200) || claims.email,
          email: claims.email,
          roles: ['administrator'],
          active: true,
        }),
      );
      granted = true;
      await recordAudit(tx, {
        ...actor,
        entityType: 'person',
        entityId: person.id,
        type: 'person_added',
        summary: `Added ${person.name} (${person.email}) as administrator on their first sign-in through the identity provider: ADMIN_EMAILS lists them`,
        after: { name: person.name, email: person.email, roles: person.roles, via: 'admin_emails' },
      });
    } else if (listed && !person.roles.includes('administrator')) {
      const before = person.roles;
      person.roles = [...before, 'administrator'];
      person = await tx.save(person);
      granted = true;
      await recordAudit(tx, {
        ...actor,
        entityType: 'person',
        entityId: person.id,
        type: 'person_changed',
        summary: `Made ${person.name} an administrator on their first sign-in through the identity provider: ADMIN_EMAILS lists them`,
        before: { roles: before },
        after: { roles: person.roles, via: 'admin_emails' },
      });
    }
    await tx.insert(ExternalIdentity, { issuer: claims.issuer, subject: claims.subject, personId: person.id, lastSignInAt: new Date() });
    // The product is administered now: set-up codes printed at start stop working.
    const voided = granted ? await voidSetupCodes(tx) : 0;
    await recordAudit(tx, {
      actorId: person.id,
      actorLabel: person.name,
      entityType: 'account',
      entityId: person.id,
      type: 'identity_linked',
      summary: `Linked their account at the identity provider (subject ${claims.subject}) on their first sign-in through it${voided ? `; the ${voided} set-up code(s) no longer work` : ''}`,
      after: { issuer: claims.issuer, subject: claims.subject, setupCodesVoided: voided },
    });
    return person;
  });
}
