import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Connection } from '@temporalio/client';
import { startApplication, type RunningApplication } from '../bin/application';
import { isMessageId, startSmtpSink, type SmtpSink } from '../dev/smtpSink';
import { freePort } from '../dev/ports';
import { databaseUrlFor, withPg } from '../platform/postgresClient';
import type { Logger } from '../platform/logger';
import { hasWorkflowPoller, runToCompletion, startNodeChild, waitUntilReady, type ChildHandle } from './processes';

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

export { databaseUrlFor, withPg };

/** A fresh database on the server at `postgresUrl`, dropped by `cleanups`; resolves with its URL. */
export async function createBenchDatabase(
  postgresUrl: string,
  name: string,
  cleanups: { what: string; run: () => Promise<unknown> }[],
): Promise<string> {
  await withPg(postgresUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  cleanups.push({
    what: `database ${name}`,
    run: () => withPg(postgresUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  });
  return databaseUrlFor(postgresUrl, name);
}

/**
 * What a benchmark started, to stop in reverse order once: at the end, on failure, or on Ctrl-C / SIGTERM
 * (then the process exits), so no PostgreSQL, Temporal or worker is left behind.
 */
export function stopEverythingOnExit(): { cleanups: { what: string; run: () => Promise<unknown> }[]; stopAll: () => Promise<void> } {
  const cleanups: { what: string; run: () => Promise<unknown> }[] = [];
  let stopping: Promise<void> | null = null;
  const stopAll = () =>
    (stopping ??= (async () => {
      // Popped one at a time, so whatever the run starts while stopping (after Ctrl-C during setup) is stopped too.
      for (let next = cleanups.pop(); next; next = cleanups.pop()) {
        const { what, run } = next;
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
  /** The worker's workflow cache (TEMPORAL_WORKER_CACHED_WORKFLOWS); default: the SDK's size. */
  workerCachedWorkflows?: number;
}): Promise<{ app: RunningApplication; sink: SmtpSink | null; mailDir: string; databaseUrl: string; smtpUrl: string }> {
  const { postgresUrl, cleanups } = input;
  const databaseUrl = await createBenchDatabase(postgresUrl, input.name, cleanups);
  const mailDir = path.join(input.workDir, 'mail');
  const sink = input.sinkProcess ? null : await startSmtpSink({ port: 0, storeDir: mailDir });
  const smtpUrl = sink ? sink.url : `smtp://127.0.0.1:${await startSinkProcess(mailDir, cleanups)}`;
  if (sink) cleanups.push({ what: 'the SMTP sink', run: () => sink.stop() });
  const app = await startApplication({
    databaseUrl,
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
    workerCachedWorkflows: input.workerCachedWorkflows,
  });
  cleanups.push({ what: 'the product', run: () => app.stop() });
  return { app, sink, mailDir, databaseUrl, smtpUrl };
}

/** Starts bench/smtpSinkProcess.ts (compiled next to this file) storing into `mailDir`; resolves with its port once it listens. */
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
      const line = out
        .split('\n')
        .slice(0, -1)
        .find((l) => l.startsWith('{'));
      if (line) resolve(Number(new URL((JSON.parse(line) as { url: string }).url).port));
    });
    child.once('exit', (code) => reject(new Error(`the SMTP sink process exited (${code}) before listening`)));
  });
}

export interface DeployedProduct {
  baseUrl: string;
  databaseUrl: string;
  mailDir: string;
  /** Where the SMTP sink process listens. */
  smtpUrl: string;
  /** The API, worker and SMTP sink processes by name, for CPU accounting. */
  processes: ChildHandle[];
}

/**
 * The environment of the product's api, worker and migrate processes in a benchmark, as docker-compose.yml sets it:
 * production mode, the given services, no demo data, a random session secret.
 */
export function deployedProcessEnv(input: {
  logLevel: string;
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  smtpUrl: string;
  workDir: string;
}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: input.logLevel,
    DATABASE_URL: input.databaseUrl,
    TEMPORAL_ADDRESS: input.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: input.taskQueue,
    SMTP_URL: input.smtpUrl,
    MAIL_FROM: 'Recommendation Tracker <no-reply@tracker.bench>',
    PUBLIC_URL: 'http://tracker.bench',
    FORCE_NAME: 'Benchmark Constabulary',
    DEMO_DATA: 'false',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    DATA_DIR: path.join(input.workDir, 'data'),
  };
}

