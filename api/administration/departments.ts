import { Router } from 'express';
import { z } from 'zod';
import { Department } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { actingPerson, requireRole } from '../actor';
import type { ApiDependencies } from '../dependencies';
import { ApiProblem, parseInput } from '../problem';

const departmentSchema = z.object({ name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters') }).strict();

export function departmentRoutes({ dataSource }: ApiDependencies): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json({ items: await dataSource.manager.find(Department, { order: { name: 'ASC' } }) });
  });
  router.post('/', async (req, res) => {
    const { name } = parseInput(departmentSchema, req.body);
    const by = await actingPerson(req, dataSource);
    requireRole(by, 'administrator', 'add departments');
    const saved = await dataSource.transaction(async (tx) => {
      if (await tx.existsBy(Department, { name })) throw ApiProblem.invalid([{ field: 'body.name', message: `"${name}" already exists` }]);
      const row = await tx.save(tx.create(Department, { name }));
      await recordAudit(tx, { actorId: by.actor.personId, actorLabel: by.label, entityType: 'department', entityId: row.id, type: 'department_added', summary: `Added department "${name}"`, after: { name } });
      return row;
    });
    res.status(201).json(saved);
  });
  return router;
}
