import { z } from 'zod';
import { calendarDateInLondon } from '../../domain/calendar';
import { dataSourceDatabase } from './asAt';
import { formatsOf, paperFormats, paperKinds } from './model';
import { schemes } from './rag';
import { buildCheckedPaper, contentTypes, paperFilename, paperRequestProblem, renderPaper } from './service';
import type { ApiDependencies } from '../dependencies';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { ApiProblem } from '../../platform/http/problem';
import { isoDate } from '../../domain/lifecycle/fields';
import { coverReportSchema, coverSections } from './coverReport';
import { coverReportDraft, saveCoverReport } from './coverReportStore';

/**
 * Committee papers as at any date, computed from the audit trail (api/papers/):
 *   GET /api/papers/{overview|quarterly|tracker}?asAt=YYYY-MM-DD&format=html|docx|pdf|xlsx|csv&scheme=A|B
 *       [&previousCommittee=YYYY-MM-DD][&reportId=<uuid>]
 * `asAt` defaults to today, `format` to html, `scheme` to B. Spreadsheets (xlsx, csv) are for the quarterly update
 * and the tracker, whose tables suit them.
 */

const paramsSchema = z.object({
  kind: z
    .enum(paperKinds, { message: `must be one of ${paperKinds.join(', ')}` })
    .describe('overview (seed 001), quarterly (seed 004) or tracker (seeds 002–003)'),
});

const querySchema = z
  .object({
    asAt: isoDate.optional().describe('The paper as at the end of this day in England and Wales (default: today)'),
    format: z
      .enum(paperFormats, { message: `must be one of ${paperFormats.join(', ')}` })
      .default('html')
      .describe(
        `html, docx or pdf for every paper; xlsx and csv for ${paperKinds.filter((kind) => formatsOf[kind].includes('xlsx')).join(' and ')}`,
      ),
    scheme: z
      .enum(schemes, { message: 'must be A or B' })
      .default('B')
      .describe("The force's colour scheme: A (GREEN/AMBER/RED/WHITE/PURPLE) or B (on target, at risk, off target…)"),
    previousCommittee: isoDate
      .optional()
      .describe(
        'Overview: items reported complete to this committee drop out. Quarterly: the end of the previous quarter (default three months earlier). Tracker: closed since then shows as NEW GREEN.',
      ),
    reportId: z.uuid({ message: 'must be a report id (a UUID)' }).optional().describe('Tracker only: just this report'),
  })
  .strict();

const coverReportText = z.object(Object.fromEntries(coverSections.map((s) => [s.key, z.string().describe(s.heading)])));
const coverReportResponse = z.object({
  kind: z.enum(paperKinds),
  text: coverReportText,
  saved: z
    .object({ at: z.string().describe('When it was saved (ISO 8601)'), by: z.string().describe('Who saved it') })
    .nullable()
    .describe('The last save; null when none was ever saved and the text is the defaults (papers then print no cover report)'),
});

export function papersFeature({ dataSource, forceName }: ApiDependencies): Feature {
  const database = dataSourceDatabase(dataSource);
  return {
    mountPath: '/api/papers',
    tag: 'Committee papers',
    description:
      'The committee overview, the quarterly action update and the per-report tracker, as at any date, as a web page, Word, PDF, Excel or CSV.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/:kind/cover-report',
        summary: 'The cover report of a kind of paper',
        description:
          'The cover report last saved for the kind, printed before the paper in HTML, Word and PDF; or, before any was saved, the defaults a new one starts from.',
        access: 'papers.read',
        params: paramsSchema,
        responses: { 200: { description: 'The cover report', schema: coverReportResponse } },
        async handle({ res, params }) {
          res.status(200).json(await coverReportDraft(dataSource, params.kind));
        },
      }),
      endpoint({
        method: 'put',
        path: '/:kind/cover-report',
        summary: 'Save the cover report of a kind of paper',
        description:
          'Every section, as text. Required: reportTo, reportOf, purpose, recommendation; an empty section is left out of the paper. Saved with an audit event; the next paper of the kind opens with it.',
        access: 'papers.coverReport',
        params: paramsSchema,
        body: coverReportSchema,
        responses: { 200: { description: 'Saved', schema: coverReportResponse } },
        async handle({ res, params, body, by }) {
          res.status(200).json(await saveCoverReport(dataSource, params.kind, body, by));
        },
      }),
      endpoint({
        method: 'get',
        path: '/:kind',
        summary: 'Produce a committee paper as at a date',
        description:
          'Computed from the audit trail as it stood at the end of `asAt`, so the same paper for the same date always has the same numbers. ' +
          `Content types: ${paperFormats.map((format) => `${format}: ${contentTypes[format]}`).join('; ')}. HTML is shown in the browser; the others download.`,
        access: 'papers.read',
        params: paramsSchema,
        query: querySchema,
        responses: {
          200: {
            description: 'The paper, in the format asked for',
            contentType: 'application/octet-stream',
            headers: {
              'Content-Disposition': 'inline (html) or attachment, with the file name: committee-overview-2023-10-01-scheme-b.docx',
            },
          },
        },
        async handle({ res, params, query }) {
          const today = calendarDateInLondon(Date.now());
          const asAt = query.asAt ?? today;
          if (asAt > today)
            throw ApiProblem.invalid([
              { field: 'query.asAt', message: `must not be after today (${today}): a paper reports what has happened` },
            ]);
          const request = {
            kind: params.kind,
            asAt,
            format: query.format,
            scheme: query.scheme,
            previousCommittee: query.previousCommittee ?? null,
            reportId: query.reportId ?? null,
          };
          const problem = paperRequestProblem(request);
          if (problem) throw ApiProblem.invalid([{ field: `query.${problem.field}`, message: problem.message }]);
          const { paper, brokenTrails, cover } = await buildCheckedPaper(database, request);
          const body = await renderPaper(paper, request.format, forceName, brokenTrails, cover);
          res
            .status(200)
            .set({
              'Content-Type': contentTypes[request.format],
              'Content-Disposition': `${request.format === 'html' ? 'inline' : 'attachment'}; filename="${paperFilename(request, request.format)}"`,
              'Cache-Control': 'no-store',
              'X-Content-Type-Options': 'nosniff',
            })
            .send(body);
        },
      }),
    ],
  };
}
