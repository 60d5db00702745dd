import { promises as fs } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Identity } from '../../platform/http/identity';
import { problemHandler } from '../../platform/http/problem';
import { startSmtpSink, type SmtpSink, type StoredMessage } from '../../dev/smtpSink';
import { createMailboxRouter, extractLinks, fromThisMachine, MAILBOX_HTML_CSP } from '../../dev/mailbox';

jest.setTimeout(30_000);

const EXPECTED_CSP =
  "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; default-src 'none'; style-src 'unsafe-inline'; img-src data:";

interface Running {
  sink: SmtpSink;
  server: Server;
  base: string;
  dir: string;
  /** Who the requests come from: the signed-in person (none: anonymous), and the address their connection is from. */
  caller: { person: Identity['person'] | null; remoteAddress?: string };
}

const ADMINISTRATOR: Identity['person'] = {
  id: 'a',
  name: 'Hannah Whitcombe',
  email: 'hannah@example.police.uk',
  roles: ['administrator'],
};
const VIEWER: Identity['person'] = { id: 'v', name: 'Margaret Holloway', email: 'margaret@example.police.uk', roles: ['viewer'] };

async function startMailbox(): Promise<Running> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mailbox-pages-test-'));
  const sink = await startSmtpSink({ port: 0, storeDir: dir });
  const caller: Running['caller'] = { person: ADMINISTRATOR };
  const app = express();
  // Stands in for the app's authentication; a remote address is faked on this request only, never on the shared socket.
  app.use((req, _res, next) => {
    if (caller.person) req.identity = { person: caller.person, via: 'session', session: { id: 's', csrfToken: 't' } };
    if (caller.remoteAddress)
      Object.defineProperty(req, 'socket', { value: Object.create(req.socket, { remoteAddress: { value: caller.remoteAddress } }) });
    next();
  });
  app.use('/dev/mailbox', createMailboxRouter(sink));
  app.use(problemHandler);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return { sink, server, base: `http://127.0.0.1:${port}`, dir, caller };
}

async function stopMailbox(running: Running | undefined): Promise<void> {
  if (!running) return;
  running.server.closeAllConnections();
  await new Promise<void>((resolve) => running.server.close(() => resolve()));
  await running.sink.stop();
  await fs.rm(running.dir, { recursive: true, force: true });
}

async function send(sink: SmtpSink, message: SendMailOptions): Promise<void> {
  const transport = nodemailer.createTransport({ host: sink.host, port: sink.port, secure: false });
  try {
    await transport.sendMail(message);
  } finally {
    transport.close();
  }
}

/** The page with the whitespace GOV.UK's macros put between tags taken out, so assertions can name exact markup. */
const squash = (markup: string) => markup.replace(/>\s+/g, '>').replace(/\s+</g, '<');

function count(haystack: string, needle: RegExp): number {
  return haystack.match(new RegExp(needle.source, needle.flags.includes('g') ? needle.flags : `${needle.flags}g`))?.length ?? 0;
}

const FROM = '"Recommendation tracker" <tracker@example.police.uk>';
const DANGEROUS_SUBJECT = 'Overdue <script>alert("x")</script> & "quoted" recommendation';

