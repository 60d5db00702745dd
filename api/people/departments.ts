import type { EntityManager } from 'typeorm';
import { Department } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { ApiProblem } from '../../platform/http/problem';
import type { Actor } from './service';

/** Adds a department inside the caller's transaction; the name must be new. People belong to departments. */
export async function addDepartmentIn(tx: EntityManager, name: string, by: Actor, why = ''): Promise<Department> {
  if (await tx.existsBy(Department, { name })) throw ApiProblem.invalid([{ field: 'body.name', message: `"${name}" already exists` }]);
  const row = await tx.save(tx.create(Department, { name }));
  await recordAudit(tx, {
    actorId: by.id,
    actorLabel: by.label,
    entityType: 'department',
    entityId: row.id,
    type: 'department_added',
    summary: `Added department "${name}"${why}`,
    after: { name },
  });
  return row;
}
