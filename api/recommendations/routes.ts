import type { LifecycleCommand } from '../../domain/lifecycle';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { page, recommendationListItemSchema, recommendationSchema } from '../../platform/http/schemas';
import { ApiProblem, idempotencyKeyFrom } from '../../platform/http/problem';
import type { ApiDependencies } from '../dependencies';
import { lifecycleCommandSchema } from './commandSchemas';
import { recommendationListQuery, recommendationSorts } from './listQuery';
import { assignSchema } from './schemas';
import { recommendationIdParams } from '../../platform/http/params';

const view = { description: 'The recommendation after the change', schema: recommendationSchema, headers: { ETag: 'its version' } };

export function recommendationsFeature({ recommendations }: ApiDependencies): Feature {
  return {
    mountPath: '/api/recommendations',
    tag: 'Recommendations',
    description:
      'Items of source reports (recommendations, areas for improvement, actions…): lists, one item with its history, and lifecycle commands.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/',
        summary: 'List recommendations: filtered, sorted, a page at a time',
        description: `Filters combine (all must hold). Sort orders: ${Object.entries(recommendationSorts)
          .map(([k, v]) => `\`${k}\` ${v}`)
          .join('; ')}.`,
        access: 'recommendations.read',
        query: recommendationListQuery,
        responses: { 200: { description: 'A page of recommendations', schema: page(recommendationListItemSchema, 'RecommendationPage') } },
        async handle({ res, query, by }) {
          res.json(await recommendations.search(query, by));
        },
      }),
      endpoint({
        method: 'get',
        path: '/:id',
        summary: 'One recommendation: its state, history, and the commands the caller may send now',
        access: 'recommendations.read',
        params: recommendationIdParams,
        responses: {
          200: { description: 'The recommendation', schema: recommendationSchema, headers: { ETag: 'its version, for If-Match' } },
        },
        async handle({ res, params, by }) {
          const found = await recommendations.get(params.id, by);
          if (!found) throw ApiProblem.notFound('The recommendation');
          res.set('ETag', `"${found.version}"`).json(found);
        },
      }),
      endpoint({
        method: 'post',
        path: '/:id/assign',
        summary: 'Assign an owner, a lead and a due date',
        description: 'The same as the `assign` command. The owner and lead are emailed.',
        access: 'recommendations.command',
        params: recommendationIdParams,
        body: assignSchema,
        conditional: true,
        responses: { 200: view, 409: { description: 'The lifecycle refuses it now; `detail` says why. Nothing was recorded.' } },
        async handle({ req, res, params, body, by }) {
          const idempotencyKey = idempotencyKeyFrom(req.get('idempotency-key'));
          res.set('Idempotency-Key', idempotencyKey);
          const result = await recommendations.assign(params.id, body, by, { ifMatch: req.get('if-match'), idempotencyKey });
          res.set('ETag', `"${result.version}"`).json(result);
        },
      }),
      endpoint({
        method: 'post',
        path: '/:id/commands',
        summary: 'Send a lifecycle command to the item’s workflow',
        description:
          'Every command of the lifecycle: `{ "type": "accept" }`, `{ "type": "approve", "comment": "…" }`, `{ "type": "reject", "reasons": "…" }`… The body is checked first (400); then the lifecycle decides whether this person may issue it now (409 with the reason, e.g. separation of duties).',
        access: 'recommendations.command',
        params: recommendationIdParams,
        body: lifecycleCommandSchema,
        conditional: true,
        responses: { 200: view, 409: { description: 'The lifecycle refuses it now; `detail` says why. Nothing was recorded.' } },
        async handle({ req, res, params, body, by }) {
          const idempotencyKey = idempotencyKeyFrom(req.get('idempotency-key'));
          res.set('Idempotency-Key', idempotencyKey);
          const result = await recommendations.command(params.id, body as LifecycleCommand, by, {
            ifMatch: req.get('if-match'),
            idempotencyKey,
          });
          res.set('ETag', `"${result.version}"`).json(result);
        },
      }),
    ],
  };
}
