import { reminderPolicyWith } from '../../domain/reminders/policy';
import { ForceSetting } from '../../entities';
import { loadReminderSettings, REMINDER_SETTINGS_KEY } from '../../entities/reminderSettings';
import {
  nextDigestRunQuery,
  recommendationWorkflowId,
  reminderDigestWorkflowId,
  reminderScheduleQuery,
  remindersChangedSignal,
  type ReminderSchedule,
} from '../../workflows/messages';
import { addPeople, apiClient, type ApiClient } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const londonTime = (iso: string) =>
  new Date(iso).toLocaleTimeString('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });

/**
 * A change of reminder settings reaches every open item's workflow, whatever its state, and the digest workflow's
 * timer: each one's own plan (its query, not a recomputation) follows the new send time.
 */
describe('reminder settings reach every item and the digest', () => {
  let product: TestProduct;
  let api: ApiClient;
  beforeAll(async () => {
    // No digestEveryMs: the product's digest workflow waits for the real send time, as in a force.
    product = await startTestProduct();
    api = apiClient(product);
  });
  afterAll(async () => {
    await product?.stop();
  });

  const schedule = (id: string) => product.app.client.workflow.getHandle(recommendationWorkflowId(id)).query(reminderScheduleQuery);
  const followsSendTime = (time: string) => (s: ReminderSchedule) =>
    s.sendTime === time && s.planned.every((nudge) => londonTime(nudge.at) === time);

  it('reschedules items in every state, and items that move on later, and the digest, after two changes', async () => {
    const p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Tom Ellery', roles: ['action_owner'] },
      lead: { name: 'Nadia Haskins', roles: ['lead'] },
      dcc: { name: 'Simon Hartley', roles: ['dcc'] },
      liaison: { name: 'Rachel Okafor', roles: ['liaison_lead'] },
    });
    api.actingAs(p.admin.id);
    const [logged, national, assigned, inProgress, awaitingApproval, withHmicfrs] = await api.createReport({
      title: 'Vetting and counter-corruption',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [
        { reference: '1', category: 2 },
        { reference: '2', forTheForce: false, addressedTo: 'NPCC' },
        { reference: '3', category: 2 },
        { reference: '4', category: 2 },
        { reference: '5', category: 2 },
        { reference: '6', category: 3 },
      ],
    });
    const assign = { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' };
    for (const id of [assigned!, inProgress!, awaitingApproval!, withHmicfrs!]) await api.command(id, assign);
    for (const id of [inProgress!, awaitingApproval!, withHmicfrs!]) await api.command(id, { type: 'accept' }, p.owner.id);
    for (const id of [awaitingApproval!, withHmicfrs!])
      await api.command(id, { type: 'submitEvidence', summary: 'Vetting backlog cleared' }, p.owner.id);
    await api.command(withHmicfrs!, { type: 'approve' }, p.lead.id);
    await api.command(withHmicfrs!, { type: 'approve' }, p.dcc.id);
    await api.command(withHmicfrs!, { type: 'selfCertify', signatory: 'DCC Simon Hartley' }, p.dcc.id);
    await api.command(withHmicfrs!, { type: 'submitToHmicfrs' }, p.liaison.id);
    await api.command(national!, { type: 'markNotForTheForce', reason: 'For the NPCC' });
    expect((await api.get(withHmicfrs!)).state.status).toBe('awaiting_hmicfrs_sign_off');
    expect((await api.get(national!)).state.status).toBe('not_for_the_force');
    const all = [logged!, national!, assigned!, inProgress!, awaitingApproval!, withHmicfrs!];
    for (const id of all)
      await eventually(
        () => schedule(id).catch(() => null),
        (s) => s !== null,
        { what: `the workflow of ${id}` },
      );
    const digest = product.app.client.workflow.getHandle(reminderDigestWorkflowId(product.taskQueue));
    await eventually(
      () => digest.query(nextDigestRunQuery),
      (run) => run.at !== null && londonTime(run.at) === '08:00',
      { what: 'the first digest slot' },
    );

    let revision: number | undefined;
    for (const sendTime of ['06:45', '03:17']) {
      const saved = await api.call<{ settings: { revision?: number } }>('PUT', '/api/settings/reminders', {
        policy: reminderPolicyWith({ sendTime }),
      });
      expect(saved.status).toBe(200);
      revision = saved.body.settings.revision;
    }

    for (const id of all) {
      const seen = await eventually(() => schedule(id), followsSendTime('03:17'), { what: `item ${id} to follow the new settings` });
      if (id !== logged && id !== national) expect(seen.planned.length).toBeGreaterThan(0);
      expect(seen.settingsRevision).toBe(revision);
    }
    const run = await eventually(
      () => digest.query(nextDigestRunQuery),
      (r) => r.at !== null && londonTime(r.at) === '03:17',
      { what: 'the digest to move to 03:17' },
    );
    expect(Date.parse(run.at!)).toBeGreaterThan(Date.now());

    // Items that were logged or not for the force at the change plan with the new send time once they move on.
    await api.command(logged!, assign);
    await api.command(national!, {
      type: 'reactivate',
      reason: 'The force leads on this after all',
      ownerId: p.owner.id,
      leadId: p.lead.id,
      dueDate: '2027-06-30',
    });
    for (const id of [logged!, national!]) {
      const seen = await eventually(
        () => schedule(id),
        (s) => s.planned.length > 0 && followsSendTime('03:17')(s),
        { what: `item ${id} to plan at 03:17` },
      );
      expect(seen.planned[0]).toMatchObject({ kind: 'due_reminder', recipients: 'owner' });
    }
  }, 90_000);

  it('an item that missed a change picks it up from its next command, and a late copy of older settings changes nothing', async () => {
    const p = await addPeople(product.app.dataSource, {
      admin2: { name: 'Priya Lomax', roles: ['administrator'] },
      owner2: { name: 'Gareth Penhale', roles: ['action_owner'] },
      lead2: { name: 'Morag Tulley', roles: ['lead'] },
    });
    api.actingAs(p.admin2.id);
    const [id] = await api.createReport({
      title: 'Custody',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [{ reference: 'C1', category: 2 }],
    });
    await api.command(id!, { type: 'assign', ownerId: p.owner2.id, leadId: p.lead2.id, dueDate: '2027-06-30' });
    const before = await loadReminderSettings(product.app.dataSource.manager);
    // A change nobody was told about, as if the api stopped between saving it and signalling anyone.
    const missed = { ...before, policy: reminderPolicyWith({ sendTime: '05:05' }), revision: before.revision! + 1 };
    await product.app.dataSource.manager.save(ForceSetting, { key: REMINDER_SETTINGS_KEY, value: missed });
    expect((await schedule(id!)).sendTime).toBe(before.policy.sendTime);
    await api.command(id!, { type: 'accept' }, p.owner2.id);
    await eventually(
      () => schedule(id!),
      (s) => s.settingsRevision === missed.revision && followsSendTime('05:05')(s),
      { what: 'the item to follow the missed change' },
    );
    // An older revision arriving late (a retried hand-out) is ignored.
    await product.app.client.workflow.getHandle(recommendationWorkflowId(id!)).signal(remindersChangedSignal, before);
    await new Promise((r) => setTimeout(r, 500));
    expect(await schedule(id!)).toMatchObject({ settingsRevision: missed.revision, sendTime: '05:05' });
  }, 60_000);
});
