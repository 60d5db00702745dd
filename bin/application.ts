import { CommentService } from '../api/comments/service';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { AuditChainService, startAuditCheckpoints } from '../api/audit/service';
import type { Router } from 'express';
import { createActivities } from '../activities';
import { createMailer, type Mailer } from '../platform/email/mailer';
import { loadReminderSettings } from '../entities/reminderSettings';
import { reminderDigestWorkflowId } from '../workflows/reminderDigestWorkflow';
import type { SmtpSink } from '../dev/smtpSink';
import { startHousekeeping } from '../api/auth/housekeeping';
import { PasswordLinkService } from '../api/auth/passwordLinks';
import { AuthService, type AuthSettings } from '../api/auth/service';
import { defaultAuthSettings } from '../api/auth/settings';
import { createConsistencyCheck, createWorkflowReconciler, type ConsistencyCheck, type WorkflowReconciler } from '../api/consistency';
import { startPeriodicConsistencyCheck } from '../api/consistency/periodic';
import { startOutboxSweep } from '../activities/outboxSweep';
import { outboxSender } from '../activities/sendOutboundEmail';
import { PeopleService } from '../api/people/service';
import { FirstRun } from '../api/setup/firstRun';
import { ReminderSettingsService } from '../api/administration/reminderSettings';
import { EvidenceService } from '../api/evidence/service';
import { AttachmentService } from '../api/attachments/service';
import { ImportService } from '../api/imports/service';
import { PeopleImportService } from '../api/imports/peopleImport';
import type { ImportLimits } from '../api/imports/limits';
import { clamdScanner } from '../api/evidence/clamav';
import { RecommendationService } from '../api/recommendations/service';
import { RecommendationWorkflows } from '../api/recommendations/workflowGateway';
import { ReportService } from '../api/reports/service';
import { buildApp } from '../api/server';
import { createDataSource, runMigrations } from '../entities/dataSource';
import type { Logger } from '../platform/logger';
import { readinessProbe } from '../platform/readiness';
import { installTemporalRuntime, temporalSdkMetrics } from '../platform/temporal/runtime';
import { processMetrics } from '../platform/metrics/registry';
import { serveMetrics } from '../platform/metrics/server';
import { tracedWorkflowModules, workflowBundlerOptions, workflowsPath } from './workflowBundle';
import { installTracing, type TracingSettings } from '../platform/tracing';
import { WORKER_CAPACITY } from '../platform/temporal/workerCapacity';

export interface ApplicationOptions {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  smtpUrl: string;
  mailFrom: string;
  publicUrl: string;
  forceName: string;
  /** Express 'trust proxy' (TRUST_PROXY). */
  trustProxy?: string;
  evidenceMaxMb?: number;
  /** clamd's address (CLAMAV_ADDRESS): evidence files are scanned before they are kept. */
  clamavAddress?: string;
  /** What an imported tracker may hold (IMPORT_MAX_*). */
  importLimits?: ImportLimits;
  logger: Logger;
  /** Which parts run in this process: `npm start` runs both, the container images one each. */
  runApi: boolean;
  runWorker: boolean;
  http?: { host: string; port: number };
  /**
   * The worker's GET /metrics (WORKER_METRICS_PORT), and where the Temporal SDK's own exporter listens
   * (`host:port`, loopback), whose series it serves too. The SDK's runtime is set up once per process, by the first
   * application started in it: tests that start several share the first one's.
   */
  workerMetrics?: { host: string; port: number; temporalSdkAddress?: string };
  migrate?: boolean;
  mailbox?: SmtpSink;
  /**
   * OpenTelemetry traces over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT), from the HTTP request through the workflow to
   * the activity's transaction; none when unset. Once per process: tests that start several share the first one's.
   */
  tracing?: TracingSettings;
  /**
   * A pre-built workflow bundle (tests build it once per run); otherwise the worker bundles workflows/ itself. With
   * tracing, it must hold the tracing interceptors (buildWorkflowBundle's `traced`).
   */
  workflowBundle?: { code: string };
  /** Workflows the worker keeps in memory between tasks (TEMPORAL_WORKER_CACHED_WORKFLOWS); default: the SDK's, from the heap limit. */
  workerCachedWorkflows?: number;
  /** Tests only: continue workflows as new after this many history events. */
  workflowHistoryLimit?: number;
  /** Tests only: send reminder digests this often instead of at the daily send time. */
  digestEveryMs?: number;
  /** How often expired sign-in records are removed (api/auth/housekeeping.ts); default hourly, 0 never (tests that compare the database before and after). */
  housekeepingEveryMs?: number;
  /** How often the worker sends outbox emails left unsent (default a minute; 0: never). */
  outboxSweepEveryMs?: number;
  /** How often the API process runs the consistency check, reporting only (CONSISTENCY_CHECK_MINUTES); default every 15 minutes, 0 never. */
  consistencyCheckEveryMs?: number;
  /** How often the API process checkpoints and verifies the audit trail (AUDIT_CHECKPOINT_MINUTES); default hourly, 0 never. */
  auditCheckpointEveryMs?: number;
  /** AUDIT_CHECKPOINT_EMAIL: where checkpoints are also emailed. */
  auditCheckpointEmail?: string;
  /** Sign-in and email-link settings (config SESSION_*, SIGN_IN_*, OIDC_*, ACTION_LINK_DAYS); a missing secret is random per process. */
  auth?: Partial<AuthSettings>;
  /** Whether an HTTP process with no administrator in the database makes a set-up code for /setup (default yes; not for the demo force, which brings its own). */
  setupCode?: boolean;
}

