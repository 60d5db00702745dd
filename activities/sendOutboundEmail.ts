import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import type { OutboundEmail } from '../entities';
import { auditInsert } from '../entities/auditTrail';
import { batched } from './batching';
import { isCertainlyNotTaken, isPermanentSmtpFailure, type Mailer } from '../platform/email/mailer';

/** An outbox row that must be tried again, and why. */
export interface UnsentEmail {
  id: string;
  reason: string;
}

/** An outbox row as sending needs it; rows of a batch (entities/emailBatches.ts) name it and their recipient. */
export type PendingEmail = Pick<
  OutboundEmail,
  'id' | 'template' | 'toAddress' | 'recommendationId' | 'subject' | 'bodyText' | 'bodyHtml' | 'calendarEvent'
> &
  Partial<Pick<OutboundEmail, 'batchId' | 'recipientId'>>;

/** One email in place of several rows of a batch for one recipient (activities/emails/batchEmail.ts). */
export type CombineEmails = (rows: PendingEmail[]) => Promise<Pick<PendingEmail, 'subject' | 'bodyText' | 'bodyHtml'>>;

/** How long the email activity waits for a batch to close before leaving its rows to a retry (within its 1-minute timeout). */
const BATCH_WAIT_MS = 40_000;
const BATCH_POLL_MS = 300;

/** The sending activities: failures other than a rejected address retry, with the workflow's backoff. */
export function sendOutboundEmailActivity(send: OutboxSender) {
  const fail = (waiting: UnsentEmail[]) =>
    ApplicationFailure.retryable(
      `${waiting.length} email(s) not sent: ${waiting.map((w) => `${w.id}: ${w.reason}`).join('; ')}`,
      'SmtpUnavailable',
    );
  return {
    /**
     * Every row at once; one that must wait does not hold back the others, and a retry skips those already sent.
     * Rows held for their batch are waited for here, briefly, rather than failed: the batch usually closes within seconds.
     */
    async sendOutboundEmails(outboxIds: string[]): Promise<void> {
      const until = Date.now() + BATCH_WAIT_MS;
      let ids = outboxIds;
      for (;;) {
        const waiting = await send.sendPending(ids);
        const held = waiting.filter((w) => w.reason === HELD_FOR_BATCH);
        if (held.length === 0 || held.length < waiting.length || Date.now() >= until) {
          if (waiting.length) throw fail(waiting);
          return;
        }
        ids = held.map((w) => w.id);
        await sleep(BATCH_POLL_MS);
      }
    },
  };
}

export type OutboxSender = ReturnType<typeof outboxSender>;

/** The most sent rows marked in one statement, and how many such statements may run at once. */
const MARK_SENT_BATCH = { maxBatch: 200, maxInFlight: 3 };

/**
 * A claim runs out this long after it was last renewed, and its sender renews it for as long as the send lasts: so a
 * stopped sender's rows, and a row whose send may have reached the server, wait this long before they go again.
 */
const LEASE_SECONDS = 30;
/** Well within the lease, so one late or failed renewal does not free a row still being sent. */
const RENEW_EVERY_MS = 10_000;
const LEASE_END = `now() + interval '${LEASE_SECONDS} seconds'`;

/**
 * An email the server took is marked sent; when that write fails (PostgreSQL restarting), it is tried again for this
 * long, the claim renewed meanwhile, rather than left to run out and the email sent a second time.
 */
const RECORD_SENT_WITHIN_MS = 60_000;

const BEING_SENT_ELSEWHERE = 'being sent by another attempt';
const HELD_FOR_BATCH = 'held until its batch of commands is done, or being sent with the rest of its batch';
const STILL_SENDING = 'still being sent: the mail server has not answered yet';

/** The columns sending needs, as PendingEmail names them (all but the id). */
export const PENDING_COLUMNS = `template, to_address AS "toAddress", recommendation_id AS "recommendationId", subject, body_text AS "bodyText", body_html AS "bodyHtml", calendar_event AS "calendarEvent", batch_id AS "batchId", recipient_id AS "recipientId"`;

