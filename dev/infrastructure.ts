import path from 'node:path';
import { withPg } from '../platform/postgresClient';
import type { Config } from '../config/config';
import { startEmbeddedPostgres, type RunningPostgres } from './embeddedPostgres';
import type { Logger } from '../platform/logger';
import { assertPortFree } from './ports';
import { startSmtpSink, type SmtpSink } from './smtpSink';
import { findOrBuildTemporalCli } from './temporalCli';
import { startTemporalDevServer, type RunningTemporal } from './temporalDevServer';

export const EMBEDDED_DATABASE = 'recommendations';

/** The product connects as a role of its own, not as the superuser: it owns its database and nothing else. */
const APP_DATABASE_USER = 'tracker';
const APP_DATABASE_PASSWORD = 'tracker';

/** The embedded database as the product reaches it (also used by the one-off commands while `npm start` runs). */
export const embeddedDatabaseUrl = (port: number) =>
  `postgres://${APP_DATABASE_USER}:${APP_DATABASE_PASSWORD}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;

export interface Infrastructure {
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | null;
  smtpUrl: string;
  sink: SmtpSink | null;
  embedded: { postgres: boolean; temporal: boolean; smtp: boolean };
  stop(): Promise<void>;
}

/**
 * PostgreSQL, Temporal and SMTP: the configured ones where a URL or address is set, otherwise real local
 * ones started here with their state under the data folder, so a restart keeps everything.
 */
export async function startInfrastructure(config: Config, logger: Logger): Promise<Infrastructure> {
  const embedded = { postgres: !config.DATABASE_URL, temporal: !config.TEMPORAL_ADDRESS, smtp: !config.SMTP_URL };
  await assertPortFree(config.HTTP_PORT, 'the web pages and API', 'HTTP_PORT', config.HTTP_HOST);
  if (embedded.postgres) await assertPortFree(config.EMBEDDED_POSTGRES_PORT, 'the embedded PostgreSQL', 'EMBEDDED_POSTGRES_PORT');
  if (embedded.temporal) {
    await assertPortFree(config.TEMPORAL_DEV_PORT, 'the Temporal dev server', 'TEMPORAL_DEV_PORT');
    await assertPortFree(config.TEMPORAL_UI_PORT, 'the Temporal Web UI', 'TEMPORAL_UI_PORT');
  }
  if (embedded.smtp) await assertPortFree(config.SMTP_SINK_PORT, 'the local SMTP sink', 'SMTP_SINK_PORT');

  const started: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const service of started.splice(0).reverse()) {
      await service.stop().catch((error: unknown) => logger.error({ err: error }, 'error while stopping a service'));
    }
  };

  try {
    const [database, temporal, sink] = await Promise.all([
      embedded.postgres ? startPostgres(config, logger, started) : Promise.resolve({ url: config.DATABASE_URL! }),
      embedded.temporal
        ? startTemporal(config, logger, started)
        : Promise.resolve({ address: config.TEMPORAL_ADDRESS!, uiUrl: config.TEMPORAL_UI_URL ?? null }),
      embedded.smtp ? startSink(config, logger, started) : Promise.resolve(null),
    ]);
    return {
      databaseUrl: database.url,
      temporalAddress: temporal.address,
      temporalUiUrl: temporal.uiUrl,
      smtpUrl: sink ? sink.url : config.SMTP_URL!,
      sink,
      embedded,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startPostgres(config: Config, logger: Logger, started: { stop(): Promise<void> }[]): Promise<{ url: string }> {
  const postgres: RunningPostgres = await startEmbeddedPostgres({
    dataDir: path.join(config.dataDir, 'postgres'),
    port: config.EMBEDDED_POSTGRES_PORT,
    logger,
  });
  started.push(postgres);
  await withPg(postgres.adminUrl, async (admin) => {
    await admin.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_DATABASE_USER}') THEN
        CREATE ROLE ${APP_DATABASE_USER} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${APP_DATABASE_PASSWORD}';
      END IF; END $$`);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE} OWNER ${APP_DATABASE_USER}`);
    else await admin.query(`ALTER DATABASE ${EMBEDDED_DATABASE} OWNER TO ${APP_DATABASE_USER}`);
  });
  // A data folder from before the product had its own role: what the superuser created passes to the product's role.
  await withPg(postgres.urlFor(EMBEDDED_DATABASE), (db) =>
    db.query(`DO $$ DECLARE o record; BEGIN
      EXECUTE 'ALTER SCHEMA public OWNER TO ${APP_DATABASE_USER}';
      FOR o IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'v', 'p') AND pg_get_userbyid(c.relowner) <> '${APP_DATABASE_USER}' LOOP
        EXECUTE format(CASE o.relkind WHEN 'S' THEN 'ALTER SEQUENCE %I OWNER TO ${APP_DATABASE_USER}' WHEN 'v' THEN 'ALTER VIEW %I OWNER TO ${APP_DATABASE_USER}' ELSE 'ALTER TABLE %I OWNER TO ${APP_DATABASE_USER}' END, o.relname);
      END LOOP;
      FOR o IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '${APP_DATABASE_USER}' LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO ${APP_DATABASE_USER}', o.fn);
      END LOOP;
    END $$`),
  );
  return { url: embeddedDatabaseUrl(config.EMBEDDED_POSTGRES_PORT) };
}

async function startTemporal(
  config: Config,
  logger: Logger,
  started: { stop(): Promise<void> }[],
): Promise<{ address: string; uiUrl: string | null }> {
  const cliPath = await findOrBuildTemporalCli(config.TEMPORAL_CLI_PATH, logger);
  const temporal: RunningTemporal = await startTemporalDevServer({
    cliPath,
    port: config.TEMPORAL_DEV_PORT,
    uiPort: config.TEMPORAL_UI_PORT,
    dbFile: path.join(config.dataDir, 'temporal.sqlite'),
    logger,
  });
  started.push(temporal);
  return { address: temporal.address, uiUrl: temporal.uiUrl };
}

async function startSink(config: Config, logger: Logger, started: { stop(): Promise<void> }[]): Promise<SmtpSink> {
  const sink = await startSmtpSink({
    port: config.SMTP_SINK_PORT,
    storeDir: path.join(config.dataDir, 'mail'),
    logger: logger.child({ component: 'smtp-sink' }),
  });
  started.push(sink);
  return sink;
}
