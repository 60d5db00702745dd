import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { ApiDependencies } from '../dependencies';
import { actingPersonOf } from '../../platform/http/actor';
import { authorize } from '../../platform/http/permissions';
import { ApiProblem } from '../../platform/http/problem';
import { formBody, text } from '../../platform/web/forms';
import type { FormError } from '../../platform/web/html';
import { multipartForms } from '../../platform/web/multipartForm';
import { checkedUpload, refusedFile, type UploadTypes } from '../../platform/web/checkedUpload';
import { XLSX } from './requestFile';
import { pageShell } from '../../platform/web/pageShell';
import { importIdParams } from '../../platform/http/params';
import { escapeHtml } from '../../platform/web/html';
import { CheckedFiles, type CheckedFile } from './checkedFiles';
import { count, MAX_IMPORT_BYTES } from './limits';
import type { ImportDecisions, ImportPreview, RowAction } from './service';
import type { ReportItemChoice } from '../../domain/trackerImport';
import type { ReconciliationFinding } from '../../domain/reconciliation';
import { isStatusMeaning, statusMeanings, type StatusMeaning } from '../../domain/importStatusWording';

/**
 * What the person decided on the page: the meanings chosen on the mapping step (`key-<n>` and `meaning-<n>`), by
 * wording key, and for items under a report's status line, outstanding or closed (`choice-<row>`).
 */
function decisionsOf(body: Record<string, unknown>): ImportDecisions {
  const confirmed = new Map<string, StatusMeaning>();
  for (let index = 0; typeof body[`key-${index}`] === 'string'; index++) {
    const meaning = body[`meaning-${index}`];
    if (typeof meaning === 'string' && isStatusMeaning(meaning)) confirmed.set(body[`key-${index}`] as string, meaning);
  }
  const choices = new Map<number, ReportItemChoice>();
  for (const [field, value] of Object.entries(body)) {
    const row = /^choice-(\d{1,7})$/.exec(field)?.[1];
    if (row && (value === 'outstanding' || value === 'closed')) choices.set(Number(row), value);
  }
  return { confirmed, choices };
}

/** The reconciliation's findings as table rows: row, where, figure, stated, what the rows give, and why. */
export function findingRows(findings: readonly ReconciliationFinding[]) {
  return findings.map((finding) => [
    { text: finding.row === null ? '' : String(finding.row), format: 'numeric' },
    { text: finding.scope === 'report' ? finding.where : finding.where },
    { text: finding.figure.charAt(0).toUpperCase() + finding.figure.slice(1) },
    { text: finding.stated },
    { text: finding.implied },
    { text: finding.message.charAt(0).toUpperCase() + finding.message.slice(1) },
  ]);
}

const sourceWords = {
  confirmed: 'Your choice, saved for the force when you import',
  saved: 'Confirmed at an earlier import',
  proposed: 'Not yet confirmed',
} as const;

/**
 * The import page (/imports): upload a tracker (CSV or Excel), see the dry run's problems by row and column, fix the
 * file and check it again, then import exactly the file that was checked (./checkedFiles.ts), through the import
 * service the API uses (which writes the audit events). Limits and unreadable files come back as an error summary.
 */

/** The upload forms of the tracker import and the people import. */
const CHECK_PATH = /^\/(imports|admin\/people\/import)$/;
/** Rows a result page lists; the counts cover the whole file. */
const ROWS_LISTED = 1_000;

const actionWords: Record<RowAction, string> = { create: 'Created', update: 'Updated', unchanged: 'Unchanged' };
const willWords: Record<RowAction, string> = { create: 'Will be created', update: 'Will be updated', unchanged: 'Unchanged' };
/** The item's fields an import updates, as the template's columns name them. */
const fieldWords: Record<string, string> = {
  reportedStatus: 'status as last reported',
  text: 'text',
  kind: 'item kind',
  addressedTo: 'addressed to',
  department: 'department',
  category: 'category',
  forTheForce: 'for the force',
};

/** Reads the import page's upload form before authentication looks for its `_csrf` field; a file past 10 MB is sent back to the page. */
export function importUploadForms(): RequestHandler {
  return multipartForms({
    path: CHECK_PATH,
    maxBytes: MAX_IMPORT_BYTES + 64 * 1024,
    tooLarge: (res) => res.redirect(303, `${res.req.path}?error=too-large`),
  });
}

/** The files both import pages take. */
export const importFileTypes: UploadTypes = {
  byEnding: { '.csv': 'text/csv', '.xlsx': XLSX },
  wrongType: 'The selected file must be a CSV file or an Excel workbook (.xlsx)',
};

