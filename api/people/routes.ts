import { z } from 'zod';
import { roles } from '../../domain/vocabulary';
import { digestPreferences } from '../../domain/reminders/digestPreference';
import { Person } from '../../entities';
import type { ApiDependencies } from '../dependencies';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { deactivatedPersonSchema, page, passwordLinkSentSchema, personSchema } from '../../platform/http/schemas';
import { keysetPage, pageQuery } from '../../platform/http/pagination';
import { ApiProblem } from '../../platform/http/problem';
import { deactivationSchema, newPersonSchema, personChangesSchema, setPasswordSchema } from './schemas';

export const personView = (p: Person) => ({
  id: p.id,
  name: p.name,
  email: p.email,
  roles: p.roles,
  jobTitle: p.jobTitle,
  department: p.department,
  lineManagerId: p.lineManagerId,
  digestPreference: p.digestPreference,
  active: p.active,
  version: p.version,
});

const personIdParams = z.object({ personId: z.uuid({ message: 'must be the id of a person (a UUID)' }) });
const digestPreferenceSchema = z
  .object({ digestPreference: z.enum(digestPreferences, { message: 'must be immediate, daily or weekly' }) })
  .strict();

export const peopleQuery = z
  .object({
    ...pageQuery,
    role: z.enum(roles).optional(),
    department: z.string().trim().min(1).max(200).optional(),
    status: z.enum(['active', 'deactivated', 'all'], { message: 'must be active, deactivated or all' }).default('active'),
  })
  .strict();

export function peopleFeature({ dataSource, people, auth, passwordLinks }: ApiDependencies): Feature {
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
        summary: 'People by name, a page at a time (active ones unless asked)',
        access: 'people.read',
        query: peopleQuery,
        responses: { 200: { description: 'A page of people', schema: page(personSchema, 'PersonPage') } },
        async handle({ res, query }) {
          const qb = dataSource
            .getRepository(Person)
            .createQueryBuilder('p')
            .where(query.status === 'all' ? 'TRUE' : query.status === 'active' ? 'p.active' : 'NOT p.active');
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
        responses: { 200: { description: 'The person', schema: personSchema, headers: { ETag: 'its version' } } },
        async handle({ res, params }) {
          const person = await findPerson(params.personId);
          res.set('ETag', `"${person.version}"`).json(personView(person));
        },
      }),
      endpoint({
        method: 'post',
        path: '/',
        summary: 'Add a person',
        description:
          'Roles are those of DOMAIN.md; the department must be one of the force’s. The person cannot sign in until they have a password (set one, or send them a set-password link) or sign in through the identity provider.',
        access: 'people.manage',
        body: newPersonSchema,
        responses: { 201: { description: 'Added', schema: personSchema, headers: { ETag: 'its version', Location: 'the person' } } },
        async handle({ res, body, by }) {
          const person = await people.create(body, { id: by.actor.personId, label: by.label });
          res.status(201).set('ETag', `"${person.version}"`).location(`/api/people/${person.id}`).json(personView(person));
        },
      }),
      endpoint({
        method: 'patch',
        path: '/:personId',
        summary: "Change a person's name, email, roles, job title or department",
        access: 'people.manage',
        params: personIdParams,
        body: personChangesSchema,
        conditional: true,
        responses: { 200: { description: 'Changed', schema: personSchema, headers: { ETag: 'its new version' } } },
        async handle({ req, res, params, body, by }) {
          const person = await people.update(params.personId, body, req.get('if-match'), { id: by.actor.personId, label: by.label });
          res.set('ETag', `"${person.version}"`).json(personView(person));
        },
      }),
      endpoint({
        method: 'post',
        path: '/:personId/deactivate',
        summary: 'Deactivate someone who has left',
        description:
          'They can no longer sign in; their sessions end and their API tokens are revoked. Their open items stay visible, with their name, so they can be reassigned; the answer says how many there are.',
        access: 'people.manage',
        params: personIdParams,
        body: deactivationSchema,
        responses: {
          200: { description: 'Deactivated (or already was)', schema: deactivatedPersonSchema },
          409: { description: 'You cannot deactivate yourself' },
        },
        async handle({ res, params, body, by }) {
          const { person, openItems } = await people.deactivate(params.personId, body?.reason ?? '', {
            id: by.actor.personId,
            label: by.label,
          });
          res.json({ person: personView(person), openItems });
        },
      }),
      endpoint({
        method: 'post',
        path: '/:personId/reactivate',
        summary: 'Reactivate someone who was deactivated',
        description:
          'They may sign in again (with a new password or set-password link if theirs is forgotten); revoked API tokens stay revoked.',
        access: 'people.manage',
        params: personIdParams,
        responses: { 200: { description: 'Active again', schema: personSchema } },
        async handle({ res, params, by }) {
          res.json(personView(await people.reactivate(params.personId, { id: by.actor.personId, label: by.label })));
        },
      }),
      endpoint({
        method: 'put',
        path: '/:personId/password',
        summary: "Set a person's first password, or reset a forgotten one",
        description:
          'For telling the person in person: a password is never emailed (send a set-password link instead). Their sessions end and any lockout is lifted.',
        access: 'people.manage',
        params: personIdParams,
        body: setPasswordSchema,
        responses: { 204: { description: 'Set' } },
        async handle({ res, params, body, by, identity }) {
          await auth.resetPassword(params.personId, body.password, {
            id: by.actor.personId,
            label: by.label,
            sessionId: identity?.session?.id,
          });
          res.status(204).end();
        },
      }),
      endpoint({
        method: 'post',
        path: '/:personId/password-link',
        summary: 'Email a person a link to choose their own password',
        description:
          'The link is signed, for this person only, works once and expires; sending another cancels the earlier ones. 502 when the mail server does not take the email.',
        access: 'people.manage',
        params: personIdParams,
        responses: {
          201: { description: 'Sent', schema: passwordLinkSentSchema },
          409: { description: 'The person is deactivated' },
          502: { description: 'The email was not sent' },
        },
        async handle({ res, params, by }) {
          const sent = await passwordLinks.send(params.personId, { id: by.actor.personId, label: by.label });
          res.status(201).json({ sentTo: sent.sentTo, expiresAt: sent.expiresAt.toISOString() });
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
          const saved = await people.setDigestPreference(params.personId, body.digestPreference, {
            id: by.actor.personId,
            label: by.label,
          });
          res.json(personView(saved));
        },
      }),
    ],
  };
}
