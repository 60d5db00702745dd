import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../platform/logger';
import { freePort } from '../../dev/ports';
import { startSmtpSink, type SmtpSink } from '../../dev/smtpSink';
import { findOrBuildTemporalCli } from '../../dev/temporalCli';
import {
  checkInvariants,
  compileProduct,
  databaseUrlFor,
  Driver,
  injectFaults,
  invariantRows,
  NO_VIOLATIONS,
  outboxSettled,
  planFaults,
  Rng,
  runScript,
  say,
  seedCast,
  sleep,
  SupervisedProcess,
  table,
  temporalDevServerArgs,
  temporalReady,
  violationLines,
  withPg,
  workerPolling,
  type Cast,
  type CastKey,
  type CommandRecord,
  type InjectedFault,
  type InvariantReport,
  type ItemView,
  type ProcessEvent,
} from '../support/faultHarness';

/**
 * One truth under crashes and concurrency: a bounded, seeded, reproducible fault test.
 *
 * The product runs as it is deployed, from compiled code, as separate processes: a Temporal dev server of its own
 * (state in a database file, so it survives kill -9), the API and the worker, on a fresh PostgreSQL database of the
 * run's shared server, mailing to an SMTP sink in this process. Drivers walk every item through its lifecycle over
 * HTTP, several at once, sometimes firing the lead's approve and reject at the same moment, each logical command
 * with its own Idempotency-Key, retried with that key until a definitive answer. Meanwhile Temporal, the worker, the
 * API (and now and then all three) are killed with SIGKILL and started again. At the end nothing acknowledged is
 * lost, nothing is applied twice, every workflow agrees with PostgreSQL, every email went once (a copy re-sent after
 * the sender died inside SMTP's hand-over window keeps its Message-ID, for the receiver to drop) and every audit
 * trail matches its receipts.
 *
 * FAULT_SEED (default below) fixes the schedule of faults and every item's choices; FAULT_ITEMS items (8),
 * FAULT_COUNT faults (8). FAULT_ALLOW_TYPE_ERRORS=1 runs the JavaScript tsc wrote even when the product does not
 * type-check; FAULT_KEEP=1 keeps the work folder (logs, Temporal's database) which is kept anyway on failure.
 */

const envNumber = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return process.env[name] && Number.isFinite(value) ? value : fallback;
};