/** The dry run's problems, as the one error above their table (none when there are none). */
export const problemsError = (problems: number): FormError[] =>
  problems
    ? [
        {
          field: 'problems',
          message: `The file has ${count(problems)} ${problems === 1 ? 'problem' : 'problems'}: fix ${problems === 1 ? 'it' : 'them'} in the file and check it again. Nothing was imported.`,
        },
      ]
    : [];

/** A file past the limit; `what` is what to split ("the tracker", "the list of people"). */
export const tooLargeError = (what: string): FormError => ({
  field: 'file',
  message: `The selected file must be smaller than ${count(MAX_IMPORT_BYTES / 1024 / 1024)} MB. Split ${what} and import each part. Nothing was imported.`,
});

export function importPages(deps: ApiDependencies, checked = new CheckedFiles()): Router {
  const router = Router();
  const shell = pageShell(deps);
  const { imports } = deps;

  async function page(
    req: Request,
    res: Response,
    view: { errors?: FormError[]; file?: CheckedFile; preview?: ImportPreview; imported?: ImportPreview; notFoundAgain?: boolean },
    status = 200,
  ) {
    const errors = view.errors ?? [];
    const preview = view.imported ?? view.preview;
    const rows = (preview?.rows ?? []).slice(0, ROWS_LISTED);
    await shell.send(
      req,
      res,
      'imports.njk',
      {
        title: view.imported ? 'Tracker imported' : 'Import a tracker',
        errors,
        csrfToken: req.identity!.session?.csrfToken ?? '',
        fileError: errors.find((e) => e.field === 'file') ? { text: errors.find((e) => e.field === 'file')!.message } : undefined,
        file: view.file && { name: view.file.name, hash: view.file.hash },
        keptFor: `${Math.round(checked.keepForMs / 60_000)} minutes`,
        problems: preview?.problems.length
          ? preview.problems.map((p) => [
              { text: String(p.row), format: 'numeric' },
              { text: p.column ?? (p.row === 1 ? 'Header row' : '') },
              { text: p.value ?? '' },
              { text: p.message.charAt(0).toUpperCase() + p.message.slice(1) },
            ])
          : null,
        preview: preview && {
          counts: preview.counts,
          notes: preview.notes,
          rows: rows.map((r) => [
            { text: String(r.row) },
            { text: r.report },
            { text: r.reference },
            {
              text: `${(view.imported ? actionWords : willWords)[r.action]}${r.changes.length ? `: ${r.changes.map((c) => fieldWords[c] ?? c).join(', ')}` : ''}`,
            },
          ]),
          more:
            preview.rows.length > ROWS_LISTED ? `The first ${count(ROWS_LISTED)} of ${count(preview.rows.length)} rows are listed.` : null,
        },
        imported: !!view.imported,
        importId: view.imported?.importId ?? null,
        reconciliation: preview ? findingRows(preview.reconciliation) : [],
        stated: !!preview && (preview.reconciliation.length > 0 || preview.reportStatuses.length > 0),
        reportStatuses: (preview?.reportStatuses ?? []).map((report) => ({
          ...report,
          items: report.items.map((item) => ({
            row: item.row,
            label: `Row ${item.row}${item.reference ? `, reference ${item.reference}` : ''}`,
            hint: `Proposed: ${item.proposed}`,
            items: (['outstanding', 'closed'] as const).map((choice) => ({
              value: choice,
              text: choice === 'outstanding' ? 'Outstanding' : 'Closed',
              selected: item.choice === choice,
            })),
          })),
        })),
        statuses: preview?.statuses.length
          ? preview.statuses.map((status, index) => ({
              index,
              key: status.key,
              wording: status.wording,
              hint: `${status.rows === 1 ? '1 row' : `${count(status.rows)} rows`}. ${sourceWords[status.source]}. Proposed: ${statusMeanings.find((m) => m.status === status.proposed)!.label}, as the wording ${status.why}.`,
              items: statusMeanings.map((meaning) => ({
                value: meaning.status,
                text: meaning.label,
                selected: meaning.status === status.status,
              })),
            }))
          : null,
      },
      { current: '/imports', status },
    );
  }

  /** A dry run's page: its problems, or what importing does, with the file's own status wordings to confirm. */
  const checkedView = (file: CheckedFile, preview: ImportPreview) => ({ errors: problemsError(preview.problems.length), file, preview });

  router.get('/imports', async (req, res) => {
    authorize(req.identity!, 'imports.manage');
    if (req.query.error === 'too-large') return page(req, res, { errors: [tooLargeError('the tracker')] }, 413);
    await page(req, res, {});
  });

  // The dry run: the file is kept (by its hash, for this person) so that importing it imports these very bytes.
  router.post('/imports', async (req, res) => {
    authorize(req.identity!, 'imports.manage');
    const upload = await checkedUpload(req, { missing: 'Select a tracker file (CSV or Excel)', types: importFileTypes }, (file) =>
      imports.preview(file.content, file.contentType),
    );
    if (!upload.ok) return page(req, res, { errors: upload.errors }, upload.status);
    const view = checkedView(checked.keep(req.identity!.person.id, upload.file), upload.read);
    await page(req, res, view, view.preview.problems.length ? 422 : 200);
  });

  router.post('/imports/import', async (req, res) => {
    authorize(req.identity!, 'imports.manage');
    const personId = req.identity!.person.id;
    const file = checked.find(personId, text(formBody(req), 'file'));
    if (!file) {
      const message = `Upload the file again: a checked file is kept for ${Math.round(checked.keepForMs / 60_000)} minutes, and this one is no longer here. Nothing was imported.`;
      return page(req, res, { errors: [{ field: 'file', message }] }, 409);
    }
    const confirmed = decisionsOf(formBody(req));
    if (text(formBody(req), 'action') === 'check') {
      const view = checkedView(file, await imports.preview(file.content, file.contentType, confirmed));
      return page(req, res, view, view.preview.problems.length ? 422 : 200);
    }
    try {
      const imported = await imports.import(file.content, file.contentType, actingPersonOf(req.identity!), confirmed);
      checked.forget(personId, file.hash);
      await page(req, res, { imported });
    } catch (error) {
      // The force's data moved since the check (someone left, an item was added): the problems as they are now.
      if (error instanceof ApiProblem && error.status === 422 && error.errors.some((e) => e.field.startsWith('row'))) {
        const preview = await imports.preview(file.content, file.contentType, confirmed);
        return page(
          req,
          res,
          {
            errors: [
              { field: 'problems', message: `The file has problems now; nothing was imported. Fix them in the file and check it again.` },
            ],
            file,
            preview,
          },
          422,
        );
      }
      const refused = refusedFile(error);
      if (refused) return page(req, res, { errors: refused.errors }, refused.status);
      throw error;
    }
  });

  // The reconciliation reports: the imports that kept stated figures, and one import's report.
  router.get('/imports/reconciliation', async (req, res) => {
    authorize(req.identity!, 'imports.manage');
    const list = await imports.trackerImports();
    await shell.send(
      req,
      res,
      'reconciliation.njk',
      {
        title: 'Reconciliation reports',
        imports: list.map((imported) => [
          {
            html: `<a class="govuk-link" href="/imports/${imported.id}/reconciliation">${escapeHtml(londonTime.format(new Date(imported.importedAt)))}</a>`,
          },
          { text: imported.importedBy },
          { text: count(imported.rows), format: 'numeric' },
          { text: count(imported.statedFigures), format: 'numeric' },
          { text: count(imported.differences), format: 'numeric' },
        ]),
      },
      { current: '/imports' },
    );
  });

  router.get('/imports/:id/reconciliation', async (req, res) => {
    authorize(req.identity!, 'imports.manage');
    const parsed = importIdParams.safeParse(req.params);
    const report = parsed.success ? await imports.reconciliationOf(parsed.data.id) : null;
    if (!report) return shell.notFound(req, res);
    const counts = (figures: { outstanding: number | null; closed: number | null; total: number | null }) =>
      [figures.outstanding, figures.closed, figures.total].map((value) => ({
        text: value === null ? '' : String(value),
        format: 'numeric',
      }));
    await shell.send(
      req,
      res,
      'reconciliation.njk',
      {
        title: 'Reconciliation report',
        report: {
          importedAt: londonTime.format(new Date(report.importedAt)),
          importedBy: report.importedBy,
          rows: count(report.rows),
          findings: findingRows(report.findings),
          stated: report.stated.map((figure) => [
            { text: figure.row === null ? '' : String(figure.row), format: 'numeric' },
            { text: figure.scope === 'report' ? (figure.report ?? '') : `Category ${figure.category}` },
            { text: figure.statusLine ?? '' },
            ...counts(figure.stated),
            ...counts({ outstanding: figure.rows.outstanding, closed: figure.rows.closed, total: figure.rows.listed }),
          ]),
        },
      },
      { current: '/imports' },
    );
  });

  return router;
}

const londonTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' });
