import { z } from 'zod';
import { statusMeanings, type StatusMeaning } from '../../domain/importStatusWording';
import { importColumns } from '../../domain/trackerImport';
import type { ApiDependencies } from '../dependencies';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { ApiProblem } from '../../platform/http/problem';
import { importIdParams } from '../../platform/http/params';
import { MAX_IMPORT_BYTES } from './limits';
import { importContentTypes, requestFile } from './requestFile';
import { readMappingFile } from './mappingFile';
import { sendPreview } from './sendPreview';
import { templateCsv } from './spreadsheet';

const meaningValues = statusMeanings.map((meaning) => meaning.status) as [StatusMeaning, ...StatusMeaning[]];
const mappingsSchema = z
  .object({
    mappings: z
      .array(
        z
          .object({
            wording: z.string().trim().min(1, 'must not be empty').max(2_000, 'must be at most 2,000 characters'),
            status: z.enum(meaningValues, { message: `must be one of: ${meaningValues.join(', ')}` }),
          })
          .strict(),
      )
      .min(1, 'must list at least one wording')
      .max(1_000, 'must list at most 1,000 wordings'),
  })
  .strict()
  .meta({ id: 'ImportStatusMappings' });

const findingSchema = z
  .object({
    row: z.number().nullable().describe('The row of the file that states the figure'),
    scope: z.enum(['report', 'category']),
    where: z.string().describe('The report’s title, or "Category 3"'),
    figure: z.enum(['outstanding', 'closed', 'total', 'status line']),
    stated: z.string().describe('As the tracker states it'),
    implied: z.string().describe('What its rows imply'),
    message: z.string(),
  })
  .meta({ id: 'ReconciliationFinding' });

const countsSchema = z.object({ outstanding: z.number().nullable(), closed: z.number().nullable(), total: z.number().nullable() });

const reconciliationSchema = z
  .object({
    id: z.string(),
    importedAt: z.string(),
    importedBy: z.string(),
    rows: z.number(),
    stated: z.array(
      z.object({
        row: z.number().nullable(),
        scope: z.enum(['report', 'category']),
        report: z.string().nullable(),
        reportId: z.string().nullable(),
        category: z.number().nullable(),
        statusLine: z.string().nullable(),
        stated: countsSchema,
        rows: z.object({ listed: z.number(), outstanding: z.number(), closed: z.number() }),
      }),
    ),
    findings: z.array(findingSchema),
  })
  .meta({ id: 'TrackerReconciliation' });

/** `choices=12:outstanding,13:closed`: per item under a report's status line, by row. */
const choicesQuery = z
  .string()
  .regex(/^\d{1,7}:(outstanding|closed)(,\d{1,7}:(outstanding|closed))*$/, {
    message: 'must be <row>:outstanding or <row>:closed, separated by commas',
  })
  .optional();

