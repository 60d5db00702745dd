import { z } from 'zod';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { actingPersonOf } from '../../platform/http/actor';
import { ApiProblem, idempotencyKeyFrom } from '../../platform/http/problem';
import type { ApiDependencies } from '../dependencies';
import { recommendationIdParams } from '../../platform/http/params';
import { threadEntryKinds } from './service';

const entrySchema = z
  .object({
    id: z.string().describe('The comment’s id, or event:<audit event id> for a reason the lifecycle recorded'),
    kind: z
      .enum(threadEntryKinds)
      .describe('A comment, or the reason evidence was rejected, an extension refused or HMICFRS did not accept the item'),
    at: z.string(),
    by: z.string(),
    heading: z.string().nullable().describe('What was turned down, for the lifecycle’s entries; null for a comment'),
    text: z.string(),
    notified: z.array(z.string()).describe('Who was told of the comment by email'),
  })
  .meta({ id: 'ThreadEntry' });

const threadSchema = z
  .object({
    items: z.array(entrySchema).describe('Oldest first'),
    participants: z
      .array(z.object({ id: z.string(), name: z.string(), part: z.string() }))
      .describe('Who takes part in the item, and may be notified of a comment'),
  })
  .meta({ id: 'CommentThread' });

export const newCommentSchema = z
  .object({
    text: z.string({ message: 'must be text' }).describe('Up to 2,000 characters. "@name@force.police.uk" tells that person by email too.'),
    notify: z
      .array(z.uuid({ message: 'must be the id of a person (a UUID)' }))
      .max(100, { message: 'must name at most 100 people' })
      .optional()
      .describe('People taking part in the item to tell by email'),
  })
  .strict();

/** An item's comments: GET the thread (with the lifecycle's rejection and refusal reasons), POST a comment. */
export function commentsFeature({ recommendations, comments }: ApiDependencies): Feature {
  return {
    mountPath: '/api/recommendations',
    tag: 'Recommendations',
    description: 'Items of source reports: their comments.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/:id/comments',
        summary:
          'The item’s comments, with the reasons evidence was rejected, extensions refused or HMICFRS did not accept it, oldest first',
        access: 'comments.read',
        params: recommendationIdParams,
        responses: { 200: { description: 'The thread, and who takes part', schema: threadSchema } },
        async handle({ res, params, by }) {
          const view = await recommendations.get(params.id, by);
          if (!view) throw ApiProblem.notFound('The recommendation');
          const [items, participants] = await Promise.all([comments.thread(view.id), comments.participants(view)]);
          res.json({ items, participants: participants.map(({ id, name, part }) => ({ id, name, part })) });
        },
      }),
      endpoint({
        method: 'post',
        path: '/:id/comments',
        summary: 'Comment on the item, telling people by email',
        description:
          'Idempotency-Key (optional; one is minted if absent): the same comment sent again with the same key is answered with 200 and the comment, and no email goes twice; the key sent with a different comment is a 422.',
        access: 'comments.post',
        params: recommendationIdParams,
        relation: async ({ params, identity }) => {
          const view = await recommendations.get(params.id, actingPersonOf(identity));
          if (!view) throw ApiProblem.notFound('The recommendation');
          return { participant: await comments.takesPart(view, identity.person.id) };
        },
        body: newCommentSchema,
        responses: {
          201: {
            description: 'Posted; the people told have been emailed',
            schema: entrySchema,
            headers: { 'Idempotency-Key': 'the key it was posted under' },
          },
          200: {
            description: 'Posted already under this Idempotency-Key',
            schema: entrySchema,
            headers: { 'Idempotency-Key': 'the key it was posted under' },
          },
          422: { description: 'The Idempotency-Key was used for another comment' },
        },
        async handle({ req, res, params, body, by }) {
          const key = idempotencyKeyFrom(req.get('idempotency-key'));
          const view = await recommendations.get(params.id, by);
          if (!view) throw ApiProblem.notFound('The recommendation');
          const { entry, created } = await comments.post(view, by, body, `api:${key}`);
          res
            .status(created ? 201 : 200)
            .set('Idempotency-Key', key)
            .json(entry);
        },
      }),
    ],
  };
}
