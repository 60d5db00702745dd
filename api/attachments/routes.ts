import type { Response } from 'express';
import { z } from 'zod';
import { attachmentRecordKinds } from '../../entities/Attachment';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { listOf } from '../../platform/http/schemas';
import type { ApiDependencies } from '../dependencies';
import { evidenceContentTypes } from '../evidence/fileCheck';
import { fileUploadRefusals, uploadedFile } from '../evidence/uploadedFile';
import { recommendationIdParams } from '../../platform/http/params';
import type { AttachmentSummary } from './service';

const uuid = z.uuid();
export const attachmentSchema = z
  .looseObject({
    id: uuid,
    recommendationId: uuid,
    recordKind: z.enum(attachmentRecordKinds),
    recordId: uuid,
    title: z.string(),
    contentType: z.string(),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    addedBy: uuid.nullable(),
    addedByLabel: z.string(),
    addedAt: z.string().describe('ISO 8601 date and time'),
  })
  .meta({ id: 'Attachment' });

export const attachmentTitle = z.string().trim().min(1, 'must not be empty').max(300, 'must be at most 300 characters');
const attachQuery = z
  .object({
    to: z.enum(attachmentRecordKinds, { message: `must be one of ${attachmentRecordKinds.join(', ')}` }),
    title: attachmentTitle,
  })
  .strict();
const attachmentParams = recommendationIdParams.extend({ attachmentId: z.uuid({ message: 'must be an attachment id (a UUID)' }) });

/** An attachment as a download that never renders in this site's origin (the api's route and the item page's link). */
export function sendAttachment(res: Response, { item, content }: { item: AttachmentSummary; content: Buffer }): void {
  res
    .set({
      'Content-Type': item.contentType,
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(item.title)}`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      ETag: `"${item.sha256}"`,
    })
    .send(content);
}

export function attachmentsFeature({ attachments, evidenceMaxBytes }: ApiDependencies): Feature {
  return {
    mountPath: '/api/recommendations/:id/attachments',
    tag: 'Attachments',
    description:
      'Files kept with the self-certification letter, the submission to HMICFRS and HMICFRS’s responses: the signed letter, what was sent, HMICFRS’s reply.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/',
        summary: 'List the files attached to an item’s letter, HMICFRS submission and responses',
        access: 'attachments.read',
        params: recommendationIdParams,
        responses: { 200: { description: 'Attachments, oldest first', schema: listOf(attachmentSchema, 'AttachmentList') } },
        async handle({ res, params }) {
          res.json({ items: await attachments.list(params.id) });
        },
      }),
      endpoint({
        method: 'post',
        path: '/',
        summary: 'Attach a file to the letter, the HMICFRS submission or HMICFRS’s latest response',
        description:
          'The file is the request body; its type is the Content-Type header, its name the `title` query, and `to` names the record: the item’s latest `self_certification_letter`, `hmicfrs_submission` or `hmicfrs_response` (record it first with its command). ' +
          `Accepted, and checked, as evidence files are: ${Object.values(evidenceContentTypes).join(', ')}; the bytes must be of the declared type; when CLAMAV_ADDRESS is set, the file is scanned before it is kept. The same file sent again for the same record is kept once.`,
        access: 'attachments.add',
        params: recommendationIdParams,
        query: attachQuery,
        rawBody: { contentTypes: Object.keys(evidenceContentTypes), maxBytes: () => evidenceMaxBytes },
        responses: {
          201: { description: 'Attached', schema: attachmentSchema },
          409: { description: 'No such record is recorded for the item yet. Nothing was attached.' },
          ...fileUploadRefusals('Nothing was attached.'),
        },
        async handle({ req, res, params, query, by }) {
          const { contentType, content } = uploadedFile(req, {
            title: 'This type of file cannot be attached',
            notAccepted: 'is not an accepted type of file',
          });
          res
            .status(201)
            .json(
              await attachments.attach(params.id, { kind: query.to }, { contentType, content, name: query.title, title: query.title }, by),
            );
        },
      }),
      endpoint({
        method: 'get',
        path: '/:attachmentId/content',
        summary: 'Download an attachment',
        access: 'attachments.read',
        params: attachmentParams,
        responses: { 200: { description: 'The file, as an attachment', contentType: 'application/octet-stream' } },
        async handle({ res, params }) {
          sendAttachment(res, await attachments.content(params.id, params.attachmentId));
        },
      }),
    ],
  };
}
