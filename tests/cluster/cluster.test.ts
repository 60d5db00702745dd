import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { startCluster, type Cluster } from '../../dev/cluster';
import { SupervisedProcess } from '../../dev/clusterProcess';
import { createNamespace, prepareTemporalDatabases } from '../../dev/temporalServer';
import { sendInstant } from '../../domain/reminders/offsets';
import { reminderPolicyWith, type ReminderPolicy } from '../../domain/reminders/policy';
import type { ReconcileReport } from '../../api/consistency/reconcile';
import { createLogger } from '../../platform/logger';
import {
  checkInvariants,
  compileProduct,
  Driver,
  invariantRows,
  Rng,
  NO_VIOLATIONS,
  outboxSettled,
  say,
  seedCast,
  sleep,
  strike,
  table,
  violationLines,
  withPg,
  type Cast,
  type CastKey,
  type CommandRecord,
} from '../support/faultHarness';

/**
 * The production topology on this machine (dev/cluster.ts), started once for this file on an embedded PostgreSQL of
 * its own (one fault stops it; the machine's server is never touched): the Temporal server 1.30.1 on PostgreSQL, two
 * api processes and two workers from the compiled product, each restarted a second after an exit nobody asked for
 * (compose's restart policy), and an SMTP server that demands STARTTLS and authentication. A smoke test, then one
 * fault per test while commands arrive through both APIs; after each, counts from the ledger of answers, PostgreSQL,
 * the audit trail, the workflows and the mail received, and a row in the fault table printed at the end.
 *
 *   CLUSTER_KEEP=1                     keep the work folder (every process's log, the mail) and the databases
 *   CLUSTER_SMTP_OUTAGE_SECONDS=60     how long the mail server refuses (CI's default; a force's outage is longer)
 *   CLUSTER_REMINDER_ITEMS=16          items whose reminder falls due in each reminder burst
 *   CLUSTER_FAULT_SEED=20261207        the seeded schedule of the randomized test (printed; rerun with it to replay)
 */

const ROOT = path.resolve(__dirname, '..', '..');
const ITEMS_PER_BURST = 6;
const SMTP_OUTAGE_MS = 1000 * Number(process.env.CLUSTER_SMTP_OUTAGE_SECONDS ?? 60);
const REMINDER_ITEMS = Number(process.env.CLUSTER_REMINDER_ITEMS ?? 16);
const FAULT_SEED = Number(process.env.CLUSTER_FAULT_SEED ?? 20261207) >>> 0;
/** Time from the settings change to the instant its reminders fall due: every workflow takes the change in first. */
const REMINDER_LEAD_MS = 20_000;

interface Item {
  id: string;
  index: number;
  owner: CastKey;
  lead: CastKey;
}

/** One row of the closing fault table. */
interface FaultRow {
  fault: string;
  acknowledged: number;
  lost: number;
  duplicated: number;
  diverged: number;
  emailsDuplicated: number;
  remindersMissed: number | null;
  /** Until what failed was back (processes, or every email out). */
  recoverySeconds: number | null;
  /** The longest stretch after the fault without a 2xx: the outage as clients saw it. */
  stallSeconds: number | null;
}

type Command = { type: string } & Record<string, unknown>;

