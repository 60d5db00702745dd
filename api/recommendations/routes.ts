import { Router } from 'express';
import { actingPerson } from '../actor';
import type { ApiDependencies } from '../dependencies';
import { ApiProblem, parseInput } from '../problem';
import type { LifecycleCommand } from '../../domain/lifecycle';
import { lifecycleCommandSchema } from './commandSchemas';
import { assignSchema, recommendationIdParams } from './schemas';

export function recommendationRoutes({ dataSource, recommendations }: ApiDependencies): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const rows = await recommendations.list();
    res.json({
      items: rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        kind: r.kind,
        status: r.status,
        dueDate: r.dueDate,
        report: { id: r.report.id, title: r.report.title, originator: r.report.originator },
        owner: r.owner ? { id: r.owner.id, name: r.owner.name } : null,
      })),
    });
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseInput(recommendationIdParams, req.params, 'params');
    const view = await recommendations.get(id, await actingPerson(req, dataSource));
    if (!view) throw ApiProblem.notFound('The recommendation');
    res.set('ETag', `"${view.version}"`).json(view);
  });

  router.post('/:id/assign', async (req, res) => {
    const { id } = parseInput(recommendationIdParams, req.params, 'params');
    const input = parseInput(assignSchema, req.body);
    const by = await actingPerson(req, dataSource);
    const view = await recommendations.assign(id, input, by);
    res.set('ETag', `"${view.version}"`).json(view);
  });

  /** Every lifecycle command: `{ "type": "accept" }`, `{ "type": "approve", "comment": "…" }`… (see commandSchemas). */
  router.post('/:id/commands', async (req, res) => {
    const { id } = parseInput(recommendationIdParams, req.params, 'params');
    const command = parseInput(lifecycleCommandSchema, req.body) as LifecycleCommand;
    const by = await actingPerson(req, dataSource);
    const view = await recommendations.command(id, command, by);
    res.set('ETag', `"${view.version}"`).json(view);
  });

  return router;
}
