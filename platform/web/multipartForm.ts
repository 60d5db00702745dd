import { Readable, Transform } from 'node:stream';
import type { RequestHandler, Response } from 'express';
import { fileSize } from './fileSize';
import { renderView } from './views';

/**
 * A page form that sends a file (multipart/form-data, so it works without JavaScript), read into `req.body`: its text
 * fields, and each file as an `UploadedFile`. It runs before authentication, which looks for the form's `_csrf`
 * field in the body. A request larger than `maxBytes` is answered by `tooLarge` at once and never read whole.
 */

/** A file sent with a page form. */
export interface UploadedFile {
  name: string;
  type: string;
  content: Buffer;
}

export function multipartForms(options: { path: RegExp; maxBytes: number; tooLarge(res: Response): void }): RequestHandler {
  const { path, maxBytes, tooLarge } = options;
  return async (req, res, next) => {
    if (req.method !== 'POST' || !path.test(req.path) || !req.is('multipart/form-data')) return next();
    if (Number(req.get('content-length') ?? 0) > maxBytes) {
      res.set('Connection', 'close');
      return tooLarge(res);
    }
    let seen = 0;
    const counted = req.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          seen += chunk.length;
          done(seen > maxBytes ? new Error('too large') : null, chunk);
        },
      }),
    );
    try {
      const form = await new Request('http://form.invalid/', {
        method: 'POST',
        headers: { 'content-type': req.get('content-type')! },
        body: Readable.toWeb(counted) as ReadableStream,
        duplex: 'half',
      } as RequestInit).formData();
      const body: Record<string, unknown> = {};
      for (const [name, value] of form.entries()) {
        if (typeof value === 'string') body[name] = value;
        else if (value.size > 0 || value.name)
          body[name] = { name: value.name, type: value.type, content: Buffer.from(await value.arrayBuffer()) } satisfies UploadedFile;
      }
      req.body = body;
      next();
    } catch {
      if (seen > maxBytes) return tooLarge(res);
      res.status(400).type('text/plain').send('The form could not be read. Go back and try again.');
    }
  };
}

/**
 * Upload forms on `path`, read up to the largest file (plus room for the other fields); a larger request is answered
 * at once, never read, with a page that says `limit(the largest size)` and how to go on.
 */
export function fileUploadForms(options: {
  path: RegExp;
  maxFileBytes: number;
  forceName: string;
  limit: (largest: string) => string;
}): RequestHandler {
  return multipartForms({
    path: options.path,
    maxBytes: options.maxFileBytes + 64 * 1024,
    tooLarge: (res) =>
      res
        .status(413)
        .type('html')
        .send(
          renderView('message.njk', {
            title: 'The file is too large',
            serviceName: `${options.forceName} recommendation tracker`,
            paragraphs: [options.limit(fileSize(options.maxFileBytes))],
            link: {
              before: 'Go back to the recommendation and choose a smaller file, or ',
              href: '/',
              text: 'go to your tasks',
              after: '.',
            },
          }),
        ),
  });
}
