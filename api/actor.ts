import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { Actor } from '../domain/lifecycle';
import type { Role } from '../domain/vocabulary';
import { Person } from '../entities';
import { ApiProblem } from './problem';

export interface ActingPerson {
  actor: Actor;
  /** The name the audit trail records. */
  label: string;
}

export const SYSTEM_ACTOR: ActingPerson = { actor: { personId: null, roles: ['administrator'] }, label: 'Recommendation tracker (system)' };

/**
 * Who is acting. Until sign-in lands (issue 6), a caller names themselves with the `X-Person-Id` header,
 * which must be a known, active person; without it the audit trail records an unnamed API client.
 */
export async function actingPerson(req: Request, dataSource: DataSource): Promise<ActingPerson> {
  const header = req.get('x-person-id');
  if (!header) return { actor: { personId: null, roles: ['administrator'] }, label: 'API client (not signed in)' };
  if (!z.uuid().safeParse(header).success) {
    throw ApiProblem.invalid([{ field: 'header.X-Person-Id', message: 'must be the id of a person (a UUID)' }]);
  }
  const person = await dataSource.manager.findOneBy(Person, { id: header, active: true });
  if (!person) throw ApiProblem.invalid([{ field: 'header.X-Person-Id', message: 'no active person has this id' }]);
  return { actor: { personId: person.id, roles: person.roles }, label: person.name };
}

/** Until the permission table of sign-in arrives, administration needs this role; refusals say what was tried. */
export function requireRole(by: ActingPerson, role: Role, toDo: string): void {
  if (!by.actor.roles.includes(role)) {
    throw new ApiProblem(403, 'Not allowed', `Only someone with the role "${role.replace(/_/g, ' ')}" can ${toDo}`);
  }
}
