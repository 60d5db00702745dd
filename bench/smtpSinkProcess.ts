import { startSmtpSink } from '../dev/smtpSink';

/**
 * The lifecycle benchmark's SMTP catcher in a process of its own, as a deployment's catcher is its own service:
 * `node smtpSinkProcess.js <storeDir>`. Prints one JSON line with its URL once it listens; every accepted message
 * is a .eml file in storeDir, which is how the benchmark counts them. Stops on SIGTERM / SIGINT.
 */
async function main(): Promise<void> {
  const storeDir = process.argv[2];
  if (!storeDir) throw new Error('usage: node smtpSinkProcess.js <storeDir>');
  const sink = await startSmtpSink({ port: Number(process.env.SMTP_SINK_PORT ?? 0), storeDir });
  const stop = () => void sink.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ ready: true, url: sink.url })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`SMTP sink failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
