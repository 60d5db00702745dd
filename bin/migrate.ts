import { createDataSource, runMigrations } from '../entities/dataSource';
import { configureOrExit, exitWith } from './configure';

/** One-shot: applies pending migrations to DATABASE_URL and exits (the compose `migrate` job). */
async function main(): Promise<void> {
  const { config, logger } = configureOrExit('migrate');
  if (!config.DATABASE_URL) exitWith(logger, 'DATABASE_URL must be set: migrations run against a real database');
  const dataSource = createDataSource(config.DATABASE_URL);
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'database already up to date');
  } finally {
    await dataSource.destroy().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Migrations failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
