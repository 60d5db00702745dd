import { randomUUID } from 'node:crypto';
import { AuditEvent, OutboundEmail } from '../../entities';
import { EMAIL_BATCH_QUIET_SECONDS } from '../../entities/emailBatches';
import { SYSTEM_ACTOR } from '../../platform/http/actor';
import { addPeople, apiClient, type ApiClient } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * Bulk actions send each item its own lifecycle command (its workflow decides, its audit trail records), keyed by the
 * bulk request and the item; the emails of one bulk action go one per person and kind, listing the items.
 */
interface Outcomes {
  bulkId: string;
  items: { id: string; name: string; outcome: 'done' | 'refused'; detail: string }[];
}

describe('bulk actions', () => {
  let product: TestProduct;
  let api: ApiClient;
  let people: Awaited<ReturnType<typeof addPeople<'admin' | 'owner' | 'lead' | 'otherOwner'>>>;

  beforeAll(async () => {
    product = await startTestProduct();
    api = apiClient(product);
    people = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Tom Ellery', roles: ['action_owner'] },
      lead: { name: 'Nadia Haskins', roles: ['lead'] },
      otherOwner: { name: 'Priya Kaur', roles: ['action_owner'] },
    });
    api.actingAs(people.admin.id);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const bulk = (body: unknown) => api.call<Outcomes>('POST', '/api/bulk-actions', body);

  it('assigns three items, one of them refused with the reason, and a retry of the same request changes nothing twice', async () => {
    const [a, b, c] = await api.createReport({
      title: 'Custody',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1' }, { reference: '2' }, { reference: '3' }],
    });
    // The third is not for the force: assigning it is not available in that state.
    await api.command(c!, { type: 'markNotForTheForce', reason: 'Addressed to the Home Office' });
    const request = {
      bulkId: randomUUID(),
      action: { kind: 'assign', ownerId: people.owner.id, leadId: people.lead.id, dueDate: '2027-06-30' },
      items: [a, b, c].map((id) => ({ id })),
    };

    const first = await bulk(request);
    expect(first.status).toBe(200);
    expect(first.body.items.map((i) => [i.id, i.outcome])).toEqual([
      [a, 'done'],
      [b, 'done'],
      [c, 'refused'],
    ]);
    expect(first.body.items[2]!.detail).toMatch(/not for the force/i);
    for (const id of [a, b]) {
      const view = await api.get(id!);
      expect([view.status, view.owner?.id, view.lead?.id, view.dueDate]).toEqual([
        'assigned',
        people.owner.id,
        people.lead.id,
        '2027-06-30',
      ]);
    }
    expect((await api.get(c!)).status).toBe('not_for_the_force');

    const versions = await Promise.all([a, b].map(async (id) => (await api.get(id!)).version));
    const again = await bulk(request);
    expect(again.body.items.map((i) => i.outcome)).toEqual(['done', 'done', 'refused']);
    expect(await Promise.all([a, b].map(async (id) => (await api.get(id!)).version))).toEqual(versions);
    const assigned = await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: a!, type: 'owner_assigned' });
    expect(assigned).toBe(1);
  });

  it('reports bad input naming the field, and sends nothing', async () => {
    const [a] = await api.createReport({
      title: 'Vetting',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '1' }],
    });
    const response = await api.call<{ errors: { field: string; message: string }[] }>('POST', '/api/bulk-actions', {
      bulkId: randomUUID(),
      action: { kind: 'assign', ownerId: people.owner.id, leadId: people.owner.id },
      items: [{ id: a }],
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ field: 'body.action.leadId', message: 'the lead must be someone other than the owner' }),
    ]);
    expect((await api.get(a!)).status).toBe('logged');
  });

  it('sends an owner assigned three items together one email listing the three, and the lead one too', async () => {
    const [x, y, z] = await api.createReport({
      title: 'Stalking and harassment',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '4' }, { reference: '5' }, { reference: '6' }],
    });
    const request = {
      bulkId: randomUUID(),
      action: { kind: 'assign', ownerId: people.otherOwner.id, leadId: people.lead.id, dueDate: '2027-03-31' },
      items: [x, y, z].map((id) => ({ id })),
    };
    const response = await bulk(request);
    expect(response.body.items.map((i) => i.outcome)).toEqual(['done', 'done', 'done']);

    const ownerMail = await eventually(
      async () => (await product.sink.list()).filter((m) => m.to.includes(people.otherOwner.email)),
      (messages) => messages.length > 0,
      { what: "the owner's email", timeoutMs: 30_000 },
    );
    const rows = await product.app.dataSource.manager.findBy(OutboundEmail, { batchId: `bulk:${request.bulkId}` });
    await eventually(
      async () => product.app.dataSource.manager.findBy(OutboundEmail, { batchId: `bulk:${request.bulkId}` }),
      (now) => now.every((row) => row.status === 'sent'),
      { what: 'every row of the batch sent' },
    );
    expect(rows.filter((row) => row.toAddress === people.otherOwner.email)).toHaveLength(3);
    // Give any stray second email time to arrive before counting.
    await new Promise((r) => setTimeout(r, 1500));
    const toOwner = (await product.sink.list()).filter((m) => m.to.includes(people.otherOwner.email));
    expect(toOwner).toHaveLength(1);
    expect(ownerMail[0]!.subject).toBe('3 actions assigned to you');
    for (const reference of ['recommendation 4', 'recommendation 5', 'recommendation 6']) expect(toOwner[0]!.text).toContain(reference);
    for (const id of [x, y, z]) expect(toOwner[0]!.text).toContain(`/recommendations/${id}`);
    const toLead = (await product.sink.list()).filter(
      (m) => m.to.includes(people.lead.email) && m.subject === 'You are the lead for 3 items',
    );
    expect(toLead).toHaveLength(1);
    // Each item's audit trail says its email was sent.
    for (const id of [x, y, z])
      expect(await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: id!, type: 'email_sent' })).toBe(2);
  });

  it('sends a batch whose runner never closed it once it has been quiet for its window, still one email per person', async () => {
    const [x, y] = await api.createReport({
      title: 'Domestic abuse',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '7' }, { reference: '8' }],
    });
    const emailBatch = `test-unclosed:${randomUUID()}`;
    for (const id of [x, y]) {
      await product.app.services.recommendations.assign(
        id!,
        { ownerId: people.owner.id, leadId: people.lead.id, dueDate: '2027-08-31' },
        SYSTEM_ACTOR,
        { emailBatch },
      );
    }
    const held = await product.app.dataSource.manager.findBy(OutboundEmail, { batchId: emailBatch });
    expect(held.map((row) => row.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
    const sent = await eventually(
      async () => product.app.dataSource.manager.findBy(OutboundEmail, { batchId: emailBatch }),
      (rows) => rows.every((row) => row.status === 'sent'),
      { what: 'the unclosed batch sent', timeoutMs: EMAIL_BATCH_QUIET_SECONDS * 1000 + 30_000 },
    );
    expect(
      Math.min(...sent.map((row) => row.sentAt!.getTime())) - Math.max(...held.map((row) => row.createdAt.getTime())),
    ).toBeGreaterThanOrEqual((EMAIL_BATCH_QUIET_SECONDS - 1) * 1000);
    const toOwner = (await product.sink.list()).filter(
      (m) => m.to.includes(people.owner.email) && m.text.includes(`/recommendations/${x}`),
    );
    expect(toOwner.map((m) => m.subject)).toEqual(['2 actions assigned to you']);
    expect(toOwner[0]!.text).toContain(`/recommendations/${y}`);
  }, 90_000);

  it('still sends a single assignment its own email at once', async () => {
    const [one] = await api.createReport({
      title: 'Firearms licensing',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '9' }],
    });
    await api.command(one!, { type: 'assign', ownerId: people.otherOwner.id, leadId: people.lead.id, dueDate: '2027-04-30' });
    const rows = await product.app.dataSource.manager.findBy(OutboundEmail, { recommendationId: one! });
    expect(rows.map((row) => [row.batchId, row.status])).toEqual([
      [null, 'sent'],
      [null, 'sent'],
    ]);
  });
});
