import { Semaphore } from 'async-mutex';
import { besideThisModule, startWorker } from '../../platform/workerThread';
import { count, ImportLimitError, READ_DEADLINE_MS, READER_HEAP_MB, UnreadableFileError, type ImportLimits, type SheetRow } from './limits';
import type { ReadMessage, ReadRequest } from './readWorker';

/** One file is read at a time: each reader may use a core and READER_HEAP_MB of memory. */
const readers = new Semaphore(1);

/**
 * Reads an uploaded tracker in a worker thread, so the server keeps answering while it is read. The thread is stopped
 * when it passes the deadline or its memory, and the answer says so; a limit the reader finds is an ImportLimitError,
 * a file it cannot read an UnreadableFileError.
 */
export function readRowsInWorker(file: Buffer, contentType: string, limits: ImportLimits): Promise<SheetRow[]> {
  return readers.runExclusive(
    () =>
      new Promise<SheetRow[]>((resolve, reject) => {
        // A copy the thread is given outright: the request's buffer may be a slice of one shared with others.
        const copy = new Uint8Array(file);
        const request: ReadRequest = { file: copy, contentType, limits };
        const worker = startWorker(besideThisModule(__filename, 'readWorker'), {
          workerData: request,
          transferList: [copy.buffer],
          resourceLimits: { maxOldGenerationSizeMb: READER_HEAP_MB },
          stdout: false,
          stderr: false,
        });
        const rows: SheetRow[] = [];
        let settled = false;
        const settle = (error: Error | null) => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          void worker.terminate();
          if (error) reject(error);
          else resolve(rows);
        };
        const deadline = setTimeout(
          () =>
            settle(
              new ImportLimitError(
                413,
                'The file took too long to read',
                `Reading a tracker may take at most ${count(READ_DEADLINE_MS / 1000)} seconds. Split the file and import each part. Nothing was imported.`,
                'the file',
              ),
            ),
          READ_DEADLINE_MS,
        );
        worker.on('message', (message: ReadMessage) => {
          if (message.type === 'rows') for (const row of message.rows) rows.push(row);
          else if (message.type === 'done') settle(null);
          else if (message.type === 'limit') settle(new ImportLimitError(message.status, message.title, message.detail, message.where));
          else if (message.type === 'unreadable') settle(new UnreadableFileError(message.message));
          else settle(new Error(`reading the file failed: ${message.message}`));
        });
        worker.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
            settle(
              new ImportLimitError(
                413,
                'The file needs too much memory to read',
                `Reading a tracker may use at most ${READER_HEAP_MB} MB. Save it as CSV, or split it and import each part. Nothing was imported.`,
                'the file',
              ),
            );
          } else settle(error);
        });
        worker.on('exit', (code) => settle(new Error(`the thread reading the file stopped (exit code ${code})`)));
      }),
  );
}
