'use strict';
/**
 * Docker healthcheck for the Temporal worker container: `node deploy/healthcheck/worker.js`.
 *
 * The worker serves no pages (at most /metrics), so "healthy" is judged where it matters: Temporal must have seen a
 * poll on the app's task queue, recently, from a worker in *this* container. The SDK's default
 * worker identity is `<pid>@<hostname>` and a container's hostname is its own, so each of several
 * scaled worker containers is checked separately. (If bin/worker.ts ever sets a custom identity,
 * it must keep os.hostname() in it, or this check reports unhealthy.)
 *
 * Plain CommonJS on purpose: it runs inside the production image, next to dist/, with no build step.
 * Exit 0 = healthy, 1 = unhealthy (the reason goes to stderr, which `docker inspect` shows).
 */
const os = require('node:os');
const path = require('node:path');
const { Connection } = require('@temporalio/client');
// The app's own config loader, so the defaults (namespace, task queue) are the same as the worker's.
const { loadConfig } = require(path.join(__dirname, '..', '..', 'dist', 'config', 'config.js'));

/** A worker long-polls continuously (each poll lasts up to about a minute); older than this means it stopped. */
const FRESH_POLL_MS = 3 * 60 * 1000;
const CALL_TIMEOUT_MS = 8000;
/** temporal.api.enums.v1 values: TaskQueueKind NORMAL, TaskQueueType WORKFLOW and ACTIVITY. */
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPES = [
  { type: 1, label: 'workflow' },
  { type: 2, label: 'activity' },
];

function timestampToMs(ts) {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return undefined;
  const seconds = typeof ts.seconds === 'object' && typeof ts.seconds.toNumber === 'function' ? ts.seconds.toNumber() : Number(ts.seconds);
  return seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

async function main() {
  const config = loadConfig(process.env);
  if (!config.TEMPORAL_ADDRESS) throw new Error('TEMPORAL_ADDRESS is not set, so this worker cannot be polling a Temporal server');

  const hostname = os.hostname();
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: CALL_TIMEOUT_MS });
  try {
    const seen = [];
    for (const { type, label } of TASK_QUEUE_TYPES) {
      const response = await connection.withDeadline(Date.now() + CALL_TIMEOUT_MS, () =>
        connection.workflowService.describeTaskQueue({
          namespace: config.TEMPORAL_NAMESPACE,
          taskQueue: { name: config.TEMPORAL_TASK_QUEUE, kind: TASK_QUEUE_KIND_NORMAL },
          taskQueueType: type,
        }),
      );
      for (const poller of response.pollers ?? []) {
        const identity = poller.identity ?? '';
        const lastMs = timestampToMs(poller.lastAccessTime);
        seen.push(`${label}:${identity}`);
        if (identity.includes(hostname) && lastMs !== undefined && Date.now() - lastMs <= FRESH_POLL_MS) {
          return;
        }
      }
    }
    throw new Error(
      `no poll in the last ${FRESH_POLL_MS / 1000}s from a worker on host ${hostname} ` +
        `(namespace ${config.TEMPORAL_NAMESPACE}, task queue ${config.TEMPORAL_TASK_QUEUE}; pollers seen: ${seen.join(', ') || 'none'})`,
    );
  } finally {
    await connection.close().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`worker healthcheck: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