describe('development mailbox pages', () => {
  let running: Running;
  let dangerous: StoredMessage;
  let plainOnly: StoredMessage;

  beforeAll(async () => {
    running = await startMailbox();
    await send(running.sink, {
      from: FROM,
      to: 'plain@example.police.uk',
      subject: 'Plain text only',
      text: 'Nothing fancy here. See https://example.police.uk/help.',
    });
    await send(running.sink, {
      from: FROM,
      to: ['inspector@example.police.uk', 'deputy@example.police.uk'],
      subject: DANGEROUS_SUBJECT,
      text: 'Open the recommendation: http://localhost:3000/recommendations/42?x=1&y=2\nGuidance: https://example.police.uk/guidance.',
      html:
        '<html><head><title>Reminder</title></head><body>' +
        '<p>Recommendation 42 is overdue.</p>' +
        '<p><a href="http://localhost:3000/recommendations/42?x=1&amp;y=2">Open <b>recommendation 42</b></a></p>' +
        '<p><a href="javascript:alert(1)">Do not follow</a> <a href="mailto:help@example.police.uk">Email the helpdesk</a></p>' +
        '<script>document.title = "ran"</script></body></html>',
    });
    plainOnly = await running.sink.waitFor((m) => m.subject === 'Plain text only');
    dangerous = await running.sink.waitFor((m) => m.subject === DANGEROUS_SUBJECT);
  });

  afterAll(async () => {
    await stopMailbox(running);
  });

  it('lists the messages newest first in an accessible table', async () => {
    const response = await fetch(`${running.base}/dev/mailbox`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    const body = await response.text();

    expect(count(body, /<h1[\s>]/)).toBe(1);
    expect(body).toContain('<h1 class="govuk-heading-l">Development mailbox</h1>');
    expect(body).toMatch(/This is the development mailbox\./);
    expect(body).toMatch(/Mail is not delivered to anyone\./);
    expect(squash(body)).toContain(
      '<caption class="govuk-table__caption govuk-table__caption--s">Emails received, newest first (2)</caption>',
    );
    expect(squash(body)).toContain(
      '<th scope="col" class="govuk-table__header">Received</th><th scope="col" class="govuk-table__header">To</th><th scope="col" class="govuk-table__header">Subject</th>',
    );

    // Subjects are escaped and link to their message.
    expect(body).not.toContain('<script>');
    expect(body).toContain(
      `<a class="govuk-link" href="/dev/mailbox/${dangerous.id}">Overdue &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot; recommendation</a>`,
    );
    expect(body).toContain(`<a class="govuk-link" href="/dev/mailbox/${plainOnly.id}">Plain text only</a>`);
    expect(body.indexOf(dangerous.id)).toBeLessThan(body.indexOf(plainOnly.id));
    expect(squash(body)).toContain('<td class="govuk-table__cell">inspector@example.police.uk, deputy@example.police.uk</td>');

    // Received time in UK local time, with the exact instant in a machine-readable attribute.
    const expectedLocal = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).format(new Date(dangerous.receivedAt));
    expect(expectedLocal).toMatch(/^\d{1,2} [A-Z][a-z]{2,3} \d{4}, \d{2}:\d{2}:\d{2}$/);
    expect(body).toContain(`<time datetime="${dangerous.receivedAt}">${expectedLocal}</time>`);
  });

  it('shows a message with its escaped subject, its parts and a list of its links', async () => {
    const response = await fetch(`${running.base}/dev/mailbox/${dangerous.id}`);
    expect(response.status).toBe(200);
    const body = await response.text();

    expect(count(body, /<h1[\s>]/)).toBe(1);
    expect(body).toContain(
      '<h1 class="govuk-heading-l">Overdue &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot; recommendation</h1>',
    );
    expect(body).not.toContain('<script>');
    expect(squash(body)).toContain('<a href="/dev/mailbox" class="govuk-back-link">Back to all messages in the development mailbox</a>');
    expect(squash(body)).toContain(
      '<dt class="govuk-summary-list__key">From</dt><dd class="govuk-summary-list__value">&quot;Recommendation tracker&quot; &lt;tracker@example.police.uk&gt;</dd>',
    );
    expect(squash(body)).toContain(
      '<dt class="govuk-summary-list__key">To</dt><dd class="govuk-summary-list__value">inspector@example.police.uk, deputy@example.police.uk</dd>',
    );
    expect(squash(body)).toContain(
      `<dt class="govuk-summary-list__key">Received</dt><dd class="govuk-summary-list__value"><time datetime="${dangerous.receivedAt}">`,
    );

    expect(body).toContain(
      '<pre>Open the recommendation: http://localhost:3000/recommendations/42?x=1&amp;y=2\nGuidance: https://example.police.uk/guidance.</pre>',
    );
    expect(body).toContain(
      `<iframe title="HTML version of the message" sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" src="/dev/mailbox/${dangerous.id}/html"`,
    );

    // The links, with the words the email uses for them, in a list a keyboard user can tab through.
    expect(body).toContain('<h2 class="govuk-heading-m">Links in this email</h2>');
    expect(body).toContain(
      '<li><a class="govuk-link" href="http://localhost:3000/recommendations/42?x=1&amp;y=2">Open recommendation 42</a> <span class="govuk-hint">(goes to http://localhost:3000/recommendations/42?x=1&amp;y=2)</span></li>',
    );
    expect(body).toContain(
      '<li><a class="govuk-link" href="mailto:help@example.police.uk">Email the helpdesk</a> <span class="govuk-hint">(goes to mailto:help@example.police.uk)</span></li>',
    );
    expect(body).toContain(
      '<li><a class="govuk-link" href="https://example.police.uk/guidance">https://example.police.uk/guidance</a></li>',
    );
    expect(body).not.toContain('javascript:');
    expect(count(body, /<li><a class="govuk-link" /)).toBe(3);
  });

  it('says when a message has no HTML version and lists links from its text', async () => {
    const body = await (await fetch(`${running.base}/dev/mailbox/${plainOnly.id}`)).text();
    expect(body).toContain('<h1 class="govuk-heading-l">Plain text only</h1>');
    expect(body).toContain('<p class="govuk-body">This email has no HTML version.</p>');
    expect(body).not.toContain('<iframe');
    expect(body).toContain('<li><a class="govuk-link" href="https://example.police.uk/help">https://example.police.uk/help</a></li>');
  });

  it('serves the HTML part sandboxed, with no scripts and nothing loaded from the network', async () => {
    const response = await fetch(`${running.base}/dev/mailbox/${dangerous.id}/html`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(EXPECTED_CSP);
    expect(MAILBOX_HTML_CSP).toBe(EXPECTED_CSP);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const body = await response.text();
    expect(body).toContain('<p>Recommendation 42 is overdue.</p>');
    expect(body).toContain('<head><base target="_top"><title>Reminder</title>');
  });

  it('answers 404 for unknown or malformed ids and for a message with no HTML part', async () => {
    const cases = [
      '/dev/mailbox/0000000000000-000000-00000000',
      '/dev/mailbox/not-a-message',
      '/dev/mailbox/..%2F..%2Fetc%2Fpasswd',
      `/dev/mailbox/${dangerous.id}.eml`,
      '/dev/mailbox/0000000000000-000000-00000000/html',
      '/dev/mailbox/..%2Fsecret/html',
    ];
    for (const url of cases) {
      const response = await fetch(`${running.base}${url}`);
      expect({ url, status: response.status }).toEqual({ url, status: 404 });
      const body = await response.text();
      expect(body).toContain('<h1 class="govuk-heading-l">Message not found</h1>');
      expect(body).toContain('<a class="govuk-link" href="/dev/mailbox">Go to all messages in the development mailbox</a>');
    }

    const noHtml = await fetch(`${running.base}/dev/mailbox/${plainOnly.id}/html`);
    expect(noHtml.status).toBe(404);
    expect(noHtml.headers.get('content-security-policy')).toBeNull();
    expect(await noHtml.text()).toContain('<h1 class="govuk-heading-l">No HTML version</h1>');
  });

  it('offers the messages as JSON for automation', async () => {
    const listResponse = await fetch(`${running.base}/dev/mailbox/api/messages`);
    expect(listResponse.status).toBe(200);
    expect(listResponse.headers.get('content-type')).toMatch(/^application\/json/);
    const listed = (await listResponse.json()) as Array<Record<string, unknown>>;
    expect(listed.map((m) => m['id'])).toEqual([dangerous.id, plainOnly.id]);
    const { headers: _headers, ...expected } = dangerous;
    expect(listed[0]).toEqual(expected);
    expect(listed.every((m) => !('headers' in m))).toBe(true);

    const one = await fetch(`${running.base}/dev/mailbox/api/messages/${plainOnly.id}`);
    expect(one.status).toBe(200);
    const single = (await one.json()) as Record<string, unknown>;
    expect(single).toMatchObject({ id: plainOnly.id, subject: 'Plain text only', html: null, to: ['plain@example.police.uk'] });
    expect('headers' in single).toBe(false);

    for (const id of ['0000000000000-000000-00000000', 'nope', '..%2F..%2Fetc%2Fpasswd']) {
      const missing = await fetch(`${running.base}/dev/mailbox/api/messages/${id}`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: 'Message not found' });
    }
  });
});

