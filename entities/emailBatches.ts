import type { EntityManager } from 'typeorm';

/**
 * Emails of one batch of commands (a bulk assignment, the demo start) are held while the batch runs, so that a
 * person's new tasks from it reach them as one email rather than one each. A batched row waits until its batch is
 * closed by whoever ran it, or until the batch has been quiet this long (each command of it moves the hold on): a
 * batch whose runner died still sends its emails.
 */
export const EMAIL_BATCH_QUIET_SECONDS = 20;

/** The hold a batched row gets, in SQL: the batch's quiet window from now. */
export const emailBatchHoldSql = `now() + interval '${EMAIL_BATCH_QUIET_SECONDS} seconds'`;

/** Releases the batch's emails: the senders waiting on them send each recipient's together at once. */
export async function closeEmailBatch(db: Pick<EntityManager, 'query'>, batchId: string): Promise<void> {
  await db.query(`UPDATE outbound_emails SET hold_until = NULL WHERE batch_id = $1 AND status = 'pending' AND hold_until IS NOT NULL`, [
    batchId,
  ]);
}
