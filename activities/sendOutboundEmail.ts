import { ApplicationFailure, Context } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import { OutboundEmail } from '../entities';
import { recordAudit } from '../entities/auditTrail';
import { isPermanentSmtpFailure, type Mailer } from './mailer';

/**
 * Sends outbox rows. A row already sent (or given up on) is not sent again; a rejected address is recorded as
 * failed, on the item's audit trail, instead of being retried forever; other failures retry.
 */
export function sendOutboundEmailActivity(dataSource: DataSource, mailer: Mailer, messageIdDomain: string) {
  /** Sends one row; returns the reason it must be tried again, or null when it is done with. */
  async function sendOne(outboxId: string): Promise<string | null> {
    const row = await dataSource.manager.findOneBy(OutboundEmail, { id: outboxId });
    if (!row || row.status !== 'pending') return null;
    try {
      await mailer.send({ to: row.toAddress, subject: row.subject, text: row.bodyText, html: row.bodyHtml, messageId: `<${row.id}@${messageIdDomain}>`, calendarEvent: row.calendarEvent });
    } catch (error) {
      const message = (error as Error).message;
      if (isPermanentSmtpFailure(error)) {
        await markFinished(dataSource, row, 'failed', `Email to ${row.toAddress} was refused: ${message}`, message);
        return null;
      }
      await dataSource.manager.update(OutboundEmail, { id: row.id }, { attempts: () => 'attempts + 1', lastError: message });
      Context.current().log.warn('email not sent yet; will retry', { outboxId, error: message });
      return message;
    }
    await markFinished(dataSource, row, 'sent', `Email sent to ${row.toAddress}: ${row.subject}`, null);
    return null;
  }

  return {
    async sendOutboundEmail(outboxId: string): Promise<void> {
      const retry = await sendOne(outboxId);
      if (retry) throw ApplicationFailure.retryable(`Email ${outboxId} not sent: ${retry}`, 'SmtpUnavailable');
    },
    /** Every row in turn; one that must wait does not hold back the others, and a retry skips those already sent. */
    async sendOutboundEmails(outboxIds: string[]): Promise<void> {
      const waiting: string[] = [];
      for (const outboxId of outboxIds) {
        const retry = await sendOne(outboxId);
        if (retry) waiting.push(`${outboxId}: ${retry}`);
      }
      if (waiting.length) throw ApplicationFailure.retryable(`${waiting.length} email(s) not sent: ${waiting.join('; ')}`, 'SmtpUnavailable');
    },
  };
}

async function markFinished(dataSource: DataSource, row: OutboundEmail, status: 'sent' | 'failed', summary: string, error: string | null) {
  await dataSource.transaction(async (tx) => {
    await tx.update(OutboundEmail, { id: row.id }, { status, attempts: () => 'attempts + 1', lastError: error, sentAt: status === 'sent' ? new Date() : null });
    await recordAudit(tx, {
      actorId: null,
      actorLabel: 'Recommendation tracker',
      entityType: 'email',
      entityId: row.id,
      recommendationId: row.recommendationId,
      type: status === 'sent' ? 'email_sent' : 'email_failed',
      summary,
      after: { template: row.template, to: row.toAddress, status },
      idempotencyKey: `email:${row.id}`,
    });
  });
}
