import type { EntityManager } from 'typeorm';
import type { Mailer } from '../../platform/email/mailer';
import { framedEmail } from '../../platform/email/renderedEmail';
import { OutboundEmail, type Person } from '../../entities';
import { html } from '../../platform/web/html';

/** What telling people that their account was locked needs: the mail server, and the force's name to sign with. */
export interface LockNotices {
  mailer: Pick<Mailer, 'send' | 'finishBeforeClosing'>;
  forceName: string;
}

/**
 * Queues the email telling a person their account has just been locked, in the transaction that locks it: one per
 * lock (the lock's end names the outbox row), whatever happens to later attempts. Sign-in answers a locked account
 * as it answers a wrong password, so this email is how the real person learns why they cannot get in.
 */
export async function queueLockNotice(
  tx: EntityManager,
  person: Pick<Person, 'id' | 'name' | 'email'>,
  lock: { until: Date; failures: number; ipAddress: string | null },
  forceName: string,
): Promise<OutboundEmail> {
  const until = lock.until.toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'long', timeStyle: 'short' });
  const from = lock.ipAddress ? ` The last attempt came from the address ${lock.ipAddress}.` : '';
  const subject = `Your account on the ${forceName} recommendation tracker has been locked`;
  const what = `A wrong password was given for your account ${lock.failures} times in a row, so it is locked until ${until}.${from}`;
  const ifYou = 'If this was you, wait until then and try again, or ask an administrator to reset your password.';
  const ifNot = 'If it was not you, tell the corporate development team: someone may be trying to guess your password.';
  const email = framedEmail({
    subject,
    forceName,
    recipientName: person.name,
    text: [what, '', ifYou, '', ifNot],
    html: html`<p>${what}</p>
      <p>${ifYou}</p>
      <p>${ifNot}</p>`,
  });
  return tx.save(
    tx.create(OutboundEmail, {
      transitionId: `account-locked:${lock.until.toISOString()}`,
      template: 'account_locked',
      recipientId: person.id,
      toAddress: person.email,
      recommendationId: null,
      subject,
      bodyText: email.text,
      bodyHtml: email.html,
    }),
  );
}
