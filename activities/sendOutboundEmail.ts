import { ApplicationFailure, Context } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import type { OutboundEmail } from '../entities';
import { auditInsert } from '../entities/auditTrail';
import { batched } from './batching';
import { isPermanentSmtpFailure, type Mailer } from './mailer';

/** An outbox row that must be tried again, and why. */
export interface UnsentEmail {
  id: string;
  reason: string;
}

/** An outbox row as sending needs it. */
export type PendingEmail = Pick<OutboundEmail, 'id' | 'template' | 'toAddress' | 'recommendationId' | 'subject' | 'bodyText' | 'bodyHtml' | 'calendarEvent'>;

/** The sending activities: failures other than a rejected address retry, with the workflow's backoff. */
export function sendOutboundEmailActivity(send: OutboxSender) {
  const fail = (waiting: UnsentEmail[]) => ApplicationFailure.retryable(`${waiting.length} email(s) not sent: ${waiting.map((w) => `${w.id}: ${w.reason}`).join('; ')}`, 'SmtpUnavailable');
  return {
    async sendOutboundEmail(outboxId: string): Promise<void> {
      const waiting = await send.sendPending([outboxId]);
      if (waiting.length) throw fail(waiting);
    },
    /** Every row at once; one that must wait does not hold back the others, and a retry skips those already sent. */
    async sendOutboundEmails(outboxIds: string[]): Promise<void> {
      const waiting = await send.sendPending(outboxIds);
      if (waiting.length) throw fail(waiting);
    },
  };
}

export type OutboxSender = ReturnType<typeof outboxSender>;

/** The most sent rows marked in one statement, and how many such statements may run at once. */
const MARK_SENT_BATCH = { maxBatch: 200, maxInFlight: 3 };

/**
 * Sends outbox rows once each, from inside an activity (the email activities, recordTransition for a command's own
 * emails, sendNudgeNow for a reminder's). A row already sent (or given up on) is not sent again; a rejected address
 * is recorded as failed, on the item's audit trail, instead of being retried forever. A row is marked sent only
 * after the SMTP server accepted it; its id is the Message-ID.
 */
export function outboxSender(dataSource: DataSource, mailer: Mailer, messageIdDomain: string) {
  // Emails accepted together are marked sent together (see ./batching.ts).
  const markSent = batched((rows: PendingEmail[]) => markFinished(dataSource, rows, 'sent', null).then(() => rows.map(() => undefined)), MARK_SENT_BATCH);

  /** The rows still to send, of those asked for (one plain read for them all). */
  async function pendingRows(outboxIds: string[]): Promise<Map<string, PendingEmail>> {
    const rows = (await dataSource.query(
      `SELECT id, template, to_address AS "toAddress", recommendation_id AS "recommendationId", subject, body_text AS "bodyText", body_html AS "bodyHtml", calendar_event AS "calendarEvent"
         FROM outbound_emails WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
      [outboxIds],
    )) as PendingEmail[];
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Sends one row; returns the reason it must be tried again, or null when it is done with. */
  async function sendOne(row: PendingEmail | undefined, quick: boolean): Promise<string | null> {
    if (!row) return null;
    try {
      await mailer.send({ to: row.toAddress, subject: row.subject, text: row.bodyText, html: row.bodyHtml, messageId: `<${row.id}@${messageIdDomain}>`, calendarEvent: row.calendarEvent }, { quick });
    } catch (error) {
      const message = (error as Error).message;
      if (isPermanentSmtpFailure(error)) {
        await markFinished(dataSource, [row], 'failed', message);
        return null;
      }
      await dataSource.query(`UPDATE outbound_emails SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [row.id, message]);
      Context.current().log.warn('email not sent yet; will retry', { outboxId: row.id, error: message });
      return message;
    }
    await markSent(row);
    return null;
  }

  /**
   * Sends each row still pending; returns those that must be tried again, and why. Rows go out in parallel over the
   * mailer's pool, except `quick` (someone is waiting): then in turn, the mail server must answer within seconds (see
   * Mailer.send), and none is begun after `until`. `justQueued`: the rows as the caller has just committed them, so
   * they need not be read again.
   */
  async function sendPending(outboxIds: string[], options: { quick?: { until: number }; justQueued?: PendingEmail[] } = {}): Promise<UnsentEmail[]> {
    if (outboxIds.length === 0) return [];
    const rows = options.justQueued ? new Map(options.justQueued.map((row) => [row.id, row])) : await pendingRows(outboxIds);
    if (!options.quick) {
      const reasons = await Promise.all(outboxIds.map((id) => sendOne(rows.get(id), false)));
      return outboxIds.flatMap((id, i) => (reasons[i] ? [{ id, reason: reasons[i] }] : []));
    }
    const waiting: UnsentEmail[] = [];
    for (const id of outboxIds) {
      const reason = Date.now() > options.quick.until ? 'out of time' : await sendOne(rows.get(id), true);
      if (reason) waiting.push({ id, reason });
    }
    return waiting;
  }

  return { sendPending };
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
  await dataSource.query(`WITH finished AS (UPDATE outbound_emails SET status = $2, attempts = attempts + 1, last_error = $3, sent_at = $4 WHERE id = ANY($1::uuid[])) ${audit}`, values);
}
