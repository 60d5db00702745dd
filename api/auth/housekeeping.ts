import type { DataSource } from 'typeorm';
import { recordAudit } from '../../entities/auditTrail';
import type { Logger } from '../../platform/logger';
import { runPeriodically } from '../../platform/periodic';

/** How long sign-in attempts are kept: far beyond the rate-limit window, long enough to look into a run of failures. */
export const SIGN_IN_ATTEMPT_DAYS = 30;
export const HOUSEKEEPING_EVERY_MS = 60 * 60 * 1000;

export interface Removed {
  sessions: number;
  passwordLinks: number;
  signInAttempts: number;
}

/**
 * Removes sign-in bookkeeping that can never be used again: sessions that expired or were ended, set-password links
 * used, cancelled or expired, and sign-in attempts older than SIGN_IN_ATTEMPT_DAYS. The audit trail keeps the
 * story of each (signed in, signed out, link sent, link used); one audit event says what a run removed.
 */
export async function removeExpiredSignInRecords(dataSource: DataSource, now = new Date()): Promise<Removed> {
  return dataSource.transaction(async (tx) => {
    const count = (result: unknown) => (result as [unknown[], number])[1];
    const sessions = count(await tx.query(`DELETE FROM sessions WHERE expires_at <= $1 OR revoked_at IS NOT NULL`, [now]));
    const passwordLinks = count(await tx.query(`DELETE FROM password_links WHERE expires_at <= $1 OR used_at IS NOT NULL`, [now]));
    const signInAttempts = count(
      await tx.query(`DELETE FROM sign_in_attempts WHERE attempted_at < $1`, [new Date(now.getTime() - SIGN_IN_ATTEMPT_DAYS * 86_400_000)]),
    );
    if (sessions + passwordLinks + signInAttempts > 0) {
      await recordAudit(tx, {
        actorId: null,
        actorLabel: 'Recommendation tracker',
        entityType: 'housekeeping',
        entityId: 'sign-in-records',
        type: 'sign_in_records_removed',
        summary: `Removed ${sessions} ended session(s), ${passwordLinks} used or expired set-password link(s) and ${signInAttempts} sign-in attempt(s) older than ${SIGN_IN_ATTEMPT_DAYS} days`,
        after: { sessions, passwordLinks, signInAttempts },
      });
    }
    return { sessions, passwordLinks, signInAttempts };
  });
}

/**
 * Runs removeExpiredSignInRecords in the API process, soon after start and then hourly. An interval here rather than
 * a Temporal schedule: these rows belong to the API's sign-in, nothing waits on the work and nothing is lost if a run
 * is missed (the next one removes the same rows), and the DELETEs are safe when several API instances run them at
 * once, so a durable workflow would add history and a worker dependency for no gain. Returns the stop function.
 */
export function startHousekeeping(dataSource: DataSource, logger: Logger, everyMs = HOUSEKEEPING_EVERY_MS): () => Promise<void> {
  return runPeriodically(
    () =>
      removeExpiredSignInRecords(dataSource)
        .then((removed) => {
          if (removed.sessions + removed.passwordLinks + removed.signInAttempts)
            logger.info({ removed }, 'removed expired sign-in records');
        })
        .catch((error: unknown) => logger.warn({ err: { message: (error as Error).message } }, 'housekeeping failed; will try again')),
    everyMs,
  );
}
