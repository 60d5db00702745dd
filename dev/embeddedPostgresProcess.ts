import { createLogger } from '../platform/logger';
import { startEmbeddedPostgres } from './embeddedPostgres';

/**
 * An embedded PostgreSQL as a program of its own, for the cluster topology (dev/cluster.ts), which supervises it like
 * the others, so that a fault test can stop it and start it again: `node dev/embeddedPostgresProcess.js <dataDir>
 * <port>`. SIGTERM or SIGINT stops PostgreSQL with a fast shutdown (sessions ended, data kept), then exits.
 */

async function main(): Promise<void> {
  const [dataDir, portText] = process.argv.slice(2);
  const port = Number(portText);
  if (!dataDir || !Number.isInteger(port) || port < 1 || port > 65_535) {
    process.stderr.write('usage: node embeddedPostgresProcess.js <data folder> <port>\n');
    process.exit(2);
  }
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info', pretty: false, name: 'postgres' });
  const postgres = await startEmbeddedPostgres({ dataDir, port, logger });
  logger.info({ port, dataDir }, 'embedded PostgreSQL ready');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    postgres.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'embedded PostgreSQL did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
