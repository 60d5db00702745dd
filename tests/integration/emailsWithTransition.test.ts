import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { OutboundEmail } from '../../entities';
import { startSmtpSink, type SmtpSink } from '../../dev/smtpSink';
import { recommendationWorkflowId } from '../../workflows/messages';
import { addPeople, apiClient } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * A command's emails go out as soon as its transition is recorded, before the command answers; when the mail server
 * cannot take them then, the command still answers, and the workflow's email activity sends them once it can.
 */

/** Activities the item's workflow has scheduled, by type. */
async function scheduledActivities(product: TestProduct, recommendationId: string): Promise<string[]> {
  const history = await product.app.client.workflow.getHandle(recommendationWorkflowId(recommendationId)).fetchHistory();
  return (history.events ?? []).flatMap((event) =>
    event.activityTaskScheduledEventAttributes ? [event.activityTaskScheduledEventAttributes.activityType?.name ?? ''] : [],
  );
}

async function assignOne(product: TestProduct): Promise<{ id: string; ownerEmail: string; leadEmail: string }> {
  const api = apiClient(product);
  const p = await addPeople(product.app.dataSource, {
    admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
    owner: { name: 'Tom Ellery', roles: ['action_owner'] },
    lead: { name: 'Nadia Haskins', roles: ['lead'] },
  });
  const [id] = await api.createReport(
    { title: 'Stalking and harassment', originator: 'HMICFRS', kind: 'inspection', recommendations: [{ reference: '1', category: 2 }] },
    p.admin.id,
  );
  await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-05-31' }, p.admin.id);
  return { id: id!, ownerEmail: p.owner.email, leadEmail: p.lead.email };
}

describe('emails sent with their transition', () => {
  let product: TestProduct;

  beforeAll(async () => {
    product = await startTestProduct();
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('has sent the owner and the lead their emails by the time the assignment answers, without an email activity', async () => {
    const { id, ownerEmail, leadEmail } = await assignOne(product);
    const rows = await product.app.dataSource.manager.findBy(OutboundEmail, { recommendationId: id });
    expect(rows.map((row) => [row.toAddress, row.status]).sort()).toEqual([
      [leadEmail, 'sent'],
      [ownerEmail, 'sent'],
    ]);
    const received = (await product.sink.list()).filter((m) => m.to.includes(ownerEmail) || m.to.includes(leadEmail));
    expect(received.map((m) => m.messageId).sort()).toEqual(rows.map((row) => `<${row.id}@tracker.test>`).sort());
    expect(await scheduledActivities(product, id)).toEqual([]);
  });
});

describe('emails whose mail server is not there when the command is recorded', () => {
  let product: TestProduct;
  let lateSink: SmtpSink | null = null;
  let port: number;
  const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-late-sink-'));

  beforeAll(async () => {
    // A port nobody listens on yet: connections are refused until the sink below starts on it.
    port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    product = await startTestProduct({ smtpUrl: `smtp://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await product?.stop();
    await lateSink?.stop();
    fs.rmSync(mailDir, { recursive: true, force: true });
  });

  it('answers the command, then the workflow sends them once the mail server is back', async () => {
    const started = Date.now();
    const { id, ownerEmail, leadEmail } = await assignOne(product);
    expect(Date.now() - started).toBeLessThan(15_000);
    const pending = await product.app.dataSource.manager.findBy(OutboundEmail, { recommendationId: id });
    expect(pending.map((row) => row.status)).toEqual(['pending', 'pending']);
    expect(pending.every((row) => row.attempts >= 1 && !!row.lastError)).toBe(true);

    lateSink = await startSmtpSink({ port, storeDir: mailDir });
    const rows = await eventually(
      () => product.app.dataSource.manager.findBy(OutboundEmail, { recommendationId: id }),
      (all) => all.every((row) => row.status === 'sent'),
      { timeoutMs: 60_000, what: 'the email activity to send both emails' },
    );
    const received = (await lateSink.list()).filter((m) => m.to.includes(ownerEmail) || m.to.includes(leadEmail));
    expect(received.map((m) => m.messageId).sort()).toEqual(rows.map((row) => `<${row.id}@tracker.test>`).sort());
    expect(await scheduledActivities(product, id)).toContain('sendOutboundEmails');
  }, 90_000);
});
