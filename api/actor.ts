import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import type { Actor } from '../domain/lifecycle';
import type { Identity } from './auth/identity';
import { ApiProblem } from './problem';

export interface ActingPerson {
  actor: Actor;
  /** The name the audit trail records. */
  label: string;
}

export const SYSTEM_ACTOR: ActingPerson = { actor: { personId: null, roles: ['administrator'] }, label: 'Recommendation tracker (system)' };

export function actingPersonOf(identity: Identity): ActingPerson {
  return { actor: { personId: identity.person.id, roles: identity.person.roles }, label: identity.person.name };
}

/**
 * Who is acting: the person signed in with a session cookie or an API token (api/auth/authenticate.ts). An anonymous
 * request never reaches a route that acts, but if one did it is refused here rather than acting as nobody.
 */
export async function actingPerson(req: Request, _dataSource?: DataSource): Promise<ActingPerson> {
  if (!req.identity) throw new ApiProblem(401, 'Sign in first', 'This needs a signed-in session or an API token (Authorization: Bearer …).');
  return actingPersonOf(req.identity);
}
