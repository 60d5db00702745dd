import { Router, type Request, type Response } from 'express';
import { formatLongDate, calendarDateInLondon } from '../../domain/calendar';
import type { ApiDependencies } from '../dependencies';
import { actingPersonOf } from '../../platform/http/actor';
import { authorize } from '../../platform/http/permissions';
import type { FormError } from '../../platform/web/html';
import { pageShell } from '../../platform/web/pageShell';
import { coverReportSchema, coverSections, type CoverReportText } from './coverReport';
import { coverReportDraft, saveCoverReport, type CoverReportDraft } from './coverReportStore';
import { paperKinds, paperTitles, type PaperKind } from './model';

/**
 * The cover report page (/papers/cover-report), reached from a paper shown on the committee papers page: the
 * kind's cover report, starting from the last one saved (or the defaults), saved through the same check and store
 * as PUT /api/papers/<kind>/cover-report, then back to the same paper, which now opens with it.
 */

/** The paper page's own choices, carried through the form so saving returns to the same paper. */
const paperQueryKeys = [
  'paper',
  'asAt-day',
  'asAt-month',
  'asAt-year',
  'previousCommittee-day',
  'previousCommittee-month',
  'previousCommittee-year',
  'scheme',
];

function paperQueryOf(values: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const key of paperQueryKeys) if (typeof values[key] === 'string') params.set(key, values[key]);
  return params.toString();
}

const kindOf = (value: unknown): PaperKind | null =>
  typeof value === 'string' && (paperKinds as readonly string[]).includes(value) ? (value as PaperKind) : null;

export function coverReportPages(deps: ApiDependencies): Router {
  const router = Router();
  const shell = pageShell(deps);
  const noPaper = (req: Request, res: Response) =>
    shell.message(req, res, 404, 'Page not found', ['Choose a paper on the committee papers page first.'], {
      href: '/papers',
      text: 'Committee papers',
    });

  async function page(
    req: Request,
    res: Response,
    draft: CoverReportDraft,
    paperQuery: string,
    errors: FormError[] = [],
    status = 200,
  ): Promise<void> {
    const savedAt = draft.saved && new Date(draft.saved.at);
    await shell.send(
      req,
      res,
      'paperCoverReport.njk',
      {
        title: `Cover report: ${paperTitles[draft.kind]}`,
        errors,
        paperTitle: paperTitles[draft.kind],
        saved: draft.saved && savedAt && { on: formatLongDate(calendarDateInLondon(savedAt.getTime())), by: draft.saved.by },
        back: `/papers?${paperQuery}#download`,
        paperQuery: Object.fromEntries(new URLSearchParams(paperQuery)),
        sections: coverSections.map((s) => ({
          key: s.key,
          heading: s.heading,
          value: draft.text[s.key],
          long: s.maxLength > 200,
          hint: `${s.required ? '' : 'Optional: left out of the paper when empty. '}At most ${s.maxLength.toLocaleString('en-GB')} characters.`,
          error: errors.find((e) => e.field === s.key) && { text: errors.find((e) => e.field === s.key)!.message },
        })),
        csrfToken: req.identity!.session?.csrfToken ?? '',
      },
      { current: '/papers', status },
    );
  }

  router.get('/papers/cover-report', async (req, res) => {
    authorize(req.identity!, 'papers.coverReport');
    const query = req.query as Record<string, unknown>;
    const kind = kindOf(query.paper);
    if (!kind) return noPaper(req, res);
    await page(req, res, await coverReportDraft(deps.dataSource, kind), paperQueryOf(query));
  });

  router.post('/papers/cover-report', async (req, res) => {
    authorize(req.identity!, 'papers.coverReport');
    const body = req.body as Record<string, unknown>;
    const kind = kindOf(body.paper);
    if (!kind) return noPaper(req, res);
    const paperQuery = paperQueryOf(body);
    const input = Object.fromEntries(coverSections.map((s) => [s.key, typeof body[s.key] === 'string' ? body[s.key] : '']));
    const checked = coverReportSchema.safeParse(input);
    if (!checked.success) {
      const errors = checked.error.issues.map((issue) => ({ field: String(issue.path[0]), message: issue.message }));
      const previous = await coverReportDraft(deps.dataSource, kind);
      // The words as typed stay in the form, with every problem named.
      return page(req, res, { ...previous, text: input as CoverReportText }, paperQuery, errors, 400);
    }
    await saveCoverReport(deps.dataSource, kind, checked.data, actingPersonOf(req.identity!));
    res.redirect(303, `/papers?${paperQuery}#download`);
  });

  return router;
}
