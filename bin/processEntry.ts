import { startApplication } from './application';
import { applicationOptionsFrom } from './applicationOptions';
import { configureOrExit, exitWith, onShutdownSignal } from './configure';

/**
 * The api and worker processes of a real deployment (docker compose): configured services only, no
 * embedded fallbacks, migrations left to the migrate job. More load means more of these processes.
 */
export async function runProcess(role: 'api' | 'worker'): Promise<void> {
  const { config, logger } = configureOrExit(role);
  const missing = (['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL'] as const).filter((name) => !config[name]);
  if (missing.length)
    exitWith(logger, `${missing.join(', ')} must be set for the ${role} process (npm start runs everything embedded instead)`);
  try {
    const app = await startApplication({
      ...applicationOptionsFrom(config, logger, {
        databaseUrl: config.DATABASE_URL!,
        temporalAddress: config.TEMPORAL_ADDRESS!,
        smtpUrl: config.SMTP_URL!,
        runApi: role === 'api',
        runWorker: role === 'worker',
        traceRole: role,
      }),
      migrate: false,
    });
    onShutdownSignal(logger, app.stop);
    logger.info({ role, http: app.httpUrl, metrics: app.workerMetricsUrl ?? undefined }, `${role} started`);
  } catch (error) {
    exitWith(logger, error);
  }
}
