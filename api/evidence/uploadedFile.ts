import type { Request } from 'express';
import { ApiProblem } from '../../platform/http/problem';
import { evidenceContentTypes } from './fileCheck';

/** The refusals of a file sent as the request body (evidence, attachments), in OpenAPI terms; `nothing` ends each. */
export const fileUploadRefusals = (nothing: string) => ({
  415: {
    description: `The type is not accepted, or the bytes or the title’s extension are not of the type declared (naming what the file looks like). ${nothing}`,
  },
  422: { description: `The virus scanner found something in the file; the refusal is on the item’s audit trail. ${nothing}` },
  503: {
    description: `The virus scanner did not answer; try again later (Retry-After). ${nothing}`,
    headers: { 'Retry-After': 'Seconds to wait before trying again' },
  },
});

/** The file a request body carries: its declared type, which must be one we accept (415), and bytes (400 when none). */
export function uploadedFile(req: Request, refusal: { title: string; notAccepted: string }): { contentType: string; content: Buffer } {
  const contentType = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!evidenceContentTypes[contentType]) {
    throw new ApiProblem(
      415,
      refusal.title,
      `Files of type "${contentType || 'unknown'}" are not accepted. Accepted: ${Object.values(evidenceContentTypes).join(', ')}.`,
      [{ field: 'header.Content-Type', message: refusal.notAccepted }],
    );
  }
  const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (content.length === 0) throw ApiProblem.invalid([{ field: 'body', message: 'the file is empty' }]);
  return { contentType, content };
}
