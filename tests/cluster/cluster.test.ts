import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { startCluster, type Cluster } from '../../dev/cluster';
import type { ClusterProcess } from '../../dev/clusterProcess';
import { createLogger } from '../../platform/logger';
import {
  checkInvariants,
  compileProduct,
  Driver,
  outboxSettled,
  say,
  seedCast,
  sleep,
  table,
  withPg,
  type Cast,
  type CastKey,
  type CommandRecord,
  type ProcessEvent,
} from '../support/faultHarness';

/**
 * The production topology on this machine (dev/cluster.ts), started once for this file: the Temporal server 1.30.1
 * on PostgreSQL, two api processes and two workers from the compiled product, an SMTP server that demands STARTTLS
 * and authentication. A smoke test, then faults injected with kill -9 while commands arrive through both APIs; after
 * each, counts from the ledger of answers, PostgreSQL, the audit trail, the workflows and the mail received.
 * CLUSTER_KEEP=1 keeps the work folder (every process's log, the mail) and the databases.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const ITEMS_PER_BURST = 6;

interface Item {
  id: string;
  index: number;
  owner: CastKey;
  lead: CastKey;
}

describe('the production topology as processes (Temporal server on PostgreSQL, 2 APIs, 2 workers, SMTP with STARTTLS and AUTH)', () => {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn', pretty: false });
  let workDir = '';
  let cluster: Cluster | null = null;
  let cast: Cast;
  let items: Item[] = [];
  const keep = process.env.CLUSTER_KEEP === '1';
  const kills: ProcessEvent[] = [];
  const t0 = Date.now();
  const killAll = () => cluster?.killNow();

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
      (baseUrl) => new Driver({ baseUrl, requestTimeoutMs: 20_000, commandDeadlineMs: 120_000, retryAfterCapMs: 2000 }, cast),
    );
  }

  /**
   * Each item walked from logged to awaiting approval (assign, accept, three updates, evidence), its commands sent
   * alternately through api 1 and api 2; `fault` runs once a third of the commands have been acknowledged.
   */
  async function burst(burstItems: Item[], fault: () => Promise<void>): Promise<{ records: CommandRecord[]; faultAtMs: number | null }> {
    const [api1, api2] = drivers();
    const plan = (item: Item): [CastKey, { type: string } & Record<string, unknown>][] => [
      ['admin', { type: 'assign', ownerId: cast[item.owner].id, leadId: cast[item.lead].id, dueDate: '2027-06-30' }],
      [item.owner, { type: 'accept' }],
      ...[1, 2, 3].map((n): [CastKey, { type: string; text: string }] => [item.owner, { type: 'postUpdate', text: `Progress note ${n}` }]),
      [item.owner, { type: 'submitEvidence', summary: 'Policy published; training records attached' }],
    ];
    const total = burstItems.length * 6;
    const records: CommandRecord[] = [];
    let faultAtMs: number | null = null;
    let faultDone: Promise<void> = Promise.resolve();
    const walk = async (item: Item) => {
      let step = 0;
      for (const [actor, body] of plan(item)) {
        const driver = (item.index + step++) % 2 === 0 ? api1! : api2!;
        const record = await driver.command(item, actor, randomBytes(16).toString('hex'), body);
        records.push(record);
        if (record.outcome !== 'acknowledged') return;
        if (faultAtMs === null && records.filter((r) => r.outcome === 'acknowledged').length >= total / 3) {
          faultAtMs = Date.now();
          faultDone = fault();
        }
      }
    };
    await Promise.all(burstItems.map(walk));
    await faultDone;
    return { records, faultAtMs };
  }

  /** Kills `target` with SIGKILL, starts it again after `downMs` (as a restart policy would); when it polls or answers again. */
  async function killAndRestart(target: ClusterProcess, downMs: number): Promise<{ killedAt: number; backAfterMs: number }> {
    const killedAt = Date.now();
    kills.push({ at: killedAt, atMs: killedAt - t0, process: target.name, what: `kill -9 (pid ${target.pid})` });
    await target.kill9();
    await sleep(downMs);
    target.start();
    await target.waitReady(120_000);
    return { killedAt, backAfterMs: Date.now() - killedAt };
  }

  async function verify(burstRecords: CommandRecord[], label: string, extra: [string, string | number][]) {
    const unsent = await outboxSettled(cluster!.databaseUrl, 90_000);
    const report = await checkInvariants({
      databaseUrl: cluster!.databaseUrl,
      temporalAddress: cluster!.temporalAddress,
      namespace: cluster!.namespace,
      items,
      records: burstRecords,
      mail: await cluster!.smtp.list(),
      kills,
      convergeTimeoutMs: 60_000,
    });
    const c = report.counts;
    const acknowledged = burstRecords.filter((r) => r.outcome === 'acknowledged');
    say(
      `\n${label}\n${table([
        ...extra,
        [
          'commands sent / acknowledged (2xx)',
          `${burstRecords.length} / ${acknowledged.length} (after a retry: ${acknowledged.filter((r) => r.attempts > 1).length})`,
        ],
        ['receipts in PostgreSQL (all items)', report.receipts],
        ['LOST (2xx without its receipt)', c.lost],
        ['DUPLICATED (applied twice)', c.duplicated],
        ['DIVERGED (workflow vs PostgreSQL)', c.diverged],
        ['audit trails inconsistent', c.auditInconsistent],
        ['EMAILS DUPLICATED (same Message-ID twice)', c.emailsDuplicated],
        ['re-sent after the sender died mid-send', report.emailsDuplicatedNearKill],
        [
          'emails: outbox sent / received / unsent / missing',
          `${report.emailsSent} / ${report.emailsDelivered} / ${unsent} / ${c.emailsMissing}`,
        ],
        ['unresolved / unexpected answers', `${c.unresolved} / ${c.unexpectedAnswers}`],
      ])}`,
    );
    for (const v of report.violations.slice(0, 20))
      say(`  [${v.invariant}]${v.item !== undefined ? ` item ${v.item}` : ''}${v.key ? ` key ${v.key}` : ''}: ${v.detail}`);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(c).toEqual({
      lost: 0,
      duplicated: 0,
      diverged: 0,
      emailsDuplicated: 0,
      emailsNotSent: 0,
      emailsMissing: 0,
      auditInconsistent: 0,
      refusedYetRecorded: 0,
      replaysNotAcknowledged: 0,
      unresolved: 0,
      unexpectedAnswers: 0,
    });
  }

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-cluster-'));
    fs.chmodSync(workDir, 0o755);
    process.once('exit', killAll);
    const { distDir } = await compileProduct(ROOT, workDir, { allowTypeErrors: false });
    cluster = await startCluster({
      distDir,
      workDir,
      logger,
      databasePrefix: `rt_cl_${randomBytes(4).toString('hex')}`,
      env: { PUBLIC_URL: 'http://tracker.test', FORCE_NAME: 'Cluster Test Constabulary', LOG_LEVEL: 'info' },
    });
    cast = await seedCast(cluster.databaseUrl);
    say(
      `cluster up in ${((Date.now() - t0) / 1000).toFixed(1)} s (Temporal ${cluster.temporalAddress}, APIs ${cluster.apiUrls.join(', ')}); work folder ${workDir}`,
    );
  }, 420_000);

  afterAll(async () => {
    await cluster?.stop();
    process.removeListener('exit', killAll);
    if (cluster && !keep) {
      await withPg(cluster.postgresAdminUrl, async (admin) => {
        for (const name of cluster!.databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }).catch(() => undefined);
    }
    if (workDir && !keep) fs.rmSync(workDir, { recursive: true, force: true });
    else if (workDir) say(`kept ${workDir} (logs of every process, mail/) and the databases ${cluster?.databases.join(', ')}`);
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

  /** A burst through both APIs with `fault` striking a third of the way in, then the counts. */
  async function faultTest(
    title: string,
    faultLabel: string,
    fault: () => Promise<{ killedAt: number; backAfterMs: number }>,
    backLabel: string,
  ) {
    const burstItems = await createItems(ITEMS_PER_BURST, title);
    let struck: { killedAt: number; backAfterMs: number } | null = null;
    const started = Date.now();
    const { records } = await burst(burstItems, async () => {
      struck = await fault();
    });
    const loadMs = Date.now() - started;
    expect(struck).not.toBeNull();
    const { killedAt, backAfterMs } = struck!;
    const lastAnswer = (r: CommandRecord) => r.answeredAt[r.answeredAt.length - 1] ?? 0;
    const answeredAfter = records.filter((r) => lastAnswer(r) >= killedAt);
    // Recovery: the longest stretch after the fault in which no command was acknowledged (the load stalled).
    const acksAfter = [
      killedAt,
      ...records
        .filter((r) => r.outcome === 'acknowledged' && lastAnswer(r) >= killedAt)
        .map(lastAnswer)
        .sort((a, b) => a - b),
    ];
    const longestStall = Math.max(0, ...acksAfter.slice(1).map((t, i) => t - acksAfter[i]!));
    await verify(records, faultLabel, [
      ['fault', faultLabel],
      ['recovery: longest stretch without a 2xx after the fault', `${(longestStall / 1000).toFixed(1)} s`],
      [
        'slowest command answered after the fault',
        `${(Math.max(0, ...answeredAfter.map((r) => lastAnswer(r) - killedAt)) / 1000).toFixed(1)} s`,
      ],
      [backLabel, `${(backAfterMs / 1000).toFixed(1)} s after the fault`],
      ['load', `${(loadMs / 1000).toFixed(1)} s, ${ITEMS_PER_BURST} items`],
    ]);
  }

  it('kill -9 of a worker mid-burst through both APIs: every 2xx recorded once, in the audit trail and the workflow; no email twice', async () => {
    const victim = cluster!.workers[0]!;
    await faultTest(
      'Cluster worker fault inspection',
      `kill -9 ${victim.name}, started again after 2 s`,
      () => killAndRestart(victim, 2000),
      `${victim.name} polling again`,
    );
  }, 300_000);

  it('kill -9 of an API process mid-request: the client resends with its key; nothing lost or applied twice', async () => {
    const victim = cluster!.apis[1]!;
    await faultTest(
      'Cluster API fault inspection',
      `kill -9 ${victim.name}, started again after 2 s`,
      () => killAndRestart(victim, 2000),
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
        kills.push({ at: killedAt, atMs: killedAt - t0, process: 'temporal', what: 'stop' });
        await server.stop();
        await sleep(3000);
        server.start();
        await server.waitReady(120_000);
        await Promise.all(cluster!.workers.map((worker) => worker.waitReady(120_000)));
        return { killedAt, backAfterMs: Date.now() - killedAt };
      },
      'Temporal answering and both workers polling',
    );
  }, 300_000);
});
