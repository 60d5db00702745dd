import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { createMailer } from '../../platform/email/mailer';
import type { RecordTransitionOutcome } from '../../activities/recordTransition';
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
    const admin = await people.save(
      people.create({ name: 'Priya Natarajan', email: 'priya.natarajan@test.police.uk', roles: ['administrator'] }),
    );
    const created = await fetch(`${product.baseUrl}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(product, admin.id)}` },
      body: JSON.stringify({
        title: 'Shining a light on betrayal',
        originator: 'HMICFRS',
        kind: 'inspection',
        scope: 'national',
        publishedOn: '2019-09-01',
        recommendations: [
          {
            reference: '4a',
            kind: 'recommendation',
            text: 'Forces should have enough people with the right skills to look proactively for intelligence.',
          },
        ],
      }),
    });
    const id = ((await created.json()) as { recommendations: { id: string }[] }).recommendations[0]!.id;
    const before = (await product.app.dataSource.manager.findOneByOrFail(Recommendation, { id })).state as RecommendationState;
    const decision = decide(
      before,
      { type: 'assign', ownerId: owner.id, leadId: lead.id, dueDate: '2027-06-30' },
      { actor: { personId: null, roles: ['administrator'] }, today: '2026-11-23' },
    );
    if (!decision.accepted) throw new Error(decision.reason);

    const command = { type: 'assign' as const, ownerId: owner.id, leadId: lead.id, dueDate: '2027-06-30' };
    const input = {
      commandId: randomUUID(),
      recommendationId: id,
      expectedVersion: 0,
      actor: { personId: null, roles: ['administrator' as const] },
      actorLabel: 'Test',
      occurredAt: new Date().toISOString(),
      command,
      before,
      after: decision.state,
      events: decision.events,
    };
    const first = (await env.run(activities.recordTransition, input)) as RecordTransitionOutcome;
    if (first.outcome !== 'recorded') throw new Error(`expected the transition to be recorded, got ${first.outcome}`);
    expect(first.version).toBe(1);
    expect(first.outboxIds).toHaveLength(2); // the owner's task and the lead's notice
    // A retry (same key, same command) writes nothing and hands back the record as it is.
    const retried = (await env.run(activities.recordTransition, input)) as RecordTransitionOutcome;
    expect(retried).toMatchObject({ outcome: 'already_recorded', record: { version: 1, state: decision.state } });
    // Another command decided against the old version writes nothing: the record comes back to decide again.
    const stale = (await env.run(activities.recordTransition, { ...input, commandId: randomUUID() })) as RecordTransitionOutcome;
    expect(stale).toMatchObject({ outcome: 'version_moved', record: { version: 1, state: decision.state } });
    // The same key for a different command is never a silent no-op.
    const reused = (await env.run(activities.recordTransition, {
      ...input,
      expectedVersion: 1,
      command: { ...command, dueDate: '2027-07-31' },
    })) as RecordTransitionOutcome;
    expect(reused).toEqual({ outcome: 'key_reused', recordedType: 'assign' });

    const manager = product.app.dataSource.manager;
    expect(await manager.countBy(AuditEvent, { recommendationId: id, type: 'owner_assigned' })).toBe(1);
    expect(await manager.countBy(OutboundEmail, { recommendationId: id })).toBe(2);
    expect((await manager.findOneByOrFail(Recommendation, { id })).version).toBe(1);

    for (const outboxId of [...first.outboxIds, ...first.outboxIds]) await env.run(activities.sendOutboundEmails, [outboxId]);
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
    await env.run(refusing.sendOutboundEmails, [outbox.id]);
    const row = await product.app.dataSource.manager.findOneByOrFail(OutboundEmail, { id: outbox.id });
    expect(row.status).toBe('failed');
    expect(row.lastError).toContain('mailbox unavailable');
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { entityId: outbox.id, type: 'email_failed' })).toBe(1);
  });
});
