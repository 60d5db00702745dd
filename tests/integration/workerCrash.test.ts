import type { Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { AuditEvent, OutboundEmail } from '../../entities';
import { addPeople, apiClient } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * The worker stops in the middle of sending an email (the mail server has the message but has not accepted it);
 * another worker takes over. Every email still arrives, exactly once, and is on the audit trail once.
 */
describe('a worker that stops mid-send', () => {
  let product: TestProduct;
  let stalling: SMTPServer;
  const sockets = new Set<Socket>();
  let receivingData: () => void;
  const dataStarted = new Promise<void>((resolve) => (receivingData = resolve));

  beforeAll(async () => {
    // A real SMTP server that takes the message and never answers, as a mail relay would while the worker dies.
    stalling = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      onConnect(session, callback) {
        callback();
      },
      onData(stream) {
        receivingData();
        stream.resume(); // read it all, answer never
      },
    });
    stalling.server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    const port = (stalling.server.address() as { port: number }).port;
    product = await startTestProduct({ smtpUrl: `smtp://127.0.0.1:${port}` });
  });

  afterAll(async () => {
    await product?.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => stalling.close(() => resolve()));
  });

  it('sends every email exactly once after another worker takes over', async () => {
    const api = apiClient(product);
    const p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Tom Ellery', roles: ['action_owner'] },
      lead: { name: 'Nadia Haskins', roles: ['lead'] },
    });
    const [id] = await api.createReport(
      { title: 'Crash report', originator: 'HMICFRS', kind: 'inspection', recommendations: [{ reference: '1', category: 2 }] },
      p.admin.id,
    );
    await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-05-31' }, p.admin.id);
    await dataStarted; // the first worker is inside an SMTP transaction now

    const second = await product.startAnotherInstance();
    const stopping = product.app.stop(); // the first worker goes away…
    for (const socket of sockets) socket.destroy(); // …taking its half-sent message with it
    await new Promise<void>((resolve) => stalling.close(() => resolve()));
    await stopping;

    const rows = await eventually(
      () => second.dataSource.manager.findBy(OutboundEmail, { recommendationId: id! }),
      (all) => all.length === 2 && all.every((row) => row.status === 'sent'),
      { timeoutMs: 50_000, what: 'both emails to be sent by the second worker' },
    );
    await new Promise((r) => setTimeout(r, 1000));
    const received = (await product.sink.list()).filter(
      (m) => m.to.includes('tom.ellery@test.police.uk') || m.to.includes('nadia.haskins@test.police.uk'),
    );
    expect(received.map((m) => m.messageId).sort()).toEqual(rows.map((row) => `<${row.id}@tracker.test>`).sort());
    expect(await second.dataSource.manager.countBy(AuditEvent, { recommendationId: id!, type: 'email_sent' })).toBe(2);
  });
});