const previewSchema = z
  .object({
    rows: z.array(
      z.object({
        row: z.number(),
        report: z.string(),
        reference: z.string(),
        action: z.enum(['create', 'update', 'unchanged']),
        changes: z.array(z.string()),
      }),
    ),
    problems: z.array(
      z.object({
        row: z.number(),
        column: z.string().nullable(),
        value: z.string().optional().describe('The beginning of the cell the problem is about (at most 60 characters)'),
        message: z.string(),
      }),
    ),
    notes: z.array(z.string()),
    counts: z.object({ create: z.number(), update: z.number(), unchanged: z.number() }),
    reportStatuses: z
      .array(
        z.object({
          row: z.number().describe('The report row'),
          report: z.string(),
          statusLine: z.string(),
          why: z.string(),
          items: z.array(
            z.object({
              row: z.number(),
              reference: z.string(),
              choice: z.enum(['outstanding', 'closed']),
              proposed: z.enum(['outstanding', 'closed']),
              chosen: z.boolean().describe('false: the proposal, to be chosen or accepted (acceptProposals=true) before importing'),
            }),
          ),
        }),
      )
      .describe('Reports whose status line and stated counts do not say which items are outstanding: a choice per item'),
    reconciliation: z.array(findingSchema).describe('Where a figure the file states differs from what its own rows imply'),
    importId: z.string().nullable().describe('Once imported, when the file stated figures: GET /api/imports/{id}/reconciliation'),
    statuses: z
      .array(
        z.object({
          wording: z.string(),
          key: z.string().describe('The wording as mappings key it: lower case, spaces collapsed, no trailing full stop'),
          rows: z.number(),
          status: z.enum(meaningValues),
          source: z
            .enum(['confirmed', 'saved', 'proposed'])
            .describe('proposed: not yet confirmed, so the file cannot be imported until it is'),
          proposed: z.enum(meaningValues),
          why: z.string(),
        }),
      )
      .describe('The force’s own status wordings in the file and what each is taken to mean'),
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
        method: 'get',
        path: '/status-mappings',
        summary: 'What the force’s own status wordings mean, as confirmed at earlier imports',
        access: 'imports.manage',
        responses: {
          200: {
            description: 'The saved mappings',
            schema: z.object({
              mappings: z.array(z.object({ wording: z.string(), status: z.enum(meaningValues), confirmedAt: z.string() })),
            }),
          },
        },
        async handle({ res }) {
          res.json({ mappings: await imports.statusMeanings() });
        },
      }),
      endpoint({
        method: 'put',
        path: '/status-mappings',
        summary: 'Confirm what the force’s own status wordings mean (a mapping file); the next import uses them',
        access: 'imports.manage',
        body: mappingsSchema,
        responses: {
          200: {
            description: 'Every saved mapping',
            schema: z.object({
              mappings: z.array(z.object({ wording: z.string(), status: z.enum(meaningValues), confirmedAt: z.string() })),
            }),
          },
        },
        async handle({ res, body, by }) {
          await imports.confirmStatusMeanings(body.mappings, by);
          res.json({ mappings: await imports.statusMeanings() });
        },
      }),
      endpoint({
        method: 'put',
        path: '/status-mappings.csv',
        summary: 'Confirm what the force’s own status wordings mean from a CSV mapping file (columns "Status as written", "Means")',
        access: 'imports.manage',
        rawBody: { contentTypes: ['text/csv'], maxBytes: () => 1024 * 1024 },
        responses: {
          200: {
            description: 'Every saved mapping',
            schema: z.object({
              mappings: z.array(z.object({ wording: z.string(), status: z.enum(meaningValues), confirmedAt: z.string() })),
            }),
          },
        },
        async handle({ req, res, by }) {
          const contentType = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
          if (contentType !== 'text/csv') {
            throw new ApiProblem(415, 'Send a CSV file', `A mapping file is CSV, not "${contentType || 'unknown'}".`, [
              { field: 'header.Content-Type', message: 'must be text/csv' },
            ]);
          }
          const file = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          await imports.confirmStatusMeanings(readMappingFile(file), by);
          res.json({ mappings: await imports.statusMeanings() });
        },
      }),
      endpoint({
        method: 'get',
        path: '/',
        summary: 'The imports that kept what their tracker stated (report counts and status lines, category totals), newest first',
        access: 'imports.manage',
        responses: {
          200: {
            description: 'The imports',
            schema: z.object({
              imports: z.array(
                z.object({
                  id: z.string(),
                  importedAt: z.string(),
                  importedBy: z.string(),
                  rows: z.number(),
                  statedFigures: z.number(),
                  differences: z.number().describe('How many stated figures differ from the rows'),
                }),
              ),
            }),
          },
        },
        async handle({ res }) {
          res.json({ imports: await imports.trackerImports() });
        },
      }),
      endpoint({
        method: 'get',
        path: '/:id/reconciliation',
        summary:
          'An import’s reconciliation report: every figure its tracker stated that differs from what its rows imply, with both numbers',
        access: 'imports.manage',
        params: importIdParams,
        responses: {
          200: { description: 'The reconciliation report', schema: reconciliationSchema },
          404: { description: 'No such import' },
        },
        async handle({ res, params }) {
          const report = await imports.reconciliationOf(params.id);
          if (!report) throw new ApiProblem(404, 'No such import', `No import has the id ${params.id}.`);
          res.json(report);
        },
      }),
      endpoint({
        method: 'post',
        path: '/',
        summary: 'Check a tracker (dryRun=true: nothing is imported), or import it in one transaction when it has no problems',
        access: 'imports.manage',
        query: z
          .object({
            dryRun: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true'),
            choices: choicesQuery,
            acceptProposals: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
          })
          .strict(),
        rawBody: { contentTypes: importContentTypes, maxBytes: () => MAX_IMPORT_BYTES },
        responses: {
          200: { description: 'What the file holds and what importing it does (or did)', schema: previewSchema },
          413: {
            description:
              'The file is larger than 10 MB, or passes a limit (IMPORT_MAX_ROWS rows, IMPORT_MAX_COLUMNS columns, unpacked size, reading time), named with the row or column where it was passed. Nothing was imported.',
          },
          422: {
            description:
              'The file has problems (dryRun=false), or a cell is longer than IMPORT_MAX_CELL_CHARS, named by row and column with only the beginning of the cell quoted. Nothing was imported.',
          },
        },
        async handle({ req, res, query, by }) {
          const { file, contentType } = requestFile(req);
          const decisions = {
            choices: new Map(
              (query.choices ?? '')
                .split(',')
                .filter(Boolean)
                .map((pair) => {
                  const [row, choice] = pair.split(':') as [string, 'outstanding' | 'closed'];
                  return [Number(row), choice] as const;
                }),
            ),
            acceptProposals: query.acceptProposals === 'true',
          };
          await sendPreview(
            res,
            query.dryRun === 'true'
              ? await imports.preview(file, contentType, decisions)
              : await imports.import(file, contentType, by, decisions),
          );
        },
      }),
    ],
  };
}
