import type { Connection } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { Mailer } from './email/mailer';

export interface ReadinessCheck {
  /** Every check that is not `degraded` passed. */
  ready: boolean;
  /** `degraded`: this check failing slows part of the service (mail waits in the outbox) rather than stopping it. */
  checks: Record<string, { ok: boolean; detail?: string; degraded?: boolean }>;
}

type Check = ReadinessCheck['checks'][string];

/** How long the mail server's last answer is believed: probes every few seconds must not each open an SMTP connection. */
export const SMTP_CHECK_EVERY_MS = 30_000;
/** The probe answers within this whatever the mail server does. */
export const SMTP_CHECK_TIMEOUT_MS = 5_000;

const waiting = 'emails wait in the outbox and are sent once it answers';

/** Whether the mail server greets us, within `timeoutMs`; a failure is degraded, never not-ready. */
async function verifySmtp(mailer: Pick<Mailer, 'verify'>, timeoutMs: number): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Check>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, degraded: true, detail: `the mail server did not answer within ${timeoutMs / 1000} s; ${waiting}` }),
      timeoutMs,
    );
  });
  const answer = mailer.verify().then(
    (): Check => ({ ok: true }),
    (error: unknown): Check => ({
      ok: false,
      degraded: true,
      detail: `the mail server did not answer (${(error as Error).message}); ${waiting}`,
    }),
  );
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The SMTP check, remembered for `everyMs` and never run twice at once. */
export function smtpCheck(mailer: Pick<Mailer, 'verify'>, options: { everyMs?: number; timeoutMs?: number } = {}): () => Promise<Check> {
  const everyMs = options.everyMs ?? SMTP_CHECK_EVERY_MS;
  let last: { at: number; check: Check } | null = null;
  let running: Promise<Check> | null = null;
  return () => {
    if (last && Date.now() - last.at < everyMs) return Promise.resolve(last.check);
    running ??= verifySmtp(mailer, options.timeoutMs ?? SMTP_CHECK_TIMEOUT_MS).then((check) => {
      last = { at: Date.now(), check };
      running = null;
      return check;
    });
    return running;
  };
}

/** PostgreSQL answers, migrations are all applied, and Temporal answers; the mail server is checked, but only degrades. */
export function readinessProbe(
  dataSource: DataSource,
  temporal: Connection,
  namespace: string,
  mailer: Pick<Mailer, 'verify'>,
): () => Promise<ReadinessCheck> {
  const smtp = smtpCheck(mailer);
  return async () => {
    const checks: ReadinessCheck['checks'] = {};
    const mail = smtp();
    try {
      await dataSource.query('SELECT 1');
      checks.postgres = { ok: true };
      const pending = await dataSource.showMigrations();
      checks.migrations = pending ? { ok: false, detail: 'migrations are waiting to be applied' } : { ok: true };
    } catch (error) {
      checks.postgres = { ok: false, detail: (error as Error).message };
      checks.migrations = { ok: false, detail: 'PostgreSQL did not answer' };
    }
    try {
      await temporal.workflowService.describeNamespace({ namespace });
      checks.temporal = { ok: true };
    } catch (error) {
      checks.temporal = { ok: false, detail: (error as Error).message };
    }
    checks.smtp = await mail;
    return { ready: Object.values(checks).every((c) => c.ok || c.degraded), checks };
  };
}
