import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { actingPersonOf } from '../../platform/http/actor';
import { addDelegation, cancelDelegation, delegationSchema } from './delegations';
import { parseInput } from '../../platform/http/problem';
import { Delegation, Person } from '../../entities';
import type { FormError } from '../../platform/web/html';
import { attempt, formBody, formErrors, text } from '../../platform/web/forms';
import type { AdminContext } from '../adminContext';

const labels = {
  fromPersonId: 'Who is away',
  toPersonId: 'Who approves for them',
  startsOn: 'The first day',
  endsOn: 'The last day',
  reason: 'The reason',
};

/** Who approves for whom while someone is away: the list, a form to set one up, and a button to cancel one. */
export function delegationPages({ deps, render, guard }: AdminContext): Router {
  const router = Router();
  const { dataSource } = deps;
  router.use(guard('delegations.manage'));

  async function page(req: Request, res: Response, extra: { values?: object; errors?: FormError[] } = {}, status = 200) {
    const [delegations, people] = await Promise.all([
      dataSource.manager.find(Delegation, { order: { startsOn: 'DESC' } }),
      dataSource.manager.find(Person, { where: { active: true }, order: { name: 'ASC' } }),
    ]);
    const names = new Map((await dataSource.manager.find(Person)).map((p) => [p.id, p.name]));
    const approvers = people.filter((p) => p.roles.some((r) => r !== 'viewer' && r !== 'action_owner'));
    await render(
      req,
      res,
      'delegations.njk',
      {
        title: 'Delegations',
        delegations: delegations.map((d) => ({ ...d, from: names.get(d.fromPersonId), to: names.get(d.toPersonId) })),
        approvers,
        people,
        values: {},
        done: req.query.done,
        ...extra,
      },
      status,
    );
  }

  router.get('/', (req, res) => page(req, res));
  router.post('/', async (req, res) => {
    const body = formBody(req);
    const values = {
      fromPersonId: text(body, 'fromPersonId'),
      toPersonId: text(body, 'toPersonId'),
      startsOn: text(body, 'startsOn').trim(),
      endsOn: text(body, 'endsOn').trim(),
      reason: text(body, 'reason'),
    };
    const outcome = await attempt(
      () => addDelegation(dataSource, parseInput(delegationSchema, values), actingPersonOf(req.identity!)),
      (problem) => formErrors(problem, 'fromPersonId', {}, labels),
    );
    if (!outcome.ok) return page(req, res, { values, errors: outcome.errors }, outcome.status);
    res.redirect(303, '/admin/delegations?done=added');
  });
  router.post('/:delegationId/cancel', async (req, res) => {
    const { delegationId } = parseInput(z.object({ delegationId: z.uuid({ message: 'must be a delegation id' }) }), req.params, 'params');
    await cancelDelegation(dataSource, delegationId, actingPersonOf(req.identity!));
    res.redirect(303, '/admin/delegations?done=cancelled');
  });
  return router;
}
