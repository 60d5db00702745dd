import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { databaseUrlFor, withPg } from '../platform/postgresClient';
import type { Logger } from '../platform/logger';
import { SupervisedProcess, type ProcessEvent } from './clusterProcess';
import { embeddedPostgresUrl } from './embeddedPostgres';
import { freePort } from './ports';
import { selfSignedCertificate } from './selfSignedCertificate';
import { startSmtpSink, type SmtpSink } from './smtpSink';
import { findOrBuildTemporalCli } from './temporalCli';
import {
  createNamespace,
  findOrBuildTemporalServer,
  prepareTemporalDatabases,
  startTemporalServer,
  type TemporalDatabases,
  type TemporalServer,
} from './temporalServer';

/**
 * The production topology on one machine without Docker, each piece a process as docker-compose.yml runs it: the
 * Temporal server on PostgreSQL, the migrate job once, two api processes and two workers from the compiled product,
 * and an SMTP server that demands STARTTLS and authentication. `npm run start:cluster` runs it for a person; the
 * jest project `cluster` runs it for the fault tests.
 */

export const CLUSTER_NAMESPACE = 'recommendations';
export const CLUSTER_TASK_QUEUE = 'recommendations';
const SMTP_USER = 'tracker-relay';
const MACHINE_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ClusterOptions {
  /** The compiled product: holds bin/api.js, bin/worker.js, bin/migrate.js. */
  distDir: string;
  /** Logs, the server config, the certificate and the received mail go here. */
  workDir: string;
  logger: Logger;
  /** Prefix of the three databases (`<prefix>_app`, `_temporal`, `_visibility`); reusing one keeps the data. */
  databasePrefix: string;
  /** A superuser URL on the PostgreSQL to use; default DATABASE_URL's server, then 127.0.0.1:5432, then an embedded one. */
  postgresAdminUrl?: string;
  /** Run on an embedded PostgreSQL of its own (data in the work folder) whatever else is reachable: a test can then stop it. */
  embeddedPostgres?: boolean;
  apis?: number;
  workers?: number;
  /** The first api's port (the others follow it); default free ports. */
  httpPort?: number;
  /** Extra environment for the product's processes. */
  env?: NodeJS.ProcessEnv;
  /** Where every process's starts, kills and unplanned exits are noted (default: a new list, `Cluster.events`). */
  events?: ProcessEvent[];
}

export interface Cluster {
  temporal: TemporalServer;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  databaseUrl: string;
  /** The superuser URL of the PostgreSQL server in use (to drop the databases afterwards). */
  postgresAdminUrl: string;
  /** The embedded PostgreSQL the cluster started, if it started one: a supervised process, stopped with the cluster. */
  embeddedPostgres: SupervisedProcess | null;
  databases: string[];
  apis: SupervisedProcess[];
  apiUrls: string[];
  workers: SupervisedProcess[];
  smtp: SmtpSink;
  smtpUrl: string;
  /** Starts, kills, stops and unplanned exits (each followed by a restart, as compose's restart policy) of every process. */
  events: ProcessEvent[];
  /** The Temporal databases and the tools to prepare them again (a fault test deletes Temporal's data). */
  temporalDatabases: TemporalDatabases;
  temporalTools: { sqlToolPath: string; version: string; cliPath: string };
  /** The product's environment, as every api and worker got it. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
  /** SIGKILL to everything still running: for process exit, when nothing can be awaited. */
  killNow(): void;
}