const SEED = envNumber('FAULT_SEED', 20251207) >>> 0;
const ITEMS = envNumber('FAULT_ITEMS', 8);
const FAULTS = envNumber('FAULT_COUNT', 8);
/** The load stops this long after the last fault has recovered, or at the latest after FAULT_LOAD_MAX_MS. */
const LOAD_TAIL_MS = 2000;
const LOAD_MAX_MS = envNumber('FAULT_LOAD_MAX_MS', 120_000);
const MAX_COMMANDS_PER_ITEM = 60;
const ROOT = path.resolve(__dirname, '..', '..');

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run integration tests through jest, whose globalSetup starts the shared services`);
  return value;
}

interface Item {
  id: string;
  index: number;
  owner: CastKey;
  lead: CastKey;
}

describe('one truth under crashes and concurrency (seeded fault injection)', () => {
  const rng = new Rng(SEED);
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn', pretty: false });
  const events: ProcessEvent[] = [];
  let t0 = Date.now();
  let workDir = '';
  /** The work folder (logs, Temporal's database, the mail) is kept unless everything checked out. */
  let keepWorkDir = true;
  let databaseName = '';
  let databaseUrl = '';
  let sink: SmtpSink | null = null;
  let temporalAddress = '';
  let taskQueue = '';
  let baseUrl = '';
  let temporalProcess: SupervisedProcess | null = null;
  let api: SupervisedProcess | null = null;
  let worker: SupervisedProcess | null = null;
  let cast: Cast;
  let items: Item[] = [];
  let typeErrors: string | null = null;
  const killAll = () => [api, worker, temporalProcess].forEach((p) => p?.killNow());

  beforeAll(async () => {
    t0 = Date.now();
    say(
      `\ncrash fault test: FAULT_SEED=${SEED} FAULT_ITEMS=${ITEMS} FAULT_COUNT=${FAULTS} (rerun with the same values to replay this schedule)`,
    );
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-crash-'));
    process.once('exit', killAll);
    const adminUrl = required('TEST_POSTGRES_ADMIN_URL');
    databaseName = `rt_crash_${randomBytes(6).toString('hex')}`;
    taskQueue = `crash-${randomBytes(4).toString('hex')}`;

    const [compiled, cliPath] = await Promise.all([
      compileProduct(ROOT, workDir, { allowTypeErrors: process.env.FAULT_ALLOW_TYPE_ERRORS === '1' }),
      findOrBuildTemporalCli(process.env.TEMPORAL_CLI_PATH, logger),
      withPg(adminUrl, (c) => c.query(`CREATE DATABASE ${databaseName}`)),
      (async () => (sink = await startSmtpSink({ port: 0, storeDir: path.join(workDir, 'mail') })))(),
    ]);
    typeErrors = compiled.typeErrors;
    if (typeErrors)
      say(`WARNING: the product does not type-check; running what tsc wrote anyway:\n${typeErrors.split('\n').slice(0, 15).join('\n')}`);
    databaseUrl = databaseUrlFor(adminUrl, databaseName);

    const temporalPort = await freePort();
    temporalAddress = `127.0.0.1:${temporalPort}`;
    const common = { cwd: ROOT, events, t0 };
    temporalProcess = new SupervisedProcess(
      'temporal',
      cliPath,
      temporalDevServerArgs(temporalPort, path.join(workDir, 'temporal.sqlite')),
      { ...common, env: process.env, logFile: path.join(workDir, 'temporal.log') },
      () => temporalReady(temporalAddress),
    );
    temporalProcess.start();

    const httpPort = await freePort();
    baseUrl = `http://127.0.0.1:${httpPort}`;
    // As bench/common.ts deployedProcessEnv (copied: importing that module pulls in the whole product), one secret
    // for both processes and every restart.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_URL: sink!.url,
      MAIL_FROM: 'Recommendation Tracker <no-reply@tracker.test>',
      PUBLIC_URL: 'http://tracker.test',
      FORCE_NAME: 'Crash Test Constabulary',
      DEMO_DATA: 'false',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      DATA_DIR: path.join(workDir, 'data'),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
    };
    const script = (name: string) => path.join(compiled.distDir, 'bin', `${name}.js`);
    await runScript(script('migrate'), env, ROOT, path.join(workDir, 'migrate.log'));
    cast = await seedCast(databaseUrl);
    if (!(await temporalProcess.waitReady(60_000))) throw new Error(`the Temporal dev server did not start:\n${temporalProcess.tail()}`);

    api = new SupervisedProcess(
      'api',
      process.execPath,
      [script('api')],
      { ...common, env, logFile: path.join(workDir, 'api.log') },
      async () => (await fetch(`${baseUrl}/readyz`)).status === 200,
    );
    worker = new SupervisedProcess(
      'worker',
      process.execPath,
      [script('worker')],
      { ...common, env, logFile: path.join(workDir, 'worker.log') },
      (pid) => workerPolling(temporalAddress, taskQueue, pid),
    );
    api.start();
    worker.start();
    const [apiUp, workerUp] = await Promise.all([api.waitReady(60_000), worker.waitReady(120_000)]);
    if (!apiUp) throw new Error(`the API did not become ready:\n${api.tail()}`);
    if (!workerUp) throw new Error(`the worker did not start polling:\n${worker.tail()}`);

    const owners: CastKey[] = ['owner1', 'owner2'];
    const leads: CastKey[] = ['lead1', 'lead2'];
    const report = {
      title: 'Crash fault inspection',
      originator: 'HMICFRS',
      kind: 'inspection',
      scope: 'force',
      publishedOn: '2024-05-01',
      recommendations: Array.from({ length: ITEMS }, (_, i) => ({
        reference: String(i + 1),
        kind: 'recommendation',
        text: `Recommendation ${i + 1}: forces should make sure that crimes are recorded correctly.`,
        category: 2,
        department: 'Public Protection',
      })),
    };
    const response = await fetch(`${baseUrl}/api/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cast.admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    const body = (await response.json()) as { recommendations?: { id: string; reference: string }[] };
    if (response.status !== 201 || !body.recommendations) throw new Error(`report not created: ${response.status} ${JSON.stringify(body)}`);
    items = report.recommendations.map((r, index) => ({
      id: body.recommendations!.find((x) => x.reference === r.reference)!.id,
      index,
      owner: owners[index % owners.length]!,
      lead: leads[index % leads.length]!,
    }));
    say(`set up in ${((Date.now() - t0) / 1000).toFixed(1)} s; work folder ${workDir}`);
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled([api?.stop(), worker?.stop()]);
    await temporalProcess?.stop();
    await sink?.stop();
    process.removeListener('exit', killAll);
    const adminUrl = process.env.TEST_POSTGRES_ADMIN_URL;
    if (adminUrl && databaseName && !keepWorkDir)
      await withPg(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`)).catch(() => undefined);
    if (workDir && !keepWorkDir) fs.rmSync(workDir, { recursive: true, force: true });
    else if (workDir)
      say(
        `kept the work folder ${workDir}: api.log, worker.log, temporal.log, mail/ (the database ${databaseName} lives until the run's PostgreSQL stops)`,
      );
  }, 60_000);

  it('loses nothing acknowledged, applies nothing twice, and keeps workflow, PostgreSQL, audit trail and email in step', async () => {
    const driver = new Driver({ baseUrl, requestTimeoutMs: 20_000, commandDeadlineMs: 90_000, retryAfterCapMs: 2000 }, cast);
    const plan = planFaults(rng.fork('faults'), FAULTS);
    say(`fault schedule: ${plan.map((f) => `+${(f.gapMs / 1000).toFixed(1)}s ${f.kind} (down ${f.downMs} ms)`).join(', ')}`);

    const loadStart = Date.now();
    let loadStopped = false;
    const hardStop = setTimeout(() => (loadStopped = true), LOAD_MAX_MS);
    const notes: string[] = [];
    const racingPairs: [CommandRecord, CommandRecord][] = [];

    /** One item's walk through its lifecycle, round after round (closed items are reopened), until the load stops. */
    async function drive(item: Item, itemRng: Rng): Promise<void> {
      await sleep(itemRng.int(0, 1500));
      let updatesPlanned = itemRng.int(0, 2);
      let updatesPosted = 0;
      let rejections = 0;
      let round = 1;
      let sent = 0;
      let toReplay: { record: CommandRecord; body: { type: string } & Record<string, unknown> } | null = null;
      const send = async (actor: CastKey, body: { type: string } & Record<string, unknown>) => {
        sent++;
        const record = await driver.command(item, actor, itemRng.uuid(), body);
        return { record, body };
      };
      while (!loadStopped && sent < MAX_COMMANDS_PER_ITEM) {
        const view: ItemView | null = await driver.get(item.id, 'admin');
        if (!view) {
          notes.push(`item ${item.index}: could not be read; its driver stops`);
          return;
        }
        const done: { record: CommandRecord; body: { type: string } & Record<string, unknown> }[] = [];
        switch (view.status) {
          case 'logged':
            done.push(
              await send('admin', { type: 'assign', ownerId: cast[item.owner].id, leadId: cast[item.lead].id, dueDate: '2027-06-30' }),
            );
            break;
          case 'assigned':
          case 'reopened':
            done.push(await send(item.owner, { type: 'accept' }));
            break;
          case 'in_progress':
            if (updatesPosted < updatesPlanned) {
              const step = await send(item.owner, { type: 'postUpdate', text: `Round ${round}: progress note ${updatesPosted + 1}` });
              if (step.record.outcome === 'acknowledged') updatesPosted++;
              done.push(step);
            } else {
              const step = await send(item.owner, {
                type: 'submitEvidence',
                summary: `Round ${round}: policy published, training records for ${item.index + 1} teams attached`,
              });
              if (step.record.outcome === 'acknowledged') {
                updatesPosted = 0;
                updatesPlanned = itemRng.int(0, 2);
              }
              done.push(step);
            }
            break;
          case 'awaiting_approval': {
            const current = view.state.approval?.current ?? 0;
            const roll = itemRng.float();
            if (current === 0 && roll < 0.5) {
              // The lead approves and rejects at the same moment (two tabs, two keys): the lifecycle takes exactly one.
              sent += 2;
              const approveBody = { type: 'approve', comment: 'Content with the evidence' };
              const rejectBody = { type: 'reject', reasons: `Round ${round}: the records do not cover response officers` };
              const [approve, reject] = await Promise.all([
                driver.command(item, item.lead, itemRng.uuid(), approveBody, true),
                driver.command(item, item.lead, itemRng.uuid(), rejectBody, true),
              ]);
              racingPairs.push([approve, reject]);
              if (reject.outcome === 'acknowledged') rejections++;
              done.push({ record: approve, body: approveBody }, { record: reject, body: rejectBody });
            } else if (current === 0) {
              const reject = rejections < 2 && roll < 0.62;
              const step = await send(
                item.lead,
                reject ? { type: 'reject', reasons: `Round ${round}: not enough evidence yet` } : { type: 'approve' },
              );
              if (reject && step.record.outcome === 'acknowledged') rejections++;
              done.push(step);
            } else {
              const reject = rejections < 2 && roll < 0.12;
              const step = await send(
                'dcc',
                reject ? { type: 'reject', reasons: `Round ${round}: the audit of 50 crimes is missing` } : { type: 'approve' },
              );
              if (reject && step.record.outcome === 'acknowledged') rejections++;
              done.push(step);
            }
            break;
          }
          case 'awaiting_self_certification':
            done.push(
              await send('dcc', {
                type: 'selfCertify',
                signatory: 'Chief Constable Jo Farrell',
                letterReference: `CC/${item.index + 1}/${round}`,
              }),
            );
            break;
          case 'closed':
            done.push(await send('admin', { type: 'reopen', reason: `Round ${round}: HMICFRS found it had not been embedded` }));
            round++;
            rejections = 0;
            break;
          default:
            notes.push(`item ${item.index}: unexpected status ${view.status}; its driver stops`);
            return;
        }
        // Now and then a client repeats a command it already got an answer for, after the item has moved on.
        if (toReplay) {
          await driver.replay(toReplay.record, toReplay.body);
          toReplay = null;
        }
        const acknowledged = done.filter((d) => d.record.outcome === 'acknowledged');
        if (itemRng.chance(0.15) && acknowledged.length > 0) toReplay = acknowledged[0]!;
        const unexpected = done.find((d) => d.record.outcome === 'unexpected');
        if (unexpected) {
          notes.push(`item ${item.index}: ${unexpected.record.type} got ${unexpected.record.detail}; its driver stops`);
          return;
        }
        await sleep(itemRng.int(100, 600));
      }
    }

    const drivers = Promise.all(items.map((item) => drive(item, rng.fork(`item-${item.index}`))));
    let injected: InjectedFault[] = [];
    let driversDone = false;
    void drivers.finally(() => (driversDone = true));
    try {
      injected = await injectFaults(
        plan,
        { temporal: temporalProcess!, api: api!, worker: worker! },
        {
          t0: loadStart,
          recoveryTimeoutMs: 90_000,
          keepGoing: () => !loadStopped && !driversDone,
          log: say,
        },
      );
      await sleep(LOAD_TAIL_MS);
    } finally {
      loadStopped = true;
      clearTimeout(hardStop);
    }
    await drivers;
    const loadMs = Date.now() - loadStart;

    // Settle: everything up, every email out (bounded), then the checks (the workflow comparison waits, bounded).
    for (const p of [temporalProcess!, api!, worker!]) {
      if (!p.isRunning()) p.start();
      if (!(await p.waitReady(90_000))) notes.push(`${p.name} not ready when settling: ${p.tail(5)}`);
    }
    const unsent = await outboxSettled(databaseUrl, 60_000);
    if (unsent) notes.push(`${unsent} outbox row(s) still not sent after 60 s`);
    await sleep(500);
    const report: InvariantReport = await checkInvariants({
      databaseUrl,
      temporalAddress,
      items,
      records: driver.records,
      mail: await sink!.list(),
      kills: events,
      convergeTimeoutMs: 30_000,
    });

    // The table.
    const records = driver.records;
    const count = (f: (r: CommandRecord) => boolean) => records.filter(f).length;
    const byKind = (kind: string) => injected.filter((f) => f.kind === kind).length;
    const pairsOneWon = racingPairs.filter(([a, b]) => (a.outcome === 'acknowledged') !== (b.outcome === 'acknowledged')).length;
    const pairsBothAck = racingPairs.filter(([a, b]) => a.outcome === 'acknowledged' && b.outcome === 'acknowledged').length;
    const replays = records.filter((r) => r.replay);
    const c = report.counts;
    say(
      `\n${table([
        ['seed / items / task queue', `${SEED} / ${ITEMS} / ${taskQueue}`],
        [
          'faults injected',
          `${injected.length} (temporal ${byKind('temporal')}, worker ${byKind('worker')}, api ${byKind('api')}, all ${byKind('all')})`,
        ],
        [
          'recovery, slowest',
          `${(Math.max(0, ...injected.map((f) => f.recoveredAfterMs ?? Infinity)) / 1000).toFixed(1)} s${injected.some((f) => f.recoveredAfterMs === null) ? ' (some never recovered)' : ''}`,
        ],
        [
          'unplanned exits (restarted)',
          `temporal ${temporalProcess!.unexpectedExits}, api ${api!.unexpectedExits}, worker ${worker!.unexpectedExits}`,
        ],
        ['commands sent (keys)', records.length],
        ['HTTP requests / retries', `${driver.stats.requests} (GET ${driver.stats.getRequests}) / ${driver.stats.retries}`],
        [
          '503 / conn. errors / timeouts / other 5xx',
          `${driver.stats.answers503} / ${driver.stats.networkErrors} / ${driver.stats.timeouts} / ${driver.stats.serverErrors}`,
        ],
        [
          'acknowledged (2xx)',
          `${count((r) => r.outcome === 'acknowledged')} (after a failed attempt: ${count((r) => r.outcome === 'acknowledged' && r.attempts > 1)}; key not echoed: ${count((r) => r.keyEchoed === false)})`,
        ],
        [
          'refused (409/412)',
          `${count((r) => r.outcome === 'refused')} (409: ${count((r) => r.finalStatus === 409)}, 412: ${count((r) => r.finalStatus === 412)})`,
        ],
        [
          'racing pairs: one won / both ok / none',
          `${racingPairs.length}: ${pairsOneWon} / ${pairsBothAck} / ${racingPairs.length - pairsOneWon - pairsBothAck}`,
        ],
        ['replays acknowledged again', `${replays.length - c.replaysNotAcknowledged} of ${replays.length}`],
        ...invariantRows(report),
        ['load / whole run', `${(loadMs / 1000).toFixed(1)} s / ${((Date.now() - t0) / 1000).toFixed(1)} s`],
      ])}`,
    );
    if (typeErrors) say('NOTE: the product did not type-check; this run used the JavaScript tsc wrote anyway.');
    for (const note of notes) say(`note: ${note}`);
    if (report.violations.length) {
      say(`\nviolations (${report.violations.length}; first 25):`);
      for (const line of violationLines(report, 25)) say(line);
      say(
        `\nprocess events:\n${events.map((e) => `  ${new Date(e.at).toISOString().slice(11, 23)} (+${(e.atMs / 1000).toFixed(1)} s) ${e.process}: ${e.what}`).join('\n')}`,
      );
    }

    expect(records.length).toBeGreaterThan(ITEMS);
    expect(injected.length).toBeGreaterThan(0);
    expect(c).toEqual(NO_VIOLATIONS);
    keepWorkDir = process.env.FAULT_KEEP === '1';
  }, 300_000);
});
