import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import { createDataSource } from '../entities/dataSource';
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

/**
 * Runs `use` with the product's database opened as `openDatabase` finds it (started here if need be), and closes it
 * after, whatever happens.
 */
export async function withDatabase<T>(
  config: Config,
  logger: Parameters<typeof startEmbeddedPostgres>[0]['logger'],
  options: { poolSize: number },
  use: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(config, logger);
  const dataSource = createDataSource(database.url, { poolSize: options.poolSize });
  try {
    await dataSource.initialize();
    return await use(dataSource);
  } finally {
    await dataSource.destroy().catch(() => undefined);
    await database.close();
  }
}

/**
 * Runs `use` with the running product's database and a connection to its Temporal (`runningServices`), and closes
 * both after, whatever happens.
 */
export async function withDatabaseAndTemporal<T>(
  config: Config,
  use: (services: { dataSource: DataSource; connection: Connection }) => Promise<T>,
): Promise<T> {
  const { databaseUrl, temporalAddress } = await runningServices(config);
  const dataSource = createDataSource(databaseUrl, { poolSize: 2 });
  let connection: Connection | null = null;
  try {
    await dataSource.initialize();
    connection = await Connection.connect({ address: temporalAddress });
    return await use({ dataSource, connection });
  } finally {
    await connection?.close().catch(() => undefined);
    await dataSource.destroy().catch(() => undefined);
  }
}
