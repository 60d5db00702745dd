import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { startApplication, type RunningApplication } from '../runtime/application';
import { startSmtpSink, type SmtpSink } from '../runtime/smtpSink';
import type { Logger } from '../runtime/logger';

/** Small things every benchmark here needs: bounded concurrency, timing, printing, a database of its own. */

/** Runs `work` for every item with at most `concurrency` in flight; the first failure stops new work and rejects. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const runner = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await work(items[index]!, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, runner));
}

export const elapsed = (since: number) => performance.now() - since;
export const say = (line: string) => process.stdout.write(`${line}\n`);
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function isoDateInDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export async function withPg<T>(url: string, work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function databaseUrlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Webpack's bundling chatter is not what a benchmark measures; its errors still show. */
export const quietWebpack = (logger: Logger) => ({ trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => logger.error(m), log() {} });

/**
 * What a benchmark started, to stop in reverse order once: at the end, on failure, or on Ctrl-C / SIGTERM
 * (then the process exits), so no PostgreSQL, Temporal or worker is left behind.
 */
export function stopEverythingOnExit(): { cleanups: { what: string; run: () => Promise<unknown> }[]; stopAll: () => Promise<void> } {
  const cleanups: { what: string; run: () => Promise<unknown> }[] = [];
  let stopping: Promise<void> | null = null;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const { what, run } of cleanups.splice(0).reverse()) {
        try {
          await run();
        } catch (error) {
          process.stderr.write(`while stopping ${what}: ${(error as Error).message}\n`);
        }
      }
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping everything\n`);
    void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { cleanups, stopAll };
}

/** The whole product on a fresh database of the shared PostgreSQL, with its own SMTP sink; all stopped by `cleanups`. */
export async function startBenchProduct(input: {
  postgresUrl: string;
  temporalAddress: string;
  workDir: string;
  name: string;
  taskQueue: string;
  logger: Logger;
  bundle: { code: string };
  cleanups: { what: string; run: () => Promise<unknown> }[];
  /** Run the SMTP sink in a process of its own (the product then has no development mailbox); default: in this one. */
  sinkProcess?: boolean;
}): Promise<{ app: RunningApplication; sink: SmtpSink | null; mailDir: string }> {
  const { postgresUrl, cleanups } = input;
  await withPg(postgresUrl, (c) => c.query(`CREATE DATABASE ${input.name}`));
  cleanups.push({ what: `database ${input.name}`, run: () => withPg(postgresUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${input.name} WITH (FORCE)`)) });
  const mailDir = path.join(input.workDir, 'mail');
  const sink = input.sinkProcess ? null : await startSmtpSink({ port: 0, storeDir: mailDir });
  const smtpUrl = sink ? sink.url : `smtp://127.0.0.1:${await startSinkProcess(mailDir, cleanups)}`;
  if (sink) cleanups.push({ what: 'the SMTP sink', run: () => sink.stop() });
  const app = await startApplication({
    databaseUrl: databaseUrlFor(postgresUrl, input.name),
    temporalAddress: input.temporalAddress,
    namespace: 'default',
    taskQueue: input.taskQueue,
    smtpUrl,
    mailFrom: 'Recommendation Tracker <no-reply@tracker.bench>',
    publicUrl: 'http://tracker.bench',
    forceName: 'Benchmark Constabulary',
    logger: input.logger,
    runApi: true,
    runWorker: true,
    http: { host: '127.0.0.1', port: 0 },
    mailbox: sink ?? undefined,
    workflowBundle: input.bundle,
  });
  cleanups.push({ what: 'the product', run: () => app.stop() });
  return { app, sink, mailDir };
}

/** Starts bench/smtpSinkProcess.ts (compiled next to this file) storing into `mailDir`; resolves with its port. */
async function startSinkProcess(mailDir: string, cleanups: { what: string; run: () => Promise<unknown> }[]): Promise<number> {
  const child = spawn(process.execPath, [path.join(__dirname, 'smtpSinkProcess.js'), mailDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push({
    what: 'the SMTP sink process',
    run: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  });
  return new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the SMTP sink process exited (${code}) before listening`)));
  });
}
