import { Router, type Request, type Response } from 'express';
import type { ApiDependencies } from '../dependencies';
import { actingPersonOf } from '../../platform/http/actor';
import { authorize } from '../../platform/http/permissions';
import { ApiProblem } from '../../platform/http/problem';
import { formBody, text } from '../../platform/web/forms';
import type { FormError } from '../../platform/web/html';
import { checkedUpload, refusedFile } from '../../platform/web/checkedUpload';
import { pageShell } from '../../platform/web/pageShell';
import { CheckedFiles, type CheckedFile } from './checkedFiles';
import { count } from './limits';
import { importFileTypes, problemsError, tooLargeError } from './pages';
import type { PeopleImportPreview } from './peopleImport';
import type { RowAction } from './service';

/**
 * The people import page (/admin/people/import): upload a file of people (an HR export, CSV or Excel), see the dry
 * run's problems by row and column, fix it and check again, then import exactly the file that was checked, through
 * the service the API uses. The tracker import's page pattern, for people.
 */

const ROWS_LISTED = 1_000;
const actionWords: Record<RowAction, string> = { create: 'Added', update: 'Updated', unchanged: 'Unchanged' };
const willWords: Record<RowAction, string> = { create: 'Will be added', update: 'Will be updated', unchanged: 'Unchanged' };

export function peopleImportPages(deps: ApiDependencies, checked = new CheckedFiles()): Router {
  const router = Router();
  const shell = pageShell(deps);
  const { peopleImport } = deps;

  async function page(
    req: Request,
    res: Response,
    view: { errors?: FormError[]; file?: CheckedFile; preview?: PeopleImportPreview; imported?: PeopleImportPreview },
    status = 200,
  ) {
    const errors = view.errors ?? [];
    const preview = view.imported ?? view.preview;
    const fileError = errors.find((e) => e.field === 'file');
    await shell.send(
      req,
      res,
      'admin/peopleImport.njk',
      {
        title: view.imported ? 'People imported' : 'Import people',
        errors,
        csrfToken: req.identity!.session?.csrfToken ?? '',
        fileError: fileError ? { text: fileError.message } : undefined,
        file: view.file && { name: view.file.name, hash: view.file.hash },
        keptFor: `${Math.round(checked.keepForMs / 60_000)} minutes`,
        imported: !!view.imported,
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
          newDepartments: preview.newDepartments,
          passwordEmails: preview.passwordEmails,
          rows: preview.rows
            .slice(0, ROWS_LISTED)
            .map((r) => [
              { text: String(r.row) },
              { text: r.name },
              { text: r.email },
              { text: `${(view.imported ? actionWords : willWords)[r.action]}${r.changes.length ? `: ${r.changes.join(', ')}` : ''}` },
            ]),
          more:
            preview.rows.length > ROWS_LISTED ? `The first ${count(ROWS_LISTED)} of ${count(preview.rows.length)} rows are listed.` : null,
        },
      },
      { current: '/admin', status },
    );
  }

  const checkedView = (file: CheckedFile, preview: PeopleImportPreview) => ({
    errors: problemsError(preview.problems.length),
    file,
    preview,
  });

  router.get('/admin/people/import', async (req, res) => {
    authorize(req.identity!, 'people.manage');
    if (req.query.error === 'too-large') return page(req, res, { errors: [tooLargeError('the list of people')] }, 413);
    await page(req, res, {});
  });

  // The dry run: the file is kept (by its hash, for this person) so that importing it imports these very bytes.
  router.post('/admin/people/import', async (req, res) => {
    authorize(req.identity!, 'people.manage');
    const upload = await checkedUpload(req, { missing: 'Select a file of people (CSV or Excel)', types: importFileTypes }, (file) =>
      peopleImport.preview(file.content, file.contentType),
    );
    if (!upload.ok) return page(req, res, { errors: upload.errors }, upload.status);
    const view = checkedView(checked.keep(req.identity!.person.id, upload.file), upload.read);
    await page(req, res, view, upload.read.problems.length ? 422 : 200);
  });

  router.post('/admin/people/import/import', async (req, res) => {
    authorize(req.identity!, 'people.manage');
    const personId = req.identity!.person.id;
    const body = formBody(req);
    const file = checked.find(personId, text(body, 'file'));
    if (!file) {
      const message = `Upload the file again: a checked file is kept for ${Math.round(checked.keepForMs / 60_000)} minutes, and this one is no longer here. Nothing was imported.`;
      return page(req, res, { errors: [{ field: 'file', message }] }, 409);
    }
    try {
      const imported = await peopleImport.import(file.content, file.contentType, actingPersonOf(req.identity!), {
        sendPasswordEmails: text(body, 'sendPasswordEmails') === 'yes',
      });
      checked.forget(personId, file.hash);
      await page(req, res, { imported });
    } catch (error) {
      // The force's people changed since the check: the problems as they are now.
      if (error instanceof ApiProblem && error.status === 422 && error.errors.some((e) => e.field.startsWith('row'))) {
        const preview = await peopleImport.preview(file.content, file.contentType);
        return page(
          req,
          res,
          {
            errors: [
              { field: 'problems', message: 'The file has problems now; nothing was imported. Fix them in the file and check it again.' },
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

  return router;
}
