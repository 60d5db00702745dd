import { Router, type Request, type RequestHandler, type Response } from 'express';
import { fileUploadForms, type UploadedFile } from '../../platform/web/multipartForm';
import { z } from 'zod';
import type { ApiDependencies } from '../dependencies';
import { actingPersonOf } from '../../platform/http/actor';
import { evidenceContentTypes, evidenceLinkSchema, evidenceNoteSchema, evidenceTitle } from './routes';
import { authorize, isAllowed } from '../../platform/http/permissions';
import type { NewEvidence } from './service';
import { ApiProblem } from '../../platform/http/problem';
import { Recommendation } from '../../entities';
import { workingStatuses } from '../../domain/lifecycle';
import type { FormError } from '../../platform/web/html';
import { fileSize } from '../../platform/web/fileSize';

/**
 * The recommendation page's "Add evidence" forms: a file (multipart/form-data, so it works without JavaScript), a
 * link and a note, added through the same evidence service and rules as the api's evidence routes.
 */

const UPLOAD_PATH = /^\/recommendations\/[0-9a-f-]{36}\/evidence\/files$/i;

export type EvidenceFormType = 'evidenceFile' | 'evidenceLink' | 'evidenceNote';

/**
 * Reads an evidence upload form into `req.body` (its fields, and `file`) before authentication looks for the form's
 * `_csrf` field. Only for the upload path, and only up to the largest evidence file (plus room for the other fields):
 * a larger request is answered at once and never read.
 */
export function evidenceUploadForms({
  evidenceMaxBytes,
  forceName,
}: Pick<ApiDependencies, 'evidenceMaxBytes' | 'forceName'>): RequestHandler {
  return fileUploadForms({
    path: UPLOAD_PATH,
    maxFileBytes: evidenceMaxBytes,
    forceName,
    limit: (largest) => `Evidence files can be at most ${largest}. Nothing was added.`,
  });
}

/** The values and errors of an evidence form sent back to the recommendation page. */
export interface EvidenceFormState {
  type: EvidenceFormType;
  values: Record<string, string>;
  errors: FormError[];
  status: number;
}

/** The evidence forms for the page, or null when this person may not add evidence to this item now. */
export function evidenceFormsView(
  req: Request,
  view: { id: string; status: string; owner: { id: string } | null },
  maxBytes: number,
  form?: { type: string; values: Record<string, string>; errors: FormError[] },
) {
  const mayAdd =
    isAllowed(req.identity!, 'evidence.add', { owner: view.owner?.id === req.identity!.person.id }) &&
    (workingStatuses as readonly string[]).includes(view.status);
  if (!mayAdd) return null;
  const state = (type: EvidenceFormType) => (form?.type === type ? form : undefined);
  const field = (type: EvidenceFormType, name: string) => ({
    id: `${type}-${name}`,
    name,
    value: state(type)?.values[name] ?? '',
    error: state(type)?.errors.find((e) => e.field === `${type}-${name}`)?.message,
  });
  return {
    csrfToken: req.identity!.session?.csrfToken ?? '',
    fileHint: `At most ${fileSize(maxBytes)}: ${[...new Set(Object.values(evidenceContentTypes))].join(', ')}.`,
    file: {
      action: `/recommendations/${view.id}/evidence/files`,
      file: field('evidenceFile', 'file'),
      title: field('evidenceFile', 'title'),
      submitError: field('evidenceFile', 'submit').error,
    },
    link: {
      action: `/recommendations/${view.id}/evidence/links`,
      title: field('evidenceLink', 'title'),
      url: field('evidenceLink', 'url'),
      submitError: field('evidenceLink', 'submit').error,
    },
    note: {
      action: `/recommendations/${view.id}/evidence/notes`,
      title: field('evidenceNote', 'title'),
      note: field('evidenceNote', 'note'),
      submitError: field('evidenceNote', 'submit').error,
    },
  };
}

const fieldWords: Record<string, string> = { title: 'Title', url: 'Web address', note: 'Note', file: 'File' };
const idParams = z.object({ id: z.uuid() });

