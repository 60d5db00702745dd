import { randomUUID } from 'node:crypto';
import type { Mailer, OutgoingEmail } from '../../platform/email/mailer';
import { outboxSender } from '../../activities/sendOutboundEmail';
import { sweepOutbox } from '../../activities/outboxSweep';
import { OutboundEmail } from '../../entities';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** Emails nobody is sending any more (the first try found the mail server away, a comment's) go out once, from the sweep. */
describe('the outbox sweep', () => {
  let product: TestProduct;
  const sent: OutgoingEmail[] = [];
  const mailer: Mailer = {
    send: async (email) => {
      sent.push(email);
    },
    async verify() {},
    close() {},
  };

  beforeAll(async () => {
    product = await startTestProduct();
  });
  afterAll(async () => {
    await product?.stop();
  });

  const queue = async (ageMinutes: number, leaseMinutes: number | null = null) => {
    const id = (
      await product.app.dataSource.getRepository(OutboundEmail).save({
        transitionId: randomUUID(),
        template: 'sweep-test',
        recipientId: randomUUID(),
        toAddress: 'someone@test.police.uk',
        recommendationId: null,
        subject: 'Sweep test',
        bodyText: 'x',
        bodyHtml: '<p>x</p>',
      })
    ).id;
    await product.app.dataSource.query(
      `UPDATE outbound_emails SET created_at = now() - make_interval(mins => $2), lease_until = CASE WHEN $3::int IS NULL THEN NULL ELSE now() + make_interval(mins => $3::int) END WHERE id = $1`,
      [id, ageMinutes, leaseMinutes],
    );
    return id;
  };
  const status = async (id: string) => (await product.app.dataSource.manager.findOneByOrFail(OutboundEmail, { id })).status;

  it('sends an email left pending, once; leaves a fresh one to its sender and one another sender holds', async () => {
    const left = await queue(10);
    const fresh = await queue(0);
    const held = await queue(10, 5);
    const sender = outboxSender(product.app.dataSource, mailer, 'tracker.test');

    const first = await sweepOutbox(product.app.dataSource, sender);
    expect(first.sent).toBeGreaterThanOrEqual(1);
    expect(sent.filter((e) => e.messageId === `<${left}@tracker.test>`)).toHaveLength(1);
    expect(await status(left)).toBe('sent');
    expect(await status(fresh)).toBe('pending');
    expect(await status(held)).toBe('pending');

    await sweepOutbox(product.app.dataSource, sender);
    expect(sent.filter((e) => e.messageId === `<${left}@tracker.test>`)).toHaveLength(1);
    expect(sent.some((e) => e.messageId === `<${fresh}@tracker.test>` || e.messageId === `<${held}@tracker.test>`)).toBe(false);
  });
});