describe('the production topology as processes (Temporal server on PostgreSQL, 2 APIs, 2 workers, SMTP with STARTTLS and AUTH)', () => {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn', pretty: false });
  let workDir = '';
  let distDir = '';
  let cluster: Cluster | null = null;
  let cast: Cast;
  const items: Item[] = [];
  /** Every command of the file, for the last check over all items. */
  const allRecords: CommandRecord[] = [];
  const faultRows: FaultRow[] = [];
  const keep = process.env.CLUSTER_KEEP === '1';
  const t0 = Date.now();
  /** Processes a test starts besides the cluster's own (the stale worker). */
  const extraProcesses: SupervisedProcess[] = [];
  const killAll = () => {
    cluster?.killNow();
    extraProcesses.forEach((p) => p.killNow());
  };
  /** Due dates of the reminder bursts, each later than the one before (an earlier burst's reminder is then in the past). */
  let nextReminderDueDate = Date.parse('2027-09-30T00:00:00Z');

  async function createItems(count: number, title: string): Promise<Item[]> {
    const owners: CastKey[] = ['owner1', 'owner2'];
    const leads: CastKey[] = ['lead1', 'lead2'];
    const response = await fetch(`${cluster!.apiUrls[0]}/api/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cast.admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title,
        originator: 'HMICFRS',
        kind: 'inspection',
        scope: 'force',
        publishedOn: '2024-05-01',
        recommendations: Array.from({ length: count }, (_, i) => ({
          reference: String(i + 1),
          kind: 'recommendation',
          text: `Recommendation ${i + 1}: forces should make sure that crimes are recorded correctly.`,
          category: 2,
          department: 'Public Protection',
        })),
      }),
    });
    const body = (await response.json()) as { recommendations?: { id: string; reference: string }[] };
    if (response.status !== 201 || !body.recommendations) throw new Error(`report not created: ${response.status} ${JSON.stringify(body)}`);
    const first = items.length;
    const created = body.recommendations
      .sort((a, b) => Number(a.reference) - Number(b.reference))
      .map((r, i) => ({ id: r.id, index: first + i, owner: owners[i % 2]!, lead: leads[i % 2]! }));
    items.push(...created);
    return created;
  }

  function drivers(): Driver[] {
    return cluster!.apiUrls.map(
      (baseUrl) => new Driver({ baseUrl, requestTimeoutMs: 20_000, commandDeadlineMs: 150_000, retryAfterCapMs: 2000 }, cast),
    );
  }

  const assignment = (item: Item, dueDate = '2027-06-30'): Command => ({
    type: 'assign',
    ownerId: cast[item.owner].id,
    leadId: cast[item.lead].id,
    dueDate,
  });

  /** Each item's commands from assigned to awaiting approval (accept, three updates, evidence), with its assignment first unless already done. */
  function plan(item: Item, assigned: boolean): [CastKey, Command][] {
    return [
      ...(assigned ? [] : [['admin', assignment(item)] as [CastKey, Command]]),
      [item.owner, { type: 'accept' }],
      ...[1, 2, 3].map((n): [CastKey, Command] => [item.owner, { type: 'postUpdate', text: `Progress note ${n}` }]),
      [item.owner, { type: 'submitEvidence', summary: 'Policy published; training records attached' }],
    ];
  }

  /**
   * The bounded load: each item walked through its plan, its commands sent alternately through api 1 and api 2;
   * `fault` runs once a third of the commands have been acknowledged, or at once with `strikeAtStart`.
   */
  async function burst(
    burstItems: Item[],
    fault: () => Promise<void>,
    options: { assigned?: boolean; strikeAtStart?: boolean } = {},
  ): Promise<CommandRecord[]> {
    const [api1, api2] = drivers();
    const total = burstItems.length * plan(burstItems[0]!, options.assigned ?? false).length;
    const records: CommandRecord[] = [];
    let struck = false;
    let faultDone: Promise<void> = Promise.resolve();
    const strikeNow = () => {
      struck = true;
      faultDone = fault();
    };
    if (options.strikeAtStart) strikeNow();
    const walk = async (item: Item) => {
      let step = 0;
      for (const [actor, body] of plan(item, options.assigned ?? false)) {
        const driver = (item.index + step++) % 2 === 0 ? api1! : api2!;
        const record = await driver.command(item, actor, randomBytes(16).toString('hex'), body);
        records.push(record);
        if (record.outcome !== 'acknowledged') return;
        if (!struck && records.filter((r) => r.outcome === 'acknowledged').length >= total / 3) strikeNow();
      }
    };
    await Promise.all(burstItems.map(walk));
    await faultDone;
    allRecords.push(...records);
    return records;
  }

  /** Every api answering /readyz and every worker polling, each within `timeoutMs`. */
  async function productReady(timeoutMs: number): Promise<void> {
    await Promise.all([...cluster!.apis, ...cluster!.workers].map((p) => p.ensureReady(timeoutMs)));
  }

  /** The owners take reminders one email each (no daily digest), so each due reminder is one email to count. */
  async function remindersAsTheyFallDue(): Promise<void> {
    await withPg(cluster!.databaseUrl, (pg) =>
      pg.query(`UPDATE people SET digest_preference = 'immediate' WHERE id = ANY($1::uuid[])`, [[cast.owner1.id, cast.owner2.id]]),
    );
  }

  /**
   * A reminder burst: `count` items assigned, due on a date of their own, then one change of the reminder settings
   * whose only due-date reminder lands for all of them at one instant REMINDER_LEAD_MS from now.
   */
  async function reminderBurst(count: number, title: string): Promise<{ items: Item[]; instant: number; records: CommandRecord[] }> {
    const burstItems = await createItems(count, title);
    const dueDate = new Date(nextReminderDueDate).toISOString().slice(0, 10);
    nextReminderDueDate += 28 * 86_400_000;
    const [api1] = drivers();
    const records = await Promise.all(
      burstItems.map((item) => api1!.command(item, 'admin', randomBytes(16).toString('hex'), assignment(item, dueDate))),
    );
    allRecords.push(...records);
    if (records.some((r) => r.outcome !== 'acknowledged')) throw new Error(`reminder burst: an assignment was not acknowledged`);
    const headers = { authorization: `Bearer ${cast.admin.token}`, 'content-type': 'application/json' };
    const current = (await (await fetch(`${cluster!.apiUrls[0]}/api/settings/reminders`, { headers })).json()) as {
      settings: { policy: ReminderPolicy };
    };
    const instant = Math.ceil((Date.now() + REMINDER_LEAD_MS) / 1000) * 1000;
    const base = current.settings.policy;
    const beforeDue = Math.round((sendInstant(dueDate, base) - instant) / 1000);
    const policy = reminderPolicyWith({ dueReminders: [{ duration: `PT${beforeDue}S` }] }, base);
    const put = await fetch(`${cluster!.apiUrls[0]}/api/settings/reminders`, { method: 'PUT', headers, body: JSON.stringify({ policy }) });
    if (put.status !== 200) throw new Error(`PUT /api/settings/reminders answered ${put.status}: ${await put.text()}`);
    return { items: burstItems, instant, records };
  }

  /** Each burst item's due reminder: its outbox rows (one expected, sent) and the copies of its Message-ID received. */
  async function remindersTally(
    burstItems: Item[],
    settleMs: number,
  ): Promise<{ rows: [string, string | number][]; missed: number; duplicated: number }> {
    const deadline = Date.now() + settleMs;
    let outbox: { recommendation_id: string; id: string; status: string }[] = [];
    for (;;) {
      outbox = (
        await withPg(cluster!.databaseUrl, (pg) =>
          pg.query<{ recommendation_id: string; id: string; status: string }>(
            `SELECT recommendation_id, id, status FROM outbound_emails WHERE template = 'nudge:due_reminder' AND recommendation_id = ANY($1::uuid[])`,
            [burstItems.map((i) => i.id)],
          ),
        )
      ).rows;
      const sentItems = new Set(outbox.filter((r) => r.status === 'sent').map((r) => r.recommendation_id));
      if (sentItems.size === burstItems.length || Date.now() > deadline) break;
      await sleep(1000);
    }
    const mail = await cluster!.smtp.list();
    const copies = (rowId: string) => mail.filter((m) => m.messageId?.toLowerCase().includes(rowId.toLowerCase())).length;
    let missed = 0;
    let duplicated = 0;
    for (const item of burstItems) {
      const rows = outbox.filter((r) => r.recommendation_id === item.id);
      const received = rows.reduce((sum, r) => sum + copies(r.id), 0);
      if (rows.length === 0 || received === 0) missed++;
      duplicated += Math.max(0, rows.length - 1) + Math.max(0, received - rows.length);
    }
    return {
      rows: [
        [
          'reminders due / outbox rows / sent',
          `${burstItems.length} / ${outbox.length} / ${outbox.filter((r) => r.status === 'sent').length}`,
        ],
        ['REMINDERS MISSED / DUPLICATED (rows or Message-ID)', `${missed} / ${duplicated}`],
      ],
      missed,
      duplicated,
    };
  }

  /**
   * The counts after a fault: every email out (bounded), then checkInvariants over `checked` items; prints the
   * fault's table and adds its row to the closing one.
   */
  async function verify(
    records: CommandRecord[],
    label: string,
    extra: [string, string | number][],
    options: {
      checked?: Item[];
      recoveryMs: number | null;
      faultAt?: number;
      reminders?: { missed: number; duplicated: number };
      settleMs?: number;
    },
  ) {
    const unsent = await outboxSettled(cluster!.databaseUrl, options.settleMs ?? 90_000);
    const report = await checkInvariants({
      databaseUrl: cluster!.databaseUrl,
      temporalAddress: cluster!.temporalAddress,
      namespace: cluster!.namespace,
      items: options.checked ?? items,
      records,
      mail: await cluster!.smtp.list(),
      kills: cluster!.events,
      convergeTimeoutMs: 60_000,
    });
    const c = report.counts;
    const acknowledged = records.filter((r) => r.outcome === 'acknowledged');
    say(
      `\n${label}\n${table([
        ...extra,
        [
          'commands sent / acknowledged (2xx)',
          `${records.length} / ${acknowledged.length} (after a retry: ${acknowledged.filter((r) => r.attempts > 1).length})`,
        ],
        ...invariantRows(report),
        ['emails still unsent when checked', unsent],
      ])}`,
    );
    for (const line of violationLines(report, 20)) say(line);
    faultRows.push({
      fault: label,
      acknowledged: acknowledged.length,
      lost: c.lost,
      duplicated: c.duplicated,
      diverged: c.diverged,
      emailsDuplicated: c.emailsDuplicated,
      remindersMissed: options.reminders?.missed ?? null,
      recoverySeconds: options.recoveryMs === null ? null : Math.round(options.recoveryMs / 100) / 10,
      stallSeconds: options.faultAt === undefined ? null : Math.round(longestStall(records, options.faultAt) / 100) / 10,
    });
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(c).toEqual(NO_VIOLATIONS);
    if (options.reminders) expect(options.reminders).toEqual({ missed: 0, duplicated: 0 });
  }

  /** The longest stretch after `from` in which no command was acknowledged (the load stalled): the recovery time seen by clients. */
  function longestStall(records: CommandRecord[], from: number): number {
    const lastAnswer = (r: CommandRecord) => r.answeredAt[r.answeredAt.length - 1] ?? 0;
    const acks = [
      from,
      ...records
        .filter((r) => r.outcome === 'acknowledged' && lastAnswer(r) >= from)
        .map(lastAnswer)
        .sort((a, b) => a - b),
    ];
    return Math.max(0, ...acks.slice(1).map((t, i) => t - acks[i]!));
  }

  /** Runs dist/bin/reconcileWorkflows.js as `npm run workflows:reconcile -- --json [--apply]` would, with the product's environment. */
  function reconcile(apply: boolean): Promise<ReconcileReport> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(distDir, 'bin', 'reconcileWorkflows.js'), '--json', ...(apply ? ['--apply'] : [])], {
        env: { ...cluster!.env, LOG_LEVEL: 'warn' },
        cwd: workDir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => {
        try {
          // The report is the last thing written, pretty-printed; a log line before it would be JSON too.
          const report = JSON.parse(out.slice(out.lastIndexOf('{\n  "startedAt"'))) as ReconcileReport;
          say(`workflows:reconcile${apply ? ' --apply' : ' (dry run)'} exited ${code}: ${JSON.stringify(report.counts)}`);
          resolve(report);
        } catch {
          reject(new Error(`workflows:reconcile exited ${code} without a JSON report:\n${out.slice(-2000)}\n${err.slice(-2000)}`));
        }
      });
    });
  }

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-cluster-'));
    fs.chmodSync(workDir, 0o755);
    process.once('exit', killAll);
    ({ distDir } = await compileProduct(ROOT, workDir, { allowTypeErrors: false }));
    cluster = await startCluster({
      distDir,
      workDir,
      logger,
      embeddedPostgres: true,
      databasePrefix: `rt_cl_${randomBytes(4).toString('hex')}`,
      env: { PUBLIC_URL: 'http://tracker.test', FORCE_NAME: 'Cluster Test Constabulary', LOG_LEVEL: 'info' },
    });
    cast = await seedCast(cluster.databaseUrl);
    await remindersAsTheyFallDue();
    say(
      `cluster up in ${((Date.now() - t0) / 1000).toFixed(1)} s (Temporal ${cluster.temporalAddress}, APIs ${cluster.apiUrls.join(', ')}, PostgreSQL ${new URL(cluster.postgresAdminUrl).port}, embedded); work folder ${workDir}`,
    );
  }, 420_000);

  afterAll(async () => {
    if (faultRows.length)
      say(
        `\nfault table (whole file ${((Date.now() - t0) / 1000).toFixed(0)} s)\n${[
          '| fault | acknowledged | lost | duplicated | diverged | emails duplicated | reminders missed | recovery | longest without a 2xx |',
          '|---|---|---|---|---|---|---|---|---|',
          ...faultRows.map(
            (r) =>
              `| ${r.fault} | ${r.acknowledged} | ${r.lost} | ${r.duplicated} | ${r.diverged} | ${r.emailsDuplicated} | ${r.remindersMissed ?? '–'} | ${r.recoverySeconds === null ? '–' : `${r.recoverySeconds} s`} | ${r.stallSeconds === null ? '–' : `${r.stallSeconds} s`} |`,
          ),
        ].join('\n')}`,
      );
    await Promise.allSettled(extraProcesses.map((p) => p.stop()));
    await cluster?.stop();
    process.removeListener('exit', killAll);
    if (workDir && !keep) fs.rmSync(workDir, { recursive: true, force: true });
    else if (workDir) say(`kept ${workDir} (logs of every process, mail/, the embedded PostgreSQL's data in postgres/)`);
  }, 120_000);

  it('a command sent through api 1 is seen through api 2 and in its workflow, and its email arrives over STARTTLS with AUTH', async () => {
    const [item] = await createItems(1, 'Cluster smoke inspection');
    const [api1, api2] = drivers();
    const record = await api1!.command(item!, 'admin', randomBytes(16).toString('hex'), {
      type: 'assign',
      ownerId: cast.owner1.id,
      leadId: cast.lead1.id,
      dueDate: '2027-06-30',
    });
    allRecords.push(record);
    expect(record.outcome).toBe('acknowledged');

    const view = await api2!.get(item!.id, 'admin');
    expect(view).toMatchObject({ status: 'assigned', version: 1 });

    const connection = await Connection.connect({ address: cluster!.temporalAddress });
    try {
      const client = new TemporalClient({ connection, namespace: cluster!.namespace });
      const inWorkflow = await client.workflow
        .getHandle(`recommendation-${item!.id}`)
        .query<{ state: { status: string }; version: number }>('record');
      expect({ status: inWorkflow.state.status, version: inWorkflow.version }).toEqual({ status: 'assigned', version: 1 });
    } finally {
      await connection.close();
    }

    const email = await cluster!.smtp.waitFor((m) => m.to.includes(cast.owner1.email), {
      timeoutMs: 60_000,
      description: "the owner's assignment email",
    });
    expect(email.messageId).toBeTruthy();
  }, 120_000);

  /**
   * A burst through both APIs with `fault` striking a third of the way in, then the counts. `fault` resolves with
   * when it struck and, once everything is back, how long that took (null when something never came back).
   */
  async function faultTest(
    title: string,
    faultLabel: string,
    fault: () => Promise<{ killedAt: number; backAfterMs: number | null }>,
    backLabel: string,
    options: {
      settleMs?: number;
      extraRows?: () => Promise<[string, string | number][]>;
      /** The load starts at this moment (epoch ms) and the fault with it, rather than a third of the way in. */
      loadAt?: number;
      /** Items in the burst (ITEMS_PER_BURST unless said). */
      items?: number;
      /** Items and commands of the test besides the burst's, checked with them. */
      also?: { items: Item[]; records: CommandRecord[] };
    } = {},
  ) {
    const burstItems = await createItems(options.items ?? ITEMS_PER_BURST, title);
    let struck: { killedAt: number; backAfterMs: number | null } | null = null;
    if (options.loadAt) await sleep(Math.max(0, options.loadAt - Date.now()));
    const started = Date.now();
    const records = await burst(
      burstItems,
      async () => {
        struck = await fault();
      },
      { strikeAtStart: options.loadAt !== undefined },
    );
    const loadMs = Date.now() - started;
    expect(struck).not.toBeNull();
    const { killedAt, backAfterMs } = struck!;
    const lastAnswer = (r: CommandRecord) => r.answeredAt[r.answeredAt.length - 1] ?? 0;
    const answeredAfter = records.filter((r) => lastAnswer(r) >= killedAt);
    const stall = longestStall(records, killedAt);
    await verify(
      [...(options.also?.records ?? []), ...records],
      faultLabel,
      [
        ['fault', faultLabel],
        ['recovery: longest stretch without a 2xx after the fault', `${(stall / 1000).toFixed(1)} s`],
        [
          'slowest command answered after the fault',
          `${(Math.max(0, ...answeredAfter.map((r) => lastAnswer(r) - killedAt)) / 1000).toFixed(1)} s`,
        ],
        [backLabel, backAfterMs === null ? 'NOT back' : `${(backAfterMs / 1000).toFixed(1)} s after the fault`],
        ['load', `${(loadMs / 1000).toFixed(1)} s, ${burstItems.length} items`],
        ...((await options.extraRows?.()) ?? []),
      ],
      { checked: [...(options.also?.items ?? []), ...burstItems], recoveryMs: backAfterMs, faultAt: killedAt, settleMs: options.settleMs },
    );
    expect(backAfterMs).not.toBeNull();
  }

  /** kill -9 of one process, started again after `downMs`, as a restart policy would. */
  const killAndRestart = (target: SupervisedProcess, downMs: number) => () => strike([target], { downMs, recoveryTimeoutMs: 120_000 });

  it('kill -9 of a worker mid-burst through both APIs: every 2xx recorded once, in the audit trail and the workflow; no email twice', async () => {
    const victim = cluster!.workers[0]!;
    await faultTest(
      'Cluster worker fault inspection',
      `kill -9 ${victim.name}, started again after 2 s`,
      killAndRestart(victim, 2000),
      `${victim.name} polling again`,
    );
  }, 300_000);

  it('kill -9 of an API process mid-request: the client resends with its key; nothing lost or applied twice', async () => {
    const victim = cluster!.apis[1]!;
    await faultTest(
      'Cluster API fault inspection',
      `kill -9 ${victim.name}, started again after 2 s`,
      killAndRestart(victim, 2000),
      `${victim.name} ready again`,
    );
  }, 300_000);

  it('the Temporal server stopped and started again mid-burst: commands wait or answer 503, and are resent with their keys', async () => {
    const server = cluster!.temporal.process;
    await faultTest(
      'Cluster Temporal restart inspection',
      'Temporal server stopped (SIGTERM), started again after 3 s',
      async () => {
        const killedAt = Date.now();
        await server.stop();
        await sleep(3000);
        server.start();
        await server.ensureReady(120_000);
        await productReady(120_000);
        return { killedAt, backAfterMs: Date.now() - killedAt };
      },
      'Temporal answering and both workers polling',
    );
  }, 300_000);

  it('PostgreSQL stopped and started again mid-burst (the product and Temporal both lose it): nothing acknowledged is lost', async () => {
    const postgres = cluster!.embeddedPostgres!;
    expect(postgres).not.toBeNull();
    const exitsBefore = cluster!.events.filter((e) => e.what.startsWith('exited unexpectedly')).length;
    await faultTest(
      'Cluster PostgreSQL restart inspection',
      'PostgreSQL stopped (fast shutdown), started again after 5 s',
      async () => {
        const killedAt = Date.now();
        await postgres.stop();
        await sleep(5000);
        postgres.start();
        await postgres.ensureReady(120_000);
        await cluster!.temporal.process.ensureReady(120_000);
        await productReady(120_000);
        return { killedAt, backAfterMs: Date.now() - killedAt };
      },
      'PostgreSQL, Temporal, both APIs and both workers back',
      {
        extraRows: async () => [
          [
            'processes that exited and were restarted',
            cluster!.events.filter((e) => e.what.startsWith('exited unexpectedly')).length - exitsBefore,
          ],
        ],
      },
    );
  }, 300_000);

  it('a seeded random schedule of three faults (kill -9 of an api or a worker, a Temporal or PostgreSQL restart) mid-burst', async () => {
    const rng = new Rng(FAULT_SEED);
    const kinds = ['api', 'worker', 'temporal', 'postgres'] as const;
    const schedule = [0, 1, 2].map(() => ({
      kind: rng.pick(kinds),
      which: rng.int(0, 1),
      gapMs: rng.int(500, 3000),
      downMs: rng.int(500, 4000),
    }));
    const label = (f: (typeof schedule)[number]) =>
      f.kind === 'api' || f.kind === 'worker'
        ? `kill -9 ${f.kind}-${f.which + 1}`
        : `${f.kind === 'temporal' ? 'Temporal' : 'PostgreSQL'} restart`;
    say(
      `\ncluster randomized faults: CLUSTER_FAULT_SEED=${FAULT_SEED}: ${schedule.map((f) => `${label(f)} (${f.downMs} ms down)`).join(', then ')}`,
    );
    await faultTest(
      'Cluster random fault inspection',
      `seed ${FAULT_SEED}: ${schedule.map(label).join(', ')}`,
      async () => {
        let firstAt: number | null = null;
        for (const fault of schedule) {
          await sleep(fault.gapMs);
          const at = Date.now();
          firstAt ??= at;
          if (fault.kind === 'api' || fault.kind === 'worker') {
            const victim = (fault.kind === 'api' ? cluster!.apis : cluster!.workers)[fault.which]!;
            await strike([victim], { downMs: fault.downMs, recoveryTimeoutMs: 120_000 });
          } else {
            const target = fault.kind === 'temporal' ? cluster!.temporal.process : cluster!.embeddedPostgres!;
            await target.stop();
            await sleep(fault.downMs);
            target.start();
            await target.ensureReady(120_000);
            await cluster!.temporal.process.ensureReady(120_000);
          }
          await productReady(120_000);
        }
        return { killedAt: firstAt!, backAfterMs: Date.now() - firstAt! };
      },
      'every process back after the last fault',
      // A longer load than the other faults', so that all three strike while commands are still arriving.
      { loadAt: Date.now(), items: 4 * ITEMS_PER_BURST },
    );
  }, 420_000);

  it(`the mail server refusing (421) for ${SMTP_OUTAGE_MS / 1000} s while commands and a reminder burst fall due: every email sent once afterwards`, async () => {
    const reminders = await reminderBurst(REMINDER_ITEMS, 'Cluster SMTP outage reminders');
    const smtp = cluster!.smtp;
    const refusedBefore = { connections: smtp.refusedConnections, messages: smtp.refusedMessages };
    let back = 0;
    let outageStarted = 0;
    const burstItems = await createItems(ITEMS_PER_BURST, 'Cluster SMTP outage inspection');
    const outage = (async () => {
      outageStarted = Date.now();
      smtp.setRefusing(true);
      await sleep(SMTP_OUTAGE_MS);
      smtp.setRefusing(false);
      back = Date.now();
    })();
    const started = Date.now();
    const records = await burst(burstItems, () => outage, { strikeAtStart: true });
    const loadMs = Date.now() - started;
    expect(reminders.instant).toBeLessThan(back);
    // Mail retries back off (5 s, doubling); the sweep takes what is left: allow two of the longest waits.
    const settleMs = SMTP_OUTAGE_MS * 2 + 60_000;
    const unsentAtEnd = await outboxSettled(cluster!.databaseUrl, settleMs);
    const allOut = Date.now();
    const tally = await remindersTally(reminders.items, 30_000);
    const refused = smtp.refusedConnections - refusedBefore.connections + smtp.refusedMessages - refusedBefore.messages;
    expect(refused).toBeGreaterThan(0);
    await verify(
      [...reminders.records, ...records],
      `SMTP refusing (421) for ${SMTP_OUTAGE_MS / 1000} s`,
      [
        ['fault', `every SMTP connection answered 421 for ${SMTP_OUTAGE_MS / 1000} s`],
        [
          'connections / messages refused (421)',
          `${smtp.refusedConnections - refusedBefore.connections} / ${smtp.refusedMessages - refusedBefore.messages}`,
        ],
        ['reminder instant', `${((reminders.instant - outageStarted) / 1000).toFixed(1)} s into the outage`],
        ['every email out', `${((allOut - back) / 1000).toFixed(1)} s after the mail server came back (unsent then: ${unsentAtEnd})`],
        ['load', `${(loadMs / 1000).toFixed(1)} s, ${ITEMS_PER_BURST} items`],
        ...tally.rows,
      ],
      {
        checked: [...burstItems, ...reminders.items],
        recoveryMs: allOut - back,
        faultAt: outageStarted,
        reminders: { missed: tally.missed, duplicated: tally.duplicated },
        settleMs: 30_000,
      },
    );
  }, 600_000);

  it('a reminder burst with a worker killed at the instant it falls due: every due reminder sent once', async () => {
    const reminders = await reminderBurst(REMINDER_ITEMS * 2, 'Cluster reminder burst');
    const victim = cluster!.workers[1]!;
    await faultTest(
      'Cluster reminder burst inspection',
      `${REMINDER_ITEMS * 2} reminders due at once; kill -9 ${victim.name} at that instant, started again after 2 s`,
      async () => {
        await sleep(Math.max(0, reminders.instant + 300 - Date.now()));
        return strike([victim], { downMs: 2000, recoveryTimeoutMs: 120_000 });
      },
      `${victim.name} polling again`,
      {
        // Commands arriving from the instant on, so the kill (0.3 s later) meets both kinds of work.
        loadAt: reminders.instant,
        also: reminders,
        extraRows: async () => {
          const tally = await remindersTally(reminders.items, 90_000);
          expect({ missed: tally.missed, duplicated: tally.duplicated }).toEqual({ missed: 0, duplicated: 0 });
          return tally.rows;
        },
      },
    );
    faultRows[faultRows.length - 1]!.remindersMissed = 0;
  }, 400_000);

  it('a worker with a stale build (a changed command path) against running workflows: its workflow tasks fail and retry, nothing is corrupted', async () => {
    // The stale build: the same product, but its command handler waits on a timer before recording, which the
    // histories of commands already recorded do not contain (a non-determinism on replay).
    const staleDist = path.join(workDir, 'dist-stale');
    fs.cpSync(distDir, staleDist, { recursive: true });
    const workflowFile = path.join(staleDist, 'workflows', 'recommendationWorkflow.js');
    const code = fs.readFileSync(workflowFile, 'utf8');
    const sdk = /const (\w+) = require\("@temporalio\/workflow"\)/.exec(code)?.[1];
    const changed = code.replace(
      'const outcome = await recordTransition({',
      `await (0, ${sdk}.sleep)(1);\n      const outcome = await recordTransition({`,
    );
    expect(sdk).toBeTruthy();
    expect(changed).not.toBe(code);
    fs.writeFileSync(workflowFile, changed);
    const stale = new SupervisedProcess(
      'worker-stale',
      process.execPath,
      [path.join(staleDist, 'bin', 'worker.js')],
      { env: cluster!.env, cwd: workDir, logFile: path.join(workDir, 'worker-stale.log'), events: cluster!.events },
      (pid) => cluster!.workers[0]!.ready(pid),
    );
    extraProcesses.push(stale);

    // Items with a command already in their histories, so that every workflow the stale worker replays meets the change.
    const burstItems = await createItems(ITEMS_PER_BURST, 'Cluster stale worker inspection');
    const [api1] = drivers();
    const assigned = await Promise.all(
      burstItems.map((item) => api1!.command(item, 'admin', randomBytes(16).toString('hex'), assignment(item))),
    );
    allRecords.push(...assigned);
    expect(assigned.every((r) => r.outcome === 'acknowledged')).toBe(true);

    let staleFrom = 0;
    let rightStartedAt = 0;
    let backAfterMs: number | null = null;
    const started = Date.now();
    const records = await burst(
      burstItems,
      async () => {
        await Promise.all(cluster!.workers.map((w) => w.stop()));
        stale.start();
        await stale.ensureReady(180_000);
        staleFrom = Date.now();
        await sleep(20_000);
        await stale.stop();
        rightStartedAt = Date.now();
        for (const worker of cluster!.workers) worker.start();
        await productReady(120_000);
        backAfterMs = Date.now() - staleFrom;
      },
      { assigned: true, strikeAtStart: true },
    );
    const loadMs = Date.now() - started;
    const acknowledgedWhileStale = records.filter((r) => {
      const at = r.answeredAt[r.answeredAt.length - 1] ?? 0;
      return r.outcome === 'acknowledged' && at > staleFrom && at < rightStartedAt;
    }).length;

    // What the stale worker did: workflow tasks failed (Temporal's history says so), none completed with its code.
    const connection = await Connection.connect({ address: cluster!.temporalAddress });
    let failedTasks = 0;
    let staleCompleted = 0;
    try {
      const client = new TemporalClient({ connection, namespace: cluster!.namespace });
      for (const item of burstItems) {
        const history = await client.workflow.getHandle(`recommendation-${item.id}`).fetchHistory();
        for (const event of history.events ?? []) {
          if (event.workflowTaskFailedEventAttributes) failedTasks++;
          if (event.workflowTaskCompletedEventAttributes?.identity?.startsWith(`${stale.pid ?? -1}@`)) staleCompleted++;
        }
      }
    } finally {
      await connection.close();
    }
    const nondeterminism = (fs.readFileSync(stale.logFile, 'utf8').match(/Nondeterminism error/g) ?? []).length;
    await verify(
      [...assigned, ...records],
      'stale worker build (a changed command path) for 20 s, the right workers stopped',
      [
        ['fault', 'both workers stopped; a worker of a stale build polls alone for 20 s; then the right workers again'],
        ['workflow tasks failed / completed by the stale worker (histories)', `${failedTasks} / ${staleCompleted}`],
        ['commands acknowledged while only the stale worker ran', acknowledgedWhileStale],
        ['non-determinism errors in the stale worker log', nondeterminism],
        ['right workers polling again', `${((backAfterMs ?? 0) / 1000).toFixed(1)} s after the stale worker started`],
        ['load', `${(loadMs / 1000).toFixed(1)} s, ${ITEMS_PER_BURST} items`],
      ],
      { checked: burstItems, recoveryMs: backAfterMs, faultAt: staleFrom },
    );
    expect(failedTasks).toBeGreaterThan(0);
    expect(nondeterminism).toBeGreaterThan(0);
    expect(staleCompleted).toBe(0);
    expect(acknowledgedWhileStale).toBe(0);
  }, 400_000);

  it("Temporal's data deleted under load, then workflows:reconcile (dry run first) restores every open item's workflow in its recorded state", async () => {
    const server = cluster!.temporal;
    const { temporalTools, temporalDatabases } = cluster!;
    let dryRun: ReconcileReport | null = null;
    let applied: ReconcileReport | null = null;
    let again: ReconcileReport | null = null;
    await faultTest(
      'Cluster Temporal data loss inspection',
      "Temporal's databases dropped and made again (empty), the server restarted",
      async () => {
        const killedAt = Date.now();
        await server.process.stop();
        await withPg(temporalDatabases.adminUrl, async (admin) => {
          for (const name of [temporalDatabases.temporal, temporalDatabases.visibility])
            await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        });
        await prepareTemporalDatabases(temporalDatabases, temporalTools.sqlToolPath, temporalTools.version, logger);
        server.process.start();
        await server.process.ensureReady(120_000);
        await createNamespace({ cliPath: temporalTools.cliPath, address: server.address, namespace: cluster!.namespace });
        await productReady(180_000);
        return { killedAt, backAfterMs: Date.now() - killedAt };
      },
      'Temporal answering with the namespace made again, both workers polling',
      {
        extraRows: async () => {
          dryRun = await reconcile(false);
          const second = await reconcile(false);
          applied = await reconcile(true);
          again = await reconcile(false);
          expect(second.counts.would_start).toBe(dryRun.counts.would_start);
          return [
            [
              'reconcile dry run: would start / already running / closed',
              `${dryRun.counts.would_start} / ${dryRun.counts.already_running} / ${dryRun.counts.skipped_closed}`,
            ],
            ['reconcile --apply: started / not started', `${applied.counts.started} / ${applied.counts.not_started}`],
            ['reconcile again: would start / already running', `${again.counts.would_start} / ${again.counts.already_running}`],
          ];
        },
      },
    );
    const open = (
      await withPg(cluster!.databaseUrl, (pg) =>
        pg.query<{ n: string }>(`SELECT count(*) AS n FROM recommendations WHERE status <> 'closed'`),
      )
    ).rows[0]!.n;
    expect(dryRun!.counts.would_start).toBeGreaterThan(0);
    expect(dryRun!.counts.started).toBe(0);
    expect(applied!.counts.started).toBe(dryRun!.counts.would_start);
    expect(applied!.counts.not_started).toBe(0);
    expect(again!.counts.would_start).toBe(0);
    expect(again!.counts.already_running).toBe(Number(open));

    // Every item of the file, every command of it: each workflow in its recorded state, nothing lost or doubled.
    const report = await checkInvariants({
      databaseUrl: cluster!.databaseUrl,
      temporalAddress: cluster!.temporalAddress,
      namespace: cluster!.namespace,
      items,
      records: allRecords,
      mail: await cluster!.smtp.list(),
      kills: cluster!.events,
      convergeTimeoutMs: 60_000,
    });
    say(
      `\nafter the reconcile, every item of the file (${items.length}) and every command (${allRecords.length}):\n${table(invariantRows(report))}`,
    );
    for (const line of violationLines(report, 20)) say(line);
    expect(report.counts).toEqual(NO_VIOLATIONS);
  }, 400_000);
});
