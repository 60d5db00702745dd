import { spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';
import type { Logger } from '../platform/logger';

export interface RunningTemporal {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
}

/**
 * The dev server keeps one history shard, and caches sized for a laptop: the mutable state of 8,096 workflows and
 * 512 KB of history events. A force has more open items than that. When thousands of reminders fall due at once,
 * every workflow is visited in turn, so each visit found its state evicted and read it back from SQLite: at 10,000
 * items the server spent 12 ms of CPU per reminder, and 9 ms with these sizes (the full server's own default for
 * the workflow cache, and 64 MB of events).
 */
const DEV_SERVER_DYNAMIC_CONFIG: Record<string, number> = {
  'history.hostLevelCacheMaxSize': 128_000,
  'history.eventsCacheMaxSizeBytes': 64 * 2 ** 20,
};

/**
 * The Temporal CLI dev server: a real Temporal server in one process. With `dbFile` its state survives
 * restarts; without it (tests) everything lives in memory and disappears when it stops.
 */
export async function startTemporalDevServer(options: {
  cliPath: string;
  port: number;
  uiPort: number | null;
  dbFile: string | null;
  logger: Logger;
  readyTimeoutMs?: number;
}): Promise<RunningTemporal> {
  const { cliPath, port, uiPort, dbFile, logger } = options;
  const address = `127.0.0.1:${port}`;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  if (uiPort === null) args.push('--headless');
  else args.push('--ui-ip', '127.0.0.1', '--ui-port', String(uiPort));
  if (dbFile) args.push('--db-filename', dbFile);
  for (const [key, value] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);

  const log = logger.child({ component: 'temporal' });
  const child = spawn(cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-4000);
    for (const line of text.split('\n').filter(Boolean)) log.debug(line);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (hasExited) throw new Error(`The Temporal dev server exited before it was ready:\n${output}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        break;
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`The Temporal dev server on ${address} was not ready in time: ${(error as Error).message}\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  return {
    address,
    uiUrl: uiPort === null ? null : `http://localhost:${uiPort}`,
    async stop() {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
