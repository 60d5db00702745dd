import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { SMTPServer } from 'smtp-server';
import { createMailer } from '../../platform/email/mailer';
import { outboxSender, type UnsentEmail } from '../../activities/sendOutboundEmail';
import { OutboundEmail } from '../../entities';
import { addPeople, apiClient } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** Longer than a command waits for its own emails, shorter than the normal send's socket timeout. */
const ANSWER_DELAY_MS = 8_000;

/**
 * A mail server that takes seconds to accept each message: the commands still answer promptly, and every email
 * reaches the server exactly once, even though nobody waited for it the first time.
 */
describe('a slow mail server', () => {
  let product: TestProduct;
  let slow: SMTPServer;
  let smtpUrl: string;
  const sockets = new Set<Socket>();
  /** The Message-ID of every message the server received in full, in order (a duplicate shows up twice). */
  const received: string[] = [];

  beforeAll(async () => {
    slow = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push(/^Message-ID:\s*(\S+)/im.exec(Buffer.concat(chunks).toString('utf8'))?.[1] ?? '(none)');
          setTimeout(() => callback(), ANSWER_DELAY_MS);
        });
      },
    });
    slow.server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    smtpUrl = `smtp://127.0.0.1:${(slow.server.address() as { port: number }).port}`;
    product = await startTestProduct({ smtpUrl });
  });

  afterAll(async () => {
    await product?.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => slow.close(() => resolve()));
  });

  it('delivers each email once though no command waits for the server to answer', async () => {
    const api = apiClient(product);
    const p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Tom Ellery', roles: ['action_owner'] },
      lead: { name: 'Nadia Haskins', roles: ['lead'] },
    });
    const [id] = await api.createReport(
      { title: 'Slow relay report', originator: 'HMICFRS', kind: 'inspection', recommendations: [{ reference: '1', category: 2 }] },
      p.admin.id,
    );
    const started = Date.now();
    await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-05-31' }, p.admin.id);
    await api.command(id!, { type: 'accept' }, p.owner.id);
    await api.command(id!, { type: 'submitEvidence', summary: 'Policy published and training delivered' }, p.owner.id);
    // Each command answered without waiting for the server's answer to its emails.
    expect(Date.now() - started).toBeLessThan(3 * ANSWER_DELAY_MS);

    const rows = await eventually(
      () => product.app.dataSource.manager.find(OutboundEmail),
      (all) => all.length >= 3 && all.every((row) => row.status === 'sent'),
      { timeoutMs: 90_000, what: 'every email to be sent' },
    );
    await new Promise((r) => setTimeout(r, 1_000)); // a late second copy would arrive by now
    expect([...received].sort()).toEqual(rows.map((row) => `<${row.id}@tracker.test>`).sort());
    expect(received).toHaveLength(rows.length);
  }, 150_000);

  it('records a send nobody waits for any more before the mailer closes, leaving no rejection behind', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const mailer = createMailer(smtpUrl, 'Tracker <no-reply@tracker.test>');
      const sender = outboxSender(product.app.dataSource, mailer, 'tracker.test');
      const { id } = await product.app.dataSource.getRepository(OutboundEmail).save({
        transitionId: randomUUID(),
        template: 'shutdown-test',
        recipientId: randomUUID(),
        toAddress: 'someone@test.police.uk',
        recommendationId: null,
        subject: 'Sent while stopping',
        bodyText: 'x',
        bodyHtml: '<p>x</p>',
      });
      const waiting = (await new MockActivityEnvironment().run(() =>
        sender.sendPending([id], { quick: { until: Date.now() + 500 } }),
      )) as UnsentEmail[];
      expect(waiting).toEqual([{ id, reason: expect.stringContaining('still being sent') }]);

      await mailer.close(); // as a stopping worker does: the send in flight finishes and is recorded first
      expect(await product.app.dataSource.manager.findOneByOrFail(OutboundEmail, { id })).toMatchObject({
        status: 'sent',
        leaseUntil: null,
      });
      expect(received.filter((messageId) => messageId === `<${id}@tracker.test>`)).toHaveLength(1);
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  }, 60_000);
});
