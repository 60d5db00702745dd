import path from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../../dev/embeddedPostgres';
import type { Logger } from '../../platform/logger';
import { freePort } from '../../dev/ports';
import { findOrBuildTemporalCli } from '../../dev/temporalCli';
import { startTemporalDevServer, type RunningTemporal } from '../../dev/temporalDevServer';

/** What this process started itself (null when an external service was named); the caller stops them. */
export interface StartedServices {
  postgres: RunningPostgres | null;
  temporal: RunningTemporal | null;
}

export interface SharedServiceAddresses {
  /** URL of the maintenance database: callers create their own databases on it. */
  postgresUrl: string;
  temporalAddress: string;
}

/**
 * The real services integration tests and benchmarks run on, started in parallel: an embedded PostgreSQL with its
 * data under `workDir` (unless DATABASE_URL is set) and a Temporal CLI dev server with an in-memory store (unless
 * TEMPORAL_ADDRESS is set), each on a free port. `started` is filled in as each one comes up, so the caller can
 * stop whatever did start even when the other failed.
 */
export async function startSharedServices(
  options: { workDir: string; logger: Logger; env?: NodeJS.ProcessEnv },
  started: StartedServices,
): Promise<SharedServiceAddresses> {
  const { workDir, logger } = options;
  const env = options.env ?? process.env;
  const [postgresUrl, temporalAddress] = await Promise.all([
    (async () => {
      if (env.DATABASE_URL) return env.DATABASE_URL;
      started.postgres = await startEmbeddedPostgres({ dataDir: path.join(workDir, 'postgres'), port: await freePort(), logger });
      return started.postgres.adminUrl;
    })(),
    (async () => {
      if (env.TEMPORAL_ADDRESS) return env.TEMPORAL_ADDRESS;
      const cliPath = await findOrBuildTemporalCli(env.TEMPORAL_CLI_PATH, logger);
      started.temporal = await startTemporalDevServer({ cliPath, port: await freePort(), uiPort: null, dbFile: null, logger });
      return started.temporal.address;
    })(),
  ]);
  return { postgresUrl, temporalAddress };
}
