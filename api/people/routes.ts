import { z } from 'zod';
import { roles } from '../../domain/vocabulary';
import { Person } from '../../entities';
import type { ApiDependencies } from '../dependencies';
import { endpoint, type Feature } from '../endpoint';
import { page, personSchema } from '../openapi/schemas';
import { keysetPage, pageQuery } from '../pagination';
import { recordAudit } from '../../entities/auditTrail';
import { ApiProblem } from '../problem';

const personView = (p: Person) => ({ id: p.id, name: p.name, email: p.email, roles: p.roles, jobTitle: p.jobTitle, department: p.department, digestPreference: p.digestPreference });

const personIdParams = z.object({ personId: z.uuid({ message: 'must be the id of a person (a UUID)' }) });
const digestPreferenceSchema = z
  .object({ digestPreference: z.enum(['immediate', 'daily', 'weekly'], { message: 'must be immediate, daily or weekly' }) })
  .strict();

export const peopleQuery = z
  .object({
    ...pageQuery,
    role: z.enum(roles).optional(),
    department: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export function peopleFeature({ dataSource }: ApiDependencies): Feature {
  const findPerson = async (id: string) => {
    const person = await dataSource.manager.findOneBy(Person, { id });
    if (!person) throw ApiProblem.notFound('The person');
    return person;
  };
  return {
    mountPath: '/api/people',
    tag: 'People',
    description: 'The people of the force who use the product, with their roles.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/',
        summary: 'Active people by name, a page at a time',
        access: 'people.read',
        query: peopleQuery,
        responses: { 200: { description: 'A page of people', schema: page(personSchema, 'PersonPage') } },
        async handle({ res, query }) {
          const qb = dataSource.getRepository(Person).createQueryBuilder('p').where('p.active');
          if (query.role) qb.andWhere(':role = ANY(p.roles)', { role: query.role });
          if (query.department) qb.andWhere('lower(p.department) = lower(:department)', { department: query.department });
          const result = await keysetPage(qb, {
            sort: 'name',
            keys: [
              { expr: 'p.name', dir: 'ASC', type: 'text' },
              { expr: 'p.id', dir: 'ASC', type: 'uuid' },
            ],
            limit: query.limit,
            cursor: query.cursor,
          });
          res.json({ items: result.items.map(personView), nextCursor: result.nextCursor });
        },
      }),
      endpoint({
        method: 'get',
        path: '/:personId',
        summary: 'One person',
        access: 'people.read',
        params: z.object({ personId: z.uuid({ message: 'must be the id of a person (a UUID)' }) }),
        responses: { 200: { description: 'The person', schema: personSchema } },
        async handle({ res, params }) {
          res.json(personView(await findPerson(params.personId)));
        },
      }),
      endpoint({
        method: 'put',
        path: '/:personId/digest-preference',
        summary: 'Choose how routine reminders arrive: each at once, or in a daily or weekly digest (escalations always come at once)',
        access: 'people.preferences',
        params: personIdParams,
        relation: async ({ params, identity }) => ({ self: params.personId === identity.person.id }),
        body: digestPreferenceSchema,
        responses: { 200: { description: 'The person, with the new preference', schema: personSchema } },
        async handle({ res, params, body, by }) {
          const saved = await dataSource.transaction(async (tx) => {
            const person = await tx.findOneBy(Person, { id: params.personId });
            if (!person) throw ApiProblem.notFound('The person');
            const before = person.digestPreference;
            person.digestPreference = body.digestPreference;
            await tx.save(person);
            await recordAudit(tx, {
              actorId: by.actor.personId,
              actorLabel: by.label,
              entityType: 'person',
              entityId: person.id,
              type: 'digest_preference_changed',
              summary: `${person.name} now receives routine reminders ${body.digestPreference === 'immediate' ? 'as they come' : `in a ${body.digestPreference} digest`}`,
              before: { digestPreference: before },
              after: { digestPreference: body.digestPreference },
            });
            return person;
          });
          res.json(personView(saved));
        },
      }),
    ],
  };
}
