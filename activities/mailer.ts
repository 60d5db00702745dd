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

/**
 * SMTP delivery, to the force's relay (SMTP_URL) or the local sink. Connections are pooled and reused rather than
 * opened and greeted once per email (SMTP_URL may still say `?pool=false`).
 */
export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ pool: true, url: smtpUrl });
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
