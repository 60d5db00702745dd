import type { Response } from 'express';
import { z } from 'zod';
import { Recommendation } from '../../entities';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { evidenceItemSchema, listOf } from '../../platform/http/schemas';
import { ApiProblem } from '../../platform/http/problem';
import type { ApiDependencies } from '../dependencies';
import { evidenceContentTypes } from './fileCheck';
import { fileUploadRefusals, uploadedFile } from './uploadedFile';
import type { EvidenceSummary } from './service';
import { recommendationIdParams } from '../../platform/http/params';

export { evidenceContentTypes };

const itemParams = recommendationIdParams.extend({ itemId: z.uuid({ message: 'must be an evidence id (a UUID)' }) });
export const evidenceTitle = z.string().trim().min(1, 'must not be empty').max(300, 'must be at most 300 characters');
export const evidenceLinkSchema = z
  .object({
    title: evidenceTitle,
    url: z.url({ protocol: /^https?$/, message: 'must be a web address starting with http:// or https://' }).max(2000),
  })
  .strict();
export const evidenceNoteSchema = z
  .object({ title: evidenceTitle, note: z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters') })
  .strict();
const fileQuery = z.object({ title: evidenceTitle }).strict();

/** An evidence file as a download that never renders in this site's origin (the api's route and the evidence page's link). */
export function sendEvidenceFile(res: Response, { item, content }: { item: EvidenceSummary; content: Buffer }): void {
  res
    .set({
      'Content-Type': item.contentType ?? 'application/octet-stream',
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(item.title)}`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      ETag: `"${item.sha256}"`,
    })
    .send(content);
}

export function evidenceFeature({ dataSource, evidence, evidenceMaxBytes }: ApiDependencies): Feature {
  /** Evidence is added by the item's owner (or an administrator): the relation the permission table asks about. */
  const ownerOfItem = async ({ params, identity }: { params: { id: string }; identity: { person: { id: string } } }) => {
    const row = await dataSource.manager.findOne(Recommendation, { where: { id: params.id }, select: { id: true, ownerId: true } });
    if (!row) throw ApiProblem.notFound('The recommendation');
    return { owner: row.ownerId === identity.person.id };
  };
  const added = {
    201: { description: 'Added', schema: evidenceItemSchema },
    409: { description: 'Evidence cannot be added in the item’s current state' },
  };
  return {
    mountPath: '/api/recommendations/:id/evidence',
    tag: 'Evidence',
    description: 'Evidence an owner gathers before submitting it for approval: files, links and notes.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/',
        summary: 'List the evidence of an item',
        access: 'evidence.read',
        params: recommendationIdParams,
        responses: { 200: { description: 'Evidence, oldest first', schema: listOf(evidenceItemSchema, 'EvidenceList') } },
        async handle({ res, params }) {
          res.json({ items: await evidence.list(params.id) });
        },
      }),
      endpoint({
        method: 'post',
        path: '/links',
        summary: 'Add a link as evidence',
        access: 'evidence.add',
        relation: ownerOfItem,
        params: recommendationIdParams,
        body: evidenceLinkSchema,
        responses: added,
        async handle({ res, params, body, by }) {
          res.status(201).json(await evidence.add(params.id, { kind: 'link', ...body }, by));
        },
      }),
      endpoint({
        method: 'post',
        path: '/notes',
        summary: 'Add a note as evidence',
        access: 'evidence.add',
        relation: ownerOfItem,
        params: recommendationIdParams,
        body: evidenceNoteSchema,
        responses: added,
        async handle({ res, params, body, by }) {
          res.status(201).json(await evidence.add(params.id, { kind: 'note', ...body }, by));
        },
      }),
      endpoint({
        method: 'post',
        path: '/files',
        summary: 'Upload a file as evidence',
        description:
          `The file is the request body; its type is the Content-Type header and its name the \`title\` query. Accepted: ${Object.values(evidenceContentTypes).join(', ')}. ` +
          'The bytes must be of the declared type (CSV and plain text: UTF-8 text, not a web page or script), and a title ending in a file extension must end in one of that type; when CLAMAV_ADDRESS is set, the file is scanned before it is kept.',
        access: 'evidence.add',
        relation: ownerOfItem,
        params: recommendationIdParams,
        query: fileQuery,
        rawBody: { contentTypes: Object.keys(evidenceContentTypes), maxBytes: () => evidenceMaxBytes },
        responses: {
          ...added,
          ...fileUploadRefusals('Nothing was added.'),
        },
        async handle({ req, res, params, query, by }) {
          const { contentType, content } = uploadedFile(req, {
            title: 'This type of file cannot be kept as evidence',
            notAccepted: 'is not an accepted type of evidence file',
          });
          res
            .status(201)
            .json(
              await evidence.add(params.id, { kind: 'file', title: query.title, file: { contentType, content, name: query.title } }, by),
            );
        },
      }),
      endpoint({
        method: 'get',
        path: '/:itemId/content',
        summary: 'Download an evidence file',
        access: 'evidence.read',
        params: itemParams,
        responses: { 200: { description: 'The file, as an attachment', contentType: 'application/octet-stream' } },
        async handle({ res, params }) {
          sendEvidenceFile(res, await evidence.content(params.id, params.itemId));
        },
      }),
    ],
  };
}
