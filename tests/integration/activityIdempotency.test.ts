import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { createMailer } from '../../activities/mailer';
import type { RecordTransitionResult } from '../../activities/recordTransition';
import { decide, type RecommendationState } from '../../domain/lifecycle';
import { AuditEvent, OutboundEmail, Person, Recommendation } from '../../entities';
import { tokenFor } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/** A retried activity must not write a second row nor send a second email. */
describe('activities are idempotent', () => {
  let product: TestProduct;
  let activities: ReturnType<typeof createActivities>;
  const env = new MockActivityEnvironment();

  beforeAll(async () => {
    product = await startTestProduct();
    activities = createActivities({
      dataSource: product.app.dataSource,
      mailer: createMailer(product.sink.url, 'Tracker <no-reply@tracker.test>'),
      links: { publicUrl: 'http://tracker.test', forceName: 'Test Constabulary' },
    });
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('records a transition once and sends its email once, however often each is retried', async () => {
    const people = product.app.dataSource.getRepository(Person);
    const owner = await people.save(people.create({ name: 'Ruth Adebayo', email: 'ruth.adebayo@test.police.uk', roles: ['action_owner'] }));
    const lead = await people.save(people.create({ name: 'Graham Osei', email: 'graham.osei@test.police.uk', roles: ['lead'] }));
    const admin = await people.save(people.create({ name: 'Priya Natarajan', email: 'priya.natarajan@test.police.uk', roles: ['administrator'] }));
    const created = await fetch(`${product.baseUrl}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(product, admin.id)}` },
      body: JSON.stringify({
        title: 'Shining a light on betrayal',
        originator: 'HMICFRS',
        kind: 'inspection',
        scope: 'national',
        publishedOn: '2019-09-01',
        recommendations: [{ reference: '4a', kind: 'recommendation', text: 'Forces should have enough people with the right skills to look proactively for intelligence.' }],
      }),
    });
    const id = ((await created.json()) as { recommendations: { id: string }[] }).recommendations[0]!.id;
    const before = (await product.app.dataSource.manager.findOneByOrFail(Recommendation, { id })).state as RecommendationState;
    const decision = decide(before, { type: 'assign', ownerId: owner.id, leadId: lead.id, dueDate: '2027-06-30' }, { actor: { personId: null, roles: ['administrator'] }, today: '2026-11-23' });
    if (!decision.accepted) throw new Error(decision.reason);

    const input = {
      transitionId: randomUUID(),
      recommendationId: id,
      actor: { personId: null, roles: ['administrator' as const] },
      actorLabel: 'Test',
      occurredAt: new Date().toISOString(),
      command: 'assign',
      before,
      after: decision.state,
      events: decision.events,
    };
    const first = (await env.run(activities.recordTransition, input)) as RecordTransitionResult;
    const retried = await env.run(activities.recordTransition, input);
    expect(retried).toEqual(first);
    expect(first.outboxIds).toHaveLength(2); // the owner's task and the lead's notice

    const manager = product.app.dataSource.manager;
    expect(await manager.countBy(AuditEvent, { recommendationId: id, type: 'owner_assigned' })).toBe(1);
    expect(await manager.countBy(OutboundEmail, { recommendationId: id })).toBe(2);
    expect((await manager.findOneByOrFail(Recommendation, { id })).version).toBe(1);

    for (const outboxId of [...first.outboxIds, ...first.outboxIds]) await env.run(activities.sendOutboundEmail, outboxId);
    await product.sink.waitFor((m) => m.to.includes('ruth.adebayo@test.police.uk'));
    await new Promise((r) => setTimeout(r, 300));
    expect((await product.sink.list()).filter((m) => m.to.includes('ruth.adebayo@test.police.uk'))).toHaveLength(1);
    expect((await product.sink.list()).filter((m) => m.to.includes('graham.osei@test.police.uk'))).toHaveLength(1);
    expect(await manager.countBy(AuditEvent, { recommendationId: id, type: 'email_sent' })).toBe(2);
  });

  it('records a refused address as failed, on the audit trail, without retrying', async () => {
    const outbox = await product.app.dataSource.getRepository(OutboundEmail).save({
      transitionId: randomUUID(),
      template: 'assignment',
      recipientId: randomUUID(),
      toAddress: 'nobody@tracker.test',
      recommendationId: null,
      subject: 'Undeliverable',
      bodyText: 'x',
      bodyHtml: '<p>x</p>',
    });
    const refusing = createActivities({
      dataSource: product.app.dataSource,
      mailer: {
        async send() {
          throw Object.assign(new Error('550 5.1.1 mailbox unavailable'), { responseCode: 550 });
        },
        async verify() {},
        close() {},
      },
      links: { publicUrl: 'http://tracker.test', forceName: 'Test Constabulary' },
    });
    await env.run(refusing.sendOutboundEmail, outbox.id);
    const row = await product.app.dataSource.manager.findOneByOrFail(OutboundEmail, { id: outbox.id });
    expect(row.status).toBe('failed');
    expect(row.lastError).toContain('mailbox unavailable');
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { entityId: outbox.id, type: 'email_failed' })).toBe(1);
  });
});
