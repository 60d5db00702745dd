import { Router, type Request, type Response } from 'express';
import { calendarDateInLondon, formatLongDate } from '../../domain/calendar';
import type { ApiDependencies } from '../dependencies';
import { authorize, isAllowed } from '../../platform/http/permissions';
import type { FormError } from '../../platform/web/html';
import { dateItems, partsOf, readDateInput, type DateParts } from '../../platform/web/dateInput';
import { pageShell } from '../../platform/web/pageShell';
import { dataSourceDatabase } from './asAt';
import { formatsOf, paperKinds, paperTitles, type PaperFormat, type PaperKind } from './model';
import { schemes, type Scheme } from './rag';
import { coverReportDraft } from './coverReportStore';
import { coverReportPages } from './coverReportPages';
import { paperRequestProblem, previewPaper, producePaper, type PaperRequest } from './service';

/**
 * The committee papers page (/papers): choose the paper, the "as at" date, the previous committee and the colour
 * scheme; see the paper in the page and download it as Word, PDF, Excel or CSV. A GET form, so the address is the
 * paper and can be bookmarked; the preview and the downloads go through the service the API uses.
 */

const formatNames: Record<Exclude<PaperFormat, 'html'>, string> = { docx: 'Word (.docx)', pdf: 'PDF', xlsx: 'Excel (.xlsx)', csv: 'CSV' };

const paperHints: Record<PaperKind, string> = {
  overview: 'Each HMICFRS report with its status and items, by closure category; super-complaints in an appendix. Word or PDF.',
  quarterly: 'Off target, at risk, proposed for closure and new actions, against last quarter. Word, PDF, Excel or CSV.',
  tracker: 'Each report’s items with their colour, due-date history and latest comment. Word, PDF, Excel or CSV.',
};

const schemeHints: Record<Scheme, string> = {
  A: 'GREEN, NEW GREEN, AMBER, RED, WHITE and PURPLE (City of London style).',
  B: 'On target, at risk, off target, proposed for closure and closed (Nottinghamshire style).',
};

interface PaperForm {
  paper: string;
  scheme: string;
  asAt: DateParts;
  previousCommittee: DateParts;
}

type Checked = { ok: true; request: PaperRequest } | { ok: false; errors: FormError[] };

const one = (value: unknown) => (typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '');

/** The choices as sent, checked: every problem named by field, in the order of the form. */
function checkForm(query: Record<string, unknown>, today: string): { form: PaperForm; checked: Checked } {
  const values = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, one(v)]));
  const asAt = readDateInput(values, 'asAt', 'The “as at” date');
  const previous = readDateInput(values, 'previousCommittee', 'The previous committee date');
  const form: PaperForm = { paper: values.paper ?? '', scheme: values.scheme ?? '', asAt: asAt.parts, previousCommittee: previous.parts };
  const errors: FormError[] = [];
  const kind = (paperKinds as readonly string[]).includes(form.paper) ? (form.paper as PaperKind) : null;
  if (!kind) errors.push({ field: 'paper', message: 'Choose which paper to produce' });
  let asAtDate: string | null = null;
  if (asAt.empty) errors.push({ field: 'asAt-day', message: 'Enter the “as at” date' });
  else if ('error' in asAt) errors.push({ field: 'asAt-day', message: asAt.error });
  else if (asAt.date > today)
    errors.push({
      field: 'asAt-day',
      message: `The “as at” date must be today or in the past: a paper reports what has happened (today is ${formatLongDate(today)})`,
    });
  else asAtDate = asAt.date;
  let previousDate: string | null = null;
  if ('error' in previous) errors.push({ field: 'previousCommittee-day', message: previous.error });
  else if (!previous.empty) previousDate = previous.date;
  const scheme = (schemes as readonly string[]).includes(form.scheme) ? (form.scheme as Scheme) : null;
  if (!scheme) errors.push({ field: 'scheme', message: 'Choose the colour scheme' });
  if (asAtDate) {
    // The service's own rule (the API answers the same): the previous committee comes before the "as at" date.
    const problem = paperRequestProblem({
      kind: kind ?? 'overview',
      asAt: asAtDate,
      scheme: scheme ?? 'B',
      previousCommittee: previousDate,
      format: 'html',
    });
    if (problem?.field === 'previousCommittee')
      errors.push({
        field: 'previousCommittee-day',
        message: `The previous committee date must be before the “as at” date (${formatLongDate(asAtDate)})`,
      });
    else if (problem) errors.push({ field: 'paper', message: problem.message });
  }
  if (kind && asAtDate && scheme && !errors.length)
    return { form, checked: { ok: true, request: { kind, asAt: asAtDate, scheme, previousCommittee: previousDate } } };
  const order = ['paper', 'asAt-day', 'previousCommittee-day', 'scheme'];
  return { form, checked: { ok: false, errors: errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field)) } };
}

/** The query of a paper's address: the same boxes the form sends, so a download is checked exactly as the page is. */
function queryOf(request: PaperRequest, format?: PaperFormat): string {
  const params = new URLSearchParams({ paper: request.kind });
  for (const [name, date] of [
    ['asAt', request.asAt],
    ['previousCommittee', request.previousCommittee ?? null],
  ] as const) {
    if (!date) continue;
    const parts = partsOf(date);
    for (const p of ['day', 'month', 'year'] as const) params.set(`${name}-${p}`, parts[p]);
  }
  params.set('scheme', request.scheme);
  if (format) params.set('format', format);
  return params.toString();
}

