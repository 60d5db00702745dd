import type { Response } from 'express';
import { writeChunk } from '../../platform/http/streaming';
import type { ImportPreview } from './service';

const ROWS_PER_PIECE = 2_000;

/**
 * Sends a preview as JSON a few thousand rows at a time, letting other requests in between: one JSON.stringify (and
 * ETag) of a preview of a very large file would hold up the server for as long as it takes.
 */
export async function sendPreview(res: Response, preview: ImportPreview): Promise<void> {
  const { rows, ...rest } = preview;
  res.status(200).type('application/json');
  let closed = false;
  res.once('close', () => (closed = true));
  // Other requests get a turn before the next piece.
  const write = async (text: string) => {
    await writeChunk(res, text);
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  await write('{"rows":[');
  for (let at = 0; at < rows.length && !closed; at += ROWS_PER_PIECE) {
    await write(
      `${at ? ',' : ''}${rows
        .slice(at, at + ROWS_PER_PIECE)
        .map((row) => JSON.stringify(row))
        .join(',')}`,
    );
  }
  res.end(`],${JSON.stringify(rest).slice(1)}`);
}
