import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Config } from '../config/config';
import { startEmbeddedPostgres, type RunningPostgres } from '../dev/embeddedPostgres';
import { embeddedDatabaseUrl } from '../dev/infrastructure';
import { acquireInstanceLock } from '../dev/instanceLock';

/** Whether something listens on this loopback port (the embedded PostgreSQL of a running `npm start`). */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The product's database for a one-off command: DATABASE_URL; else the embedded PostgreSQL of a running `npm start`
 * (whose credentials are fixed, dev/embeddedPostgres.ts); else that PostgreSQL started here for the moment the
 * command takes, holding the instance lock so `npm start` cannot start on the same data meanwhile.
 */
export async function openDatabase(
  config: Config,
  logger: Parameters<typeof startEmbeddedPostgres>[0]['logger'],
): Promise<{ url: string; close(): Promise<void> }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, close: async () => undefined };
  if (await listening(config.EMBEDDED_POSTGRES_PORT)) {
    return { url: embeddedDatabaseUrl(config.EMBEDDED_POSTGRES_PORT), close: async () => undefined };
  }
  const dataDir = path.join(config.dataDir, 'postgres');
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION')))
    throw new Error(`There is no data in ${dataDir} yet: run "npm start" once (or set DATABASE_URL).`);
  const lock = acquireInstanceLock(config.dataDir);
  let postgres: RunningPostgres;
  try {
    postgres = await startEmbeddedPostgres({ dataDir, port: config.EMBEDDED_POSTGRES_PORT, logger });
  } catch (error) {
    lock.release();
    throw error;
  }
  return {
    url: embeddedDatabaseUrl(config.EMBEDDED_POSTGRES_PORT),
    close: async () => {
      await postgres.stop();
      lock.release();
    },
  };
}

/** The configured services, or those a running `npm start` runs embedded (fixed credentials, dev/embeddedPostgres.ts). */
export async function runningServices(config: Config): Promise<{ databaseUrl: string; temporalAddress: string }> {
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    if (!(await listening(config.EMBEDDED_POSTGRES_PORT)))
      throw new Error('PostgreSQL is not running: start the product ("npm start") or set DATABASE_URL.');
    databaseUrl = embeddedDatabaseUrl(config.EMBEDDED_POSTGRES_PORT);
  }
  let temporalAddress = config.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    if (!(await listening(config.TEMPORAL_DEV_PORT)))
      throw new Error('Temporal is not running: start the product ("npm start") or set TEMPORAL_ADDRESS.');
    temporalAddress = `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
  }
  return { databaseUrl, temporalAddress };
}
