import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { ActingPerson } from '../../platform/http/actor';
import { Delegation, Person } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import type { ApiDependencies } from '../dependencies';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { delegationSchema as delegationResponse, listOf } from '../../platform/http/schemas';
import { ApiProblem, type FieldProblem } from '../../platform/http/problem';
import { isoDate } from '../../domain/lifecycle/fields';

export const delegationSchema = z
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
    if (d.fromPersonId === d.toPersonId)
      ctx.addIssue({ code: 'custom', path: ['toPersonId'], message: 'a person cannot stand in for themselves' });
  });

/** Sets up a delegation between two active people. */
export async function addDelegation(
  dataSource: DataSource,
  input: z.output<typeof delegationSchema>,
  by: ActingPerson,
): Promise<Delegation> {
  const problems: FieldProblem[] = [];
  const [from, to] = await Promise.all([
    dataSource.manager.findOneBy(Person, { id: input.fromPersonId }),
    dataSource.manager.findOneBy(Person, { id: input.toPersonId }),
  ]);
  if (!from?.active) problems.push({ field: 'body.fromPersonId', message: 'no active person has this id' });
  if (!to?.active) problems.push({ field: 'body.toPersonId', message: 'no active person has this id' });
  if (problems.length) throw ApiProblem.invalid(problems);
  return dataSource.transaction(async (tx) => {
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
}

/** Cancels a delegation. */
export async function cancelDelegation(dataSource: DataSource, delegationId: string, by: ActingPerson): Promise<void> {
  await dataSource.transaction(async (tx) => {
    const row = await tx.findOneBy(Delegation, { id: delegationId });
    if (!row) throw ApiProblem.notFound('The delegation');
    await tx.delete(Delegation, { id: delegationId });
    await recordAudit(tx, {
      actorId: by.actor.personId,
      actorLabel: by.label,
      entityType: 'delegation',
      entityId: delegationId,
      type: 'delegation_cancelled',
      summary: `Cancelled a delegation (${row.startsOn} to ${row.endsOn})`,
      before: {
        fromPersonId: row.fromPersonId,
        toPersonId: row.toPersonId,
        startsOn: row.startsOn,
        endsOn: row.endsOn,
        reason: row.reason,
      },
    });
  });
}

/** Who approves for whom while someone is away. Approvers set their own; administrators set anyone's. */
export function delegationsFeature({ dataSource }: ApiDependencies): Feature {
  return {
    mountPath: '/api/delegations',
    tag: 'Delegations',
    description: 'Who approves for whom while someone is away.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/',
        summary: 'All delegations, latest first',
        access: 'delegations.read',
        responses: { 200: { description: 'Delegations', schema: listOf(delegationResponse, 'DelegationList') } },
        async handle({ res }) {
          res.json({ items: await dataSource.manager.find(Delegation, { order: { startsOn: 'DESC' } }) });
        },
      }),
      endpoint({
        method: 'post',
        path: '/',
        summary: 'Set up a delegation',
        access: 'delegations.manage',
        relation: async ({ req, identity }) => ({
          self: (req.body as { fromPersonId?: unknown } | undefined)?.fromPersonId === identity.person.id,
        }),
        body: delegationSchema,
        responses: { 201: { description: 'Set up', schema: delegationResponse } },
        async handle({ res, body: input, by }) {
          const saved = await addDelegation(dataSource, input, by);
          res.status(201).json(saved);
        },
      }),
      endpoint({
        method: 'delete',
        path: '/:delegationId',
        summary: 'Cancel a delegation',
        access: 'delegations.manage',
        params: z.object({ delegationId: z.uuid({ message: 'must be a delegation id (a UUID)' }) }),
        relation: async ({ params, identity }) => {
          const row = await dataSource.manager.findOneBy(Delegation, { id: params.delegationId });
          if (!row) throw ApiProblem.notFound('The delegation');
          return { self: row.fromPersonId === identity.person.id };
        },
        responses: { 204: { description: 'Cancelled' } },
        async handle({ res, params, by }) {
          await cancelDelegation(dataSource, params.delegationId, by);
          res.status(204).end();
        },
      }),
    ],
  };
}
