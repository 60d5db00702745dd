import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { createMailer } from '../../platform/email/mailer';
import { calendarDateInLondon } from '../../domain/calendar';
import { decide, type LifecycleCommand } from '../../domain/lifecycle';
import { reminderPolicyWith } from '../../domain/reminders/policy';
import { ForceSetting, type Person, Recommendation } from '../../entities';
import { loadReminderSettings, REMINDER_SETTINGS_KEY } from '../../entities/reminderSettings';
import { findTemporalCli } from '../../dev/temporalCli';
import { commandUpdate, recommendationWorkflowId, reminderDigestWorkflowId } from '../../workflows/messages';
import { addPeople, apiClient } from '../support/apiClient';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * Records real workflow histories into tests/replay/histories, for the replay test that guards running workflows
 * against incompatible code changes. Run it when a new path should be guarded, then commit the files:
 *   RECORD_HISTORIES=1 RECORDED_AS=2026-12 npx jest tests/integration/recordHistories.test.ts
 * Each recording is added beside the earlier ones under its own prefix (RECORDED_AS, default this month), so the
 * histories of every earlier version of the code stay guarded: workflows started then may still be running.
 * Never re-record to make the replay test pass: that hides exactly the break it exists to catch.
 */
const recording = process.env.RECORD_HISTORIES === '1';
const folder = path.join(__dirname, '..', 'replay', 'histories');
const recordedAs = process.env.RECORDED_AS ?? new Date().toISOString().slice(0, 7);

