/**
 * The development mailbox, mounted at /dev/mailbox when the tracker runs on embedded defaults (no SMTP_URL).
 * It shows what the local SMTP sink has kept, so a person can read the emails the tracker sent and follow their links.
 *
 * The emails hold working links (approve, set a password), so reading them is taking over their recipients' accounts:
 * the mailbox answers only a signed-in administrator, only on this machine (a loopback connection that no proxy
 * relayed), and api/server.ts never mounts it with NODE_ENV=production.
 *
 * The HTML part of a message is untrusted markup: it is only ever served from its own route, inside a sandboxed
 * iframe, with a Content-Security-Policy that runs no scripts and loads nothing from the network.
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { authorize } from '../platform/http/permissions';
import { ApiProblem } from '../platform/http/problem';
import { html, type SafeHtml } from '../platform/web/html';
import { renderView } from '../platform/web/views';
import { isMessageId, type SmtpSink, type StoredMessage } from './smtpSink';

const MOUNT = '/dev/mailbox';
const TITLE = 'Development mailbox';

export const MAILBOX_HTML_CSP =
  "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const IFRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation';

const londonTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function formatReceived(iso: string): SafeHtml {
  const date = new Date(iso);
  const label = Number.isNaN(date.getTime()) ? iso : londonTime.format(date);
  return html`<time datetime="${iso}">${label}</time>`;
}

function messageHref(id: string): string {
  return `${MOUNT}/${encodeURIComponent(id)}`;
}

function subjectOf(message: StoredMessage): string {
  return message.subject.trim() === '' ? '(no subject)' : message.subject;
}

function recipientsOf(message: StoredMessage): string {
  return message.to.length === 0 ? '(no recipients)' : message.to.join(', ');
}

export interface MessageLink {
  url: string;
  /** The words the link shows in the email, or the address itself when it has none. */
  text: string;
}

const namedEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return namedEntities[body.toLowerCase()] ?? whole;
  });
}

