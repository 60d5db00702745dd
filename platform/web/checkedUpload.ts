import type { Request } from 'express';
import { ApiProblem } from '../http/problem';
import { formBody } from './forms';
import type { FormError } from './html';
import type { UploadedFile } from './multipartForm';

/** What a form's file may be: its content type by the name's ending, and what to say of any other. */
export interface UploadTypes {
  byEnding: Record<string, string>;
  wrongType: string;
}

/** A file the form sent, with the content type it was taken as. */
export interface CheckedFileUpload {
  name: string;
  contentType: string;
  content: Buffer;
}

export type CheckedUpload<T> = { ok: true; file: CheckedFileUpload; read: T } | { ok: false; errors: FormError[]; status: number };

/** What the file is, by its name first: browsers send a CSV as text/csv, application/vnd.ms-excel or nothing. */
export function uploadContentType(file: UploadedFile, types: UploadTypes): string | null {
  const name = file.name.toLowerCase();
  const ending = Object.keys(types.byEnding).find((end) => name.endsWith(end));
  if (ending) return types.byEnding[ending]!;
  return Object.values(types.byEnding).includes(file.type) ? file.type : null;
}

/**
 * A refusal of the whole file the person can fix by sending another (a limit passed, a file that cannot be read), as
 * the error on the file field and the page's status; null for any other failure.
 */
export function refusedFile(error: unknown, field = 'file'): { errors: FormError[]; status: number } | null {
  if (!(error instanceof ApiProblem) || ![400, 413, 415, 422].includes(error.status)) return null;
  const where = error.errors.find((e) => e.field === 'body');
  const detail = error.detail && error.detail !== error.title ? ` ${error.detail}` : '';
  const message =
    error.status === 400 ? (where?.message.replace(/^the file/, 'The selected file') ?? error.title) : `${error.title}.${detail}`;
  return { errors: [{ field, message }], status: error.status };
}

/**
 * The file an upload form sent in `field` (read by `multipartForms`), checked and read: none chosen, an empty one, a
 * type `types` does not name, or a refusal from `read` come back as the field's error with the page's status.
 */
export async function checkedUpload<T>(
  req: Request,
  options: { field?: string; missing: string; types: UploadTypes },
  read: (file: CheckedFileUpload) => Promise<T>,
): Promise<CheckedUpload<T>> {
  const field = options.field ?? 'file';
  const sent = (formBody(req) as Record<string, unknown>)[field];
  const upload = sent && typeof sent === 'object' && Buffer.isBuffer((sent as UploadedFile).content) ? (sent as UploadedFile) : undefined;
  if (!upload || upload.content.length === 0)
    return { ok: false, errors: [{ field, message: upload?.name ? 'The selected file is empty' : options.missing }], status: 400 };
  const contentType = uploadContentType(upload, options.types);
  if (!contentType) return { ok: false, errors: [{ field, message: options.types.wrongType }], status: 415 };
  const file = { name: upload.name, contentType, content: upload.content };
  try {
    return { ok: true, file, read: await read(file) };
  } catch (error) {
    const refused = refusedFile(error, field);
    if (refused) return { ok: false, ...refused };
    throw error;
  }
}
