import { authSettingsFromConfig } from '../api/auth/settings';
import { DEMO_PASSWORD, demoAccounts, loadDemoData } from '../demo/loadDemoData';
import { startApplication, type RunningApplication } from './application';
import { applicationOptionsFrom } from './applicationOptions';
import { startInfrastructure, type Infrastructure } from '../dev/infrastructure';
import { acquireInstanceLock } from '../dev/instanceLock';
import { configureOrExit, exitWith, onShutdownSignal } from './configure';
import { mailBannerLines, smtpBannerLine, type MailDestination } from './mailBanner';
import { setupBannerLines } from './setupBanner';

/** `npm start`: the whole product in one process, on embedded PostgreSQL, Temporal and SMTP unless configured otherwise. */
async function main(): Promise<void> {
  const { config, logger } = configureOrExit('start');
  let lock: ReturnType<typeof acquireInstanceLock>;
  try {
    lock = acquireInstanceLock(config.dataDir);
  } catch (error) {
    exitWith(logger, error);
  }

  let infrastructure: Infrastructure | null = null;
  let app: RunningApplication | null = null;
  const stop = async () => {
    await app?.stop();
    await infrastructure?.stop();
    lock.release();
    logger.info('stopped; all data is kept in the data folder');
  };
  onShutdownSignal(logger, stop);

  try {
    logger.info('starting PostgreSQL, Temporal and SMTP');
    infrastructure = await startInfrastructure(config, logger);
    app = await startApplication({
      ...applicationOptionsFrom(
        config,
        logger,
        {
          databaseUrl: infrastructure.databaseUrl,
          temporalAddress: infrastructure.temporalAddress,
          smtpUrl: infrastructure.smtpUrl,
          runApi: true,
          runWorker: true,
          traceRole: 'recommendation-tracker',
        },
        authSettingsFromConfig(config, config.DEMO_DATA ? { accounts: demoAccounts(), password: DEMO_PASSWORD } : null),
      ),
      mailbox: infrastructure.sink ?? undefined,
      setupCode: !config.DEMO_DATA,
    });
    if (config.DEMO_DATA) await loadDemoData({ dataSource: app.dataSource, ...app.services, logger });
  } catch (error) {
    await stop().catch(() => undefined);
    exitWith(logger, error);
  }

  const mail: MailDestination = {
    caught: !!infrastructure.sink,
    smtpUrl: infrastructure.smtpUrl,
    publicUrl: config.publicUrl,
    mailDir: `${config.dataDir}/mail`,
    production: config.NODE_ENV === 'production',
  };
  if (mail.caught) logger.warn({ mailDir: mail.mailDir }, 'SMTP_URL is not set: emails are caught in a local mailbox and not delivered');
  const lines = [
    '',
    `  ${config.FORCE_NAME} recommendation tracker is running.`,
    '',
    ...mailBannerLines(mail),
    ...setupBannerLines(config.publicUrl, app.services.firstRun.code),
    `  Open the product          ${config.publicUrl}/`,
    ...(infrastructure.temporalUiUrl
      ? [`  Temporal Web UI           ${infrastructure.temporalUiUrl}   (one workflow per recommendation)`]
      : []),
    `  API                       ${config.publicUrl}/api/recommendations   (reference: ${config.publicUrl}/api/docs)`,
    ...(config.DEMO_DATA
      ? [
          '',
          `  Demo accounts (password ${DEMO_PASSWORD}), at ${config.publicUrl}/sign-in:`,
          ...demoAccounts().map((a) => `    ${a.email.padEnd(48)} ${a.roles.join(', ')}`),
        ]
      : []),
    `  Health and metrics        ${config.publicUrl}/healthz   ${config.publicUrl}/readyz   ${config.publicUrl}/metrics`,
    ...(app.workerMetricsUrl ? [`  Worker metrics            ${app.workerMetricsUrl}   (with the Temporal SDK's)`] : []),
    '',
    `  PostgreSQL                ${infrastructure.embedded.postgres ? `embedded, data in ${config.dataDir}/postgres` : 'DATABASE_URL'}`,
    `  Temporal                  ${infrastructure.embedded.temporal ? `dev server on ${infrastructure.temporalAddress}, state in ${config.dataDir}/temporal.sqlite` : infrastructure.temporalAddress}`,
    smtpBannerLine(mail),
    '',
    '  Press Ctrl-C to stop. Starting again keeps all data.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main();
