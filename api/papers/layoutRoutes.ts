import { z } from 'zod';
import { builtInLayoutNames, paperLayoutSchema } from '../../domain/paperLayout';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import type { ApiDependencies } from '../dependencies';
import { paperLayoutDraft, savePaperLayout } from './layoutStore';

/**
 * The force's layout of the committee overview (domain/paperLayout.ts):
 *   GET /api/settings/paper-layout   the layout in force, when it was saved, and the built-in layouts to start from
 *   PUT /api/settings/paper-layout   a whole layout; checked field by field, saved with an audit event
 */

const layoutDoc = paperLayoutSchema.meta({ id: 'PaperLayout' });
const draftResponse = z
  .object({
    layout: layoutDoc,
    saved: z
      .object({ at: z.string().describe('When it was saved (ISO 8601)'), by: z.string().describe('Who saved it') })
      .nullable()
      .describe('The last save; null while the standard layout applies'),
    builtIn: z
      .object(Object.fromEntries(builtInLayoutNames.map((name) => [name, layoutDoc])))
      .describe('The built-in layouts: standard (one list by date) and appendices (one appendix per closure level)'),
  })
  .meta({ id: 'PaperLayoutSettings' });

export function paperLayoutFeature({ dataSource }: ApiDependencies): Feature {
  return {
    mountPath: '/api/settings/paper-layout',
    tag: 'Paper layout',
    description:
      'How the committee overview is laid out for this force: its sections and their order, which reports and closure categories each takes, grouping, columns and headings, the force’s words for each closure category, the date style, how items awaiting HMICFRS sign-off are counted, and which status line a report prints (the force’s own words while current, or always one written from its items).',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/',
        summary: 'The layout of the committee overview, and the built-in layouts',
        access: 'papers.read',
        responses: { 200: { description: 'The layout in force', schema: draftResponse } },
        async handle({ res }) {
          res.status(200).json(await paperLayoutDraft(dataSource));
        },
      }),
      endpoint({
        method: 'put',
        path: '/',
        summary: 'Save the layout of the committee overview',
        description:
          'A whole layout (start from one of `builtIn`). Every report and item must be in a section: each kind of report with each closure category (and "unset") must be taken by at least one section. Saved with an audit event; the next overview, as at any date, follows it.',
        access: 'papers.layout',
        body: paperLayoutSchema,
        responses: { 200: { description: 'Saved', schema: draftResponse } },
        async handle({ res, body, by }) {
          res.status(200).json(await savePaperLayout(dataSource, body, by));
        },
      }),
    ],
  };
}
