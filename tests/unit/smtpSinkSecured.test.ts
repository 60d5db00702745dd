import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { selfSignedCertificate, type Certificate } from '../../dev/selfSignedCertificate';
import { startSmtpSink, type SmtpSink } from '../../dev/smtpSink';

jest.setTimeout(30_000);

const USER = 'relay-user';
const PASSWORD = 'relay-password-1';
const MESSAGE = { from: 'tracker@example.police.uk', to: 'owner@example.police.uk', subject: 'Assigned', text: 'You own it.' };

/** The secured mode (dev/cluster.ts), as Exchange Online's client submission behaves: STARTTLS first, then AUTH. */
describe('SMTP sink with STARTTLS and AUTH required', () => {
  let dir: string;
  let certificate: Certificate;
  let sink: SmtpSink;

  const send = async (options: { user?: string; pass?: string; ignoreTLS?: boolean; trusted?: boolean }) => {
    const transport = nodemailer.createTransport({
      host: 'localhost',
      port: sink.port,
      secure: false,
      requireTLS: !options.ignoreTLS,
      ignoreTLS: options.ignoreTLS ?? false,
      ...(options.user ? { auth: { user: options.user, pass: options.pass ?? '' } } : {}),
      tls: options.trusted === false ? {} : { ca: certificate.cert },
    });
    try {
      return await transport.sendMail(MESSAGE);
    } finally {
      transport.close();
    }
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-secured-'));
    certificate = await selfSignedCertificate(path.join(dir, 'tls'));
    sink = await startSmtpSink({
      port: 0,
      storeDir: path.join(dir, 'mail'),
      secured: { key: certificate.key, cert: certificate.cert, user: USER, password: PASSWORD },
    });
  });

  afterAll(async () => {
    await sink.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes a message after STARTTLS and AUTH, with the certificate checked against the one made at start', async () => {
    const info = await send({ user: USER, pass: PASSWORD });
    const stored = await sink.waitFor((m) => m.messageId === info.messageId);
    expect(stored).toMatchObject({ subject: 'Assigned', to: ['owner@example.police.uk'] });
  });

  it('refuses a wrong password with 535', async () => {
    await expect(send({ user: USER, pass: 'wrong' })).rejects.toMatchObject({ responseCode: 535 });
  });

  it('refuses mail from a session that did not authenticate', async () => {
    await expect(send({})).rejects.toMatchObject({ responseCode: 530 });
  });

  it('refuses AUTH before STARTTLS, so the password never crosses in clear', async () => {
    await expect(send({ user: USER, pass: PASSWORD, ignoreTLS: true })).rejects.toThrow(/TLS|STARTTLS|secure/i);
  });

  it('is not trusted by a client that does not know its certificate', async () => {
    await expect(send({ user: USER, pass: PASSWORD, trusted: false })).rejects.toThrow(/self[- ]signed|certificate/i);
  });
});