/** Only ordinary web and email links are offered; javascript:, data: and the like are never turned into links. */
function followable(url: string): string | null {
  try {
    const parsed = new URL(url);
    return ['http:', 'https:', 'mailto:'].includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

/** The links in a message: those in the HTML part (with their text) then any others in the plain-text part. */
export function extractLinks(message: Pick<StoredMessage, 'html' | 'text'>): MessageLink[] {
  const found = new Map<string, MessageLink>();
  if (message.html) {
    const anchor = /<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi;
    for (const match of message.html.matchAll(anchor)) {
      const attributes = match[1] ?? '';
      const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i.exec(attributes);
      if (!href) continue;
      const url = followable(decodeEntities((href[1] ?? href[2] ?? href[3] ?? '').trim()));
      if (!url) continue;
      const text = decodeEntities((match[2] ?? '').replace(/<[^>]*>/g, ' '))
        .replace(/\s+/g, ' ')
        .trim();
      const existing = found.get(url);
      if (!existing) found.set(url, { url, text: text || url });
      else if (existing.text === url && text) existing.text = text;
    }
  }
  for (const match of message.text.matchAll(/\b(?:https?:\/\/|mailto:)[^\s<>"'\]]+/gi)) {
    const raw = match[0].replace(/[.,;:!?)]+$/, '');
    const url = followable(raw);
    if (url && !found.has(url)) found.set(url, { url, text: url });
  }
  return [...found.values()];
}

/** Lets links in the HTML part open in the whole browser tab rather than inside the sandboxed frame. */
function withTopLevelLinks(markup: string): string {
  const base = '<base target="_top">';
  for (const opening of [/<head\b[^>]*>/i, /<html\b[^>]*>/i]) {
    const match = opening.exec(markup);
    if (match) {
      const end = match.index + match[0].length;
      return markup.slice(0, end) + base + markup.slice(end);
    }
  }
  const doctype = /^\s*<!doctype[^>]*>/i.exec(markup);
  if (doctype) return doctype[0] + base + markup.slice(doctype[0].length);
  return base + markup;
}

function withoutHeaders(message: StoredMessage): Omit<StoredMessage, 'headers'> {
  const { headers: _headers, ...rest } = message;
  return rest;
}

function listPage(messages: StoredMessage[]): string {
  return renderView('mailbox/list.njk', {
    title: TITLE,
    rows: messages.map((m) => [
      { html: formatReceived(m.receivedAt).value },
      { text: recipientsOf(m) },
      { html: html`<a class="govuk-link" href="${messageHref(m.id)}">${subjectOf(m)}</a>`.value },
    ]),
  });
}

function messagePage(message: StoredMessage): string {
  return renderView('mailbox/message.njk', {
    title: `${subjectOf(message)} – ${TITLE}`,
    subject: subjectOf(message),
    from: message.from || '(unknown sender)',
    to: recipientsOf(message),
    received: formatReceived(message.receivedAt).value,
    links: extractLinks(message),
    text: message.text,
    htmlSrc: message.html === null ? null : `${messageHref(message.id)}/html`,
    sandbox: IFRAME_SANDBOX,
  });
}

function notFoundPage(
  heading = 'Message not found',
  explanation = 'There is no message at this address in the development mailbox. It may have been removed, or the link may be wrong.',
): string {
  return renderView('message.njk', {
    title: `${heading} – ${TITLE}`,
    heading,
    paragraphs: [explanation],
    link: { href: MOUNT, text: 'Go to all messages in the development mailbox' },
  });
}

function sendPage(res: Response, status: number, markup: string): void {
  res.status(status).set('Cache-Control', 'no-store').type('html').send(markup);
}

function idParam(req: Request): string {
  const id = req.params['id'];
  return typeof id === 'string' ? id : '';
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
/** Headers a reverse proxy adds: a request carrying one was relayed for someone else, whatever its socket says. */
const RELAYED = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

/** Whether the request came from a browser on this machine: a loopback connection, not relayed by a proxy. */
export function fromThisMachine(req: Pick<Request, 'socket' | 'headers'>): boolean {
  return LOOPBACK.has(req.socket.remoteAddress ?? '') && !RELAYED.some((name) => req.headers[name] !== undefined);
}

/** This machine, then a signed-in person (a browser is sent to sign in), then an administrator; refusals are audited 403s. */
function mailboxGate(req: Request, res: Response, next: NextFunction): void {
  if (!fromThisMachine(req)) {
    return next(
      new ApiProblem(
        403,
        'The development mailbox is only served to this machine',
        'Open it in a browser on the machine running the tracker (http://localhost), not through a network or a proxy.',
      ),
    );
  }
  if (!req.identity) {
    if (!req.path.startsWith('/api/') && (req.method === 'GET' || req.method === 'HEAD'))
      return res.redirect(303, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
    return next(new ApiProblem(401, 'Sign in first', 'The development mailbox needs a signed-in administrator.'));
  }
  authorize(req.identity, 'mailbox.open');
  next();
}

export function createMailboxRouter(sink: Pick<SmtpSink, 'list' | 'get'>): express.Router {
  const router = express.Router();
  router.use(mailboxGate);

  async function find(id: string): Promise<StoredMessage | null> {
    return isMessageId(id) ? sink.get(id) : null;
  }

  router.get('/api/messages', async (_req, res) => {
    const messages = await sink.list();
    res.set('Cache-Control', 'no-store').json(messages.map(withoutHeaders));
  });

  router.get('/api/messages/:id', async (req, res) => {
    const message = await find(idParam(req));
    res.set('Cache-Control', 'no-store');
    if (!message) {
      res.status(404).json({ error: 'Message not found' });
      return;
    }
    res.json(withoutHeaders(message));
  });

  router.get('/', async (_req, res) => {
    sendPage(res, 200, listPage(await sink.list()));
  });

  // The copy of an outbox row, found by its Message-ID (<outbox id@host>): how pages link to an email they list.
  router.get('/outbox/:outboxId', async (req, res) => {
    const outboxId = String(req.params.outboxId);
    const found = /^[0-9a-f-]{36}$/i.test(outboxId) ? (await sink.list()).find((m) => m.messageId?.startsWith(`<${outboxId}@`)) : undefined;
    if (!found) return sendPage(res, 404, notFoundPage());
    res.redirect(303, `/dev/mailbox/${found.id}`);
  });

  router.get('/:id', async (req, res) => {
    const message = await find(idParam(req));
    if (!message) return sendPage(res, 404, notFoundPage());
    sendPage(res, 200, messagePage(message));
  });

  router.get('/:id/html', async (req, res) => {
    const message = await find(idParam(req));
    if (!message) return sendPage(res, 404, notFoundPage());
    if (message.html === null) {
      return sendPage(res, 404, notFoundPage('No HTML version', 'This email was sent as plain text only, so it has no HTML version.'));
    }
    res
      .status(200)
      .set({
        'Content-Security-Policy': MAILBOX_HTML_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
      })
      .type('html')
      .send(withTopLevelLinks(message.html));
  });

  return router;
}
