import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { createMailer } from '../../platform/email/mailer';
import type { RecordTransitionOutcome } from '../../activities/recordTransition';
import { calendarDateInLondon } from '../../domain/calendar';
import { decide, type LifecycleCommand } from '../../domain/lifecycle';
import { AuditEvent, OutboundEmail, Person, Recommendation } from '../../entities';
import { eventually } from '../support/eventually';
import { commandUpdate, recordQuery, recommendationWorkflowId, type WorkflowRecord } from '../../workflows/messages';
import { addCast, apiClient, type ApiClient } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * A crash can lose the workflow task that ran a command after its transaction committed: PostgreSQL has the
 * transition, the workflow's history does not. Here that is done on purpose (the recording activity run on its own,
 * as the lost task did), then the item is used as people would use it. The workflow must follow PostgreSQL.
 */
describe('a workflow task lost after its transition was recorded', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Awaited<ReturnType<typeof addCast<'admin' | 'owner' | 'lead' | 'dcc' | 'liaison'>>>;
  let activities: ReturnType<typeof createActivities>;
  const env = new MockActivityEnvironment();

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead', 'dcc', 'liaison');
    api.actingAs(p.admin.id);
    activities = createActivities({
      dataSource: product.app.dataSource,
      mailer: createMailer(product.sink.url, 'Tracker <no-reply@tracker.test>'),
      links: { publicUrl: 'http://tracker.test', forceName: 'Test Constabulary' },
    });
  });
  afterAll(async () => {
    await product?.stop();
  });

  const row = (id: string) => product.app.dataSource.manager.findOneByOrFail(Recommendation, { id });
  const workflowRecord = (id: string) =>
    product.app.client.workflow.getHandle(recommendationWorkflowId(id)).query<WorkflowRecord, []>(recordQuery);

  async function itemAwaitingSelfCertification(category: 2 | 3): Promise<string> {
    const [id] = await api.createReport({
      title: `Lost task ${randomUUID().slice(0, 6)}`,
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1', category }],
    });
    await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
    await api.command(id!, { type: 'accept' }, p.owner.id);
    await api.command(id!, { type: 'submitEvidence', summary: 'Audit attached' }, p.owner.id);
    await api.command(id!, { type: 'approve' }, p.lead.id);
    await api.command(id!, { type: 'approve' }, p.dcc.id);
    return id!;
  }

  /** Records `command` in PostgreSQL as a lost workflow task would have: committed, and unknown to the workflow. */
  async function recordBehindTheWorkflowsBack(id: string, command: LifecycleCommand, by: Person): Promise<string> {
    const current = await row(id);
    const everyone = await product.app.dataSource.manager.find(Person);
    const decision = decide(current.state, command, {
      actor: { personId: by.id, roles: by.roles },
      today: calendarDateInLondon(Date.now()),
      now: new Date().toISOString(),
      directory: { people: everyone.map((x) => ({ id: x.id, name: x.name, roles: x.roles, active: x.active })), delegations: [] },
    });
    if (!decision.accepted) throw new Error(decision.reason);
    const commandId = randomUUID();
    const outcome = (await env.run(activities.recordTransition, {
      commandId,
      recommendationId: id,
      expectedVersion: current.version,
      actor: { personId: by.id, roles: by.roles },
      actorLabel: by.name,
      occurredAt: new Date().toISOString(),
      command,
      before: current.state,
      after: decision.state,
      events: decision.events,
    })) as RecordTransitionOutcome;
    expect(outcome.outcome).toBe('recorded');
    expect((await workflowRecord(id)).version).toBe(current.version); // the workflow did not see it
    return commandId;
  }

  async function expectOneTruth(id: string): Promise<void> {
    const [recorded, record] = await Promise.all([row(id), workflowRecord(id)]);
    expect({ version: record.version, state: record.state }).toEqual({ version: recorded.version, state: recorded.state });
  }

  it('decides the next command against what PostgreSQL holds, not the stale workflow state', async () => {
    const id = await itemAwaitingSelfCertification(2);
    await recordBehindTheWorkflowsBack(id, { type: 'selfCertify', signatory: 'DCC Simon Hartley' }, p.dcc);
    expect((await row(id)).status).toBe('closed');
    // The page (from PostgreSQL) shows it closed and offers reopening: the workflow must agree and accept it.
    const reopened = await api.call<{ status: string }>(
      'POST',
      `/api/recommendations/${id}/commands`,
      { type: 'reopen', reason: 'Audit found gaps' },
      p.admin.id,
    );
    expect(reopened.status).toBe(200);
    expect(reopened.body.status).toBe('reopened');
    await expectOneTruth(id);
  });

  it('refuses, with the true reason, a command PostgreSQL shows is no longer possible, and changes nothing', async () => {
    const id = await itemAwaitingSelfCertification(3);
    await api.command(id, { type: 'selfCertify', signatory: 'DCC Simon Hartley' }, p.dcc.id);
    await api.command(id, { type: 'submitToHmicfrs' }, p.liaison.id);
    await recordBehindTheWorkflowsBack(id, { type: 'recordHmicfrsResponse', outcome: 'signed_off' }, p.liaison);
    const closed = await row(id);
    expect(closed.status).toBe('closed');
    const events = await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: id });

    const late = await api.call<{ detail: string }>(
      'POST',
      `/api/recommendations/${id}/commands`,
      { type: 'recordHmicfrsResponse', outcome: 'reality_test', reasons: 'x' },
      p.liaison.id,
    );
    expect(late.status).toBe(409);
    expect(late.body.detail).toMatch(/closed/i);
    expect((await row(id)).version).toBe(closed.version);
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: id })).toBe(events);
    await expectOneTruth(id);
  });

  it('answers the retried command (same key) with what was recorded, whether the retry comes through the api or Temporal', async () => {
    const id = await itemAwaitingSelfCertification(2);
    const before = await row(id);
    const command: LifecycleCommand = { type: 'selfCertify', signatory: 'DCC Simon Hartley' };
    const key = await recordBehindTheWorkflowsBack(id, command, p.dcc);

    // Temporal's client retrying the same update after the server came back: the workflow adopts the record.
    const result = await product.app.client.workflow.getHandle(recommendationWorkflowId(id)).executeUpdate(commandUpdate, {
      updateId: key,
      args: [
        {
          commandId: key,
          recordedVersion: before.version,
          command,
          actor: { personId: p.dcc.id, roles: p.dcc.roles },
          actorLabel: p.dcc.name,
        },
      ],
    });
    expect(result.version).toBe(before.version + 1);
    expect(result.state.status).toBe('closed');
    await expectOneTruth(id);

    // The client retrying over HTTP: 200, and still one letter.
    const retried = await api.call('POST', `/api/recommendations/${id}/commands`, command, p.dcc.id, { 'idempotency-key': key });
    expect(retried.status).toBe(200);
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: id, type: 'self_certified' })).toBe(1);
    expect((await row(id)).version).toBe(before.version + 1);
  });

  it('brings the workflow along when only the client retries (Temporal lost the update with its server)', async () => {
    const id = await itemAwaitingSelfCertification(2);
    const before = await row(id);
    const command: LifecycleCommand = { type: 'selfCertify', signatory: 'DCC Simon Hartley' };
    const key = await recordBehindTheWorkflowsBack(id, command, p.dcc);

    const retried = await api.call<{ status: string }>('POST', `/api/recommendations/${id}/commands`, command, p.dcc.id, {
      'idempotency-key': key,
    });
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('closed');
    await expectOneTruth(id);
    // The transition's emails, queued by the lost task, go out once the workflow has caught up.
    await eventually(
      () => product.app.dataSource.manager.countBy(OutboundEmail, { recommendationId: id, status: 'pending' }),
      (pending) => pending === 0,
      { what: 'the emails of the recorded transition sent' },
    );
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: id, type: 'self_certified' })).toBe(1);
    expect((await row(id)).version).toBe(before.version + 1);
  });

  it('is caught up by the periodic consistency check when nobody retries', async () => {
    const id = await itemAwaitingSelfCertification(3);
    await recordBehindTheWorkflowsBack(id, { type: 'selfCertify', signatory: 'DCC Simon Hartley' }, p.dcc);
    const report = await product.app.services.consistency.check({ heal: false, healBehind: true });
    expect(report.differences.find((d) => d.recommendationId === id)).toMatchObject({ class: 'workflow_behind', healed: true });
    await expectOneTruth(id);
  });

  it('answers success when Temporal re-sends an update the workflow already recorded and now refuses', async () => {
    const id = await itemAwaitingSelfCertification(2);
    const gateway = product.app.services.recommendations['workflows'];
    const real = gateway.command.bind(gateway);
    // The first delivery is recorded, but its answer is lost (here: delivered under another update id); the copy
    // arrives after the workflow has moved on, so the lifecycle refuses it.
    gateway.command = async (recommendationId, current, request) => {
      await product.app.client.workflow
        .getHandle(recommendationWorkflowId(recommendationId))
        .executeUpdate(commandUpdate, { updateId: randomUUID(), args: [request] });
      return real(recommendationId, current, request);
    };
    try {
      const answer = await api.call<{ status: string }>(
        'POST',
        `/api/recommendations/${id}/commands`,
        { type: 'selfCertify', signatory: 'DCC Simon Hartley' },
        p.dcc.id,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe('closed');
    } finally {
      gateway.command = real;
    }
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: id, type: 'self_certified' })).toBe(1);
    await expectOneTruth(id);
  });
});
