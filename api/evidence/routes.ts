import express, { Router } from 'express';
import { z } from 'zod';
import { actingPerson } from '../actor';
import type { ApiDependencies } from '../dependencies';
import { ApiProblem, parseInput } from '../problem';
import { recommendationIdParams } from '../recommendations/schemas';

/** File types a force keeps as evidence: documents, spreadsheets, presentations, images, text and email. */
export const evidenceContentTypes: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel workbook',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint presentation',
  'application/msword': 'Word 97-2003 document',
  'application/vnd.ms-excel': 'Excel 97-2003 workbook',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'text/plain': 'text file',
  'text/csv': 'CSV file',
  'message/rfc822': 'email message',
  'application/vnd.ms-outlook': 'Outlook message',
};

const itemParams = recommendationIdParams.extend({ itemId: z.uuid({ message: 'must be an evidence id (a UUID)' }) });
const title = z.string().trim().min(1, 'must not be empty').max(300, 'must be at most 300 characters');
const linkSchema = z
  .object({
    title,
    url: z.url({ protocol: /^https?$/, message: 'must be a web address starting with http:// or https://' }).max(2000),
  })
  .strict();
const noteSchema = z.object({ title, note: z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters') }).strict();
const fileQuery = z.object({ title }).strict();

export function evidenceRoutes({ dataSource, evidence, evidenceMaxBytes }: ApiDependencies): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req, res) => {
    const { id } = parseInput(recommendationIdParams, req.params, 'params');
    res.json({ items: await evidence.list(id) });
  });

  router.post('/links', async (req, res) => {
    const { id } = parseInput(recommendationIdParams, req.params, 'params');
    const input = parseInput(linkSchema, req.body);
    res.status(201).json(await evidence.add(id, { kind: 'link', ...input }, await actingPerson(req, dataSource)));
  });

  router.post('/notes', async (req, res) => {
    const { id } = parseInput(recommendationIdParams, req.params, 'params');
    const input = parseInput(noteSchema, req.body);
    res.status(201).json(await evidence.add(id, { kind: 'note', ...input }, await actingPerson(req, dataSource)));
  });

  /** The file is the request body; its type is the Content-Type header and its name the `title` query. */
  router.post('/files', express.raw({ type: () => true, limit: evidenceMaxBytes }), async (req, res) => {
    const { id } = parseInput(recommendationIdParams, req.params, 'params');
    const { title: fileTitle } = parseInput(fileQuery, req.query, 'query');
    const contentType = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!evidenceContentTypes[contentType]) {
      throw new ApiProblem(415, 'This type of file cannot be kept as evidence', `Files of type "${contentType || 'unknown'}" are not accepted. Accepted: ${Object.values(evidenceContentTypes).join(', ')}.`, [
        { field: 'header.Content-Type', message: 'is not an accepted type of evidence file' },
      ]);
    }
    const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (content.length === 0) throw ApiProblem.invalid([{ field: 'body', message: 'the file is empty' }]);
    res.status(201).json(await evidence.add(id, { kind: 'file', title: fileTitle, file: { contentType, content } }, await actingPerson(req, dataSource)));
  });

  router.get('/:itemId/content', async (req, res) => {
    const { id, itemId } = parseInput(itemParams, req.params, 'params');
    const { item, content } = await evidence.content(id, itemId);
    res
      .set({
        'Content-Type': item.contentType ?? 'application/octet-stream',
        'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(item.title)}`,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        ETag: `"${item.sha256}"`,
      })
      .send(content);
  });

  return router;
}
