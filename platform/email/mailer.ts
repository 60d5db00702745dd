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
  /** Closes the connections once the work given to `finishBeforeClosing` is done (or has had a while). */
  close(): void | Promise<void>;
  /** Work that close() waits for: a send nobody waits for any more, and the recording of its outcome. */
  finishBeforeClosing?(work: Promise<unknown>): void;
}

/** SMTP connections kept open and used in parallel; a burst of reminders is not one connection per email. */
export const SMTP_CONNECTIONS = 8;

/** The longest close() waits for sends in flight: a little more than one socket timeout. */
const CLOSE_WAIT_MS = 35_000;

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
  const unfinished = new Set<Promise<unknown>>();
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
    finishBeforeClosing(work) {
      unfinished.add(work);
      const forget = () => unfinished.delete(work);
      work.then(forget, forget);
    },
    async close() {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(unfinished), new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
      clearTimeout(timer);
      // A delivery still going finishes before its connection closes (nodemailer's pool), so none is cut mid-message.
      transport.close();
    },
  };
}

/** SMTP answers 5xx for a failure that retrying will not fix (unknown mailbox, rejected address). */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** Socket errors of a connection that was never made. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
/** The pool's failures of a message it never began to send. */
const NEVER_BEGUN = /^(Connection pool was closed|Reached maximum number of retries after connection was closed)/;

/**
 * Whether the SMTP server certainly does not have the message: it answered 4xx/5xx, or no session got as far as the
 * envelope (no connection, no greeting). Otherwise (a socket timeout, a connection lost mid-transaction) it may.
 */
export function isCertainlyNotTaken(error: unknown): boolean {
  const e = error as { responseCode?: number; code?: string; originalCode?: string; timeoutType?: string; message?: string };
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) return true;
  if (e.code === 'ETIMEDOUT') return e.timeoutType === 'CONNECT_TIMEOUT' || e.timeoutType === 'GREETING_TIMEOUT';
  return e.code === 'EDNS' || UNREACHABLE.has(e.originalCode ?? e.code ?? '') || NEVER_BEGUN.test(e.message ?? '');
}