/** The POST routes of the evidence forms; `rerender` shows the recommendation page again with the form's errors. */
export function evidenceFormRoutes(
  deps: ApiDependencies,
  rerender: (req: Request, res: Response, id: string, form: EvidenceFormState) => Promise<void>,
  notFound: (req: Request, res: Response) => Promise<void>,
): Router {
  const { dataSource, evidence } = deps;
  const router = Router();

  async function handle(
    req: Request,
    res: Response,
    type: EvidenceFormType,
    read: (body: Record<string, unknown>) => { values: Record<string, string>; parsed: z.ZodSafeParseResult<NewEvidence> },
  ) {
    const params = idParams.safeParse(req.params);
    if (!params.success) return notFound(req, res);
    const id = params.data.id;
    const row = await dataSource.manager.findOne(Recommendation, { where: { id }, select: { id: true, ownerId: true } });
    if (!row) return notFound(req, res);
    authorize(req.identity!, 'evidence.add', { owner: row.ownerId === req.identity!.person.id });
    const { values, parsed } = read((req.body ?? {}) as Record<string, unknown>);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? 'submit');
        const known = name in fieldWords;
        return {
          field: `${type}-${known ? name : 'submit'}`,
          message:
            i.message.startsWith('Choose') || i.message.startsWith('Enter')
              ? i.message
              : `${known ? fieldWords[name] : 'The form'}: ${i.message}`,
        };
      });
      return rerender(req, res, id, { type, values, errors, status: 400 });
    }
    try {
      const added = await evidence.add(id, parsed.data, actingPersonOf(req.identity!));
      res.redirect(303, `/recommendations/${id}?added=${encodeURIComponent(added.title)}#evidence`);
    } catch (error) {
      if (error instanceof ApiProblem && (error.status === 400 || error.status === 409)) {
        return rerender(req, res, id, {
          type,
          values,
          errors: [{ field: `${type}-submit`, message: error.detail ?? error.title }],
          status: error.status,
        });
      }
      // A file refused for what it is (415), for a virus (422) or because the scanner is not answering (503).
      if (error instanceof ApiProblem && type === 'evidenceFile' && [415, 422, 503].includes(error.status)) {
        return rerender(req, res, id, {
          type,
          values,
          errors: [{ field: 'evidenceFile-file', message: error.detail ?? error.title }],
          status: error.status,
        });
      }
      throw error;
    }
  }

  const text = (body: Record<string, unknown>, name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');

  router.post('/recommendations/:id/evidence/files', (req, res) =>
    handle(req, res, 'evidenceFile', (body) => {
      const file = body.file as UploadedFile | undefined;
      const values = { title: text(body, 'title') };
      const schema = z.object({
        file: z
          .custom<UploadedFile>((f) => !!f && (f as UploadedFile).content.length > 0, 'Choose a file to upload')
          .refine(
            (f) => !!evidenceContentTypes[f.type],
            'This type of file cannot be kept as evidence: choose a document, spreadsheet, presentation, image, text or email file',
          ),
        title: evidenceTitle,
      });
      const parsed = schema
        .transform((f): NewEvidence => ({
          kind: 'file',
          title: f.title,
          file: { contentType: f.file.type, content: f.file.content, name: f.file.name },
        }))
        .safeParse({ file, title: values.title.trim() || file?.name || '' });
      return { values, parsed };
    }),
  );

  router.post('/recommendations/:id/evidence/links', (req, res) =>
    handle(req, res, 'evidenceLink', (body) => {
      const values = { title: text(body, 'title'), url: text(body, 'url').trim() };
      return { values, parsed: evidenceLinkSchema.transform((d): NewEvidence => ({ kind: 'link', ...d })).safeParse(values) };
    }),
  );

  router.post('/recommendations/:id/evidence/notes', (req, res) =>
    handle(req, res, 'evidenceNote', (body) => {
      const values = { title: text(body, 'title'), note: text(body, 'note') };
      return { values, parsed: evidenceNoteSchema.transform((d): NewEvidence => ({ kind: 'note', ...d })).safeParse(values) };
    }),
  );

  return router;
}
