/**
 * A local SMTP sink for running on embedded defaults (no SMTP_URL) and for tests.
 *
 * It is a real SMTP server (smtp-server) listening on loopback, by default with no authentication and no STARTTLS;
 * given `secured` (the cluster topology, dev/cluster.ts), it behaves as Microsoft 365 / Exchange Online's client
 * submission does: STARTTLS first, then AUTH, and no mail from a session that has not authenticated. Every
 * accepted message is kept as a raw .eml file in `storeDir`, so the development mailbox page and the tests can read
 * exactly what the application sent, and the mailbox survives a restart. Nothing is ever relayed anywhere.
 *
 * Storage layout: one file per message, `<id>.eml`, where the id is `<13-digit epoch ms>-<6-digit sequence>-<8 hex>`.
 * Ids are issued in strictly increasing order, so sorting file names sorts messages by arrival. A message is written
 * to a hidden temporary name first and renamed into place once complete, so a reader never sees half a message.
 * The SMTP envelope (MAIL FROM / RCPT TO, which include Bcc recipients) is kept by prepending two trace headers,
 * `X-Envelope-From` and `X-Envelope-To`, as a receiving mail server would add trace headers.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import {
  SMTPServer,
  type SMTPServerAuthentication,
  type SMTPServerAuthenticationResponse,
  type SMTPServerDataStream,
  type SMTPServerSession,
} from 'smtp-server';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

export interface StoredMessage {
  id: string;
  /** When the sink accepted the message (ISO 8601, UTC). */
  receivedAt: string;
  /** The From header as written by the sender (display name and address), or the envelope sender if there is none. */
  from: string;
  /** The envelope recipients the message was delivered to (includes Cc and Bcc), as plain addresses. */
  to: string[];
  subject: string;
  /**
   * The plain-text part ('' when the message has none; it is never made up from the HTML part), as decoded by
   * mailparser. A message that is not multipart keeps the line break that ends its last line on the wire, so
   * compare with trimEnd() when that matters.
   */
  text: string;
  /** The HTML part, or null when the message has none. Inline cid: images are turned into data: URIs. */
  html: string | null;
  messageId: string | null;
  /** Raw (unfolded) header values keyed by lower-case header name; repeated headers are joined with ', '. */
  headers: Record<string, string>;
}

export interface SmtpSink {
  host: string;
  port: number;
  /** smtp://127.0.0.1:PORT */
  url: string;
  /** Every stored message, newest first. */
  list(): Promise<StoredMessage[]>;
  /** One message, or null when the id is unknown or not a valid message id. */
  get(id: string): Promise<StoredMessage | null>;
  /**
   * Resolves with the newest message that matches, waiting for new mail until it arrives or the time runs out
   * (default 5000 ms). `description` names what is awaited in the timeout error; otherwise the predicate's source is used.
   */
  waitFor(predicate: (m: StoredMessage) => boolean, options?: { timeoutMs?: number; description?: string }): Promise<StoredMessage>;
  /**
   * While true, every new connection is greeted with `421 4.3.2` (service not available, try later), and every message
   * on a connection already open is refused with it at MAIL FROM, as a mail relay under maintenance answers: senders
   * keep their mail and try again. For fault tests.
   */
  setRefusing(refusing: boolean): void;
  /** Connections refused with 421 since the sink started. */
  readonly refusedConnections: number;
  /** Messages refused with 421 at MAIL FROM on a connection opened before the refusal began. */
  readonly refusedMessages: number;
  /** Stops accepting mail and resolves once the server has closed. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface SinkLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface StartSmtpSinkOptions {
  /** 0 = any free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  storeDir: string;
  logger?: SinkLogger;
  /** Require STARTTLS with this certificate, then AUTH (PLAIN or LOGIN) with this user and password. */
  secured?: { key: string | Buffer; cert: string | Buffer; user: string; password: string };
}