/**
 * Sends outbox rows, effectively once each, from inside an activity (the email activities, recordTransition for a
 * command's own emails, sendNudgeNow for a reminder's). A sender first claims a row (a lease in the row): only the
 * claimed rows go to the SMTP server, so two attempts never send one row at the same time. A row already sent (or
 * given up on) is not sent again; a rejected address is recorded as failed, on the item's audit trail, instead of
 * being retried forever. A row is marked sent only after the SMTP server accepted it; its id is the Message-ID.
 *
 * A row of a batch is not sent while its batch holds it; once released, claiming it claims its recipient's other rows
 * of that kind from the batch too, and with `combine` they go as one email (the first row's id is its Message-ID).
 */
export function outboxSender(dataSource: DataSource, mailer: Mailer, messageIdDomain: string, combine?: CombineEmails) {
  // Emails accepted together are marked sent together (see ./batching.ts).
  const markSent = batched(
    (rows: PendingEmail[]) => markFinished(dataSource, rows, 'sent', null).then(() => rows.map(() => undefined)),
    MARK_SENT_BATCH,
  );
  const leases = leaseRenewal(dataSource);

  /**
   * Claims the rows still pending that nobody else is sending (one statement), with the other rows of a batched row's
   * recipient and kind from its batch; those pending but claimed by another attempt come back as `elsewhere`, or as
   * `held` for a batch's rows (held for the batch, or being sent with it). `justQueued` rows are not read again.
   */
  async function claim(
    outboxIds: string[],
    justQueued?: PendingEmail[],
  ): Promise<{ claimed: PendingEmail[]; elsewhere: string[]; held: string[] }> {
    const rows = (await dataSource.query(
      `WITH wanted AS (
         SELECT id FROM outbound_emails WHERE id = ANY($1::uuid[])
         UNION
         SELECT s.id FROM outbound_emails o
           JOIN outbound_emails s ON s.batch_id = o.batch_id AND s.to_address = o.to_address AND s.template = o.template AND s.status = 'pending'
          WHERE o.id = ANY($1::uuid[]) AND o.batch_id IS NOT NULL),
       claimed AS (
         UPDATE outbound_emails SET lease_until = ${LEASE_END}, attempts = attempts + 1
          WHERE id IN (SELECT id FROM wanted) AND status = 'pending' AND (lease_until IS NULL OR lease_until < now()) AND (hold_until IS NULL OR hold_until <= now())
          RETURNING id)
       SELECT id, id IN (SELECT id FROM claimed) AS claimed, (batch_id IS NOT NULL) AS held${justQueued ? '' : `, ${PENDING_COLUMNS}`}
         FROM outbound_emails WHERE id IN (SELECT id FROM wanted) AND status = 'pending'`,
      [outboxIds],
    )) as (PendingEmail & { claimed: boolean; held: boolean })[];
    const queued = new Map(justQueued?.map((row) => [row.id, row]));
    return {
      claimed: rows.filter((row) => row.claimed).map((row) => queued.get(row.id) ?? row),
      elsewhere: rows.filter((row) => !row.claimed && !row.held).map((row) => row.id),
      held: rows.filter((row) => !row.claimed && row.held).map((row) => row.id),
    };
  }

  /** The claimed rows as emails to send: one per row, but one per recipient and kind for a batch's rows when they can be combined. */
  function asEmails(claimed: PendingEmail[]): PendingEmail[][] {
    const groups = new Map<string, PendingEmail[]>();
    for (const row of [...claimed].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const key = combine && row.batchId ? `${row.batchId}\n${row.toAddress}\n${row.template}` : row.id;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    return [...groups.values()];
  }

  /** Sends several rows as one email; each row's outcome is the email's. */
  async function sendCombined(rows: PendingEmail[]): Promise<string | null> {
    let email: PendingEmail;
    try {
      email = { ...rows[0]!, ...(await combine!(rows)), calendarEvent: null };
    } catch (error) {
      await dataSource.query(`UPDATE outbound_emails SET lease_until = NULL WHERE id = ANY($1::uuid[]) AND status = 'pending'`, [
        rows.map((row) => row.id),
      ]);
      return `could not be put together: ${(error as Error).message}`;
    }
    const failed = await deliver(
      email,
      rows.map((row) => row.id),
    );
    try {
      if (failed) {
        const reasons = await Promise.all(rows.map((row) => recordFailure(row, failed.error)));
        return reasons.find((reason) => reason !== null) ?? null;
      }
      await recordSent(
        rows.map((row) => row.id),
        () => markFinished(dataSource, rows, 'sent', null),
      );
      return null;
    } catch (error) {
      activityLog().warn('the outcome of a combined email could not be recorded; its claim runs out and it is sent again', {
        outboxIds: rows.map((row) => row.id),
        error: (error as Error).message,
      });
      return `outcome not recorded: ${(error as Error).message}`;
    }
  }

  /** Sends one claimed row; resolves (never rejects) with the reason it must be tried again, or null when done with. */
  async function sendClaimed(row: PendingEmail): Promise<string | null> {
    const failed = await deliver(row);
    try {
      if (failed) return await recordFailure(row, failed.error);
      await recordSent([row.id], () => markSent(row));
      return null;
    } catch (error) {
      activityLog().warn('the outcome of an email could not be recorded; its claim runs out and it is sent again', {
        outboxId: row.id,
        error: (error as Error).message,
      });
      return `outcome not recorded: ${(error as Error).message}`;
    }
  }

  /** Marks rows the server took as sent, trying again (their claim kept) while PostgreSQL cannot be written to. */
  async function recordSent(ids: string[], record: () => Promise<unknown>): Promise<void> {
    const deadline = Date.now() + RECORD_SENT_WITHIN_MS;
    ids.forEach((id) => leases.renew(id));
    try {
      for (let waitMs = 250; ; waitMs = Math.min(2 * waitMs, 2_000)) {
        try {
          await record();
          return;
        } catch (error) {
          if (Date.now() + waitMs > deadline) throw error;
          if (waitMs === 250)
            activityLog().warn('an email the server took could not be marked sent yet; trying again', {
              outboxIds: ids,
              error: (error as Error).message,
            });
          await new Promise((resolve) => setTimeout(resolve, waitMs));
        }
      }
    } finally {
      ids.forEach((id) => leases.stopRenewing(id));
    }
  }

  /** Hands the row to the SMTP server, renewing its claim (and those of the rows it stands for) meanwhile; resolves with why it failed, or null. */
  async function deliver(row: PendingEmail, leased: string[] = [row.id]): Promise<{ error: unknown } | null> {
    leased.forEach((id) => leases.renew(id));
    try {
      // The row's id: a receiver can drop the second copy of a message it took though the row was not marked sent.
      await mailer.send({
        to: row.toAddress,
        subject: row.subject,
        text: row.bodyText,
        html: row.bodyHtml,
        messageId: `<${row.id}@${messageIdDomain}>`,
        calendarEvent: row.calendarEvent,
      });
      return null;
    } catch (error) {
      return { error };
    } finally {
      leased.forEach((id) => leases.stopRenewing(id));
    }
  }

  /** A refused address fails the row for good; otherwise it is tried again, at once only if the server certainly does not have it. */
  async function recordFailure(row: PendingEmail, error: unknown): Promise<string | null> {
    const message = (error as Error).message;
    if (isPermanentSmtpFailure(error)) {
      await markFinished(dataSource, [row], 'failed', message);
      return null;
    }
    const release = isCertainlyNotTaken(error);
    await dataSource.query(
      `UPDATE outbound_emails SET last_error = $2${release ? ', lease_until = NULL' : ''} WHERE id = $1 AND status = 'pending'`,
      [row.id, message],
    );
    activityLog().warn(
      release ? 'email not sent yet; will retry' : 'the mail server may have taken the email; it is sent again once its claim runs out',
      { outboxId: row.id, error: message },
    );
    return message;
  }

  /**
   * Sends each row still pending and not being sent by another attempt, in parallel over the mailer's pool; returns
   * those that must be tried again, and why. `quick` (someone is waiting): the answer comes by `until` at the latest;
   * a send still going then carries on, and records its outcome, without anyone waiting, because abandoning it could
   * leave the server with a message the row does not know was sent. `justQueued`: the rows as the caller has just
   * committed them, so they need not be read again.
   */
  async function sendPending(
    outboxIds: string[],
    options: { quick?: { until: number }; justQueued?: PendingEmail[] } = {},
  ): Promise<UnsentEmail[]> {
    if (outboxIds.length === 0) return [];
    const { claimed, elsewhere, held } = await claim(outboxIds, options.justQueued);
    const reasons = new Map<string, string | null>([
      ...elsewhere.map((id): [string, string] => [id, BEING_SENT_ELSEWHERE]),
      ...held.map((id): [string, string] => [id, HELD_FOR_BATCH]),
    ]);
    const outcomes = asEmails(claimed).map(async (rows) => {
      const outcome = rows.length === 1 ? sendClaimed(rows[0]!) : sendCombined(rows);
      mailer.finishBeforeClosing?.(outcome);
      const reason = await (options.quick ? by(options.quick.until, outcome, STILL_SENDING) : outcome);
      for (const row of rows) reasons.set(row.id, reason);
    });
    await Promise.all(outcomes);
    return outboxIds.flatMap((id) => {
      const reason = reasons.get(id);
      return reason ? [{ id, reason }] : [];
    });
  }

  return { sendPending };
}

/** Keeps the claims of the rows this sender is sending for as long as their sends last (one statement for them all). */
function leaseRenewal(dataSource: DataSource) {
  const sending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  // A claim given up meanwhile (lease_until NULL) is not taken back.
  const renewAll = () =>
    dataSource
      .query(
        `UPDATE outbound_emails SET lease_until = ${LEASE_END} WHERE id = ANY($1::uuid[]) AND status = 'pending' AND lease_until IS NOT NULL`,
        [[...sending]],
      )
      .catch((error: unknown) => activityLog().warn('could not renew the claim on emails being sent', { error: (error as Error).message }));
  return {
    renew(id: string) {
      sending.add(id);
      timer ??= setInterval(() => void renewAll(), RENEW_EVERY_MS).unref();
    },
    stopRenewing(id: string) {
      sending.delete(id);
      if (sending.size === 0 && timer) {
        clearInterval(timer);
        timer = null;
      }
    },
  };
}

/** The work's result if it settles by `deadline`, else `otherwise`; the work carries on regardless. */
function by<T>(deadline: number, work: Promise<T>, otherwise: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(otherwise), Math.max(0, deadline - Date.now()))));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The calling activity's logger; the console outside one (a test calling the sender directly). */
function activityLog(): { warn(message: string, meta?: Record<string, unknown>): void } {
  try {
    return Context.current().log;
  } catch {
    return console;
  }
}

/** The rows' outcome and their audit entries, in one statement (so both or neither are written). */
async function markFinished(dataSource: DataSource, rows: PendingEmail[], status: 'sent' | 'failed', error: string | null) {
  const values: unknown[] = [rows.map((row) => row.id), status, error, status === 'sent' ? new Date() : null];
  const audit = auditInsert(
    rows.map((row) => ({
      actorId: null,
      actorLabel: 'Recommendation tracker',
      entityType: 'email' as const,
      entityId: row.id,
      recommendationId: row.recommendationId,
      type: status === 'sent' ? 'email_sent' : 'email_failed',
      summary: status === 'sent' ? `Email sent to ${row.toAddress}: ${row.subject}` : `Email to ${row.toAddress} was refused: ${error}`,
      after: { template: row.template, to: row.toAddress, status },
      idempotencyKey: `email:${row.id}`,
    })),
    values,
  );
  await dataSource.query(
    `WITH finished AS (UPDATE outbound_emails SET status = $2, last_error = $3, sent_at = $4, lease_until = NULL WHERE id = ANY($1::uuid[])) ${audit}`,
    values,
  );
}
