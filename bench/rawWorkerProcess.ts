import http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Pool } from 'pg';
import { createMailer } from '../platform/email/mailer';
import { WORKER_CAPACITY } from '../platform/temporal/workerCapacity';
import { floorCommandUpdate, type FloorActivities } from './rawWorkflow';

/**
 * The worker of the benchmarks' baselines (bench/rawWorkflow.ts) in a process of its own, as the product's worker
 * runs in its own, with the product worker's capacity: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE (default "default"),
 * TEMPORAL_TASK_QUEUE, TEMPORAL_WORKER_CACHED_WORKFLOWS (optional), SMTP_URL for the floors' emails and DATABASE_URL
 * for the lifecycle floor's tables, floor_items and floor_events (without them, those workflows' activities fail).
 * With FLOOR_HTTP_PORT, it also answers the lifecycle floor's commands over HTTP on 127.0.0.1 (see floorEndpoint).
 * Stops on SIGTERM / SIGINT after in-flight tasks.
 */
async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE;
  if (!address || !taskQueue) throw new Error('TEMPORAL_ADDRESS and TEMPORAL_TASK_QUEUE must be set');
  const smtpUrl = process.env.SMTP_URL;
  const mailer = smtpUrl ? createMailer(smtpUrl, 'floor@bench.police.uk') : null;
  const databaseUrl = process.env.DATABASE_URL;
  // The product's worker pool size (entities/dataSource.ts); connections stay open, so each phase's CPU finds them.
  const pool = databaseUrl ? new Pool({ connectionString: databaseUrl, max: 10, idleTimeoutMillis: 0 }) : null;
  const sendShortEmail = async (to: string, messageId: string, sentence: string) => {
    if (!mailer) throw new Error('SMTP_URL is not set');
    await mailer.send({ to, subject: 'Benchmark floor', text: sentence, html: `<p>${sentence}</p>`, messageId });
  };
  const activities: FloorActivities = {
    async sendFloorEmail({ to, messageId }) {
      await sendShortEmail(to, messageId, 'A reminder fell due.');
    },
    async recordFloorCommand({ workflowId, n, to, messageId }) {
      if (!pool) throw new Error('DATABASE_URL is not set');
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('UPDATE floor_items SET version = $2 WHERE id = $1', [workflowId, n]);
        await client.query('INSERT INTO floor_events (item_id, n) VALUES ($1, $2) ON CONFLICT DO NOTHING', [workflowId, n]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
      await sendShortEmail(to, messageId, 'A command was recorded.');
    },
  };
  const cached = process.env.TEMPORAL_WORKER_CACHED_WORKFLOWS;
  // Warnings and errors only, as the product's worker logs the SDK (platform/temporal/runtime.ts).
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  // The SDK's own signal handling shuts the worker down on SIGTERM / SIGINT.
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue,
    workflowsPath: require.resolve('./rawWorkflow'),
    activities,
    ...WORKER_CAPACITY,
    ...(cached ? { maxCachedWorkflows: Number(cached) } : {}),
  });
  const floorPort = process.env.FLOOR_HTTP_PORT;
  const endpoint = floorPort ? await floorEndpoint(address, process.env.TEMPORAL_NAMESPACE ?? 'default', Number(floorPort)) : null;
  process.stdout.write(`${JSON.stringify({ ready: true, taskQueue })}\n`);
  await worker.run();
  await endpoint?.close();
  mailer?.close();
  await pool?.end();
  await connection.close();
}

/**
 * The lifecycle floor's API, in the worker's own process (a design with no hop between an API and a worker process):
 * `POST /floor/<workflow id>/commands` with a JSON body sends the floor's update and answers `{ "count": n }`.
 */
async function floorEndpoint(address: string, namespace: string, port: number): Promise<{ close(): Promise<void> }> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  const answer = (res: http.ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const server = http.createServer((req, res) => {
    const match = /^\/floor\/([^/]+)\/commands$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return answer(res, 404, { error: 'not found' });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      Promise.resolve()
        .then(() => JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown)
        .then(() => client.workflow.getHandle(decodeURIComponent(match[1]!)).executeUpdate(floorCommandUpdate))
        .then(
          (count) => answer(res, 200, { count }),
          (error: unknown) => answer(res, 500, { error: error instanceof Error ? error.message : String(error) }),
        );
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await connection.close();
    },
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`raw worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
