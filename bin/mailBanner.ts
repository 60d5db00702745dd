/** Where the product's mail goes, as `npm start` tells whoever started it. */
export interface MailDestination {
  /** SMTP_URL is unset: the local sink catches every email and nothing is delivered. */
  caught: boolean;
  smtpUrl: string;
  publicUrl: string;
  mailDir: string;
  production: boolean;
}

/**
 * The start banner's lines about mail. When mail is caught it says so before anything else, in words nobody can
 * mistake for delivery: people waiting for a set-password or approval email would otherwise wait for ever.
 */
export function mailBannerLines(mail: MailDestination): string[] {
  if (!mail.caught) return [];
  const mailbox = mail.production
    ? ['  The development mailbox is not served with NODE_ENV=production: set SMTP_URL to your mail relay.']
    : [
        `  Read it in the development mailbox: ${mail.publicUrl}/dev/mailbox`,
        '  (signed-in administrators only, from a browser on this machine).',
      ];
  return [
    '  !! MAIL IS NOT BEING DELIVERED. SMTP_URL is not set, so every email the product sends',
    `  !! is caught in a local mailbox (${mail.mailDir}) and nobody receives it.`,
    ...mailbox,
    '',
  ];
}

/** The SMTP line of the banner's list of services. */
export function smtpBannerLine(mail: MailDestination): string {
  return `  SMTP                      ${mail.caught ? `local sink on ${mail.smtpUrl}: mail caught in ${mail.mailDir}, not delivered` : 'SMTP_URL'}`;
}
