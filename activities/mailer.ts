import nodemailer from 'nodemailer';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per outbox row, so a receiving system can drop a copy resent after a crash. */
  messageId: string;
  /** An iCalendar event (a due date) the mail client offers to add to the calendar. */
  calendarEvent?: string | null;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
  verify(): Promise<void>;
  close(): void;
}

/** SMTP connections kept open and used in parallel; a burst of reminders is not one connection per email. */
export const SMTP_CONNECTIONS = 8;

/**
 * SMTP delivery, to the force's relay (SMTP_URL) or the local sink, over a pool of connections that stay open
 * (the URL may still say otherwise, e.g. `?pool=false` or `?maxConnections=2`).
 */
export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: SMTP_CONNECTIONS,
    maxMessages: Infinity,
    // Well inside the sending activities' one-minute limit, so a stalled server fails a send rather than hanging it.
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 30_000,
  });
  return {
    async send(email) {
      await transport.sendMail({
        from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: email.messageId,
        ...(email.calendarEvent ? { icalEvent: { filename: 'due-date.ics', method: 'PUBLISH', content: email.calendarEvent } } : {}),
      });
    },
    async verify() {
      await transport.verify();
    },
    close() {
      transport.close();
    },
  };
}

/** SMTP answers 5xx for a failure that retrying will not fix (unknown mailbox, rejected address). */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
