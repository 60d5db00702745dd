import { Router } from 'express';
import type { ApiDependencies } from '../dependencies';
import { Person } from '../../entities';

export function peopleRoutes({ dataSource }: ApiDependencies): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const people = await dataSource.manager.find(Person, { where: { active: true }, order: { name: 'ASC' } });
    res.json({ items: people.map((p) => ({ id: p.id, name: p.name, email: p.email, roles: p.roles, jobTitle: p.jobTitle, department: p.department })) });
  });
  return router;
}