/**
 * The product as docker-compose.yml runs it, from the compiled code next to this file: a fresh database, the
 * migrate job, then the API and the worker as processes of their own configured by environment variables, and an
 * SMTP catcher in a third process. Resolves once /readyz answers 200 and the worker polls its task queue; every
 * process is stopped by `cleanups`. Logs go to files in `workDir` (named in any failure).
 */
export async function startDeployedProduct(input: {
  postgresUrl: string;
  temporalAddress: string;
  temporalConnection: Connection;
  workDir: string;
  name: string;
  taskQueue: string;
  logLevel: string;
  cleanups: { what: string; run: () => Promise<unknown> }[];
}): Promise<DeployedProduct> {
  const { postgresUrl, cleanups, workDir } = input;
  const built = path.resolve(__dirname, '..');
  const script = (relative: string) => path.join(built, relative);
  const logFile = (name: string) => path.join(workDir, `${name}.log`);

  const databaseUrl = await createBenchDatabase(postgresUrl, input.name, cleanups);

  const mailDir = path.join(workDir, 'mail');
  const sink = startNodeChild({
    name: 'SMTP sink',
    script: script('bench/smtpSinkProcess.js'),
    args: [mailDir],
    env: {},
    logFile: logFile('smtp-sink'),
    cwd: process.cwd(),
  });
  cleanups.push({ what: 'the SMTP sink process', run: () => sink.stop() });
  let smtpUrl = '';
  await waitUntilReady(sink, 'readiness line', async () => {
    const line = fs
      .readFileSync(sink.logFile, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('{"ready":true'));
    if (line) smtpUrl = (JSON.parse(line) as { url: string }).url;
    return Boolean(line);
  });

  const env: Record<string, string> = {
    ...deployedProcessEnv({
      logLevel: input.logLevel,
      databaseUrl,
      temporalAddress: input.temporalAddress,
      taskQueue: input.taskQueue,
      smtpUrl,
      workDir,
    }),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(await freePort()),
  };
  await runToCompletion({ name: 'migrate', script: script('bin/migrate.js'), env, logFile: logFile('migrate'), cwd: process.cwd() });

  const api = startNodeChild({ name: 'API', script: script('bin/api.js'), env, logFile: logFile('api'), cwd: process.cwd() });
  cleanups.push({ what: 'the API process', run: () => api.stop() });
  const worker = startNodeChild({ name: 'worker', script: script('bin/worker.js'), env, logFile: logFile('worker'), cwd: process.cwd() });
  cleanups.push({ what: 'the worker process', run: () => worker.stop() });
  const baseUrl = `http://127.0.0.1:${env.HTTP_PORT}`;
  await Promise.all([
    waitUntilReady(api, 'answer 200 from /readyz', async () => (await fetch(`${baseUrl}/readyz`)).status === 200),
    waitUntilReady(worker, `poller on task queue ${input.taskQueue}`, () =>
      hasWorkflowPoller(input.temporalConnection, 'default', input.taskQueue),
    ),
  ]);
  return { baseUrl, databaseUrl, mailDir, smtpUrl, processes: [api, worker, sink] };
}

/** Messages the SMTP sink has accepted: it keeps each as `<id>.eml` in its store folder. */
export function sinkMessageCount(mailDir: string): number {
  try {
    return fs.readdirSync(mailDir).filter((name) => name.endsWith('.eml') && isMessageId(name.slice(0, -4))).length;
  } catch {
    return 0;
  }
}

/**
 * Runs a benchmark's main: a failure is printed with its stack and exits 1; an orderly end exits with the code set.
 * Anything still holding the event loop open after an orderly stop is a leak, not work: leave anyway.
 */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => {
      setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
    },
    (error: unknown) => {
      process.stderr.write(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
      setTimeout(() => process.exit(1), 2000).unref();
    },
  );
}
