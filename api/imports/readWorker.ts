import { parentPort, workerData } from 'node:worker_threads';
import { ImportLimitError, UnreadableFileError, type ImportLimits, type SheetRow } from './limits';
import { readTrackerRows } from './spreadsheet';

/** The worker thread that reads one uploaded tracker (readInWorker.ts starts it): rows go back in batches. */

export interface ReadRequest {
  file: Uint8Array;
  contentType: string;
  limits: ImportLimits;
}

export type ReadMessage =
  | { type: 'rows'; rows: SheetRow[] }
  | { type: 'done' }
  | { type: 'limit'; status: 413 | 422; title: string; detail: string; where: string }
  | { type: 'unreadable'; message: string }
  | { type: 'failed'; message: string };

const BATCH = 2_000;

async function run(port: NonNullable<typeof parentPort>, { file, contentType, limits }: ReadRequest): Promise<void> {
  let batch: SheetRow[] = [];
  const send = (message: ReadMessage) => port.postMessage(message);
  try {
    await readTrackerRows(Buffer.from(file.buffer, file.byteOffset, file.byteLength), contentType, limits, (row) => {
      batch.push(row);
      if (batch.length < BATCH) return;
      send({ type: 'rows', rows: batch });
      batch = [];
    });
    if (batch.length) send({ type: 'rows', rows: batch });
    send({ type: 'done' });
  } catch (error) {
    if (error instanceof ImportLimitError)
      send({ type: 'limit', status: error.status, title: error.title, detail: error.detail, where: error.where });
    else if (error instanceof UnreadableFileError) send({ type: 'unreadable', message: error.message });
    else send({ type: 'failed', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
}

if (parentPort) void run(parentPort, workerData as ReadRequest);
