import { z } from 'zod';
import { lifecycleStatuses } from '../../domain/lifecycle/states';
import type { ApiDependencies } from '../dependencies';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { classifications, differenceClasses } from './compare';

const recordSummary = z.object({ status: z.enum(lifecycleStatuses), version: z.number().int() });

const differenceSchema = z
  .object({
    recommendationId: z.uuid(),
    reference: z.string(),
    reportTitle: z.string(),
    class: z.enum(differenceClasses),
    postgres: recordSummary,
    workflow: recordSummary.nullable().describe('null when no workflow runs or it did not answer'),
    detail: z.string().nullable(),
    healed: z.boolean(),
    repair: z.string().nullable().describe('what the repair did or why it did not work; null when only reporting'),
  })
  .meta({ id: 'ConsistencyDifference' });

export const consistencyReportSchema = z
  .object({
    startedAt: z.string().describe('ISO 8601 date and time'),
    durationMs: z.number(),
    heal: z.boolean().describe('whether differences were repaired or only reported'),
    checked: z.number().int().describe('open items compared'),
    counts: z
      .object(
        Object.fromEntries(classifications.map((c) => [c, z.number().int()])) as Record<(typeof classifications)[number], z.ZodNumber>,
      )
      .describe('items by what was found, before any repair'),
    differences: z.array(differenceSchema),
    remaining: z.number().int().describe('differences still there at the end'),
  })
  .meta({ id: 'ConsistencyReport' });

/** The consistency check for administrators: every open item's workflow against its row in PostgreSQL. */
export function consistencyFeature({ consistency }: ApiDependencies): Feature {
  return {
    mountPath: '/api/admin/consistency',
    tag: 'Consistency',
    description:
      'Compares, for every open item, the state its workflow holds with PostgreSQL’s (the source of truth): `workflow_missing`, `workflow_behind`, `workflow_ahead`, `state_differs` or `unreachable`. A repair makes each differing workflow adopt PostgreSQL’s record and notes it on the item’s audit trail.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/',
        summary: 'Check every open item now and report the differences; changes nothing',
        access: 'consistency.manage',
        responses: { 200: { description: 'The report', schema: consistencyReportSchema } },
        async handle({ res }) {
          res.json(await consistency.check({ heal: false }));
        },
      }),
      endpoint({
        method: 'post',
        path: '/repair',
        summary: 'Check every open item and make each differing workflow follow PostgreSQL',
        access: 'consistency.manage',
        responses: { 200: { description: 'The report, with what each repair did', schema: consistencyReportSchema } },
        async handle({ res, by }) {
          res.json(await consistency.check({ heal: true, by }));
        },
      }),
    ],
  };
}
