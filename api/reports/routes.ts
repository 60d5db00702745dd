import { z } from 'zod';
import { sourceKinds } from '../../domain/vocabulary';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { page, reportListItemSchema, reportSchema } from '../../platform/http/schemas';
import { pageQuery } from '../../platform/http/pagination';
import { ApiProblem } from '../../platform/http/problem';
import type { ApiDependencies } from '../dependencies';
import { newReportSchema } from './schemas';

const reportIdParams = z.object({ id: z.uuid({ message: 'must be a report id (a UUID)' }) });

export const reportListQuery = z
  .object({
    ...pageQuery,
    originator: z.string().trim().min(1).max(200).optional(),
    kind: z.enum(sourceKinds).optional(),
  })
  .strict();

export function reportsFeature({ reports }: ApiDependencies): Feature {
  return {
    mountPath: '/api/reports',
    tag: 'Reports',
    description: 'Source reports (inspections, super-complaints, audits) and the items they make.',
    endpoints: [
      endpoint({
        method: 'post',
        path: '/',
        summary: 'Log a source report with its items',
        description: 'Creates the report and its items in one transaction, and starts one workflow per item.',
        access: 'reports.create',
        body: newReportSchema,
        responses: { 201: { description: 'Logged', schema: reportSchema, headers: { Location: 'the new report' } } },
        async handle({ res, body, by }) {
          const created = await reports.create(body, by);
          res
            .status(201)
            .location(`/api/reports/${created.id}`)
            .json(await reports.get(created.id));
        },
      }),
      endpoint({
        method: 'get',
        path: '/',
        summary: 'List source reports, newest first',
        access: 'reports.read',
        query: reportListQuery,
        responses: { 200: { description: 'A page of reports', schema: page(reportListItemSchema, 'ReportPage') } },
        async handle({ res, query }) {
          res.json(await reports.page(query));
        },
      }),
      endpoint({
        method: 'get',
        path: '/:id',
        summary: 'A source report with its items',
        access: 'reports.read',
        params: reportIdParams,
        responses: { 200: { description: 'The report', schema: reportSchema } },
        async handle({ res, params }) {
          const report = await reports.get(params.id);
          if (!report) throw ApiProblem.notFound('The report');
          res.json(report);
        },
      }),
    ],
  };
}
