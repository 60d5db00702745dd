import { randomUUID } from 'node:crypto';
import { AuditEvent, CommandReceipt, Delegation, Recommendation } from '../../entities';
import { calendarDateInLondon } from '../../domain/calendar';
import { recordQuery, recommendationWorkflowId, type WorkflowRecord } from '../../workflows/messages';
import { addCast, apiClient, type ApiClient } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * Commands that race on one item, fired together many times over real HTTP, Temporal and PostgreSQL: exactly the
 * outcomes the lifecycle allows, never both of two that exclude each other, and the workflow and PostgreSQL agree
 * after every trial.
 */
describe('commands racing on one item', () => {
  const TRIALS = 50;
  let product: TestProduct;
  let api: ApiClient;
  let p: Awaited<ReturnType<typeof addCast<'admin' | 'owner' | 'owner2' | 'lead' | 'lead2' | 'dcc'>>>;

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'owner2', 'lead', 'lead2', 'dcc');
    api.actingAs(p.admin.id);
  });
  afterAll(async () => {
    await product?.stop();
  });

  /** Items waiting for the lead's approval (assigned, accepted, evidence submitted). */
  async function itemsAwaitingTheLead(count: number): Promise<string[]> {
    const ids = await api.createReport({
      title: `Race ${randomUUID().slice(0, 8)}`,
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: Array.from({ length: count }, (_, i) => ({ reference: String(i + 1), category: 2 })),
    });
    await Promise.all(
      ids.map(async (id) => {
        await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
        await api.command(id, { type: 'accept' }, p.owner.id);
        await api.command(id, { type: 'submitEvidence', summary: 'Audit of compliance attached' }, p.owner.id);
      }),
    );
    return ids;
  }

  const post = (id: string, command: Record<string, unknown>, as: string, headers: Record<string, string> = {}) =>
    api.call<{ version: number; status: string }>('POST', `/api/recommendations/${id}/commands`, command, as, headers);

  /** The workflow's record equals PostgreSQL's row, and every version the row went through has exactly one receipt. */
  async function expectOneTruth(id: string): Promise<void> {
    const row = await product.app.dataSource.manager.findOneByOrFail(Recommendation, { id });
    const record = await product.app.client.workflow.getHandle(recommendationWorkflowId(id)).query<WorkflowRecord, []>(recordQuery);
    expect({ version: record.version, state: record.state }).toEqual({ version: row.version, state: row.state });
    const receipts = await product.app.dataSource.manager.find(CommandReceipt, {
      where: { recommendationId: id },
      order: { versionAfter: 'ASC' },
    });
    expect(receipts.map((r) => r.versionAfter)).toEqual(Array.from({ length: row.version }, (_, i) => i + 1));
  }

  it(`lets only one of approve and reject by the same approver through (${TRIALS} trials)`, async () => {
    const ids = await itemsAwaitingTheLead(TRIALS);
    const outcomes = await Promise.all(
      ids.map(async (id) => {
        const [approve, reject] = await Promise.all([
          post(id, { type: 'approve' }, p.lead.id),
          post(id, { type: 'reject', reasons: 'No audit of compliance' }, p.lead.id),
        ]);
        return { id, statuses: [approve.status, reject.status].sort().join('/') };
      }),
    );
    expect(outcomes.filter((o) => o.statuses !== '200/409')).toEqual([]);
    for (const id of ids) {
      const decisions = await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: id, type: 'approval_rejected' });
      const approvals = await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: id, type: 'approval_given' });
      expect(decisions + approvals).toBe(1);
      await expectOneTruth(id);
    }
  });

  it(`lets only one of two approvers deciding the same step through (${TRIALS} trials)`, async () => {
    const today = calendarDateInLondon(Date.now());
    await product.app.dataSource.manager.save(Delegation, {
      fromPersonId: p.lead.id,
      toPersonId: p.lead2.id,
      startsOn: today,
      endsOn: '2099-12-31',
      reason: 'Covering leave',
    });
    try {
      const ids = await itemsAwaitingTheLead(TRIALS);
      const outcomes = await Promise.all(
        ids.map(async (id) => {
          const both = await Promise.all([
            post(id, { type: 'approve', comment: 'Lead' }, p.lead.id),
            post(id, { type: 'approve', comment: 'Delegate' }, p.lead2.id),
          ]);
          return both
            .map((r) => r.status)
            .sort()
            .join('/');
        }),
      );
      expect(outcomes.filter((o) => o !== '200/409')).toEqual([]);
      for (const id of ids) {
        expect(await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: id, type: 'approval_given' })).toBe(1);
        await expectOneTruth(id);
      }
    } finally {
      await product.app.dataSource.manager.delete(Delegation, { fromPersonId: p.lead.id });
    }
  });

  it(`applies one of three updates sent with the same If-Match and refuses the others with 412 (${TRIALS} trials)`, async () => {
    const ids = await api.createReport({
      title: `Updates ${randomUUID().slice(0, 8)}`,
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: Array.from({ length: TRIALS }, (_, i) => ({ reference: String(i + 1), category: 2 })),
    });
    await Promise.all(
      ids.map(async (id) => {
        await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
        await api.command(id, { type: 'accept' }, p.owner.id);
      }),
    );
    const outcomes = await Promise.all(
      ids.map(async (id) => {
        const three = await Promise.all(
          [1, 2, 3].map((n) => post(id, { type: 'postUpdate', text: `Update ${n}` }, p.owner.id, { 'if-match': '"2"' })),
        );
        return three
          .map((r) => r.status)
          .sort()
          .join('/');
      }),
    );
    expect(outcomes.filter((o) => o !== '200/412/412')).toEqual([]);
    for (const id of ids) {
      expect((await product.app.dataSource.manager.findOneByOrFail(Recommendation, { id })).version).toBe(3);
      expect(await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: id, type: 'progress_updated' })).toBe(1);
      await expectOneTruth(id);
    }
  });

  it(`applies a handover and a decision racing during approval in one order or the other, each once (${TRIALS} trials)`, async () => {
    const ids = await itemsAwaitingTheLead(TRIALS);
    const outcomes = await Promise.all(
      ids.map(async (id) => {
        const [handover, decision] = await Promise.all([
          post(id, { type: 'reassign', ownerId: p.owner2.id, reason: 'Moved to another department' }, p.admin.id),
          post(id, { type: 'approve' }, p.lead.id),
        ]);
        return { id, statuses: [handover.status, decision.status] };
      }),
    );
    for (const { id, statuses } of outcomes) {
      const row = await product.app.dataSource.manager.findOneByOrFail(Recommendation, { id });
      const accepted = statuses.filter((s) => s === 200).length;
      expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
      // Three commands to get here, then exactly one version for each command the API acknowledged.
      expect(row.version).toBe(3 + accepted);
      if (statuses[0] === 200) expect(row.ownerId).toBe(p.owner2.id);
      await expectOneTruth(id);
    }
  });

  it(`keeps every command when the reminder settings change at the same moment (${TRIALS} trials)`, async () => {
    const ids = await itemsAwaitingTheLead(TRIALS);
    const settings = (
      await api.call<{ policy: unknown; closedDays: string[]; committeeMeetings: string[] }>('GET', '/api/settings/reminders')
    ).body;
    for (const id of ids) {
      const [decision, saved] = await Promise.all([
        post(id, { type: 'approve' }, p.lead.id),
        api.call('PUT', '/api/settings/reminders', { policy: settings.policy }),
      ]);
      expect([decision.status, saved.status]).toEqual([200, 200]);
      await expectOneTruth(id);
    }
  }, 240_000);

  it('answers a retried request with the same Idempotency-Key as the first, without acting twice, and refuses the key for another request', async () => {
    const [id] = await itemsAwaitingTheLead(1);
    const key = randomUUID();
    const first = await post(id!, { type: 'approve', comment: 'Sound evidence' }, p.lead.id, { 'idempotency-key': key });
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotency-key')).toBe(key);
    // The item moves on in between; the retry still reports success and applies nothing.
    await api.command(id!, { type: 'approve' }, p.dcc.id);
    const retried = await post(id!, { type: 'approve', comment: 'Sound evidence' }, p.lead.id, { 'idempotency-key': key });
    expect(retried.status).toBe(200);
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: id!, type: 'approval_given' })).toBe(2);
    const reused = await post(id!, { type: 'postUpdate', text: 'Something else' }, p.owner.id, { 'idempotency-key': key });
    expect(reused.status).toBe(422);
    await expectOneTruth(id!);
  });
});
