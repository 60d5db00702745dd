import type { AuthSettings } from '../api/auth/service';
import { authSettingsFromConfig } from '../api/auth/settings';
import { importLimitsFromConfig } from '../api/imports/limits';
import { tracingSettings, workerMetricsSettings, type Config } from '../config/config';
import type { Logger } from '../platform/logger';
import type { ApplicationOptions } from './application';

/** Where the three services are, and what this process runs: the rest comes from the configuration. */
export interface ProcessShape {
  databaseUrl: string;
  temporalAddress: string;
  smtpUrl: string;
  runApi: boolean;
  runWorker: boolean;
  /** The name its traces carry. */
  traceRole: string;
}

/** The application's options from the configuration, one reading for `npm start` and the api and worker processes alike. */
export function applicationOptionsFrom(
  config: Config,
  logger: Logger,
  shape: ProcessShape,
  auth: AuthSettings = authSettingsFromConfig(config),
): ApplicationOptions {
  return {
    databaseUrl: shape.databaseUrl,
    temporalAddress: shape.temporalAddress,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    smtpUrl: shape.smtpUrl,
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
    runApi: shape.runApi,
    runWorker: shape.runWorker,
    http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
    workerMetrics: workerMetricsSettings(config),
    tracing: tracingSettings(config, shape.traceRole),
    auth,
  };
}
