import { startSmtpSink } from '../runtime/smtpSink';

/**
 * The SMTP sink on its own, for a benchmark that measures the worker: `node smtpSinkProcess.js <storeDir>` prints
 * `listening <port>` once it accepts mail, and stops on SIGTERM. A force's mail relay is not in the worker's process
 * either, so neither its CPU nor its memory should be counted there.
 */
async function main(): Promise<void> {
  const storeDir = process.argv[2];
  if (!storeDir) throw new Error('usage: node smtpSinkProcess.js <storeDir>');
  const sink = await startSmtpSink({ port: 0, storeDir });
  process.stdout.write(`listening ${sink.port}\n`);
  process.once('SIGTERM', () => void sink.stop().finally(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`SMTP sink failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
