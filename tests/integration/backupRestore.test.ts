import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import { CHECK_ACTOR, createWorkflowReconciler, type ReconcileReport } from '../../api/consistency';
import { stableJson } from '../../api/consistency/compare';
import { calendarDateInLondon } from '../../domain/calendar';
import { freePort } from '../../dev/ports';
import { findOrBuildTemporalCli } from '../../dev/temporalCli';
import { startTemporalDevServer, type RunningTemporal } from '../../dev/temporalDevServer';
import type { Person } from '../../entities';
import { loadReminderSettings } from '../../entities/reminderSettings';
import { createLogger } from '../../platform/logger';
import { withPg } from '../../platform/postgresClient';
import { recommendationWorkflowId, recordQuery, reminderScheduleQuery, type ReminderSchedule } from '../../workflows/messages';
import { addCast, apiClient, tokenFor, type ApiClient } from '../support/apiClient';
import { pgToolsFor, type PgTools } from '../support/pgTools';
import { startTestProduct, type TestProduct } from '../support/testProduct';

const run = promisify(execFile);

/**
 * Backup and restore as docs/operations.md tells an operator: the product's database dumped with pg_dump, restored
 * with pg_restore into a fresh database, the product started on it with a fresh Temporal that has no workflow at
 * all, then the workflows reconcile, dry run first. The committee papers are the same text as before the backup,
 * and every open item's workflow holds the state and version PostgreSQL recorded, its reminders planned as before.
 */