(recording ? describe : describe.skip)('record workflow histories for the replay test', () => {
  let product: TestProduct;
  beforeAll(async () => {
    // A short history limit, so one of the paths below also continues as new.
    product = await startTestProduct({ workflowHistoryLimit: 60 });
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('drives the main paths and saves their histories', async () => {
    const api = apiClient(product);
    const p = await addPeople(product.app.dataSource, {
      admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
      owner: { name: 'Tom Ellery', roles: ['action_owner'] },
      lead: { name: 'Nadia Haskins', roles: ['lead'] },
      dcc: { name: 'Simon Hartley', roles: ['dcc'] },
      liaison: { name: 'Rachel Okafor', roles: ['liaison_lead'] },
    });
    api.actingAs(p.admin.id);
    // Approval chases and escalations in seconds, so a reminder is sent inside the recorded history.
    const policy = reminderPolicyWith({ approvalChase: { duration: 'PT2S' }, approvalEscalation: { duration: 'PT4S' } });
    expect((await api.call('PUT', '/api/settings/reminders', { policy })).status).toBe(200);
    const [cat3, rejected, national, chased] = await api.createReport({
      title: 'Stalking and harassment',
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: [
        { reference: '1', category: 3 },
        { reference: '2', category: 2 },
        { reference: '3', forTheForce: false, addressedTo: 'NPCC' },
        { reference: '4', category: 2 },
      ],
    });
    const start = async (id: string) => {
      await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' }, p.admin.id);
      await api.command(id, { type: 'accept' }, p.owner.id);
      await api.command(id, { type: 'postUpdate', text: 'Policy drafted' }, p.owner.id);
      await api.command(id, { type: 'submitEvidence', summary: 'Policy and training records' }, p.owner.id);
      await api.command(id, { type: 'approve' }, p.lead.id);
    };
    await start(cat3!);
    // A change of settings while items are open: the digest workflow hands it to every one (since 2026-12).
    expect((await api.call('PUT', '/api/settings/reminders', { policy: { ...policy, sendTime: '07:45' } })).status).toBe(200);
    await api.command(cat3!, { type: 'approve' }, p.dcc.id);
    await api.command(cat3!, { type: 'selfCertify', signatory: 'DCC Simon Hartley' }, p.dcc.id);
    await api.command(cat3!, { type: 'submitToHmicfrs' }, p.liaison.id);
    await api.command(cat3!, { type: 'recordHmicfrsResponse', outcome: 'signed_off' }, p.liaison.id);
    await start(rejected!);
    await api.command(rejected!, { type: 'reject', reasons: 'No audit of compliance' }, p.dcc.id);
    await api.command(rejected!, { type: 'requestExtension', newDueDate: '2027-09-30', reason: 'Audit takes a quarter' }, p.owner.id);
    await api.command(rejected!, { type: 'decideExtension', approved: true }, p.lead.id);
    await api.command(national!, { type: 'markNotForTheForce', reason: 'For the NPCC' }, p.admin.id);
    // Waits at the lead until chased and escalated, then the lead approves and updates keep coming past the history limit.
    await api.command(chased!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' }, p.admin.id);
    await api.command(chased!, { type: 'accept' }, p.owner.id);
    await api.command(chased!, { type: 'submitEvidence', summary: 'Stalking protection orders audited' }, p.owner.id);
    await product.sink.waitFor((m) => m.to.includes(p.dcc.email) && m.subject.startsWith('Escalated to you'), { timeoutMs: 30_000 });
    await api.command(chased!, { type: 'approve' }, p.lead.id);
    await api.command(chased!, { type: 'reject', reasons: 'The audit sample is too small' }, p.dcc.id);
    for (let update = 1; update <= 12; update++)
      await api.command(chased!, { type: 'postUpdate', text: `Sample widened, week ${update}` }, p.owner.id);
    const caughtUp = await driveCatchUps(product, api, p);
    await new Promise((r) => setTimeout(r, 2000)); // let the emails go out so their activities are in the histories

    fs.mkdirSync(folder, { recursive: true });
    const paths = [
      ['category-3-signed-off', recommendationWorkflowId(cat3!)],
      ['rejected-then-extended', recommendationWorkflowId(rejected!)],
      ['not-for-the-force', recommendationWorkflowId(national!)],
      ['chased-escalated-continued', recommendationWorkflowId(chased!)],
      ['caught-up-with-the-record', recommendationWorkflowId(caughtUp)],
      ['reminder-digests', reminderDigestWorkflowId(product.taskQueue)],
    ] as const;
    const cli = (args: string[]) =>
      execFileSync(
        findTemporalCli(process.env.TEMPORAL_CLI_PATH)!,
        [...args, '--address', process.env.TEST_TEMPORAL_ADDRESS!, '--output', 'json'],
        { encoding: 'utf8' },
      );
    for (const [name, workflowId] of paths) {
      // Every run of the workflow, oldest first: a run that continued as new is a path of its own.
      const runs = (
        JSON.parse(cli(['workflow', 'list', '--query', `WorkflowId = '${workflowId}'`])) as {
          execution: { runId: string };
          startTime: string;
        }[]
      ).sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime));
      expect(runs.length).toBeGreaterThan(0);
      runs.forEach((run, index) => {
        // The CLI writes the JSON form that Temporal's replayer reads back (historyFromJSON).
        const json = cli(['workflow', 'show', '--workflow-id', workflowId, '--run-id', run.execution.runId]);
        expect((JSON.parse(json) as { events: unknown[] }).events.length).toBeGreaterThan(2);
        fs.writeFileSync(path.join(folder, `${recordedAs}-${name}${runs.length > 1 ? `-run${index + 1}` : ''}.json`), json);
      });
    }
  });
});

/**
 * The paths a crash leaves behind: transitions recorded in PostgreSQL that the workflow never saw (as after a lost
 * workflow task), then a command that catches up first, one that finds the version moved while it decided, and a
 * resync.
 */
async function driveCatchUps(
  product: TestProduct,
  api: ReturnType<typeof apiClient>,
  p: Record<'admin' | 'owner' | 'lead', Person>,
): Promise<string> {
  const activities = createActivities({
    dataSource: product.app.dataSource,
    mailer: createMailer(product.sink.url, 'Tracker <no-reply@tracker.test>'),
    links: { publicUrl: 'http://tracker.test', forceName: 'Test Constabulary' },
  });
  const env = new MockActivityEnvironment();
  const [id] = await api.createReport({
    title: 'Crash recovery',
    originator: 'HMICFRS',
    kind: 'inspection',
    recommendations: [{ reference: '1', category: 2 }],
  });
  await api.command(id!, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2027-06-30' }, p.admin.id);
  const behindItsBack = async (command: LifecycleCommand) => {
    const row = await product.app.dataSource.manager.findOneByOrFail(Recommendation, { id: id! });
    const decision = decide(row.state, command, {
      actor: { personId: p.owner.id, roles: p.owner.roles },
      today: calendarDateInLondon(Date.now()),
    });
    if (!decision.accepted) throw new Error(decision.reason);
    const commandId = randomUUID();
    const actor = { personId: p.owner.id, roles: p.owner.roles };
    await env.run(activities.recordTransition, {
      commandId,
      recommendationId: id!,
      expectedVersion: row.version,
      actor,
      actorLabel: p.owner.name,
      occurredAt: new Date().toISOString(),
      command,
      before: row.state,
      after: decision.state,
      events: decision.events,
    });
    return row.version;
  };
  await behindItsBack({ type: 'accept' });
  // A settings change nobody told the workflow of (since 2026-12): the catch-up brings it along.
  const settings = await loadReminderSettings(product.app.dataSource.manager);
  await product.app.dataSource.manager.save(ForceSetting, {
    key: REMINDER_SETTINGS_KEY,
    value: { ...settings, policy: { ...settings.policy, sendTime: '07:15' }, revision: settings.revision! + 1 },
  });
  await api.command(id!, { type: 'postUpdate', text: 'Caught up before deciding' }, p.owner.id);
  const stale = await behindItsBack({ type: 'postUpdate', text: 'Recorded, then the task was lost' });
  const command: LifecycleCommand = { type: 'postUpdate', text: 'Decided on a stale version, then again' };
  await product.app.client.workflow.getHandle(recommendationWorkflowId(id!)).executeUpdate(commandUpdate, {
    updateId: randomUUID(),
    args: [
      {
        commandId: randomUUID(),
        recordedVersion: stale,
        command,
        actor: { personId: p.owner.id, roles: p.owner.roles },
        actorLabel: p.owner.name,
      },
    ],
  });
  await behindItsBack({ type: 'postUpdate', text: 'Recorded again behind its back' });
  await product.app.services.recommendations['workflows'].resync(id!, {
    state: (await product.app.dataSource.manager.findOneByOrFail(Recommendation, { id: id! })).state,
    version: 0,
  });
  return id!;
}
