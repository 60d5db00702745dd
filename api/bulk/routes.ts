import { z } from 'zod';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import type { ApiDependencies } from '../dependencies';
import { asBulkAction, bulkRequestSchema } from './schemas';
import { BulkActionService } from './service';

const outcomesSchema = z
  .object({
    bulkId: z.string(),
    items: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        report: z.string(),
        outcome: z.enum(['done', 'refused']),
        detail: z.string().describe('What changed, or why the item was refused (nothing was written for it)'),
      }),
    ),
  })
  .meta({ id: 'BulkOutcomes' });

/** Bulk triage and assignment: each item through its own lifecycle command, each with its own outcome. */
export function bulkFeature({ dataSource, recommendations }: ApiDependencies): Feature {
  const bulk = new BulkActionService(dataSource, recommendations);
  return {
    mountPath: '/api/bulk-actions',
    tag: 'Recommendations',
    description: 'One triage or assignment for several items, each sent to its own workflow.',
    endpoints: [
      endpoint({
        method: 'post',
        path: '/',
        summary: 'Triage, assign or hand over several items at once; one outcome per item',
        description:
          'Each item gets its own lifecycle command (`setCategory`, `markNotForTheForce`, `assign`, or `reassign` for work under way) with the Idempotency-Key `bulk:<bulkId>:<item id>`: sending the same `bulkId` again changes nothing twice. An item the lifecycle refuses is reported with the reason and the others go ahead. Each person gets one email for all their items of the batch.',
        access: 'recommendations.command',
        body: bulkRequestSchema,
        responses: { 200: { description: 'Every item’s outcome, in the order sent', schema: outcomesSchema } },
        async handle({ res, body, by }) {
          res.json({ bulkId: body.bulkId, items: await bulk.run({ ...body, action: asBulkAction(body.action) }, by) });
        },
      }),
    ],
  };
}
