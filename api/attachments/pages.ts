import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { transitionIdOf } from '../../activities/recordTransition';
import type { LifecycleCommandType } from '../../domain/lifecycle';
import type { AttachmentRecordKind } from '../../entities/Attachment';
import { actingPersonOf } from '../../platform/http/actor';
import { authorize, isAllowed } from '../../platform/http/permissions';
import { ApiProblem } from '../../platform/http/problem';
import { escapeHtml, type FormError } from '../../platform/web/html';
import { fileUploadForms, type UploadedFile } from '../../platform/web/multipartForm';
import type { ApiDependencies } from '../dependencies';
import { evidenceContentTypes } from '../evidence/fileCheck';
import { fileSize } from '../../platform/web/fileSize';
import type { PageShell } from '../../platform/web/pageShell';
import { sendAttachment } from './routes';
import { attachableCommands, attachmentRecords } from './service';

/**
 * The item page's side of attachments: the forms that record the letter, the HMICFRS submission and HMICFRS's
 * response take a file too (multipart, so they work without JavaScript), and the details tab lists the files kept.
 */

const FIELD = 'attachment';
const UPLOAD_PATH = new RegExp(
  `^/recommendations/[0-9a-f-]{36}/(?:commands/(?:${Object.keys(attachableCommands).join('|')})|attachments)$`,
  'i',
);
const londonTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' });

/** Reads an attachable command's form (multipart) into `req.body` before authentication looks for its `_csrf` field. */
export function attachmentUploadForms({
  evidenceMaxBytes,
  forceName,
}: Pick<ApiDependencies, 'evidenceMaxBytes' | 'forceName'>): RequestHandler {
  return fileUploadForms({
    path: UPLOAD_PATH,
    maxFileBytes: evidenceMaxBytes,
    forceName,
    limit: (largest) => `Attached files can be at most ${largest}. Nothing was recorded.`,
  });
}

const hints: Record<AttachmentRecordKind, string> = {
  self_certification_letter: 'The signed letter, for example.',
  hmicfrs_submission: 'What was sent to HMICFRS, for example the covering email.',
  hmicfrs_response: 'HMICFRS’s reply, for example.',
};

/** The file field a command form shows, or none when the command takes no file or this person may not attach one. */
export function attachmentField(req: Request, type: LifecycleCommandType, maxBytes: number, errors: FormError[] = []) {
  const kind = attachableCommands[type];
  if (!kind || !isAllowed(req.identity!, 'attachments.add')) return undefined;
  const id = `${type}-${FIELD}`;
  return {
    id,
    name: FIELD,
    label: `Attach a file to ${attachmentRecords[kind].words} (optional)`,
    hint: `${hints[kind]} At most ${fileSize(maxBytes)}: ${[...new Set(Object.values(evidenceContentTypes))].join(', ')}.`,
    error: errors.find((e) => e.field === id)?.message,
  };
}

/** What a command form does with its file: checked before the command is sent, kept with the record it writes. */
export interface AttachmentStep {
  /** The file's refusal as the form's error (nothing written), or null when it may be kept. */
  check(): Promise<(FormError & { status: number }) | null>;
  /** Keeps the file with the record the command (by its idempotency key) wrote. */
  keep(commandKey: string): Promise<string>;
}

/** The step for a command form sent with a file; null when it has none. */
export function attachmentStep(
  { attachments }: ApiDependencies,
  req: Request,
  id: string,
  type: LifecycleCommandType,
): AttachmentStep | null {
  const kind = attachableCommands[type];
  const file = (req.body as Record<string, unknown> | undefined)?.[FIELD] as UploadedFile | undefined;
  if (!kind || !file || typeof file !== 'object' || (file.content.length === 0 && !file.name)) return null;
  authorize(req.identity!, 'attachments.add');
  const by = actingPersonOf(req.identity!);
  const field = `${type}-${FIELD}`;
  const title = file.name.trim().slice(0, 300) || 'Attachment';
  let checkedType: string | null = null;
  return {
    async check() {
      if (file.content.length === 0) return { field, message: 'The selected file is empty', status: 400 };
      if (!evidenceContentTypes[file.type]) {
        return {
          field,
          message: 'The selected file cannot be attached: choose a document, spreadsheet, presentation, image, text or email file',
          status: 415,
        };
      }
      try {
        checkedType = await attachments.check(id, { contentType: file.type, content: file.content, name: file.name }, title, by);
        return null;
      } catch (error) {
        if (error instanceof ApiProblem && [415, 422, 503].includes(error.status))
          return {
            field,
            message: `The selected file: ${error.detail ?? error.title}`.replace('Nothing was attached.', 'Nothing was recorded.'),
            status: error.status,
          };
        throw error;
      }
    },
    async keep(commandKey) {
      const kept = await attachments.attach(
        id,
        { kind, transitionId: transitionIdOf(commandKey) },
        { contentType: file.type, content: file.content, name: file.name, title },
        by,
        checkedType ?? undefined,
      );
      return kept.title;
    },
  };
}

