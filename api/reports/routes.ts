import { Router } from 'express';
import { z } from 'zod';
import { actingPerson } from '../actor';
import { ApiProblem, parseInput } from '../problem';
import type { ApiDependencies } from '../dependencies';
import { newReportSchema } from './schemas';

const reportIdParams = z.object({ id: z.uuid({ message: 'must be a report id (a UUID)' }) });

export function reportRoutes({ dataSource, reports }: ApiDependencies): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const input = parseInput(newReportSchema, req.body);
    const by = await actingPerson(req, dataSource);
    const created = await reports.create(input, by);
    res.status(201).location(`/api/reports/${created.id}`).json(await reports.get(created.id));
  });

  router.get('/', async (_req, res) => {
    res.json({ items: await reports.list() });
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseInput(reportIdParams, req.params, 'params');
    const report = await reports.get(id);
    if (!report) throw ApiProblem.notFound('The report');
    res.json(report);
  });

  return router;
}