describe('backup and restore', () => {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn', pretty: false });
  let serverUrl: string;
  let tools: PgTools;
  let product: TestProduct | null = null;
  let restored: TestProduct | null = null;
  let temporal: RunningTemporal | null = null;
  let work: string;
  let p: Record<'admin' | 'owner' | 'lead' | 'dcc' | 'liaison' | 'viewer', Person>;
  let ids: Record<'logged' | 'assigned' | 'inProgress' | 'approval' | 'hmicfrs' | 'closed', string>;
  const open = () => [ids.logged, ids.assigned, ids.inProgress, ids.approval, ids.hmicfrs];
  const today = calendarDateInLondon(Date.now());
  const paperPaths = [
    `/api/papers/overview?asAt=${today}`,
    `/api/papers/quarterly?asAt=${today}`,
    `/api/papers/quarterly?asAt=${today}&format=csv`,
    `/api/papers/tracker?asAt=${today}&format=csv&scheme=A`,
    `/api/papers/tracker?asAt=${today}`,
  ];

  /** Each paper's text, as the viewer downloads it. */
  async function papersOf(of: TestProduct): Promise<Record<string, string>> {
    const token = await tokenFor(of, p.viewer.id);
    const papers: Record<string, string> = {};
    for (const paperPath of paperPaths) {
      const response = await fetch(`${of.baseUrl}${paperPath}`, { headers: { authorization: `Bearer ${token}` } });
      expect([paperPath, response.status]).toEqual([paperPath, 200]);
      papers[paperPath] = await response.text();
    }
    return papers;
  }

  const schedulesOf = async (of: TestProduct) => {
    const schedules: Record<string, ReminderSchedule['planned']> = {};
    for (const id of open())
      schedules[id] = (await of.app.client.workflow.getHandle(recommendationWorkflowId(id)).query(reminderScheduleQuery)).planned;
    return schedules;
  };

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-backup-'));
    // The run's PostgreSQL, when this machine has a pg_dump for its version (the embedded one is 17, Debian 12's
    // tools are 15); else the machine's own server, whose tools come with it.
    serverUrl = process.env.TEST_POSTGRES_ADMIN_URL!;
    let fitting = await pgToolsFor(serverUrl);
    if (!fitting) {
      serverUrl = process.env.BACKUP_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
      fitting = await pgToolsFor(serverUrl).catch((error: unknown) => {
        throw new Error(
          `No pg_dump here fits the test PostgreSQL, and ${serverUrl} (BACKUP_TEST_POSTGRES_URL) did not answer: ${String(error)}`,
        );
      });
    }
    if (!fitting) throw new Error(`No pg_dump and pg_restore on this machine fit the PostgreSQL at ${serverUrl}: install its client tools`);
    tools = fitting;

    product = await startTestProduct({ postgresAdminUrl: serverUrl });
    const api: ApiClient = apiClient(product);
    p = await addCast(product.app.dataSource, 'admin', 'owner', 'lead', 'dcc', 'liaison', 'viewer');
    api.actingAs(p.admin.id);
    const [logged, assigned, inProgress, approval, hmicfrs, closed] = await api.createReport({
      title: 'Backup and restore inspection',
      originator: 'HMICFRS',
      kind: 'inspection',
      publishedOn: '2025-03-01',
      recommendations: ['1', '2', '3', '4', '5', '6'].map((reference) => ({ reference, category: reference === '6' ? 1 : 3 })),
    });
    ids = {
      logged: logged!,
      assigned: assigned!,
      inProgress: inProgress!,
      approval: approval!,
      hmicfrs: hmicfrs!,
      closed: closed!,
    };
    for (const id of [ids.assigned, ids.inProgress, ids.approval, ids.hmicfrs])
      await api.command(id, { type: 'assign', ownerId: p.owner.id, leadId: p.lead.id, dueDate: '2028-01-31' });
    for (const id of [ids.inProgress, ids.approval, ids.hmicfrs]) await api.command(id, { type: 'accept' }, p.owner.id);
    await api.command(ids.inProgress, { type: 'postUpdate', text: 'Training plan drafted.' }, p.owner.id);
    for (const id of [ids.approval, ids.hmicfrs]) {
      await api.command(id, { type: 'submitEvidence', summary: 'Policy published; records attached.' }, p.owner.id);
      await api.command(id, { type: 'approve' }, p.lead.id);
    }
    await api.command(ids.hmicfrs, { type: 'approve' }, p.dcc.id);
    await api.command(ids.hmicfrs, { type: 'selfCertify', signatory: 'DCC Simon Hartley' }, p.dcc.id);
    await api.command(ids.hmicfrs, { type: 'submitToHmicfrs', reference: 'HMICFRS-2026-0142' }, p.liaison.id);
    await api.command(ids.closed, { type: 'closeNoActionRequired', reason: 'Already force policy' }, p.admin.id);
    const cover = await api.call('PUT', '/api/papers/overview/cover-report', {
      reportTo: 'Joint Audit Committee',
      reportOf: 'Deputy Chief Constable',
      purpose: 'To update the committee on inspection recommendations.',
      recommendation: 'The committee notes the report.',
      background: 'Restored from a backup.',
      financial: '',
      humanResources: '',
      equality: '',
      risk: '',
      policy: '',
      legal: '',
      consultation: '',
    });
    expect(cover.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await restored?.stop();
    await product?.stop();
    await temporal?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('restores the database into a fresh instance; the reconcile rebuilds the workflows; the papers read the same', async () => {
    const statuses = (await product!.app.dataSource.query(`SELECT id, status FROM recommendations`)) as { id: string; status: string }[];
    expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toEqual({
      [ids.logged]: 'logged',
      [ids.assigned]: 'assigned',
      [ids.inProgress]: 'in_progress',
      [ids.approval]: 'awaiting_approval',
      [ids.hmicfrs]: 'awaiting_hmicfrs_sign_off',
      [ids.closed]: 'closed',
    });
    const papersBefore = await papersOf(product!);
    expect(papersBefore[paperPaths[0]!]).toContain('Joint Audit Committee');
    expect(papersBefore[paperPaths[3]!]).toContain('Backup and restore inspection');
    const schedulesBefore = await schedulesOf(product!);
    const taskQueue = product!.taskQueue;

    // The backup (docs/operations.md): custom format, the product's database only.
    const dump = path.join(work, 'tracker.dump');
    await run(tools.pgDump, ['--format=custom', `--file=${dump}`, `--dbname=${product!.databaseUrl}`]);
    expect(fs.statSync(dump).size).toBeGreaterThan(0);
    // Everything is lost: the product's database is dropped, and the new Temporal below knows nothing of it.
    await product!.stop();
    product = null;

    const database = `rt_restored_${Date.now()}`;
    await withPg(serverUrl, (c) => c.query(`CREATE DATABASE ${database}`));
    const restoredUrl = new URL(serverUrl);
    restoredUrl.pathname = `/${database}`;
    await run(tools.pgRestore, ['--exit-on-error', '--no-owner', `--dbname=${restoredUrl.toString()}`, dump]);

    const cliPath = await findOrBuildTemporalCli(process.env.TEMPORAL_CLI_PATH, logger);
    temporal = await startTemporalDevServer({ cliPath, port: await freePort(), uiPort: null, dbFile: null, logger });
    restored = await startTestProduct({ postgresAdminUrl: serverUrl, database, temporalAddress: temporal.address, taskQueue });
    const handle = (id: string) => restored!.app.client.workflow.getHandle(recommendationWorkflowId(id));
    for (const id of [...open(), ids.closed]) await expect(handle(id).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    // The papers come from PostgreSQL alone: the same before any workflow runs.
    expect(await papersOf(restored)).toEqual(papersBefore);

    const reconciler = createWorkflowReconciler({
      dataSource: restored.app.dataSource,
      connection: restored.app.client.connection,
      namespace: 'default',
      taskQueue,
      reminderSettings: () => loadReminderSettings(restored!.app.dataSource.manager),
    });
    const by = { ...CHECK_ACTOR, label: 'Workflow reconcile (restore test)' };
    const actions = (report: ReconcileReport) => Object.fromEntries(report.items.map((i) => [i.recommendationId, [i.found, i.action]]));
    const dry = await reconciler.reconcile({ apply: false, by });
    expect(actions(dry)).toEqual({
      ...Object.fromEntries(open().map((id) => [id, ['missing', 'would_start']])),
      [ids.closed]: [null, 'skipped_closed'],
    });
    for (const id of open()) await expect(handle(id).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    const applied = await reconciler.reconcile({ apply: true, by });
    expect(applied.counts).toMatchObject({ started: open().length, would_start: 0, skipped_closed: 1, not_started: 0 });

    for (const id of open()) {
      expect((await handle(id).describe()).status.name).toBe('RUNNING');
      const recorded = await handle(id).query(recordQuery);
      const [row] = (await restored.app.dataSource.query(`SELECT state, version FROM recommendations WHERE id = $1`, [id])) as {
        state: unknown;
        version: number;
      }[];
      expect([id, recorded.version, stableJson(recorded.state)]).toEqual([id, row!.version, stableJson(row!.state)]);
    }
    expect(await schedulesOf(restored)).toEqual(schedulesBefore);
    expect(await papersOf(restored)).toEqual(papersBefore);

    // The restored force carries on: a command goes through its rebuilt workflow.
    const api = apiClient(restored);
    expect((await api.command(ids.assigned, { type: 'accept' }, p.owner.id)).status).toBe('in_progress');
    expect((await reconciler.reconcile({ apply: true, by })).counts).toMatchObject({ started: 0, already_running: open().length });
  }, 120_000);
});
