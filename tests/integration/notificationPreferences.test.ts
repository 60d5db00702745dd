import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import type { Nudge } from '../../domain/reminders/plan';
import { AuditEvent, DigestEntry, OutboundEmail, type Person } from '../../entities';
import { createMailer } from '../../platform/email/mailer';
import { addCast, apiClient, signIn, type ApiClient } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const PASSWORD = 'preferences-password-2026';

/**
 * A person chooses on their own account page how routine reminders reach them; the choice is audited and the next
 * reminder follows it, while escalations still go at once.
 */
describe('notification preferences, self-service', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'lead', Person>;
  let session: { cookie: string; csrfToken: string };
  let activities: ReturnType<typeof createActivities>;
  const env = new MockActivityEnvironment();

  beforeAll(async () => {
    product = await startTestProduct({ digestEveryMs: 60 * 60_000 });
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead');
    await product.app.services.auth.setPassword(p.owner.id, PASSWORD, { id: null, label: 'test' });
    session = await signIn(product.baseUrl, p.owner.email, PASSWORD);
    api = apiClient(product);
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

  /** Submits the account page's form as the owner's browser does. */
  const choose = (digestPreference: string) =>
    fetch(`${product.baseUrl}/account/notifications`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
      body: new URLSearchParams({ _csrf: session.csrfToken, digestPreference }).toString(),
    });
  const accountPage = async () => (await fetch(`${product.baseUrl}/account`, { headers: { cookie: session.cookie } })).text();
  const nudge = (id: string, n: Nudge) =>
    env.run(activities.sendNudgeNow, { recommendationId: id, nudge: n, occurredAt: n.at }) as Promise<{ outboxIds: string[] }>;
  const outboxFor = (id: string, key: string) =>
    product.app.dataSource.manager.findBy(OutboundEmail, {
      recommendationId: id,
      recipientId: p.owner.id,
      transitionId: `nudge:${id}:${key}`,
    });

  it('routes the next routine reminder to the chosen digest, while an escalation still goes at once', async () => {
    expect((await choose('immediate')).status).toBe(303);
    expect(await accountPage()).toMatch(/value="immediate" checked/);
    const [id] = (await api.createReport({
      title: 'Stalking and harassment',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: '7', category: 2 }],
    })) as [string];
    await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-03-31' });

    const first: Nudge = {
      at: '2027-03-03T08:00:00.000Z',
      kind: 'due_reminder',
      recipients: 'owner',
      key: 'due:2027-03-31:-20wd',
      dueDate: '2027-03-31',
    };
    await nudge(id, first);
    expect(await outboxFor(id, first.key)).toHaveLength(1); // immediate: its own email

    const changed = await choose('weekly');
    expect(changed.status).toBe(303);
    expect(changed.headers.get('location')).toBe('/account?saved=notifications');
    expect(await accountPage()).toMatch(/value="weekly" checked/);
    const trail = await product.app.dataSource.manager.findBy(AuditEvent, { entityId: p.owner.id, type: 'digest_preference_changed' });
    expect(trail.map((e) => [e.actorId, e.after])).toContainEqual([p.owner.id, { digestPreference: 'weekly' }]);

    const routine: Nudge = {
      at: '2027-03-24T08:00:00.000Z',
      kind: 'due_reminder',
      recipients: 'owner',
      key: 'due:2027-03-31:-5wd',
      dueDate: '2027-03-31',
    };
    expect((await nudge(id, routine)).outboxIds).toEqual([]);
    expect(await outboxFor(id, routine.key)).toHaveLength(0);
    expect(await product.app.dataSource.manager.findBy(DigestEntry, { personId: p.owner.id, recommendationId: id })).toEqual([
      expect.objectContaining({ kind: 'due_reminder', sentAt: null }),
    ]);

    const escalation: Nudge = {
      at: '2027-04-01T08:00:00.000Z',
      kind: 'off_target',
      recipients: 'owner_and_lead',
      key: 'off-target:2027-03-31',
      dueDate: '2027-03-31',
    };
    await nudge(id, escalation);
    expect(await outboxFor(id, escalation.key)).toHaveLength(1);
    const told = await product.sink.waitFor((m) => m.to.includes(p.owner.email) && /^Overdue/.test(m.subject), { timeoutMs: 20_000 });
    expect(told).toBeDefined();
  });

  it('refuses a choice that is not one of the three, naming the field, and changes nothing', async () => {
    const before = await product.app.dataSource.manager.countBy(AuditEvent, { entityId: p.owner.id, type: 'digest_preference_changed' });
    const response = await choose('hourly');
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('How reminders reach you must be one of the three choices');
    expect(html).toContain('href="#digestPreference"');
    expect(await product.app.dataSource.manager.countBy(AuditEvent, { entityId: p.owner.id, type: 'digest_preference_changed' })).toBe(
      before,
    );
  });
});
