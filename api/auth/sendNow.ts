import type { DataSource } from 'typeorm';
import type { Mailer } from '../../platform/email/mailer';
import { OutboundEmail } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';

/**
 * Sends an outbox row at once, outside any workflow (a set-password link, an account-locked notice): marked sent with
 * its audit entry once the mail server took it, or failed with the server's error. Returns that error, or null.
 */
export async function sendNow(
  dataSource: DataSource,
  mailer: Pick<Mailer, 'send'>,
  row: OutboundEmail,
  messageIdDomain: string,
): Promise<Error | null> {
  try {
    await mailer.send({
      to: row.toAddress,
      subject: row.subject,
      text: row.bodyText,
      html: row.bodyHtml,
      messageId: `<${row.id}@${messageIdDomain}>`,
    });
  } catch (error) {
    await dataSource.manager.update(OutboundEmail, { id: row.id }, { status: 'failed', attempts: 1, lastError: (error as Error).message });
    return error as Error;
  }
  await dataSource.transaction(async (tx) => {
    await tx.update(OutboundEmail, { id: row.id }, { status: 'sent', attempts: 1, sentAt: new Date() });
    await recordAudit(tx, {
      actorId: null,
      actorLabel: 'Recommendation tracker',
      entityType: 'email',
      entityId: row.id,
      type: 'email_sent',
      summary: `Email sent to ${row.toAddress}: ${row.subject}`,
      after: { template: row.template, to: row.toAddress, status: 'sent' },
      idempotencyKey: `email:${row.id}`,
    });
  });
  return null;
}
