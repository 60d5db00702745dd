import { Router } from 'express';
import type { ApiDependencies } from '../dependencies';
import { pageShell } from '../../platform/web/pageShell';
import { tasksOf } from './queries';

/** My tasks (/): what waits for the signed-in person, one section per part they play. */
export function taskPages(deps: ApiDependencies): Router {
  const router = Router();
  const shell = pageShell(deps);
  router.get('/', async (req, res) => {
    const { person } = req.identity!;
    const tasks = await tasksOf(deps, { id: person.id, name: person.name, roles: person.roles });
    await shell.send(
      req,
      res,
      'tasks.njk',
      { title: 'My tasks', personName: person.name, ...tasks },
      { current: '/', taskCount: tasks.total },
    );
  });
  return router;
}
