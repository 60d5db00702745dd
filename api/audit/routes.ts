import { z } from 'zod';
import { AuditEvent } from '../../entities';
import type { ApiDependencies } from '../dependencies';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { auditEventSchema, page } from '../../platform/http/schemas';
import { keysetPage, pageQuery } from '../../platform/http/pagination';

const auditQuery = z
  .object({
    ...pageQuery,
    type: z.string().trim().min(1).max(100).optional().describe('event type, e.g. sign_in_failed, permission_refused, owner_assigned'),
    entityType: z.string().trim().min(1).max(50).optional(),
    recommendation: z.uuid({ message: 'must be a recommendation id (a UUID)' }).optional(),
    actor: z.uuid({ message: 'must be the id of a person (a UUID)' }).optional(),
    since: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date and time, e.g. 2026-01-31T09:00:00Z' }).optional(),
  })
  .strict();

/** The append-only audit trail, newest first: every change, sign-in, failed sign-in and refusal. */
export function auditFeature({ dataSource }: ApiDependencies): Feature {
  return {
    mountPath: '/api/audit',
    tag: 'Audit',
    description: 'The append-only audit trail: every change, sign-in, failed sign-in and refused request.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/',
        summary: 'Audit events, newest first',
        access: 'audit.read',
        query: auditQuery,
        responses: { 200: { description: 'A page of events', schema: page(auditEventSchema, 'AuditEventPage') } },
        async handle({ res, query }) {
          const qb = dataSource.getRepository(AuditEvent).createQueryBuilder('e');
          if (query.type) qb.andWhere('e.type = :type', { type: query.type });
          if (query.entityType) qb.andWhere('e.entity_type = :entityType', { entityType: query.entityType });
          if (query.recommendation) qb.andWhere('e.recommendation_id = :recommendation', { recommendation: query.recommendation });
          if (query.actor) qb.andWhere('e.actor_id = :actor', { actor: query.actor });
          if (query.since) qb.andWhere('e.occurred_at >= CAST(:since AS timestamptz)', { since: query.since });
          const result = await keysetPage(qb, {
            sort: 'newest',
            keys: [{ expr: 'e.id', dir: 'DESC', type: 'bigint' }],
            limit: query.limit,
            cursor: query.cursor,
          });
          res.json({
            items: result.items.map((e) => ({
              id: e.id,
              occurredAt: e.occurredAt.toISOString(),
              actorId: e.actorId,
              actorLabel: e.actorLabel,
              entityType: e.entityType,
              entityId: e.entityId,
              recommendationId: e.recommendationId,
              type: e.type,
              summary: e.summary,
              before: e.before,
              after: e.after,
            })),
            nextCursor: result.nextCursor,
          });
        },
      }),
    ],
  };
}