/** The largest message the sink accepts (10 MB); anything bigger is refused with SMTP 552. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

const MESSAGE_ID_PATTERN = /^(\d{13})-(\d{6})-([0-9a-f]{8})$/;
const MESSAGE_FILE_PATTERN = /^(\d{13})-(\d{6})-([0-9a-f]{8})\.eml$/;
const TEMP_FILE_PATTERN = /^\.\d{13}-\d{6}-[0-9a-f]{8}\.eml\.tmp$/;
const DEFAULT_WAIT_MS = 5000;
const WAIT_POLL_MS = 200;
/** How long stop() lets a connected client finish before its connection is cut. */
const CLOSE_GRACE_MS = 1000;
/** A temporary file untouched for this long was left by a crash and is removed at start-up. */
const STALE_TEMP_MS = 10 * 60 * 1000;

/** True when `id` has the exact shape of a message id issued by the sink (so it can never name another file). */
export function isMessageId(id: string): boolean {
  return MESSAGE_ID_PATTERN.test(id);
}

const silentLogger: SinkLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Header values must stay on one line; envelope addresses come from SMTP command lines but are cleaned anyway. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

function addressList(value: AddressObject | AddressObject[] | undefined): string[] {
  if (!value) return [];
  const objects = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  const visit = (entries: AddressObject['value']): void => {
    for (const entry of entries) {
      if (entry.address) out.push(entry.address);
      if (entry.group) visit(entry.group);
    }
  };
  for (const obj of objects) visit(obj.value);
  return out;
}

