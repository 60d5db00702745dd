import { Router } from 'express';
import { z } from 'zod';
import { Delegation, Person } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { actingPerson, requireRole } from '../actor';
import type { ApiDependencies } from '../dependencies';
import { ApiProblem, parseInput, type FieldProblem } from '../problem';
import { isoDate } from '../reports/schemas';

const delegationSchema = z
  .object({
    fromPersonId: z.uuid({ message: 'must be the id of a person (a UUID)' }),
    toPersonId: z.uuid({ message: 'must be the id of a person (a UUID)' }),
    startsOn: isoDate,
    endsOn: isoDate,
    reason: z.string().trim().max(500).default(''),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.endsOn < d.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'must be on or after startsOn' });
    if (d.fromPersonId === d.toPersonId) ctx.addIssue({ code: 'custom', path: ['toPersonId'], message: 'a person cannot stand in for themselves' });
  });

/** Who approves for whom while someone is away. Approvers set their own; administrators set anyone's. */
export function delegationRoutes({ dataSource }: ApiDependencies): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    res.json({ items: await dataSource.manager.find(Delegation, { order: { startsOn: 'DESC' } }) });
  });

  router.post('/', async (req, res) => {
    const input = parseInput(delegationSchema, req.body);
    const by = await actingPerson(req, dataSource);
    if (by.actor.personId !== input.fromPersonId) requireRole(by, 'administrator', "set up someone else's delegation");
    const problems: FieldProblem[] = [];
    const [from, to] = await Promise.all([dataSource.manager.findOneBy(Person, { id: input.fromPersonId }), dataSource.manager.findOneBy(Person, { id: input.toPersonId })]);
    if (!from?.active) problems.push({ field: 'body.fromPersonId', message: 'no active person has this id' });
    if (!to?.active) problems.push({ field: 'body.toPersonId', message: 'no active person has this id' });
    if (problems.length) throw ApiProblem.invalid(problems);
    const saved = await dataSource.transaction(async (tx) => {
      const row = await tx.save(tx.create(Delegation, input));
      await recordAudit(tx, {
        actorId: by.actor.personId,
        actorLabel: by.label,
        entityType: 'delegation',
        entityId: row.id,
        type: 'delegation_added',
        summary: `${to!.name} approves for ${from!.name} from ${input.startsOn} to ${input.endsOn}`,
        after: input,
      });
      return row;
    });
    res.status(201).json(saved);
  });

  router.delete('/:delegationId', async (req, res) => {
    const { delegationId } = parseInput(z.object({ delegationId: z.uuid({ message: 'must be a delegation id (a UUID)' }) }), req.params, 'params');
    const by = await actingPerson(req, dataSource);
    await dataSource.transaction(async (tx) => {
      const row = await tx.findOneBy(Delegation, { id: delegationId });
      if (!row) throw ApiProblem.notFound('The delegation');
      if (by.actor.personId !== row.fromPersonId) requireRole(by, 'administrator', "cancel someone else's delegation");
      await tx.delete(Delegation, { id: delegationId });
      await recordAudit(tx, {
        actorId: by.actor.personId,
        actorLabel: by.label,
        entityType: 'delegation',
        entityId: delegationId,
        type: 'delegation_cancelled',
        summary: `Cancelled a delegation (${row.startsOn} to ${row.endsOn})`,
        before: { fromPersonId: row.fromPersonId, toPersonId: row.toPersonId, startsOn: row.startsOn, endsOn: row.endsOn, reason: row.reason },
      });
    });
    res.status(204).end();
  });

  return router;
}
