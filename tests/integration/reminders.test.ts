import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { createMailer } from '../../platform/email/mailer';
import { defaultReminderPolicy, reminderPolicyWith } from '../../domain/reminders/policy';
import { AuditEvent, DigestEntry } from '../../entities';
import { nextNudgeQuery, recommendationWorkflowId } from '../../workflows/messages';
import { reminderDigestWorkflowId } from '../../workflows/reminderDigestWorkflow';
import { addPeople, apiClient, type ApiClient } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * Reminders and escalations on the real Temporal server, SMTP server and PostgreSQL, with a policy in seconds:
 * they live in the item's workflow timers, arrive in order, stop when the item moves on, and go out once.
 */
describe('reminders and escalations', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Awaited<ReturnType<typeof people>>;
  const people = (t: TestProduct) =>
    addPeople(t.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Ian Carrow', roles: ['action_owner'] },
      lead: { name: 'Joanna Merrick', roles: ['lead'] },
      dcc: { name: 'Simon Hartley', roles: ['dcc'] },
    });

  beforeAll(async () => {
    // The product's own digest round waits an hour, so that the digest test decides when a round runs.
    product = await startTestProduct({ digestEveryMs: 60 * 60_000 });
    api = apiClient(product);
    p = await people(product);
    api.actingAs(p.admin.id);
    const policy = reminderPolicyWith({ approvalChase: { duration: 'PT3S' }, approvalEscalation: { duration: 'PT6S' } });
    const saved = await api.call('PUT', '/api/settings/reminders', { policy });
    expect(saved.status).toBe(200);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const mails = async (to: string) => (await product.sink.list()).filter((m) => m.to.includes(to));

  async function awaitingLead(reference: string): Promise<string> {
    const [id] = await api.createReport({
      title: `Roads policing ${reference}`,
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference, category: 2 }],
    });
    await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
    await api.command(id!, { type: 'accept' }, p.owner.id);
    await api.command(id!, { type: 'submitEvidence', summary: 'Roads policing strategy published' }, p.owner.id);
    return id!;
  }

  it('chases a waiting approver, then escalates to the next level, once each and in order', async () => {
    const id = await awaitingLead('R1');
    const chase = await product.sink.waitFor(
      (m) => m.to.includes(p.lead.email) && m.subject.startsWith('Reminder: your approval is waiting'),
      { timeoutMs: 20_000 },
    );
    const escalation = await product.sink.waitFor((m) => m.to.includes(p.dcc.email) && m.subject.startsWith('Escalated to you'), {
      timeoutMs: 20_000,
    });
    expect(Date.parse(escalation.receivedAt)).toBeGreaterThan(Date.parse(chase.receivedAt));
    expect(chase.text).toContain(`/recommendations/${id}`);
    const trail = await product.app.dataSource.manager.find(AuditEvent, { where: { recommendationId: id }, order: { id: 'ASC' } });
    expect(trail.map((e) => e.type).filter((t) => t === 'approval_chase' || t === 'approval_escalation')).toEqual([
      'approval_chase',
      'approval_escalation',
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await mails(p.lead.email)).filter((m) => m.subject.startsWith('Reminder'))).toHaveLength(1);
  });

  it('stops chasing a step as soon as it is decided', async () => {
    const id = await awaitingLead('R2');
    await api.command(id, { type: 'approve' }, p.lead.id);
    // The DCC's own step opened now; the lead's chase is gone and the DCC's is next.
    const next = await eventually(
      () => product.app.client.workflow.getHandle(recommendationWorkflowId(id)).query(nextNudgeQuery),
      (n) => n?.kind === 'approval_chase' && n.key.includes(p.dcc.id),
    );
    expect(next!.key).not.toContain(p.lead.id);
    await api.command(id, { type: 'approve' }, p.dcc.id);
    await eventually(
      () => product.app.client.workflow.getHandle(recommendationWorkflowId(id)).query(nextNudgeQuery),
      (n) => n === null,
      { what: 'no nudge once all approvals are in' },
    );
    const chased = await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: id, type: 'approval_chase' });
    expect(chased).toBe(0);
  });

  it('moves the due-date reminders when an extension is approved', async () => {
    const [id] = await api.createReport({
      title: 'Extension report',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: 'E1', category: 2 }],
    });
    await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
    const handle = product.app.client.workflow.getHandle(recommendationWorkflowId(id!));
    const before = await eventually(
      () => handle.query(nextNudgeQuery),
      (n) => n !== null,
    );
    expect(before).toMatchObject({ kind: 'due_reminder' });
    expect(before!.key).toContain('2027-06-30');
    await api.command(id!, { type: 'accept' }, p.owner.id);
    await api.command(id!, { type: 'requestExtension', newDueDate: '2027-09-30', reason: 'Waiting for national guidance' }, p.owner.id);
    await api.command(id!, { type: 'decideExtension', approved: true }, p.lead.id);
    const after = await eventually(
      () => handle.query(nextNudgeQuery),
      (n) => n?.kind === 'due_reminder' && n.key.includes('2027-09-30'),
    );
    expect(after!.at > before!.at).toBe(true);
  });

  it("gathers one owner's routine reminders about several items into one digest email", async () => {
    const env = new MockActivityEnvironment();
    const activities = createActivities({
      dataSource: product.app.dataSource,
      mailer: createMailer(product.sink.url, 'Tracker <no-reply@tracker.test>'),
      links: { publicUrl: 'http://tracker.test', forceName: 'Test Constabulary' },
    });
    const owner = (await addPeople(product.app.dataSource, { digestOwner: { name: 'Derek Moorcroft', roles: ['action_owner'] } }))
      .digestOwner;
    const ids = await api.createReport({
      title: 'Proceeds of Crime Act',
      originator: 'Mazars',
      kind: 'internal_audit',
      recommendations: [
        { reference: 'A1', kind: 'action' },
        { reference: 'A2', kind: 'action' },
      ],
    });
    for (const id of ids) await api.command(id, { type: 'assign', ownerId: owner.id, leadId: p.lead.id, dueDate: '2027-03-31' });
    for (const [index, id] of ids.entries()) {
      const nudge = {
        at: '2027-03-24T08:00:00.000Z',
        kind: 'due_reminder' as const,
        recipients: 'owner' as const,
        key: `due:2027-03-31:-5wd:${index}`,
        dueDate: '2027-03-31',
      };
      const queued = (await env.run(activities.sendNudgeNow, { recommendationId: id, nudge, occurredAt: '2027-03-24T08:00:00.000Z' })) as {
        outboxIds: string[];
      };
      expect(queued.outboxIds).toEqual([]); // routine: it waits for the digest
      await env.run(activities.sendNudgeNow, { recommendationId: id, nudge, occurredAt: '2027-03-24T08:00:00.000Z' }); // a retry queues nothing twice
    }
    expect(await product.app.dataSource.manager.countBy(DigestEntry, { personId: owner.id })).toBe(2);
    // A round that ran between the two reminders would rightly send them apart; this one starts once both wait.
    const dispatcher = await product.app.client.workflow.start('reminderDigestWorkflow', {
      workflowId: `${reminderDigestWorkflowId(product.taskQueue)}-digest-test`,
      taskQueue: product.taskQueue,
      args: [{ everyMs: 500 }],
    });
    try {
      const digest = await product.sink.waitFor((m) => m.to.includes(owner.email) && m.subject.startsWith('Your daily reminders'), {
        timeoutMs: 20_000,
      });
      expect(digest.subject).toBe('Your daily reminders: 2 actions need your attention');
      expect(digest.text).toContain('Mazars Proceeds of Crime Act, action A1');
      expect(digest.text).toContain('Mazars Proceeds of Crime Act, action A2');
      await new Promise((r) => setTimeout(r, 3000));
      expect(await mails(owner.email)).toHaveLength(3); // two assignment emails and one digest
    } finally {
      await dispatcher.terminate('the digest test is over');
    }
  });

  it('lets each person choose daily, weekly or immediate reminders for themselves, and nobody else', async () => {
    const mine = await api.call<{ digestPreference: string }>(
      'PUT',
      `/api/people/${p.owner.id}/digest-preference`,
      { digestPreference: 'immediate' },
      p.owner.id,
    );
    expect(mine.status).toBe(200);
    expect(mine.body.digestPreference).toBe('immediate');
    const someoneElse = await api.call('PUT', `/api/people/${p.lead.id}/digest-preference`, { digestPreference: 'weekly' }, p.owner.id);
    expect(someoneElse.status).toBe(403);
    const nonsense = await api.call<{ errors: { field: string; message: string }[] }>(
      'PUT',
      `/api/people/${p.owner.id}/digest-preference`,
      { digestPreference: 'hourly' },
      p.owner.id,
    );
    expect(nonsense.body.errors).toEqual([{ field: 'body.digestPreference', message: 'must be immediate, daily or weekly' }]);
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { entityId: p.owner.id, type: 'digest_preference_changed' })).toBe(1);
  });

  it('refuses reminder settings that would not work, naming the problem', async () => {
    const bad = await api.call<{ detail: string }>('PUT', '/api/settings/reminders', {
      policy: { ...defaultReminderPolicy, sendTime: '25:00' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('send time');
  });
});
