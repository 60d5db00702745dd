import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ReconcileReport } from '../../api/consistency';
import { stableJson } from '../../api/consistency/compare';
import type { Person } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { recommendationWorkflowId, recordQuery, reminderScheduleQuery, type ReminderSchedule } from '../../workflows/messages';
import { addCast, apiClient, type ApiClient } from '../support/apiClient';
import { eventually } from '../support/eventually';
import { startTestProduct, type TestProduct } from '../support/testProduct';

/**
 * Temporal rebuilt from PostgreSQL: items in several states lose their workflows (terminated by mistake, then deleted
 * as when Temporal's data is lost); `workflows:reconcile`, run from compiled code as an operator would, plans in a dry
 * run, then starts each in its recorded state with its reminders planned from its recorded dates. Commands then work,
 * and a second run does nothing.
 */
describe('workflows:reconcile', () => {
  let product: TestProduct;
  let api: ApiClient;
  let p: Record<'admin' | 'owner' | 'lead' | 'dcc' | 'liaison', Person>;
  let ids: { assigned: string; approval: string; hmicfrs: string; logged: string; closed: string };
  let work: string;
  let reconcileJs: string;
  const lost = () => [ids.assigned, ids.approval, ids.hmicfrs];

  const handle = (id: string) => product.app.client.workflow.getHandle(recommendationWorkflowId(id));
  const row = async (id: string) =>
    (
      (await product.app.dataSource.query(`SELECT state, version, status FROM recommendations WHERE id = $1`, [id])) as {
        state: unknown;
        version: number;
        status: string;
      }[]
    )[0]!;
  const restartedEvents = async () =>
    (await product.app.dataSource.query(
      `SELECT recommendation_id, summary, actor_label FROM audit_events WHERE type = 'workflow_restarted'`,
    )) as {
      recommendation_id: string;
      summary: string;
      actor_label: string;
    }[];

  /** `node dist/bin/reconcileWorkflows.js …` against the product's database and Temporal, as in its container. */
  const run = (...argv: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [reconcileJs, ...argv],
        {
          cwd: work,
          env: {
            PATH: process.env.PATH,
            NODE_PATH: path.resolve(__dirname, '..', '..', 'node_modules'),
            NODE_ENV: 'production',
            DATABASE_URL: product.databaseUrl,
            TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
            TEMPORAL_NAMESPACE: 'default',
            TEMPORAL_TASK_QUEUE: product.taskQueue,
            SESSION_SECRET: product.app.services.auth.settings.sessionSecret,
            PUBLIC_URL: 'http://tracker.test',
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const reportOf = async (...argv: string[]) => {
    const result = await run('--json', ...argv);
    expect([result.code, result.stderr]).toEqual([0, '']);
    return JSON.parse(result.stdout) as ReconcileReport;
  };
  const actionsOf = (report: ReconcileReport) => Object.fromEntries(report.items.map((i) => [i.recommendationId, [i.found, i.action]]));

  /** Each workflow holds exactly PostgreSQL's record. */
  async function expectWorkflowsFollowPostgres() {
    for (const id of lost()) {
      const [recorded, stored] = [await handle(id).query(recordQuery), await row(id)];
      expect([id, recorded.version, stableJson(recorded.state)]).toEqual([id, stored.version, stableJson(stored.state)]);
    }
  }

  beforeAll(async () => {
    // Only bin/reconcileWorkflows.ts and what it imports, with the build's compiler settings (the whole build takes longer).
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-reconcile-'));
    const root = path.resolve(__dirname, '..', '..');
    fs.writeFileSync(
      path.join(work, 'tsconfig.json'),
      JSON.stringify({
        extends: path.join(root, 'tsconfig.build.json'),
        compilerOptions: {
          outDir: path.join(work, 'dist'),
          rootDir: root,
          sourceMap: false,
          typeRoots: [path.join(root, 'node_modules', '@types')],
        },
        files: [path.join(root, 'bin', 'reconcileWorkflows.ts')],
        include: [],
      }),
    );
    const compiled = promisify(execFile)(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', path.join(work, 'tsconfig.json')],
      {
        cwd: root,
      },
    );
    reconcileJs = path.join(work, 'dist', 'bin', 'reconcileWorkflows.js');

    product = await startTestProduct();
    api = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead', 'dcc', 'liaison');
    api.actingAs(p.admin.id);
    const [assigned, approval, hmicfrs, logged, closed] = await api.createReport({
      title: `Reconcile ${Date.now()}`,
      originator: 'HMICFRS',
      kind: 'inspection',
      recommendations: ['1', '2', '3', '4', '5'].map((reference) => ({ reference, category: reference === '5' ? 1 : 3 })),
    });
    ids = { assigned: assigned!, approval: approval!, hmicfrs: hmicfrs!, logged: logged!, closed: closed! };
    for (const id of [ids.assigned, ids.approval, ids.hmicfrs])
      await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2028-01-31' });
    for (const id of [ids.approval, ids.hmicfrs]) {
      await api.command(id, { type: 'accept' }, p.owner.id);
      await api.command(id, { type: 'submitEvidence', summary: 'Policy published; records attached.' }, p.owner.id);
      await api.command(id, { type: 'approve' }, p.lead.id);
    }
    await api.command(ids.hmicfrs, { type: 'approve' }, p.dcc.id);
    await api.command(ids.hmicfrs, { type: 'selfCertify', signatory: 'DCC Simon Hartley' }, p.dcc.id);
    await api.command(ids.hmicfrs, { type: 'submitToHmicfrs', reference: 'HMICFRS-2026-0099' }, p.liaison.id);
    await api.command(ids.closed, { type: 'closeNoActionRequired', reason: 'Already force policy' }, p.admin.id);
    expect([
      (await row(ids.assigned)).status,
      (await row(ids.approval)).status,
      (await row(ids.hmicfrs)).status,
      (await row(ids.closed)).status,
    ]).toEqual(['assigned', 'awaiting_approval', 'awaiting_hmicfrs_sign_off', 'closed']);
    await compiled;
  }, 180_000);
  afterAll(async () => {
    await product?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('plans in a dry run, then starts each terminated workflow in its recorded state, its reminders from its recorded dates', async () => {
    const schedules: Record<string, ReminderSchedule> = {};
    for (const id of lost()) schedules[id] = await handle(id).query(reminderScheduleQuery);
    expect(schedules[ids.approval]!.planned.map((n) => n.kind)).toContain('approval_chase');
    expect(schedules[ids.hmicfrs]!.planned.map((n) => n.kind)).toContain('hmicfrs_chase');
    for (const id of lost()) await handle(id).terminate('reconcile test: terminated by mistake');

    const dry = await run();
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Item +Status +Workflow was +Action/);
    expect(dry.stdout).toMatch(/v\d+ awaiting_approval +terminated +would start/);
    expect(dry.stdout).toMatch(/v\d+ logged +running +already running/);
    expect(dry.stdout).toMatch(/v\d+ closed +— +skipped closed/);
    expect(dry.stdout).toContain('5 item(s)');
    expect(dry.stdout).toContain('Dry run: nothing was started; run with --apply to start them.');
    expect(actionsOf(await reportOf())).toEqual({
      [ids.assigned]: ['terminated', 'would_start'],
      [ids.approval]: ['terminated', 'would_start'],
      [ids.hmicfrs]: ['terminated', 'would_start'],
      [ids.logged]: ['running', 'already_running'],
      [ids.closed]: [null, 'skipped_closed'],
    });
    // The dry run changed nothing.
    for (const id of lost()) expect((await handle(id).describe()).status.name).toBe('TERMINATED');
    expect(await restartedEvents()).toEqual([]);

    const applied = await run('--apply');
    expect([applied.code, applied.stderr]).toEqual([0, 'Starting the workflow of every open item that has none running…\n']);
    expect(applied.stdout).toMatch(/v\d+ awaiting_hmicfrs_sign_off +terminated +started/);
    expect(applied.stdout).toContain('3 started, 1 already running, 1 skipped closed. Applied.');
    for (const id of lost()) expect((await handle(id).describe()).status.name).toBe('RUNNING');
    await expectWorkflowsFollowPostgres();
    for (const id of lost()) {
      const schedule = await handle(id).query(reminderScheduleQuery);
      expect(schedule.planned).toEqual(schedules[id]!.planned);
    }
    const events = await restartedEvents();
    expect(events.map((e) => e.recommendation_id).sort()).toEqual(lost().sort());
    expect(events[0]!.actor_label).toBe('Workflow reconcile (command line)');
    expect(events[0]!.summary).toMatch(/^The workflow was terminated; started again from PostgreSQL at version \d+/);

    // The item carries on: a command goes through the restarted workflow, which records it.
    const accepted = await api.command(ids.assigned, { type: 'accept' }, p.owner.id);
    expect(accepted.status).toBe('in_progress');
    expect((await handle(ids.assigned).query(recordQuery)).version).toBe((await row(ids.assigned)).version);
    expect((await api.command(ids.approval, { type: 'approve' }, p.dcc.id)).status).not.toBe('awaiting_approval');
    await expectWorkflowsFollowPostgres();

    const second = await reportOf('--apply');
    expect(second.counts).toMatchObject({ started: 0, would_start: 0, already_running: 4, skipped_closed: 1, not_started: 0 });
    expect(await restartedEvents()).toHaveLength(3);
  }, 120_000);

  it('starts workflows whose history Temporal no longer has at all, as when its data is lost', async () => {
    const schedules: Record<string, ReminderSchedule> = {};
    for (const id of lost()) schedules[id] = await handle(id).query(reminderScheduleQuery);
    for (const id of lost())
      await product.app.client.workflowService.deleteWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId: recommendationWorkflowId(id) },
      });
    for (const id of lost())
      await eventually(
        () =>
          handle(id)
            .describe()
            .then(
              () => 'still there',
              (error: unknown) => (error instanceof WorkflowNotFoundError ? 'gone' : String(error)),
            ),
        (found) => found === 'gone',
        { what: `workflow of ${id} deleted` },
      );

    expect(actionsOf(await reportOf())).toMatchObject({
      [ids.assigned]: ['missing', 'would_start'],
      [ids.approval]: ['missing', 'would_start'],
      [ids.hmicfrs]: ['missing', 'would_start'],
    });
    // A reminder the trail shows as sent (here, the HMICFRS item's next one) is not planned again by the new run.
    expect(schedules[ids.hmicfrs]!.planned.map((n) => n.kind)).toContain('hmicfrs_chase');
    const chase = schedules[ids.hmicfrs]!.planned[0]!;
    await product.app.dataSource.transaction((tx) =>
      recordAudit(tx, {
        actorId: null,
        actorLabel: 'Reminders',
        entityType: 'recommendation',
        entityId: ids.hmicfrs,
        recommendationId: ids.hmicfrs,
        type: 'reminder_sent',
        summary: 'HMICFRS chase',
        idempotencyKey: `nudge:${ids.hmicfrs}:${chase.key}`,
      }),
    );
    const applied = await reportOf('--apply');
    expect(applied.counts).toMatchObject({ started: 3, already_running: 1, skipped_closed: 1, not_started: 0 });
    await expectWorkflowsFollowPostgres();
    for (const id of [ids.assigned, ids.approval])
      expect((await handle(id).query(reminderScheduleQuery)).planned).toEqual(schedules[id]!.planned);
    const hmicfrsPlan = (await handle(ids.hmicfrs).query(reminderScheduleQuery)).planned;
    expect(hmicfrsPlan.map((n) => n.key)).not.toContain(chase.key);
    expect(hmicfrsPlan.slice(0, schedules[ids.hmicfrs]!.planned.length - 1)).toEqual(schedules[ids.hmicfrs]!.planned.slice(1));

    const view = await api.command(ids.hmicfrs, { type: 'recordHmicfrsResponse', outcome: 'signed_off' }, p.liaison.id);
    expect(view.status).toBe('closed');
    expect((await reportOf('--apply')).counts).toMatchObject({ started: 0, already_running: 3, skipped_closed: 2 });
  }, 120_000);
});
