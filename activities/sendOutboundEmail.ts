import { ApplicationFailure, Context } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { OutboundEmail } from '../entities';
import { recordAudit } from '../entities/auditTrail';
import { batched } from './batching';
import { isPermanentSmtpFailure, type Mailer } from './mailer';

/** An outbox row that must be tried again, and why. */
export interface UnsentEmail {
  outboxId: string;
  reason: string;
}

/**
 * Sends outbox rows once each, in parallel, and says which must be tried again. A row already sent (or given up on)
 * is not sent again; a rejected address is recorded as failed, on the item's audit trail, instead of being retried
 * forever. A row is marked sent only after the SMTP server accepted it; its id is the Message-ID.
 */
export interface OutboxSender {
  ids(outboxIds: string[]): Promise<UnsentEmail[]>;
  /** Rows just read in this worker (the nudge that queued them), so they are not read again. */
  rows(rows: OutboundEmail[]): Promise<UnsentEmail[]>;
}

/** The most sent rows marked in one transaction, and how many such transactions may run at once. */
const MARK_SENT_BATCH = { maxBatch: 200, maxInFlight: 3 };

export function outboxSender(dataSource: DataSource, mailer: Mailer, messageIdDomain: string): OutboxSender {
  // Emails accepted together are marked sent together (see ./batching.ts).
  const markSent = batched((rows: OutboundEmail[]) => markFinished(dataSource, rows, 'sent', null).then(() => rows.map(() => undefined)), MARK_SENT_BATCH);

  /** Sends one row; returns the reason it must be tried again, or null when it is done with. */
  async function sendOne(row: OutboundEmail): Promise<string | null> {
    if (row.status !== 'pending') return null;
    try {
      await mailer.send({ to: row.toAddress, subject: row.subject, text: row.bodyText, html: row.bodyHtml, messageId: `<${row.id}@${messageIdDomain}>`, calendarEvent: row.calendarEvent });
    } catch (error) {
      const message = (error as Error).message;
      if (isPermanentSmtpFailure(error)) {
        await markFinished(dataSource, [row], 'failed', message);
        return null;
      }
      await dataSource.manager.update(OutboundEmail, { id: row.id }, { attempts: () => 'attempts + 1', lastError: message });
      Context.current().log.warn('email not sent yet; will retry', { outboxId: row.id, error: message });
      return message;
    }
    await markSent(row);
    return null;
  }

  const rows = async (outbox: OutboundEmail[]): Promise<UnsentEmail[]> => {
    const reasons = await Promise.all(outbox.map(sendOne));
    return outbox.flatMap((row, i) => (reasons[i] ? [{ outboxId: row.id, reason: reasons[i] }] : []));
  };
  return {
    rows,
    async ids(outboxIds) {
      return outboxIds.length ? rows(await dataSource.manager.findBy(OutboundEmail, { id: In(outboxIds), status: 'pending' })) : [];
    },
  };
}

/** The sending activities: failures other than a rejected address retry, with the workflow's backoff. */
export function sendOutboundEmailActivity(send: OutboxSender) {
  const fail = (waiting: UnsentEmail[]) =>
    ApplicationFailure.retryable(`${waiting.length} email(s) not sent: ${waiting.map((w) => `${w.outboxId}: ${w.reason}`).join('; ')}`, 'SmtpUnavailable');
  return {
    async sendOutboundEmail(outboxId: string): Promise<void> {
      const waiting = await send.ids([outboxId]);
      if (waiting.length) throw fail(waiting);
    },
    /** Every row at once; one that must wait does not hold back the others, and a retry skips those already sent. */
    async sendOutboundEmails(outboxIds: string[]): Promise<void> {
      const waiting = await send.ids(outboxIds);
      if (waiting.length) throw fail(waiting);
    },
  };
}

async function markFinished(dataSource: DataSource, rows: OutboundEmail[], status: 'sent' | 'failed', error: string | null) {
  await dataSource.transaction(async (tx) => {
    await tx.update(OutboundEmail, { id: In(rows.map((row) => row.id)) }, { status, attempts: () => 'attempts + 1', lastError: error, sentAt: status === 'sent' ? new Date() : null });
    await recordAudit(
      tx,
      ...rows.map((row) => ({
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
    );
  });
}