export interface RunningApplication {
  dataSource: DataSource;
  client: Client;
  services: {
    reports: ReportService;
    recommendations: RecommendationService;
    evidence: EvidenceService;
    comments: CommentService;
    attachments: AttachmentService;
    auth: AuthService;
    reminderSettings: ReminderSettingsService;
    imports: ImportService;
    peopleImport: PeopleImportService;
    people: PeopleService;
    passwordLinks: PasswordLinkService;
    firstRun: FirstRun;
    consistency: ConsistencyCheck;
    reconciler: WorkflowReconciler;
    auditChain: AuditChainService;
  };
  httpUrl: string | null;
  /** The worker's /metrics, when it serves one. */
  workerMetricsUrl: string | null;
  /** The one-time code for /setup this process printed, when nobody administered the product at start. */
  setupCode: string | null;
  stop(): Promise<void>;
}

/**
 * The product's processes on top of running infrastructure: migrations, the Temporal worker and the
 * HTTP server. Stopping drains in order: HTTP first, then the worker finishes in-flight activities,
 * then connections close.
 */
export async function startApplication(options: ApplicationOptions): Promise<RunningApplication> {
  const { logger } = options;
  const workerMetrics = options.runWorker ? options.workerMetrics : undefined;
  installTemporalRuntime(logger, { metricsAddress: workerMetrics?.temporalSdkAddress });
  const dataSource = createDataSource(options.databaseUrl);
  await dataSource.initialize();
  const cleanups: (() => Promise<void>)[] = [() => dataSource.destroy()];
  const tracing = options.tracing ? installTracing(options.tracing, logger) : null;
  if (tracing) cleanups.push(() => tracing.flush());
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
    }
  };

  try {
    if (options.migrate ?? true) {
      const applied = await runMigrations(dataSource);
      if (applied.length) logger.info({ applied }, 'database migrations applied');
    }

    const connection = await Connection.connect({ address: options.temporalAddress });
    cleanups.push(() => connection.close());
    const client = new Client({
      connection,
      namespace: options.namespace,
      ...(tracing ? { interceptors: tracing.clientInterceptors() } : {}),
    });
    const workflows = new RecommendationWorkflows(
      client,
      options.taskQueue,
      () => loadReminderSettings(dataSource.manager),
      options.workflowHistoryLimit,
    );
    // Both processes send mail: the worker the lifecycle's outbox, the api set-password links and account-locked notices.
    const mailer: Mailer = createMailer(options.smtpUrl, options.mailFrom);
    cleanups.push(async () => mailer.close());
    const auth = new AuthService(
      dataSource,
      { ...defaultAuthSettings(options.publicUrl), ...options.auth },
      { mailer, forceName: options.forceName },
    );
    const scanner = options.clamavAddress ? clamdScanner(options.clamavAddress) : null;
    const people = new PeopleService(dataSource, auth);
    const passwordLinks = new PasswordLinkService(dataSource, auth, mailer, options.forceName);
    const services = {
      reports: new ReportService(dataSource, workflows, logger),
      recommendations: new RecommendationService(dataSource, workflows),
      comments: new CommentService(dataSource, mailer, { publicUrl: options.publicUrl, forceName: options.forceName }),
      evidence: new EvidenceService(dataSource, scanner),
      attachments: new AttachmentService(dataSource, scanner),
      reminderSettings: new ReminderSettingsService(dataSource, workflows, logger),
      imports: new ImportService(dataSource, workflows, logger, options.importLimits),
      auth,
      people,
      peopleImport: new PeopleImportService(dataSource, people, passwordLinks, options.importLimits),
      passwordLinks,
      firstRun: new FirstRun(dataSource),
      auditChain: new AuditChainService(
        dataSource,
        { secret: auth.settings.sessionSecret, email: options.auditCheckpointEmail, mailer, forceName: options.forceName },
        logger,
      ),
      consistency: createConsistencyCheck({
        dataSource,
        connection,
        namespace: options.namespace,
        taskQueue: options.taskQueue,
        reminderSettings: () => loadReminderSettings(dataSource.manager),
        historyLimit: options.workflowHistoryLimit,
      }),
      reconciler: createWorkflowReconciler({
        dataSource,
        connection,
        namespace: options.namespace,
        taskQueue: options.taskQueue,
        reminderSettings: () => loadReminderSettings(dataSource.manager),
        historyLimit: options.workflowHistoryLimit,
      }),
    };

    let workerMetricsUrl: string | null = null;
    if (options.runWorker) {
      const workerConnection = await NativeConnection.connect({ address: options.temporalAddress });
      cleanups.push(() => workerConnection.close());
      const worker = await Worker.create({
        connection: workerConnection,
        namespace: options.namespace,
        taskQueue: options.taskQueue,
        ...(options.workflowBundle
          ? { workflowBundle: options.workflowBundle }
          : { workflowsPath, bundlerOptions: workflowBundlerOptions }),
        activities: createActivities({
          dataSource,
          mailer,
          links: {
            publicUrl: options.publicUrl,
            forceName: options.forceName,
            actionLinks: { secret: services.auth.settings.sessionSecret, days: services.auth.settings.actionLinkDays },
          },
        }),
        ...(tracing
          ? {
              ...tracing.workerOptions(),
              interceptors: {
                ...tracing.workerOptions().interceptors,
                ...(options.workflowBundle ? {} : { workflowModules: tracedWorkflowModules }),
              },
            }
          : {}),
        shutdownGraceTime: '20 seconds',
        ...WORKER_CAPACITY,
        ...(options.workerCachedWorkflows ? { maxCachedWorkflows: options.workerCachedWorkflows } : {}),
      });
      const running = worker.run();
      cleanups.push(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      });
      running.catch((error: unknown) => logger.fatal({ err: error }, 'the Temporal worker stopped unexpectedly'));
      if (workerMetrics) {
        const sdkAddress = workerMetrics.temporalSdkAddress;
        const server = await serveMetrics({
          host: workerMetrics.host,
          port: workerMetrics.port,
          registry: processMetrics(),
          more: sdkAddress
            ? () =>
                temporalSdkMetrics(sdkAddress).catch(
                  (error: unknown) =>
                    `# The Temporal SDK's metrics could not be read from ${sdkAddress}: ${String((error as Error).message).replace(/\s+/g, ' ')}\n`,
                )
            : undefined,
        });
        cleanups.push(() => server.close());
        workerMetricsUrl = server.url;
      }
      if (options.outboxSweepEveryMs !== 0) {
        const sender = outboxSender(dataSource, mailer, new URL(options.publicUrl).hostname);
        cleanups.push(startOutboxSweep(dataSource, sender, logger, options.outboxSweepEveryMs ?? 60_000));
      }
      // One digest dispatcher per task queue; starting it again finds the one already running.
      await client.workflow.start('reminderDigestWorkflow', {
        workflowId: reminderDigestWorkflowId(options.taskQueue),
        taskQueue: options.taskQueue,
        args: [{ everyMs: options.digestEveryMs }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    }

    let httpUrl: string | null = null;
    let setupCode: string | null = null;
    if (options.runApi && options.http) {
      if (options.setupCode ?? true) {
        setupCode = await services.firstRun.start();
        cleanups.push(() => services.firstRun.stop());
        if (setupCode)
          logger.info(
            `Nobody administers the product yet: open ${options.publicUrl}/setup and enter the set-up code ${setupCode} (or run: npm run admin -- create --email … --name …)`,
          );
      }
      const app = buildApp({
        dataSource,
        ...services,
        logger,
        readiness: readinessProbe(dataSource, connection, options.namespace, mailer),
        trustProxy: options.trustProxy,
        forceName: options.forceName,
        evidenceMaxBytes: Math.round((options.evidenceMaxMb ?? 20) * 1024 * 1024),
        mailbox: options.mailbox && process.env.NODE_ENV !== 'production' ? developmentMailbox(options.mailbox) : undefined,
      });
      if (options.housekeepingEveryMs !== 0) cleanups.push(startHousekeeping(dataSource, logger, options.housekeepingEveryMs));
      if (options.consistencyCheckEveryMs !== 0)
        cleanups.push(startPeriodicConsistencyCheck(services.consistency, logger, options.consistencyCheckEveryMs));
      if (options.auditCheckpointEveryMs !== 0)
        cleanups.push(startAuditCheckpoints(services.auditChain, logger, options.auditCheckpointEveryMs ?? 3_600_000));
      const server = http.createServer(app);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.http!.port, options.http!.host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      httpUrl = `http://${address.address === '0.0.0.0' ? 'localhost' : address.address}:${address.port}`;
      cleanups.push(
        () =>
          new Promise<void>((resolve) => {
            // Cleared once closed: a pending timer would keep the stopped app in memory for its 10 s.
            const closeTheRest = setTimeout(() => server.closeAllConnections(), 10_000).unref();
            server.close(() => {
              clearTimeout(closeTheRest);
              resolve();
            });
            server.closeIdleConnections();
          }),
      );
    }

    return { dataSource, client, services, httpUrl, workerMetricsUrl, setupCode, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Loaded only when the local sink runs, and never in production: it shows every email's working links. */
function developmentMailbox(sink: SmtpSink): Router {
  const { createMailboxRouter } = require('../dev/mailbox') as typeof import('../dev/mailbox');
  return createMailboxRouter(sink);
}