function headerRecord(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    const colon = line.indexOf(':');
    const value = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
    const name = key.toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

function toStoredMessage(id: string, parsed: ParsedMail): StoredMessage {
  const match = MESSAGE_ID_PATTERN.exec(id);
  const receivedAt = new Date(Number(match?.[1] ?? 0)).toISOString();
  const headers = headerRecord(parsed);
  const envelopeTo = (headers['x-envelope-to'] ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
  const to = envelopeTo.length > 0 ? envelopeTo : [...addressList(parsed.to), ...addressList(parsed.cc), ...addressList(parsed.bcc)];
  const from = parsed.from?.text || headers['x-envelope-from'] || '';
  return {
    id,
    receivedAt,
    from,
    to,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : null,
    messageId: parsed.messageId ?? null,
    headers,
  };
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

class SmtpError extends Error {
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
  }
}

export async function startSmtpSink(options: StartSmtpSinkOptions): Promise<SmtpSink> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentLogger;
  const storeDir = path.resolve(options.storeDir);
  await fs.mkdir(storeDir, { recursive: true });

  if (!isLoopback(host) && !options.secured) {
    logger.warn({ host }, 'SMTP sink is listening on a non-loopback address; it accepts mail without authentication');
  }

  // Tidy up temporary files left by a crash, and continue the id sequence after the newest stored message so
  // ids stay in arrival order even if the clock has gone backwards since the last run.
  let lastMs = 0;
  let lastSeq = 0;
  for (const name of await fs.readdir(storeDir)) {
    if (TEMP_FILE_PATTERN.test(name)) {
      // Only stale ones: another sink sharing this directory may be writing a fresh one right now.
      const tempPath = path.join(storeDir, name);
      const stats = await fs.stat(tempPath).catch(() => null);
      if (stats && Date.now() - stats.mtimeMs > STALE_TEMP_MS) await fs.rm(tempPath, { force: true });
      continue;
    }
    const match = MESSAGE_FILE_PATTERN.exec(name);
    if (!match) continue;
    const ms = Number(match[1]);
    const seq = Number(match[2]);
    if (ms > lastMs || (ms === lastMs && seq > lastSeq)) {
      lastMs = ms;
      lastSeq = seq;
    }
  }

  function nextId(): string {
    let ms = Date.now();
    let seq = 0;
    if (ms <= lastMs) {
      ms = lastMs;
      seq = lastSeq + 1;
      if (seq > 999_999) {
        ms += 1;
        seq = 0;
      }
    }
    lastMs = ms;
    lastSeq = seq;
    return `${String(ms).padStart(13, '0')}-${String(seq).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
  }

  const events = new EventEmitter();
  events.setMaxListeners(0);
  const cache = new Map<string, Promise<StoredMessage>>();
  const pendingWrites = new Set<Promise<unknown>>();

  async function storeMessage(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const id = nextId();
    const finalPath = path.join(storeDir, `${id}.eml`);
    const tempPath = path.join(storeDir, `.${id}.eml.tmp`);
    const mailFrom = session.envelope.mailFrom ? oneLine(session.envelope.mailFrom.address) : '';
    const rcptTo = session.envelope.rcptTo.map((r) => oneLine(r.address)).filter((a) => a.length > 0);
    const trace = `X-Envelope-From: <${mailFrom}>\r\nX-Envelope-To: ${rcptTo.join(', ')}\r\n`;

    // The data stream is always read to its end, even once it is too large, so the SMTP conversation stays in step
    // and the client gets a proper reply. The message (at most MAX_MESSAGE_BYTES) is gathered, then written in one go.
    const chunks: Buffer[] = [Buffer.from(trace)];
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (!stream.sizeExceeded) chunks.push(chunk);
    }
    if (stream.sizeExceeded) {
      throw new SmtpError(
        `Error: message is too large; the development mailbox accepts messages up to ${MAX_MESSAGE_BYTES} bytes (10 MB)`,
        552,
      );
    }
    let written = false;
    try {
      await fs.writeFile(tempPath, Buffer.concat(chunks), { flag: 'wx' });
      await fs.rename(tempPath, finalPath);
      written = true;
    } finally {
      if (!written) await fs.rm(tempPath, { force: true });
    }
    // At debug: the development mailbox shows every message, and the demo's first start catches a dozen at once.
    logger.debug({ id, from: mailFrom, to: rcptTo, bytes: stream.byteLength }, 'SMTP sink stored a message');
    events.emit('stored', id);
    return id;
  }

  const secured = options.secured;
  const access = secured
    ? {
        key: secured.key,
        cert: secured.cert,
        authMethods: ['PLAIN', 'LOGIN'],
        authOptional: false,
        // AUTH is refused until STARTTLS, so credentials and mail never cross the wire in clear.
        allowInsecureAuth: false,
        onAuth(
          auth: SMTPServerAuthentication,
          _session: SMTPServerSession,
          callback: (error: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void,
        ) {
          if (auth.username === secured.user && auth.password === secured.password) return callback(null, { user: auth.username });
          callback(new SmtpError('Error: authentication failed: wrong user name or password', 535));
        },
      }
    : { authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'] };
  let refusing = false;
  let refusedConnections = 0;
  let refusedMessages = 0;
  const server = new SMTPServer({
    secure: false,
    ...access,
    onConnect(_session, callback) {
      if (!refusing) return callback();
      refusedConnections++;
      callback(new SmtpError('4.3.2 Service not available, try again later', 421));
    },
    // A sender that pools its connections keeps one open across the refusal's start: its next message is refused too.
    onMailFrom(_address, _session, callback) {
      if (!refusing) return callback();
      refusedMessages++;
      callback(new SmtpError('4.3.2 Service not available, try again later', 421));
    },
    size: MAX_MESSAGE_BYTES,
    banner: 'Development mailbox: mail is kept locally and not delivered',
    logger: false,
    closeTimeout: CLOSE_GRACE_MS,
    onData(stream, session, callback) {
      const work = storeMessage(stream, session).then(
        (id) => callback(null, `Message stored in the development mailbox as ${id}`),
        (error: unknown) => {
          if (!(error instanceof SmtpError)) {
            logger.warn({ err: error }, 'SMTP sink could not store a message');
            stream.resume(); // make sure the rest of the message is read so the SMTP conversation stays in step
          } else {
            logger.warn({ bytes: stream.byteLength, limit: MAX_MESSAGE_BYTES }, 'SMTP sink refused an oversized message');
          }
          const response =
            error instanceof SmtpError ? error : new SmtpError('Error: the development mailbox could not store the message', 451);
          callback(response);
        },
      );
      pendingWrites.add(work);
      void work.finally(() => pendingWrites.delete(work));
    },
  });
  // Without a listener, a client error (a reset connection, say) would be thrown and crash the process.
  server.on('error', (error: Error) => logger.warn({ err: error }, 'SMTP sink connection error'));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.server.once('error', onError);
    server.listen(options.port, host, () => {
      server.server.removeListener('error', onError);
      resolve();
    });
  });

  const address = server.server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('SMTP sink did not report a TCP address');
  }
  const port = address.port;
  const url = `smtp://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  logger.info({ host, port, storeDir }, 'SMTP sink listening; mail is kept in the development mailbox');

  function load(id: string): Promise<StoredMessage> {
    let entry = cache.get(id);
    if (!entry) {
      entry = fs
        .readFile(path.join(storeDir, `${id}.eml`))
        .then((raw) => simpleParser(raw, { skipTextToHtml: true, skipHtmlToText: true }))
        .then((parsed) => toStoredMessage(id, parsed));
      cache.set(id, entry);
      entry.catch(() => cache.delete(id));
    }
    return entry;
  }

  async function get(id: string): Promise<StoredMessage | null> {
    if (typeof id !== 'string' || !isMessageId(id)) return null;
    try {
      return await load(id);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async function list(): Promise<StoredMessage[]> {
    const ids = (await fs.readdir(storeDir))
      .filter((name) => MESSAGE_FILE_PATTERN.test(name))
      .map((name) => name.slice(0, -'.eml'.length))
      .sort()
      .reverse();
    const messages = await Promise.all(ids.map((id) => get(id)));
    return messages.filter((m): m is StoredMessage => m !== null);
  }

  let stopped = false;
  let stopping: Promise<void> | null = null;

  function waitFor(
    predicate: (m: StoredMessage) => boolean,
    waitOptions: { timeoutMs?: number; description?: string } = {},
  ): Promise<StoredMessage> {
    const timeoutMs = waitOptions.timeoutMs ?? DEFAULT_WAIT_MS;
    const what = waitOptions.description ?? `an email matching ${predicate.toString()}`;
    return new Promise<StoredMessage>((resolve, reject) => {
      let settled = false;
      let checking = false;
      let recheck = false;

      const finish = (error: Error | null, message?: StoredMessage): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(poll);
        events.removeListener('stored', check);
        events.removeListener('stopped', onStopped);
        if (error) reject(error);
        else resolve(message as StoredMessage);
      };

      async function check(): Promise<void> {
        if (settled) return;
        if (checking) {
          recheck = true;
          return;
        }
        checking = true;
        try {
          do {
            recheck = false;
            const match = (await list()).find((m) => predicate(m));
            if (match) return finish(null, match);
          } while (recheck && !settled);
        } catch (error) {
          finish(error instanceof Error ? error : new Error(String(error)));
        } finally {
          checking = false;
        }
      }

      async function onTimeout(): Promise<void> {
        let seen = '';
        try {
          const messages = await list();
          const recent = messages
            .slice(0, 5)
            .map((m) => `"${m.subject}" to ${m.to.join(', ') || '(no recipients)'}`)
            .join('; ');
          seen = messages.length === 0 ? ' The mailbox is empty.' : ` The mailbox holds ${messages.length} message(s); newest: ${recent}.`;
        } catch {
          // the summary is only a hint; the timeout is the error that matters
        }
        finish(new Error(`Timed out after ${timeoutMs} ms waiting for ${what} in the SMTP sink (${storeDir}).${seen}`));
      }

      const onStopped = (): void => finish(new Error(`The SMTP sink was stopped while waiting for ${what}`));
      const timer = setTimeout(() => void onTimeout(), timeoutMs);
      // Polling as well as listening picks up messages written by another sink sharing the same directory.
      const poll = setInterval(() => void check(), WAIT_POLL_MS);
      events.on('stored', check);
      events.once('stopped', onStopped);
      if (stopped) return onStopped();
      void check();
    });
  }

  function stop(): Promise<void> {
    if (!stopping) {
      stopped = true;
      stopping = (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.allSettled([...pendingWrites]);
        events.emit('stopped');
        logger.info({ host, port }, 'SMTP sink stopped');
      })();
    }
    return stopping;
  }

  return {
    host,
    port,
    url,
    list,
    get,
    waitFor,
    setRefusing: (value: boolean) => {
      refusing = value;
    },
    get refusedConnections() {
      return refusedConnections;
    },
    get refusedMessages() {
      return refusedMessages;
    },
    stop,
  };
}
