import { z } from 'zod';
import { importColumns } from '../../domain/trackerImport';
import type { ApiDependencies } from '../dependencies';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { ApiProblem } from '../../platform/http/problem';
import { MAX_IMPORT_BYTES } from './limits';
import { sendPreview } from './sendPreview';
import { templateCsv } from './spreadsheet';

const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const acceptedTypes = ['text/csv', xlsx];

const previewSchema = z
  .object({
    rows: z.array(z.object({ row: z.number(), report: z.string(), reference: z.string(), action: z.enum(['create', 'update', 'unchanged']), changes: z.array(z.string()) })),
    problems: z.array(z.object({ row: z.number(), column: z.string().nullable(), value: z.string().optional().describe('The beginning of the cell the problem is about (at most 60 characters)'), message: z.string() })),
    notes: z.array(z.string()),
    counts: z.object({ create: z.number(), update: z.number(), unchanged: z.number() }),
  })
  .meta({ id: 'ImportPreview' });

/** Importing a force's existing tracker (CSV or Excel): a dry run first, then one transaction. */
export function importsFeature({ imports }: ApiDependencies): Feature {
  return {
    mountPath: '/api/imports',
    tag: 'Imports',
    description: 'Existing trackers in, as CSV or Excel with the template’s columns (other trackers’ usual headers are recognised).',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/template.csv',
        summary: 'The import template: its columns and one example row',
        access: 'imports.manage',
        responses: { 200: { description: 'The template', contentType: 'text/csv' } },
        async handle({ res }) {
          res.type('text/csv').attachment('tracker-import-template.csv').send(templateCsv(importColumns));
        },
      }),
      endpoint({
        method: 'post',
        path: '/',
        summary: 'Check a tracker (dryRun=true: nothing is imported), or import it in one transaction when it has no problems',
        access: 'imports.manage',
        query: z.object({ dryRun: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true') }).strict(),
        rawBody: { contentTypes: acceptedTypes, maxBytes: () => MAX_IMPORT_BYTES },
        responses: {
          200: { description: 'What the file holds and what importing it does (or did)', schema: previewSchema },
          413: { description: 'The file is larger than 10 MB, or passes a limit (IMPORT_MAX_ROWS rows, IMPORT_MAX_COLUMNS columns, unpacked size, reading time), named with the row or column where it was passed. Nothing was imported.' },
          422: { description: 'The file has problems (dryRun=false), or a cell is longer than IMPORT_MAX_CELL_CHARS, named by row and column with only the beginning of the cell quoted. Nothing was imported.' },
        },
        async handle({ req, res, query, by }) {
          const contentType = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
          if (!acceptedTypes.includes(contentType)) {
            throw new ApiProblem(415, 'Send a CSV file or an Excel workbook', `Files of type "${contentType || 'unknown'}" cannot be imported.`, [
              { field: 'header.Content-Type', message: `must be text/csv or ${xlsx}` },
            ]);
          }
          const file = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          if (file.length === 0) throw ApiProblem.invalid([{ field: 'body', message: 'the file is empty' }]);
          await sendPreview(res, query.dryRun === 'true' ? await imports.preview(file, contentType) : await imports.import(file, contentType, by));
        },
      }),
    ],
  };
}
