import { authSettingsFromConfig } from '../api/auth/settings';
import { importLimitsFromConfig } from '../api/imports/limits';
import { startApplication } from './application';
import { tracingSettings, workerMetricsSettings } from '../config/config';
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
      databaseUrl: config.DATABASE_URL!,
      temporalAddress: config.TEMPORAL_ADDRESS!,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      smtpUrl: config.SMTP_URL!,
      mailFrom: config.MAIL_FROM,
      publicUrl: config.publicUrl,
      forceName: config.FORCE_NAME,
      trustProxy: config.TRUST_PROXY,
      evidenceMaxMb: config.EVIDENCE_MAX_MB,
      clamavAddress: config.CLAMAV_ADDRESS,
      importLimits: importLimitsFromConfig(config),
      workerCachedWorkflows: config.TEMPORAL_WORKER_CACHED_WORKFLOWS,
      consistencyCheckEveryMs: config.CONSISTENCY_CHECK_MINUTES * 60_000,
      auditCheckpointEveryMs: config.AUDIT_CHECKPOINT_MINUTES * 60_000,
      auditCheckpointEmail: config.AUDIT_CHECKPOINT_EMAIL,
      logger,
      runApi: role === 'api',
      runWorker: role === 'worker',
      http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
      workerMetrics: workerMetricsSettings(config),
      tracing: tracingSettings(config, role),
      migrate: false,
      auth: authSettingsFromConfig(config),
    });
    onShutdownSignal(logger, app.stop);
    logger.info({ role, http: app.httpUrl, metrics: app.workerMetricsUrl ?? undefined }, `${role} started`);
  } catch (error) {
    exitWith(logger, error);
  }
}
