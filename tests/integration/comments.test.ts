import { AuditEvent, Comment, type Person } from '../../entities';
import { addCast, apiClient, type ApiClient, type Problem } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

interface Entry {
  id: string;
  kind: string;
  by: string;
  heading: string | null;
  text: string;
  notified: string[];
}

/**
 * Comments on an item over the API: participants post, the people they name are emailed once through the outbox,
 * bad input is refused naming the field, and the lifecycle's rejection and refusal reasons appear in the thread.
 */
describe('comments on an item', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'owner2' | 'lead' | 'dcc' | 'liaison' | 'viewer', Person>;
  let id: string;

  beforeAll(async () => {
    product = await startTestProduct({ digestEveryMs: 60 * 60_000 });
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'owner2', 'lead', 'dcc', 'liaison', 'viewer');
    api = apiClient(product);
    api.actingAs(p.admin.id);
    [id] = (await api.createReport({
      title: 'Vetting and misconduct',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '5', category: 2 }],
    })) as [string];
    await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' });
    await api.command(id, { type: 'accept' }, p.owner.id);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const post = (body: unknown, as: string, key?: string) =>
    api.call<Entry & Problem>('POST', `/api/recommendations/${id}/comments`, body, as, key ? { 'idempotency-key': key } : {});
  const thread = async () =>
    (
      await api.call<{ items: Entry[]; participants: { id: string }[] }>(
        'GET',
        `/api/recommendations/${id}/comments`,
        undefined,
        p.viewer.id,
      )
    ).body;
  const mailsTo = async (email: string, subject: string) =>
    (await product.sink.list()).filter((m) => m.to.includes(email) && m.subject.startsWith(subject));

  it('emails the person chosen to notify once, however often the same comment is sent with its key', async () => {
    const body = { text: 'The vetting backlog is cleared; the last files go to the unit this week.', notify: [p.lead.id] };
    const first = await post(body, p.owner.id, 'comment-key-0001');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'comment', by: p.owner.name, text: body.text, notified: [p.lead.name] });
    const again = await post(body, p.owner.id, 'comment-key-0001');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const mail = await product.sink.waitFor(
      (m) => m.to.includes(p.lead.email) && m.subject.startsWith(`${p.owner.name} commented on Recommendation 5`),
      { timeoutMs: 10_000 },
    );
    expect(mail.text).toContain(body.text);
    expect(mail.text).toContain(`http://tracker.test/recommendations/${id}?tab=comments#comments`);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await mailsTo(p.lead.email, `${p.owner.name} commented`)).toHaveLength(1);
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { recommendationId: id, type: 'comment_added' })).toBe(1);
    expect((await thread()).items.map((e) => e.text)).toEqual([body.text]);

    const reused = await post({ text: 'Something else' }, p.owner.id, 'comment-key-0001');
    expect(reused.status).toBe(422);
  });

  it('tells someone @mentioned by email, even outside the Notify list', async () => {
    const posted = await post({ text: `@${p.dcc.email} the DCC may want to see this before the board.` }, p.lead.id);
    expect(posted.status).toBe(201);
    expect(posted.body.notified).toEqual([p.dcc.name]);
    await product.sink.waitFor((m) => m.to.includes(p.dcc.email) && m.subject.startsWith(`${p.lead.name} commented on Recommendation 5`), {
      timeoutMs: 10_000,
    });
  });

  it('refuses an empty, too long or wrongly addressed comment, naming the field, and writes nothing', async () => {
    const before = await product.app.dataSource.manager.countBy(Comment, { recommendationId: id });
    const empty = await post({ text: '   ' }, p.owner.id);
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([{ field: 'body.text', message: 'must not be empty: write the comment' }]);
    const long = await post({ text: 'x'.repeat(2001) }, p.owner.id);
    expect(long.body.errors).toEqual([{ field: 'body.text', message: 'must be at most 2,000 characters (it has 2,001)' }]);
    const stranger = await post({ text: 'Have a look', notify: [p.owner2.id] }, p.owner.id);
    expect(stranger.body.errors).toEqual([
      { field: 'body.notify[0]', message: 'must be someone taking part in the item (one of the Notify list)' },
    ]);
    const unknown = await post({ text: 'Ask @nobody@test.police.uk' }, p.owner.id);
    expect(unknown.body.errors).toEqual([
      { field: 'body.text', message: 'mentions @nobody@test.police.uk, but nobody active in the force has that email address' },
    ]);
    expect(await product.app.dataSource.manager.countBy(Comment, { recommendationId: id })).toBe(before);
  });

  it('lets participants, the liaison lead and administrators comment, and nobody else', async () => {
    expect((await post({ text: 'From the liaison lead' }, p.liaison.id)).status).toBe(201);
    expect((await post({ text: 'From corporate development' }, p.admin.id)).status).toBe(201);
    expect((await post({ text: 'From another owner' }, p.owner2.id)).status).toBe(403);
    expect((await post({ text: 'From a viewer' }, p.viewer.id)).status).toBe(403);
    expect((await thread()).participants.map((x) => x.id)).toEqual(
      expect.arrayContaining([p.owner.id, p.lead.id, p.liaison.id, p.admin.id]),
    );
  });

  it('shows the reasons for a rejection and a refused extension in the thread, from the lifecycle’s records', async () => {
    await api.command(
      id,
      { type: 'requestExtension', newDueDate: '2027-09-30', reason: 'Waiting for the national vetting APP' },
      p.owner.id,
    );
    await api.command(id, { type: 'decideExtension', approved: false, reason: 'The APP is not needed for this work' }, p.lead.id);
    await api.command(id, { type: 'submitEvidence', summary: 'Vetting backlog cleared' }, p.owner.id);
    await api.command(id, { type: 'reject', reasons: 'The unit’s file audit is missing from the evidence' }, p.lead.id);
    const items = (await thread()).items;
    expect(items.filter((e) => e.kind !== 'comment')).toEqual([
      expect.objectContaining({
        kind: 'extension_refused',
        by: p.lead.name,
        heading: 'Extension to 30 September 2027 refused',
        text: 'The APP is not needed for this work',
      }),
      expect.objectContaining({
        kind: 'approval_rejected',
        by: p.lead.name,
        heading: 'Evidence rejected',
        text: 'The unit’s file audit is missing from the evidence',
      }),
    ]);
    // The approver who rejected takes part from then on, and the DCC, named in no step yet, does not.
    const participants = (await thread()).participants.map((x) => x.id);
    expect(participants).not.toContain(p.dcc.id);
  });
});
