import { ApplicationFailure, Context } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import type { OutboundEmail } from '../entities';
import { auditInsert } from '../entities/auditTrail';
import { isPermanentSmtpFailure, type Mailer } from './mailer';

/**
 * Sends outbox rows. A row already sent (or given up on) is not sent again; a rejected address is recorded as
 * failed, on the item's audit trail, instead of being retried forever; other failures retry.
 */
export function sendOutboundEmailActivity(dataSource: DataSource, mailer: Mailer, messageIdDomain: string) {
  const { sendPending } = outboxSender(dataSource, mailer, messageIdDomain);
  return {
    async sendOutboundEmail(outboxId: string): Promise<void> {
      const [waiting] = await sendPending([outboxId]);
      if (waiting) throw ApplicationFailure.retryable(`Email ${outboxId} not sent: ${waiting.reason}`, 'SmtpUnavailable');
    },
    /** Every row in turn; one that must wait does not hold back the others, and a retry skips those already sent. */
    async sendOutboundEmails(outboxIds: string[]): Promise<void> {
      const waiting = await sendPending(outboxIds);
      if (waiting.length) throw ApplicationFailure.retryable(`${waiting.length} email(s) not sent: ${waiting.map((w) => `${w.id}: ${w.reason}`).join('; ')}`, 'SmtpUnavailable');
    },
  };
}

/** Sends outbox rows from inside an activity (the email activities, and recordTransition for a command's own emails). */
export function outboxSender(dataSource: DataSource, mailer: Mailer, messageIdDomain: string) {
  /** The rows still to send, of those asked for (one plain read for a command's emails together). */
  async function pendingRows(outboxIds: string[]): Promise<Map<string, PendingEmail>> {
    const rows = (await dataSource.query(
      `SELECT id, template, to_address AS "toAddress", recommendation_id AS "recommendationId", subject, body_text AS "bodyText", body_html AS "bodyHtml", calendar_event AS "calendarEvent"
         FROM outbound_emails WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
      [outboxIds],
    )) as PendingEmail[];
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Sends one row; returns the reason it must be tried again, or null when it is done with. */
  async function sendOne(outboxId: string, row: PendingEmail | undefined, quick: boolean): Promise<string | null> {
    if (!row) return null;
    try {
      await mailer.send({ to: row.toAddress, subject: row.subject, text: row.bodyText, html: row.bodyHtml, messageId: `<${row.id}@${messageIdDomain}>`, calendarEvent: row.calendarEvent }, { quick });
    } catch (error) {
      const message = (error as Error).message;
      if (isPermanentSmtpFailure(error)) {
        await markFinished(dataSource, row, 'failed', `Email to ${row.toAddress} was refused: ${message}`, message);
        return null;
      }
      await dataSource.query(`UPDATE outbound_emails SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [row.id, message]);
      Context.current().log.warn('email not sent yet; will retry', { outboxId, error: message });
      return message;
    }
    await markFinished(dataSource, row, 'sent', `Email sent to ${row.toAddress}: ${row.subject}`, null);
    return null;
  }

  /**
   * Sends each row still pending, in turn; returns those that must be tried again, and why. `quick` (someone is
   * waiting): the mail server must answer within seconds (see Mailer.send), and none is begun after `until`.
   * `justQueued`: the rows as the caller has just committed them, so they need not be read again.
   */
  async function sendPending(outboxIds: string[], options: { quick?: { until: number }; justQueued?: PendingEmail[] } = {}): Promise<{ id: string; reason: string }[]> {
    const waiting: { id: string; reason: string }[] = [];
    const rows = options.justQueued ? new Map(options.justQueued.map((row) => [row.id, row])) : await pendingRows(outboxIds);
    for (const outboxId of outboxIds) {
      if (options.quick && Date.now() > options.quick.until) {
        waiting.push({ id: outboxId, reason: 'out of time' });
        continue;
      }
      const reason = await sendOne(outboxId, rows.get(outboxId), !!options.quick);
      if (reason) waiting.push({ id: outboxId, reason });
    }
    return waiting;
  }

  return { sendPending };
}

/** An outbox row as sending needs it. */
export type PendingEmail = Pick<OutboundEmail, 'id' | 'template' | 'toAddress' | 'recommendationId' | 'subject' | 'bodyText' | 'bodyHtml' | 'calendarEvent'>;

/** The row's outcome and its audit entry, in one statement (so both or neither are written). */
async function markFinished(dataSource: DataSource, row: PendingEmail, status: 'sent' | 'failed', summary: string, error: string | null) {
  const values: unknown[] = [row.id, status, error, status === 'sent' ? new Date() : null];
  const audit = auditInsert(
    [
      {
        actorId: null,
        actorLabel: 'Recommendation tracker',
        entityType: 'email',
        entityId: row.id,
        recommendationId: row.recommendationId,
        type: status === 'sent' ? 'email_sent' : 'email_failed',
        summary,
        after: { template: row.template, to: row.toAddress, status },
        idempotencyKey: `email:${row.id}`,
      },
    ],
    values,
  );
  await dataSource.query(`WITH finished AS (UPDATE outbound_emails SET status = $2, attempts = attempts + 1, last_error = $3, sent_at = $4 WHERE id = $1) ${audit}`, values);
}