describe('who may open the development mailbox', () => {
  let running: Running;

  beforeAll(async () => {
    running = await startMailbox();
    await send(running.sink, {
      from: FROM,
      to: 'dcc@example.police.uk',
      subject: 'Choose your password',
      text: 'Choose it here: http://localhost:3000/set-password/secret-token',
    });
    await running.sink.waitFor((m) => m.subject === 'Choose your password');
  });
  afterAll(async () => {
    await stopMailbox(running);
  });
  afterEach(() => {
    Object.assign(running.caller, { person: ADMINISTRATOR, remoteAddress: undefined });
  });

  const get = (url: string, headers: Record<string, string> = {}) => fetch(`${running.base}${url}`, { redirect: 'manual', headers });

  it('sends an anonymous browser to sign in, and refuses anonymous automation with 401, showing no email', async () => {
    running.caller.person = null;
    for (const url of ['/dev/mailbox', '/dev/mailbox/0000000000000-000000-00000000']) {
      const page = await get(url);
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent(url)}`);
    }
    for (const url of ['/dev/mailbox/api/messages', '/dev/mailbox/api/messages/0000000000000-000000-00000000']) {
      const api = await get(url);
      expect(api.status).toBe(401);
      expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = await api.text();
      expect(body).not.toContain('secret-token');
      expect(JSON.parse(body)).toMatchObject({ status: 401, title: 'Sign in first' });
    }
  });

  it('refuses a signed-in person who is not an administrator with 403', async () => {
    running.caller.person = VIEWER;
    for (const url of ['/dev/mailbox', '/dev/mailbox/api/messages']) {
      const response = await get(url);
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain('secret-token');
    }
  });

  it('refuses an administrator connecting from another machine, or through a proxy', async () => {
    for (const remoteAddress of ['192.0.2.10', '10.0.0.5', '::ffff:192.0.2.10', '2001:db8::1']) {
      running.caller.remoteAddress = remoteAddress;
      const response = await get('/dev/mailbox/api/messages');
      expect({ remoteAddress, status: response.status }).toEqual({ remoteAddress, status: 403 });
      expect(await response.text()).toContain('only served to this machine');
    }
    running.caller.remoteAddress = undefined;
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
      const response = await get('/dev/mailbox/api/messages', { [header]: '192.0.2.10' });
      expect({ header, status: response.status }).toEqual({ header, status: 403 });
    }
  });

  it('shows the mail to an administrator on this machine', async () => {
    const response = await get('/dev/mailbox/api/messages');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('secret-token');
  });

  it('counts only loopback connections, not relayed ones, as this machine', () => {
    const machine = (remoteAddress: string | undefined, headers: Record<string, string> = {}) =>
      fromThisMachine({ socket: { remoteAddress } as never, headers });
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1'].map((a) => machine(a))).toEqual([true, true, true]);
    expect([machine('192.168.1.2'), machine(undefined), machine('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })]).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('empty development mailbox', () => {
  let running: Running | undefined;

  afterEach(async () => {
    await stopMailbox(running);
    running = undefined;
  });

  it('says there are no messages yet', async () => {
    running = await startMailbox();
    const response = await fetch(`${running.base}/dev/mailbox/`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('<p class="govuk-body">No messages yet.</p>');
    expect(body).not.toContain('<table');
    expect(count(body, /<h1[\s>]/)).toBe(1);
    expect(body).toMatch(/Mail is not delivered to anyone\./);

    const api = await fetch(`${running.base}/dev/mailbox/api/messages`);
    expect(await api.json()).toEqual([]);
  });
});

describe('extractLinks', () => {
  it('takes links from the HTML part with their words, then new ones from the text part', () => {
    const links = extractLinks({
      html:
        '<a class="button" href=\'https://example.police.uk/a?p=1&amp;q=2\'>  Go&nbsp;to <em>A</em> </a>' +
        '<a href="https://example.police.uk/b"></a>' +
        '<a href="data:text/html,hi">data</a><a href="vbscript:x">vb</a><a name="anchor">no href</a>' +
        '<a href="/relative">relative</a>',
      text: 'A: https://example.police.uk/a?p=1&q=2 and (https://example.police.uk/c), finally mailto:x@example.police.uk.',
    });
    expect(links).toEqual([
      { url: 'https://example.police.uk/a?p=1&q=2', text: 'Go to A' },
      { url: 'https://example.police.uk/b', text: 'https://example.police.uk/b' },
      { url: 'https://example.police.uk/c', text: 'https://example.police.uk/c' },
      { url: 'mailto:x@example.police.uk', text: 'mailto:x@example.police.uk' },
    ]);
  });

  it('finds nothing in a message without links', () => {
    expect(extractLinks({ html: null, text: 'No links here.' })).toEqual([]);
  });
});
