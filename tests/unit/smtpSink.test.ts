import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { MAX_MESSAGE_BYTES, isMessageId, startSmtpSink, type SmtpSink } from '../../dev/smtpSink';

jest.setTimeout(30_000);

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'smtp-sink-test-'));
}

async function send(sink: SmtpSink, message: SendMailOptions): Promise<{ messageId: string }> {
  const transport = nodemailer.createTransport({ host: sink.host, port: sink.port, secure: false });
  try {
    return (await transport.sendMail(message)) as { messageId: string };
  } finally {
    transport.close();
  }
}

/** Reads the server's greeting and EHLO reply over a raw socket. */
async function ehlo(sink: SmtpSink): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(sink.port, sink.host);
    let received = '';
    let sentEhlo = false;
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (!sentEhlo && /^220 .*\r\n/m.test(received)) {
        sentEhlo = true;
        socket.write('EHLO test.local\r\n');
      } else if (sentEhlo && /^250 .*\r\n/m.test(received)) {
        socket.end('QUIT\r\n');
        resolve(received);
      }
    });
  });
}

const FROM = '"Recommendation tracker" <tracker@example.police.uk>';

describe('SMTP sink', () => {
  let dir: string;
  let sink: SmtpSink;

  beforeAll(async () => {
    dir = path.join(await tempDir(), 'nested', 'mailbox');
    sink = await startSmtpSink({ port: 0, storeDir: dir });
  });

  afterAll(async () => {
    await sink.stop();
    await fs.rm(path.dirname(path.dirname(dir)), { recursive: true, force: true });
  });

  it('while refusing, answers every connection 421 (the sender keeps its mail); afterwards it takes mail again', async () => {
    const before = (await sink.list()).length;
    sink.setRefusing(true);
    try {
      const refused = await send(sink, { from: FROM, to: 'officer@example.police.uk', subject: 'Refused', text: 'x' }).then(
        () => null,
        (error: { responseCode?: number; message: string }) => error,
      );
      expect(refused?.responseCode).toBe(421);
      expect(sink.refusedConnections).toBe(1);
      expect((await sink.list()).length).toBe(before);
    } finally {
      sink.setRefusing(false);
    }
    await send(sink, { from: FROM, to: 'officer@example.police.uk', subject: 'Accepted again', text: 'x' });
    expect((await sink.list())[0]!.subject).toBe('Accepted again');
    expect(sink.refusedConnections).toBe(1);
  });

  it('refuses a message with 421 on a connection opened before the refusal began (a pooled sender)', async () => {
    const transport = nodemailer.createTransport({ host: sink.host, port: sink.port, secure: false, pool: true, maxConnections: 1 });
    try {
      await transport.sendMail({ from: FROM, to: 'officer@example.police.uk', subject: 'Pooled before', text: 'x' });
      sink.setRefusing(true);
      const refused = await transport.sendMail({ from: FROM, to: 'officer@example.police.uk', subject: 'Pooled during', text: 'x' }).then(
        () => null,
        (error: { responseCode?: number }) => error,
      );
      expect(refused?.responseCode).toBe(421);
      expect(sink.refusedMessages).toBe(1);
      expect((await sink.list()).some((m) => m.subject === 'Pooled during')).toBe(false);
    } finally {
      sink.setRefusing(false);
      transport.close();
    }
  });

  it('listens on loopback on a free port and creates the store directory', async () => {
    expect(sink.host).toBe('127.0.0.1');
    expect(sink.port).toBeGreaterThan(0);
    expect(sink.url).toBe(`smtp://127.0.0.1:${sink.port}`);
    expect((await fs.stat(dir)).isDirectory()).toBe(true);
  });

  it('offers neither AUTH nor STARTTLS and advertises the 10 MB limit', async () => {
    const reply = await ehlo(sink);
    expect(reply).toMatch(/^250[- ]SIZE 10485760\r$/m);
    expect(reply).not.toMatch(/STARTTLS/);
    expect(reply).not.toMatch(/AUTH/);
  });

  it('keeps a text and HTML message with a unicode subject, including Bcc recipients', async () => {
    const subject = 'Recommendation überfällig – action needed ✓ 🚓';
    const before = Date.now();
    const info = await send(sink, {
      from: FROM,
      to: 'inspector@example.police.uk',
      cc: 'deputy@example.police.uk',
      bcc: 'audit@example.police.uk',
      subject,
      text: 'Recommendation 7 is overdue.\nOpen it: http://localhost:3000/recommendations/7',
      html: '<p>Recommendation 7 is <strong>overdue</strong>.</p><p><a href="http://localhost:3000/recommendations/7">Open recommendation 7</a></p>',
      headers: { 'X-Recommendation-Id': '7' },
    });

    const message = await sink.waitFor((m) => m.subject === subject, { timeoutMs: 5000 });
    expect(isMessageId(message.id)).toBe(true);
    expect(message.subject).toBe(subject);
    expect(message.from).toContain('tracker@example.police.uk');
    expect(message.from).toContain('Recommendation tracker');
    expect(message.to).toEqual(['inspector@example.police.uk', 'deputy@example.police.uk', 'audit@example.police.uk']);
    expect(message.text).toBe('Recommendation 7 is overdue.\nOpen it: http://localhost:3000/recommendations/7');
    expect(message.html).toContain('<strong>overdue</strong>');
    expect(message.html).toContain('href="http://localhost:3000/recommendations/7"');
    expect(message.messageId).toBe(info.messageId);
    expect(message.headers['x-recommendation-id']).toBe('7');
    expect(message.headers['x-envelope-from']).toBe('<tracker@example.police.uk>');
    expect(message.headers['bcc']).toBeUndefined();
    const receivedAt = Date.parse(message.receivedAt);
    expect(new Date(receivedAt).toISOString()).toBe(message.receivedAt);
    expect(receivedAt).toBeGreaterThanOrEqual(before - 5);
    expect(receivedAt).toBeLessThanOrEqual(Date.now());

    expect(await sink.get(message.id)).toEqual(message);
    const raw = await fs.readFile(path.join(dir, `${message.id}.eml`), 'utf8');
    expect(raw).toMatch(/^X-Envelope-From: <tracker@example\.police\.uk>\r\n/);
  });

  it('keeps a message with an attachment and still reads its text and HTML parts', async () => {
    await send(sink, {
      from: FROM,
      to: 'inspector@example.police.uk',
      subject: 'Committee paper attached',
      text: 'The committee paper is attached.',
      html: '<p>The committee paper is attached.</p>',
      attachments: [{ filename: 'committee-paper.csv', content: 'recommendation,status\n7,overdue\n', contentType: 'text/csv' }],
    });
    const message = await sink.waitFor((m) => m.subject === 'Committee paper attached');
    expect(message.text).toBe('The committee paper is attached.');
    expect(message.html).toBe('<p>The committee paper is attached.</p>');
    expect(message.headers['content-type']).toMatch(/^multipart\/mixed/);
    const raw = await fs.readFile(path.join(dir, `${message.id}.eml`), 'utf8');
    expect(raw).toContain('committee-paper.csv');
  });

  it('lists messages newest first, with file names that sort by arrival', async () => {
    const subjects = ['Order check 1', 'Order check 2', 'Order check 3'];
    for (const subject of subjects) {
      await send(sink, { from: FROM, to: 'inspector@example.police.uk', subject, text: subject });
    }
    const listed = await sink.list();
    const ours = listed.filter((m) => m.subject.startsWith('Order check')).map((m) => m.subject);
    expect(ours).toEqual(['Order check 3', 'Order check 2', 'Order check 1']);

    const ids = listed.map((m) => m.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const times = listed.map((m) => Date.parse(m.receivedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const files = (await fs.readdir(dir)).filter((name) => name.endsWith('.eml')).sort();
    expect(files.map((name) => name.replace(/\.eml$/, ''))).toEqual([...ids].reverse());
  });

  it('gives the same message for list and get, and null for unknown or malformed ids', async () => {
    const [newest] = await sink.list();
    expect(newest).toBeDefined();
    expect(await sink.get(newest!.id)).toEqual(newest);

    await fs.writeFile(path.join(path.dirname(dir), 'outside.eml'), 'Subject: should never be read\r\n\r\nsecret');
    expect(await sink.get('../etc/passwd')).toBeNull();
    expect(await sink.get('../outside')).toBeNull();
    expect(await sink.get(`${newest!.id}.eml`)).toBeNull();
    expect(await sink.get(`${newest!.id}/../${newest!.id}`)).toBeNull();
    expect(await sink.get('')).toBeNull();
    expect(await sink.get('0000000000000-000000-00000000')).toBeNull();
  });

  it('waits for a message that has not arrived yet', async () => {
    const waiting = sink.waitFor((m) => m.subject === 'Arrives later', { timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await send(sink, { from: FROM, to: 'late@example.police.uk', subject: 'Arrives later', text: 'Here now.' });
    const message = await waiting;
    expect(message.to).toEqual(['late@example.police.uk']);
    // A single-part body keeps the line break that ends its last line on the wire.
    expect(message.text.trimEnd()).toBe('Here now.');
  });

  it('says what it waited for when waitFor times out', async () => {
    const started = Date.now();
    await expect(sink.waitFor((m) => m.subject === 'never-sent-subject', { timeoutMs: 300 })).rejects.toThrow(
      /Timed out after 300 ms waiting for an email matching .*never-sent-subject/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    await expect(sink.waitFor(() => false, { timeoutMs: 100, description: 'the reminder to inspector@example.police.uk' })).rejects.toThrow(
      /waiting for the reminder to inspector@example\.police\.uk .*holds \d+ message\(s\)/,
    );
  });

  it('refuses a message over 10 MB with a clear SMTP error and keeps nothing', async () => {
    const before = (await sink.list()).length;
    const big = Buffer.alloc(MAX_MESSAGE_BYTES + 512 * 1024, 'a');
    await expect(
      send(sink, {
        from: FROM,
        to: 'inspector@example.police.uk',
        subject: 'Far too large',
        text: 'See attachment.',
        attachments: [{ filename: 'huge.txt', content: big }],
      }),
    ).rejects.toMatchObject({
      responseCode: 552,
      message: expect.stringMatching(/552 Error: message is too large; .*up to 10485760 bytes \(10 MB\)/),
    });
    const after = await sink.list();
    expect(after).toHaveLength(before);
    expect(after.some((m) => m.subject === 'Far too large')).toBe(false);
    expect((await fs.readdir(dir)).filter((name) => !name.endsWith('.eml'))).toEqual([]);

    // The sink is still working after refusing.
    await send(sink, { from: FROM, to: 'inspector@example.police.uk', subject: 'Small again', text: 'ok' });
    expect((await sink.waitFor((m) => m.subject === 'Small again')).text.trimEnd()).toBe('ok');
  });
});

describe('SMTP sink store across restarts', () => {
  let root: string;
  const started: SmtpSink[] = [];

  beforeAll(async () => {
    root = await tempDir();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  });

  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('lists messages kept by an earlier sink on the same directory, and new mail sorts first', async () => {
    const first = await startSmtpSink({ port: 0, storeDir: root });
    started.push(first);
    await send(first, { from: FROM, to: 'a@example.police.uk', subject: 'Before restart 1', text: 'one' });
    await send(first, { from: FROM, to: 'a@example.police.uk', subject: 'Before restart 2', html: '<p>two</p>' });
    const beforeStop = await first.list();
    await first.stop();
    await first.stop(); // stopping twice is harmless

    // A stopped sink no longer accepts mail.
    await expect(send(first, { from: FROM, to: 'a@example.police.uk', subject: 'Refused', text: 'x' })).rejects.toThrow();

    const second = await startSmtpSink({ port: 0, storeDir: root });
    started.push(second);
    expect(await second.list()).toEqual(beforeStop);
    expect(beforeStop.map((m) => m.subject)).toEqual(['Before restart 2', 'Before restart 1']);
    const htmlOnly = beforeStop[0]!;
    expect(htmlOnly.html?.trimEnd()).toBe('<p>two</p>');
    expect(htmlOnly.text).toBe('');
    expect(await second.get(htmlOnly.id)).toEqual(htmlOnly);

    await send(second, { from: FROM, to: 'a@example.police.uk', subject: 'After restart', text: 'three' });
    const after = await second.list();
    expect(after.map((m) => m.subject)).toEqual(['After restart', 'Before restart 2', 'Before restart 1']);
  });

  it('ignores unrelated and half-written files in the store directory', async () => {
    const dir = path.join(root, 'messy');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'notes.txt'), 'not mail');
    const stale = path.join(dir, '.1000000000000-000000-00000000.eml.tmp');
    const fresh = path.join(dir, '.9999999999999-000000-00000000.eml.tmp');
    await fs.writeFile(stale, 'Subject: left by a crash');
    const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
    await fs.utimes(stale, anHourAgo, anHourAgo);
    await fs.writeFile(fresh, 'Subject: still being written by another sink');
    const sink = await startSmtpSink({ port: 0, storeDir: dir });
    started.push(sink);
    expect(await sink.list()).toEqual([]);
    // The stale temporary file is tidied away; a fresh one may belong to another sink and is left alone.
    expect((await fs.readdir(dir)).sort()).toEqual([path.basename(fresh), 'notes.txt']);
  });

  it('fails to start with a clear error when the port is taken', async () => {
    const first = await startSmtpSink({ port: 0, storeDir: root });
    started.push(first);
    await expect(startSmtpSink({ port: first.port, storeDir: root })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('rejects a pending waitFor when the sink stops', async () => {
    const sink = await startSmtpSink({ port: 0, storeDir: path.join(root, 'stopping') });
    const waiting = sink.waitFor(() => false, { timeoutMs: 10_000, description: 'a message that never comes' });
    await sink.stop();
    await expect(waiting).rejects.toThrow(/stopped while waiting for a message that never comes/);
  });
});
