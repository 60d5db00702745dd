import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Mailer, OutgoingEmail } from '../../platform/email/mailer';
import { outboxSender, type UnsentEmail } from '../../activities/sendOutboundEmail';
import { OutboundEmail } from '../../entities';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** A mail server stand-in: each send waits until the test answers it, with acceptance or an error. */
function controlledMailer() {
  const sends: { email: OutgoingEmail; answer: (error?: Error) => void }[] = [];
  let arrived: () => void = () => {};
  const mailer: Mailer = {
    send: (email) =>
      new Promise<void>((resolve, reject) => {
        sends.push({ email, answer: (error) => (error ? reject(error) : resolve()) });
        arrived();
      }),
    async verify() {},
    close() {},
  };
  const nextSend = () => new Promise<void>((resolve) => (arrived = resolve));
  return { mailer, sends, nextSend };
}

const connectionLost = () => Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION', command: 'CONN' });
const connectionRefused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' });

/** Two senders (two workers, or an activity and its retry) on one outbox: a row is handed to the SMTP server by one at a time. */
describe('the outbox lease', () => {
  let product: TestProduct;
  const env = new MockActivityEnvironment();

  beforeAll(async () => {
    product = await startTestProduct();
  });
  afterAll(async () => {
    await product?.stop();
  });

  const queue = async () =>
    (
      await product.app.dataSource.getRepository(OutboundEmail).save({
        transitionId: randomUUID(),
        template: 'lease-test',
        recipientId: randomUUID(),
        toAddress: 'someone@test.police.uk',
        recommendationId: null,
        subject: 'Lease test',
        bodyText: 'x',
        bodyHtml: '<p>x</p>',
      })
    ).id;
  const row = (id: string) => product.app.dataSource.manager.findOneByOrFail(OutboundEmail, { id });
  const senders = () => {
    const first = controlledMailer();
    const second = controlledMailer();
    const sendWith = (m: ReturnType<typeof controlledMailer>) => {
      const sender = outboxSender(product.app.dataSource, m.mailer, 'tracker.test');
      return (ids: string[], options?: Parameters<typeof sender.sendPending>[1]) =>
        env.run(() => sender.sendPending(ids, options)) as Promise<UnsentEmail[]>;
    };
    return { first, second, sendFirst: sendWith(first), sendSecond: sendWith(second) };
  };

  it('does not let a second sender send a row the first is sending; afterwards the row is done with', async () => {
    const id = await queue();
    const { first, second, sendFirst, sendSecond } = senders();
    const arrived = first.nextSend();
    const firstDone = sendFirst([id]);
    await arrived; // the first sender holds the row and is talking to the server

    expect(await sendSecond([id])).toEqual([{ id, reason: 'being sent by another attempt' }]);
    expect(second.sends).toHaveLength(0);

    first.sends[0]!.answer();
    expect(await firstDone).toEqual([]);
    expect(await sendSecond([id])).toEqual([]);
    expect(second.sends).toHaveLength(0);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1, leaseUntil: null });
    expect(first.sends.map((s) => s.email.messageId)).toEqual([`<${id}@tracker.test>`]);
  });

  it('answers a waiting caller by its deadline and records the send when the server answers later', async () => {
    const id = await queue();
    const { first, second, sendFirst, sendSecond } = senders();
    const started = Date.now();
    expect(await sendFirst([id], { quick: { until: Date.now() + 300 } })).toEqual([
      { id, reason: expect.stringContaining('still being sent') },
    ]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await sendSecond([id])).toEqual([{ id, reason: 'being sent by another attempt' }]);

    first.sends[0]!.answer(); // nobody waits for this any more; the send still marks the row
    for (let tries = 0; (await row(id)).status !== 'sent' && tries < 50; tries++) await new Promise((r) => setTimeout(r, 100));
    expect(await row(id)).toMatchObject({ status: 'sent', leaseUntil: null });
    expect(await sendSecond([id])).toEqual([]);
    expect(second.sends).toHaveLength(0);
  });

  it('marks an email the server took as sent once PostgreSQL answers again, holding its claim meanwhile: never sent twice', async () => {
    const id = await queue();
    const m = controlledMailer();
    // The first writes of the outcome fail, as while PostgreSQL restarts.
    let failures = 3;
    const ds = product.app.dataSource;
    const restarting = new Proxy(ds, {
      get(target, property) {
        if (property === 'query')
          return (sql: string, parameters?: unknown[]) =>
            /SET status = \$2/.test(sql) && failures-- > 0
              ? Promise.reject(new Error('Connection terminated unexpectedly'))
              : target.query(sql, parameters);
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const sender = outboxSender(restarting, m.mailer, 'tracker.test');
    const arrived = m.nextSend();
    const done = env.run(() => sender.sendPending([id])) as Promise<UnsentEmail[]>;
    await arrived;
    m.sends[0]!.answer();
    // While the outcome waits to be written, the row stays claimed: another sender does not send it again.
    const { second, sendSecond } = senders();
    expect(await sendSecond([id])).toEqual([{ id, reason: 'being sent by another attempt' }]);
    expect(await done).toEqual([]);
    expect(failures).toBeLessThan(0);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1, leaseUntil: null });
    expect(await sendSecond([id])).toEqual([]);
    expect(second.sends).toHaveLength(0);
    expect(m.sends).toHaveLength(1);
  });

  it('lets another sender send at once when the server certainly did not take the message', async () => {
    const id = await queue();
    const { first, second, sendFirst, sendSecond } = senders();
    const arrived = first.nextSend();
    const firstDone = sendFirst([id]);
    await arrived;
    first.sends[0]!.answer(connectionRefused());
    expect(await firstDone).toEqual([{ id, reason: expect.stringContaining('ECONNREFUSED') }]);
    expect(await row(id)).toMatchObject({ status: 'pending', leaseUntil: null, attempts: 1 });

    const resent = second.nextSend();
    const secondDone = sendSecond([id]);
    await resent;
    second.sends[0]!.answer();
    expect(await secondDone).toEqual([]);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('keeps the claim after an unknown outcome, so the row is sent again only once the claim has run out', async () => {
    const id = await queue();
    const { first, second, sendFirst, sendSecond } = senders();
    const arrived = first.nextSend();
    const firstDone = sendFirst([id]);
    await arrived;
    first.sends[0]!.answer(connectionLost()); // the message may have reached the server
    expect(await firstDone).toEqual([{ id, reason: expect.stringContaining('Connection closed') }]);
    const held = await row(id);
    expect(held.status).toBe('pending');
    expect(held.leaseUntil!.getTime()).toBeGreaterThan(Date.now());

    expect(await sendSecond([id])).toEqual([{ id, reason: 'being sent by another attempt' }]);
    expect(second.sends).toHaveLength(0);

    await product.app.dataSource.query(`UPDATE outbound_emails SET lease_until = now() - interval '1 second' WHERE id = $1`, [id]);
    const resent = second.nextSend();
    const secondDone = sendSecond([id]);
    await resent;
    second.sends[0]!.answer();
    expect(await secondDone).toEqual([]);
    expect(await row(id)).toMatchObject({ status: 'sent', leaseUntil: null });
    expect([...first.sends, ...second.sends].map((s) => s.email.messageId)).toEqual([`<${id}@tracker.test>`, `<${id}@tracker.test>`]);
  });

  it('sends a row to one of two senders that ask at the same moment', async () => {
    const id = await queue();
    const { first, second, sendFirst, sendSecond } = senders();
    const both = Promise.all([sendFirst([id]), sendSecond([id])]);
    await new Promise((r) => setTimeout(r, 500));
    expect(first.sends.length + second.sends.length).toBe(1);
    [...first.sends, ...second.sends][0]!.answer();
    const [a, b] = await both;
    expect([...a, ...b]).toEqual([{ id, reason: 'being sent by another attempt' }]);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1 });
  });
});
