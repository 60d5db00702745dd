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
  /**
   * `quick`: for an email sent while someone waits (a command's own emails): a mail server that does not answer
   * within seconds fails it, to be retried later by the email activity, which waits as long as SMTP allows.
   */
  send(email: OutgoingEmail, options?: { quick?: boolean }): Promise<void>;
  verify(): Promise<void>;
  close(): void;
}

/** SMTP connections kept open and used in parallel; a burst of reminders is not one connection per email. */
export const SMTP_CONNECTIONS = 8;

/** How long a quick send waits to connect, to be greeted, and for any answer. */
const quickTimeouts = { connectionTimeout: 3_000, greetingTimeout: 3_000, socketTimeout: 5_000 };

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
  let quickTransport: ReturnType<typeof nodemailer.createTransport> | null = null;
  return {
    async send(email, options = {}) {
      const through = options.quick ? (quickTransport ??= nodemailer.createTransport({ pool: true, ...quickTimeouts, url: smtpUrl })) : transport;
      await through.sendMail({
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
      quickTransport?.close();
    },
  };
}

/** SMTP answers 5xx for a failure that retrying will not fix (unknown mailbox, rejected address). */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
