import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createMailer } from '../activities/mailer';
import { WORKER_CAPACITY } from '../runtime/workerCapacity';
import type { FloorActivities } from './rawWorkflow';

/**
 * The worker of the benchmarks' baselines (bench/rawWorkflow.ts) in a process of its own, as the product's worker
 * runs in its own, with the product worker's capacity: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE (default "default"),
 * TEMPORAL_TASK_QUEUE, TEMPORAL_WORKER_CACHED_WORKFLOWS (optional), and SMTP_URL for the reminders floor's emails
 * (without it, that workflow's activity fails). Stops on SIGTERM / SIGINT after in-flight tasks.
 */
async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE;
  if (!address || !taskQueue) throw new Error('TEMPORAL_ADDRESS and TEMPORAL_TASK_QUEUE must be set');
  const smtpUrl = process.env.SMTP_URL;
  const mailer = smtpUrl ? createMailer(smtpUrl, 'floor@bench.police.uk') : null;
  const activities: FloorActivities = {
    async sendFloorEmail({ to, messageId }) {
      if (!mailer) throw new Error('SMTP_URL is not set');
      await mailer.send({ to, subject: 'Benchmark floor', text: 'A reminder fell due.', html: '<p>A reminder fell due.</p>', messageId });
    },
  };
  const cached = process.env.TEMPORAL_WORKER_CACHED_WORKFLOWS;
  // Warnings and errors only, as the product's worker logs the SDK (runtime/temporalRuntime.ts).
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
  process.stdout.write(`${JSON.stringify({ ready: true, taskQueue })}\n`);
  await worker.run();
  mailer?.close();
  await connection.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`raw worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