export function papersPages(deps: ApiDependencies): Router {
  const router = Router();
  const shell = pageShell(deps);
  router.use(coverReportPages(deps));
  const database = dataSourceDatabase(deps.dataSource);

  async function page(
    req: Request,
    res: Response,
    form: PaperForm,
    extra: { errors?: FormError[]; preview?: string; request?: PaperRequest },
    status = 200,
  ) {
    const errors = extra.errors ?? [];
    const fieldError = (field: string) => {
      const error = errors.find((e) => e.field === field);
      return error ? { text: error.message } : undefined;
    };
    const request = extra.request;
    const cover = request && (await coverReportDraft(deps.dataSource, request.kind));
    await shell.send(
      req,
      res,
      'papers.njk',
      {
        title: 'Committee papers',
        errors,
        reconciliationLink: isAllowed(req.identity!, 'imports.manage'),
        papers: paperKinds.map((kind) => ({
          value: kind,
          text: paperTitles[kind],
          hint: { text: paperHints[kind] },
          checked: form.paper === kind,
        })),
        schemes: schemes.map((scheme) => ({
          value: scheme,
          text: `Scheme ${scheme}`,
          hint: { text: schemeHints[scheme] },
          checked: form.scheme === scheme,
        })),
        asAt: { items: dateItems(form.asAt, !!fieldError('asAt-day')), error: fieldError('asAt-day') },
        previousCommittee: {
          items: dateItems(form.previousCommittee, !!fieldError('previousCommittee-day')),
          error: fieldError('previousCommittee-day'),
        },
        paperError: fieldError('paper'),
        schemeError: fieldError('scheme'),
        result: request && {
          heading: paperTitles[request.kind],
          asAt: formatLongDate(request.asAt),
          downloads: formatsOf[request.kind]
            .filter((f): f is Exclude<PaperFormat, 'html'> => f !== 'html')
            .map((format) => ({ href: `/papers/download?${queryOf(request, format)}`, text: formatNames[format] })),
          spreadsheets: formatsOf[request.kind].includes('xlsx'),
          coverReport: cover && {
            status: cover.saved
              ? `The paper opens with the cover report saved on ${formatLongDate(calendarDateInLondon(Date.parse(cover.saved.at)))} by ${cover.saved.by} (not in Excel or CSV).`
              : 'No cover report has been saved for this paper yet, so it has none.',
            edit: isAllowed(req.identity!, 'papers.coverReport') ? `/papers/cover-report?${queryOf(request)}` : null,
            editText: cover.saved ? 'Edit the cover report' : 'Write a cover report',
          },
          preview: extra.preview,
        },
      },
      { current: '/papers', status },
    );
  }

  router.get('/papers', async (req, res) => {
    authorize(req.identity!, 'papers.read');
    const today = calendarDateInLondon(Date.now());
    const query = req.query as Record<string, unknown>;
    // First visit: nothing chosen yet, so no errors; today and scheme B, as the API defaults, and the force's last
    // committee before today (its committee dates are in Administration) as the previous committee.
    if (!Object.keys(query).length) {
      const lastCommittee = (await deps.reminderSettings.get()).committeeMeetings
        .filter((d) => d < today)
        .sort()
        .at(-1);
      return page(
        req,
        res,
        {
          paper: '',
          scheme: 'B',
          asAt: partsOf(today),
          previousCommittee: lastCommittee ? partsOf(lastCommittee) : { day: '', month: '', year: '' },
        },
        {},
      );
    }
    const { form, checked } = checkForm(query, today);
    if (!checked.ok) return page(req, res, form, { errors: checked.errors }, 400);
    const preview = await previewPaper(database, checked.request, deps.forceName, 1);
    await page(req, res, form, { preview, request: checked.request });
  });

  router.get('/papers/download', async (req, res) => {
    authorize(req.identity!, 'papers.read');
    const { form, checked } = checkForm(req.query as Record<string, unknown>, calendarDateInLondon(Date.now()));
    const format = one((req.query as Record<string, unknown>).format);
    if (!checked.ok) return page(req, res, form, { errors: checked.errors }, 400);
    if (!(formatsOf[checked.request.kind] as readonly string[]).includes(format) || format === 'html') {
      const errors = [
        {
          field: 'paper',
          message: `The ${paperTitles[checked.request.kind]} comes as ${formatsOf[checked.request.kind]
            .filter((f) => f !== 'html')
            .map((f) => formatNames[f as Exclude<PaperFormat, 'html'>])
            .join(', ')}`,
        },
      ];
      return page(req, res, form, { errors }, 400);
    }
    const paper = await producePaper(database, { ...checked.request, format: format as PaperFormat }, deps.forceName);
    res
      .status(200)
      .set({
        'Content-Type': paper.contentType,
        'Content-Disposition': `attachment; filename="${paper.filename}"`,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      })
      .send(paper.body);
  });

  return router;
}
