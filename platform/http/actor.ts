import type { Actor } from '../../domain/lifecycle';
import type { Identity } from './identity';

export interface ActingPerson {
  actor: Actor;
  /** The name the audit trail records. */
  label: string;
}

export const SYSTEM_ACTOR: ActingPerson = { actor: { personId: null, roles: ['administrator'] }, label: 'Recommendation tracker (system)' };

export function actingPersonOf(identity: Identity): ActingPerson {
  return { actor: { personId: identity.person.id, roles: identity.person.roles }, label: identity.person.name };
}