/** The attachments of an item for its details tab, with links to download them; null for those who may not see them. */
export async function attachmentRows({ attachments }: ApiDependencies, req: Request, recommendationId: string) {
  if (!isAllowed(req.identity!, 'attachments.read')) return null;
  const rows = await attachments.list(recommendationId);
  return rows.map((a) => [
    {
      html: `<a class="govuk-link" href="/recommendations/${recommendationId}/attachments/${a.id}/download" download>${escapeHtml(a.title)}</a>`,
    },
    { text: attachmentRecords[a.recordKind].words.replace(/^the /, '').replace(/^./, (c) => c.toUpperCase()) },
    { text: fileSize(a.sizeBytes) },
    { text: a.addedByLabel },
    { text: londonTime.format(a.addedAt) },
  ]);
}

/** The form that attaches a file afterwards (the signed copy that came later), for those who may, once a record exists. */
export async function attachmentFormView(
  { attachments }: ApiDependencies,
  req: Request,
  recommendationId: string,
  maxBytes: number,
  form?: { type: string; values: Record<string, string>; errors: FormError[] },
) {
  if (!isAllowed(req.identity!, 'attachments.add')) return null;
  const kinds = await attachments.recordedKinds(recommendationId);
  if (kinds.length === 0) return null;
  const sent = form?.type === FIELD ? form : undefined;
  const errorOf = (name: string) => sent?.errors.find((e) => e.field === `${FIELD}-${name}`)?.message;
  return {
    action: `/recommendations/${recommendationId}/attachments`,
    csrfToken: req.identity!.session?.csrfToken ?? '',
    to: {
      id: `${FIELD}-to`,
      error: errorOf('to'),
      items: kinds.map((kind) => ({
        value: kind,
        text: attachmentRecords[kind].words.replace(/^./, (c) => c.toUpperCase()),
        checked: (sent?.values.to ?? kinds.at(-1)) === kind,
      })),
    },
    file: {
      id: `${FIELD}-file`,
      hint: `At most ${fileSize(maxBytes)}: ${[...new Set(Object.values(evidenceContentTypes))].join(', ')}.`,
      error: errorOf('file'),
    },
  };
}

/** A form of the item page sent back with its errors. */
type FormAgain = { type: string; values: Record<string, string>; errors: FormError[]; status: number };

const fileParams = z.object({ id: z.uuid(), attachmentId: z.uuid() });
const idParams = z.object({ id: z.uuid() });

/** Downloading an attachment from the item page, and attaching one afterwards; `rerender` shows the item page with the form's errors. */
export function attachmentPageRoutes(
  { attachments }: ApiDependencies,
  shell: PageShell,
  rerender: (req: Request, res: Response, id: string, form: FormAgain) => Promise<void>,
): Router {
  const router = Router();
  router.post('/recommendations/:id/attachments', async (req, res) => {
    const parsed = idParams.safeParse(req.params);
    if (!parsed.success) return shell.notFound(req, res);
    const id = parsed.data.id;
    authorize(req.identity!, 'attachments.add');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const to = typeof body.to === 'string' ? body.to : '';
    const file = typeof body.file === 'object' && body.file !== null ? (body.file as UploadedFile) : undefined;
    const kinds = await attachments.recordedKinds(id);
    const errors: FormError[] = [];
    if (!kinds.includes(to as AttachmentRecordKind)) errors.push({ field: `${FIELD}-to`, message: 'Choose what the file goes with' });
    if (!file || file.content.length === 0) errors.push({ field: `${FIELD}-file`, message: 'Choose a file to attach' });
    else if (!evidenceContentTypes[file.type])
      errors.push({
        field: `${FIELD}-file`,
        message: 'The selected file cannot be attached: choose a document, spreadsheet, presentation, image, text or email file',
      });
    if (errors.length) return rerender(req, res, id, { type: FIELD, values: { to }, errors, status: 400 });
    const title = file!.name.trim().slice(0, 300) || 'Attachment';
    try {
      await attachments.attach(
        id,
        { kind: to as AttachmentRecordKind },
        { contentType: file!.type, content: file!.content, name: file!.name, title },
        actingPersonOf(req.identity!),
      );
    } catch (error) {
      if (error instanceof ApiProblem && [409, 415, 422, 503].includes(error.status)) {
        return rerender(req, res, id, {
          type: FIELD,
          values: { to },
          errors: [{ field: `${FIELD}-file`, message: `The selected file: ${error.detail ?? error.title}` }],
          status: error.status,
        });
      }
      throw error;
    }
    res.redirect(303, `/recommendations/${id}?attached=${encodeURIComponent(title)}#attachments`);
  });
  router.get('/recommendations/:id/attachments/:attachmentId/download', async (req, res) => {
    const parsed = fileParams.safeParse(req.params);
    if (!parsed.success) return shell.notFound(req, res);
    authorize(req.identity!, 'attachments.read');
    try {
      sendAttachment(res, await attachments.content(parsed.data.id, parsed.data.attachmentId));
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 404)
        return shell.message(req, res, 404, 'File not found', ['There is no attached file at this address.'], {
          href: `/recommendations/${parsed.data.id}`,
          text: 'Go back to the recommendation',
        });
      throw error;
    }
  });
  return router;
}
