import { html, type SafeHtml } from '../web/html';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The frame every email shares: the greeting, its own paragraphs, and the corporate development signature, as an
 * HTML document and as plain text. User text reaches the HTML only through `html`, so it is always escaped.
 */
export function framedEmail(input: {
  subject: string;
  forceName: string;
  recipientName: string;
  text: string[];
  html: SafeHtml;
}): RenderedEmail {
  const text = [`Dear ${input.recipientName},`, '', ...input.text, '', `${input.forceName} corporate development`].join('\n');
  const body = html`<!doctype html>
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <title>${input.subject}</title>
      </head>
      <body style="font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; line-height: 1.4">
        <p>Dear ${input.recipientName},</p>
        ${input.html}
        <p>${input.forceName} corporate development</p>
      </body>
    </html>`;
  return { subject: input.subject, text, html: body.value };
}

/** The item's text, quoted. */
export const quoted = (text: string): SafeHtml =>
  html`<blockquote style="border-left: 5px solid #b1b4b6; margin: 0; padding: 0 16px">${text}</blockquote>`;