async function reachable(url: string): Promise<boolean> {
  try {
    await withPg(url, (client) => client.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

/**
 * The PostgreSQL to use: the one named, else the machine's, else (or when `embeddedPostgres` is asked for) an embedded
 * one run as a supervised program of its own (dev/embeddedPostgresProcess.ts), which a test can stop and start again.
 */
async function choosePostgres(
  options: ClusterOptions,
  events: ProcessEvent[],
  onStarted: (process: SupervisedProcess) => void,
): Promise<{ adminUrl: string; embedded: SupervisedProcess | null }> {
  if (!options.embeddedPostgres) {
    if (options.postgresAdminUrl) return { adminUrl: options.postgresAdminUrl, embedded: null };
    if (process.env.DATABASE_URL) return { adminUrl: databaseUrlFor(process.env.DATABASE_URL, 'postgres'), embedded: null };
    if (await reachable(MACHINE_POSTGRES)) return { adminUrl: MACHINE_POSTGRES, embedded: null };
    options.logger.info('no PostgreSQL at 127.0.0.1:5432: starting an embedded one');
  }
  const port = await freePort();
  const adminUrl = embeddedPostgresUrl(port, 'postgres');
  const embedded = new SupervisedProcess(
    'postgres',
    process.execPath,
    [path.join(options.distDir, 'dev', 'embeddedPostgresProcess.js'), path.join(options.workDir, 'postgres'), String(port)],
    { env: process.env, cwd: options.workDir, logFile: path.join(options.workDir, 'postgres.log'), events },
    () => reachable(adminUrl),
  );
  embedded.start();
  onStarted(embedded);
  await embedded.ensureReady(120_000);
  return { adminUrl, embedded };
}

function runToEnd(script: string, env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${path.basename(script)} exited with ${code}:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`)),
    );
  });
}

/** True once the worker process `pid` polls the task queue for workflow tasks (pollers are named `<pid>@<host>`). */
export async function workerPolls(address: string, namespace: string, taskQueue: string, pid: number): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    const answer = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (answer.pollers ?? []).some((poller) => poller.identity === `${pid}@${os.hostname()}`);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { logger, workDir, databasePrefix } = options;
  fs.mkdirSync(workDir, { recursive: true });
  const started: { stop(): Promise<void> }[] = [];
  const events = options.events ?? [];
  const processes: SupervisedProcess[] = [];
  /** Stopped last: everything else may still be writing. */
  const postgres: SupervisedProcess[] = [];
  const stop = async () => {
    await Promise.allSettled(processes.filter((p) => p.name !== 'temporal-server').map((p) => p.stop()));
    await Promise.allSettled(processes.filter((p) => p.name === 'temporal-server').map((p) => p.stop()));
    for (const service of started.splice(0).reverse())
      await service.stop().catch((error: unknown) => logger.warn({ err: error }, 'error while stopping'));
    await Promise.allSettled(postgres.map((p) => p.stop(30_000)));
  };
  const killNow = () => [...processes, ...postgres].forEach((p) => p.killNow());

  try {
    const [{ adminUrl, embedded: embeddedPostgres }, binaries, cliPath, certificate] = await Promise.all([
      choosePostgres(options, events, (p) => postgres.push(p)),
      findOrBuildTemporalServer(logger),
      findOrBuildTemporalCli(process.env.TEMPORAL_CLI_PATH, logger),
      selfSignedCertificate(path.join(workDir, 'tls')),
    ]);
    const databases = { adminUrl, temporal: `${databasePrefix}_temporal`, visibility: `${databasePrefix}_visibility` };
    const appDatabase = `${databasePrefix}_app`;

    const smtpPassword = randomBytes(12).toString('hex');
    const smtp = await startSmtpSink({
      port: 0,
      storeDir: path.join(workDir, 'mail'),
      secured: { key: certificate.key, cert: certificate.cert, user: SMTP_USER, password: smtpPassword },
    });
    started.push(smtp);
    // As a force would point it at smtp.office365.com:587: STARTTLS required, then AUTH, certificates checked.
    const smtpUrl = `smtp://${SMTP_USER}:${smtpPassword}@localhost:${smtp.port}?requireTLS=true`;

    await withPg(adminUrl, async (admin) => {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [appDatabase]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${appDatabase}`);
    });
    await prepareTemporalDatabases(databases, binaries.sqlToolPath, binaries.version, logger);
    const temporalServer = await startTemporalServer({
      version: binaries.version,
      serverPath: binaries.serverPath,
      cliPath,
      databases,
      workDir,
      logger,
      events,
    });
    processes.push(temporalServer.process);
    await createNamespace({ cliPath, address: temporalServer.address, namespace: CLUSTER_NAMESPACE });

    const databaseUrl = databaseUrlFor(adminUrl, appDatabase);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_NAMESPACE: CLUSTER_NAMESPACE,
      TEMPORAL_TASK_QUEUE: CLUSTER_TASK_QUEUE,
      SMTP_URL: smtpUrl,
      // The product checks the SMTP server's certificate; this one is trusted because we made it.
      NODE_EXTRA_CA_CERTS: certificate.certFile,
      MAIL_FROM: 'Recommendation Tracker <no-reply@tracker.localhost>',
      DEMO_DATA: 'false',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      DATA_DIR: path.join(workDir, 'data'),
      HTTP_HOST: '127.0.0.1',
      ...options.env,
    };
    await runToEnd(path.join(options.distDir, 'bin', 'migrate.js'), env, path.join(workDir, 'migrate.log'));

    const apiCount = options.apis ?? 2;
    const workerCount = options.workers ?? 2;
    const apiUrls: string[] = [];
    const apis: SupervisedProcess[] = [];
    for (let i = 0; i < apiCount; i++) {
      const port = options.httpPort ? options.httpPort + i : await freePort();
      const url = `http://127.0.0.1:${port}`;
      apiUrls.push(url);
      const apiEnv = { ...env, HTTP_PORT: String(port), PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${options.httpPort ?? port}` };
      apis.push(
        new SupervisedProcess(
          `api-${i + 1}`,
          process.execPath,
          [path.join(options.distDir, 'bin', 'api.js')],
          { env: apiEnv, cwd: workDir, logFile: path.join(workDir, `api-${i + 1}.log`), events },
          async () => {
            const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3000) });
            return response.status === 200;
          },
        ),
      );
    }
    const workers = Array.from(
      { length: workerCount },
      (_, i) =>
        new SupervisedProcess(
          `worker-${i + 1}`,
          process.execPath,
          [path.join(options.distDir, 'bin', 'worker.js')],
          { env, cwd: workDir, logFile: path.join(workDir, `worker-${i + 1}.log`), events },
          (pid) => workerPolls(temporalServer.address, CLUSTER_NAMESPACE, CLUSTER_TASK_QUEUE, pid),
        ),
    );
    processes.push(...apis, ...workers);
    for (const p of [...apis, ...workers]) p.start();
    await Promise.all([...apis, ...workers].map((p) => p.ensureReady(180_000)));
    logger.info({ apis: apiUrls, workers: workers.map((w) => w.pid), temporal: temporalServer.address }, 'cluster started');

    return {
      temporal: temporalServer,
      temporalAddress: temporalServer.address,
      namespace: CLUSTER_NAMESPACE,
      taskQueue: CLUSTER_TASK_QUEUE,
      databaseUrl,
      postgresAdminUrl: adminUrl,
      embeddedPostgres,
      databases: [appDatabase, databases.temporal, databases.visibility],
      apis,
      apiUrls,
      workers,
      smtp,
      smtpUrl,
      events,
      temporalDatabases: databases,
      temporalTools: { sqlToolPath: binaries.sqlToolPath, version: binaries.version, cliPath },
      env,
      stop,
      killNow,
    };
  } catch (error) {
    killNow();
    await stop();
    throw error;
  }
}
