import fs from 'node:fs';
import path from 'node:path';
import { startCluster, type Cluster } from '../dev/cluster';
import { acquireInstanceLock } from '../dev/instanceLock';
import { configureOrExit, exitWith, onShutdownSignal } from './configure';

/**
 * `npm run start:cluster`: the production topology as processes on this machine (dev/cluster.ts): the Temporal server
 * on PostgreSQL, two api processes and two workers, an SMTP server that demands STARTTLS and a password. Data stays in
 * the databases `rt_cluster_*` (and the data folder's cluster/), so starting again carries on where it stopped.
 */
async function main(): Promise<void> {
  const { config, logger } = configureOrExit('cluster');
  const workDir = path.join(config.dataDir, 'cluster');
  let lock: ReturnType<typeof acquireInstanceLock>;
  try {
    lock = acquireInstanceLock(workDir);
  } catch (error) {
    exitWith(logger, error);
  }
  let cluster: Cluster | null = null;
  onShutdownSignal(logger, async () => {
    await cluster?.stop();
    lock.release();
  });
  try {
    logger.info(
      'starting the Temporal server on PostgreSQL, the SMTP server, two api processes and two workers (a few minutes on a busy machine)',
    );
    cluster = await startCluster({
      distDir: path.resolve(__dirname, '..'),
      workDir,
      logger,
      databasePrefix: 'rt_cluster',
      httpPort: config.HTTP_PORT,
      env: { PUBLIC_URL: config.publicUrl, FORCE_NAME: config.FORCE_NAME },
    });
  } catch (error) {
    lock.release();
    exitWith(logger, error);
  }

  const setupCode = /set-up code (\S+)/.exec(fs.readFileSync(cluster.apis[0]!.logFile, 'utf8'))?.[1];
  const lines = [
    '',
    '  The production topology is running as processes on this machine.',
    '',
    ...(setupCode
      ? [`  FIRST RUN: create the first administrator at ${config.publicUrl}/setup with the set-up code ${setupCode}`, '']
      : []),
    ...cluster.apiUrls.map((url, i) => `  api ${i + 1}                     ${url}/   (health ${url}/readyz, metrics ${url}/metrics)`),
    `  workers                   ${cluster.workers.map((w) => `pid ${w.pid}`).join(', ')} on task queue ${cluster.taskQueue}`,
    `  Temporal server           ${cluster.temporalAddress}, namespace ${cluster.namespace}, on PostgreSQL (${cluster.databases.slice(1).join(', ')})`,
    `  PostgreSQL                ${cluster.databases[0]} on ${new URL(cluster.postgresAdminUrl).host}`,
    `  SMTP (STARTTLS + AUTH)    ${cluster.smtpUrl.replace(/:[^:@/]+@/, ':…@')}; mail received is kept in ${path.join(workDir, 'mail')}`,
    `  Logs                      ${workDir}/*.log`,
    '',
    '  Press Ctrl-C to stop everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main();
