import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuthSettings } from '../../api/auth/service';
import { startApplication, type ApplicationOptions, type RunningApplication } from '../../bin/application';
import { createLogger } from '../../platform/logger';
import { startSmtpSink, type SmtpSink } from '../../dev/smtpSink';
import { databaseUrlFor, withPg } from '../../platform/postgresClient';

export interface TestProduct {
  app: RunningApplication;
  baseUrl: string;
  sink: SmtpSink;
  databaseUrl: string;
  taskQueue: string;
  /** A second api + worker on the same database and task queue, mailing to the sink (a restarted worker). */
  startAnotherInstance(): Promise<RunningApplication>;
  stop(): Promise<void>;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run integration tests through jest, whose globalSetup starts the shared services`);
  return value;
}

/**
 * The whole product for one test file: its own database, task queue and SMTP server, on the run's shared
 * PostgreSQL and Temporal. Everything it starts, `stop()` stops and drops.
 */
export async function startTestProduct(
  options: {
    workflowHistoryLimit?: number;
    digestEveryMs?: number;
    auth?: Partial<AuthSettings>;
    smtpUrl?: string;
    workerMetrics?: ApplicationOptions['workerMetrics'];
    /** Another PostgreSQL server than the run's shared one (its maintenance database's URL). */
    postgresAdminUrl?: string;
    /** A database that exists already on that server (a restored backup), used instead of a new one; dropped by stop(). */
    database?: string;
    /** Another Temporal than the run's shared one. */
    temporalAddress?: string;
    /** The task queue of an earlier product whose data this one takes over. */
    taskQueue?: string;
    /** Traces sent to this collector; the workflow bundle must then hold the tracing interceptors. */
    tracing?: { settings: NonNullable<ApplicationOptions['tracing']>; workflowBundle: { code: string } };
  } = {},
): Promise<TestProduct> {
  const adminUrl = options.postgresAdminUrl ?? required('TEST_POSTGRES_ADMIN_URL');
  const suffix = randomBytes(6).toString('hex');
  const database = options.database ?? `rt_test_${suffix}`;
  const taskQueue = options.taskQueue ?? `test-${suffix}`;
  if (!options.database) await withPg(adminUrl, (c) => c.query(`CREATE DATABASE ${database}`));
  const databaseUrl = databaseUrlFor(adminUrl, database);
  const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-mail-'));
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn', pretty: false });
  const sink = await startSmtpSink({ port: 0, storeDir: mailDir });
  const sessionSecret = randomBytes(32).toString('hex');
  /** Every instance of this product shares its database, task queue and secrets; only where mail goes may differ. */
  const instance = (smtpUrl: string) =>
    startApplication({
      databaseUrl,
      temporalAddress: options.temporalAddress ?? required('TEST_TEMPORAL_ADDRESS'),
      namespace: 'default',
      taskQueue,
      smtpUrl,
      mailFrom: 'Recommendation Tracker <no-reply@tracker.test>',
      publicUrl: 'http://tracker.test',
      forceName: 'Test Constabulary',
      logger,
      runApi: true,
      runWorker: true,
      http: { host: '127.0.0.1', port: 0 },
      workerMetrics: options.workerMetrics,
      mailbox: sink,
      workflowBundle: options.tracing?.workflowBundle ?? { code: fs.readFileSync(required('TEST_WORKFLOW_BUNDLE'), 'utf8') },
      tracing: options.tracing?.settings,
      workflowHistoryLimit: options.workflowHistoryLimit,
      digestEveryMs: options.digestEveryMs,
      // Off, so that tests comparing the database before and after a request never see a run in between.
      housekeepingEveryMs: 0,
      // Off as well: a test that wants a check runs one, and the metric then shows what that one found.
      consistencyCheckEveryMs: 0,
      auditCheckpointEveryMs: 0,
      auth: { sessionSecret, ...options.auth },
    });
  let app: RunningApplication;
  try {
    app = await instance(options.smtpUrl ?? sink.url);
  } catch (error) {
    await sink.stop();
    throw error;
  }
  const others: RunningApplication[] = [];
  return {
    app,
    baseUrl: app.httpUrl!,
    sink,
    databaseUrl,
    taskQueue,
    async startAnotherInstance() {
      const another = await instance(sink.url);
      others.push(another);
      return another;
    },
    async stop() {
      for (const another of others) await another.stop();
      await app.stop();
      await sink.stop();
      await withPg(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
      fs.rmSync(mailDir, { recursive: true, force: true });
    },
  };
}
