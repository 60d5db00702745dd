import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

/**
 * The worker of the lifecycle benchmark's raw baseline (bench/rawWorkflow.ts) in a process of its own, as the
 * product's worker runs in its own: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE (default "default"), TEMPORAL_TASK_QUEUE.
 * Stops on SIGTERM / SIGINT after in-flight tasks.
 */
async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE;
  if (!address || !taskQueue) throw new Error('TEMPORAL_ADDRESS and TEMPORAL_TASK_QUEUE must be set');
  // Warnings and errors only, as the product's worker logs the SDK (runtime/temporalRuntime.ts).
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  // The SDK's own signal handling shuts the worker down on SIGTERM / SIGINT.
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue,
    workflowsPath: require.resolve('./rawWorkflow'),
  });
  process.stdout.write(`${JSON.stringify({ ready: true, taskQueue })}\n`);
  await worker.run();
  await connection.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`raw worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
