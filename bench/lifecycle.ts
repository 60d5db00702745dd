import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { Role } from '../domain/vocabulary';
import { OutboundEmail, Person, Recommendation } from '../entities';
import pino from 'pino';
import type { Logger } from '../runtime/logger';
import { findTemporalCli } from '../runtime/temporalCli';
import { recommendationWorkflowId } from '../workflows/messages';
import { startSharedServices, type StartedServices } from '../tests/support/sharedServices';
import { elapsed, startBenchProduct, stopEverythingOnExit, isoDateInDays, pool, quietWebpack, say, seconds, withPg } from './common';
import { incrementUpdate, rawWorkflowType } from './rawWorkflow';
import { formatMs, phaseTable, summarise, table, type PhaseResult } from './stats';
import { historyCounts, updateTimelines, type HistoryCounts, type UpdateTimeline } from './timeSplit';

/**
 * `npm run bench`: lifecycle commands through the API against the same number of raw `executeUpdate` calls on a
 * trivial workflow, on the same Temporal server in the same run. Target: the API reaches at least half the raw
 * throughput. Prints only; writes nothing into the repository.
 *
 *   npm run bench -- --items 200 --concurrency 16      (or BENCH_ITEMS, BENCH_CONCURRENCY)
 *
 * Services start the way the integration tests start them (tests/support/sharedServices.ts): embedded
 * PostgreSQL unless DATABASE_URL, a Temporal CLI dev server unless TEMPORAL_ADDRESS. The product runs on a
 * fresh database with its own task queue; the raw workflow has its own worker and task queue in this process.
 */

const TARGET_RATIO = 0.5;
const ITEMS_PER_REPORT = 50;

interface Options {
  items: number;
  concurrency: number;
  warmup: number;
  sample: number;
}

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nusage: npm run bench -- [--items N] [--concurrency C] [--warmup W]\n` +
      '  --items N        recommendations driven through the lifecycle, and raw workflows (default 200, or BENCH_ITEMS)\n' +
      '  --concurrency C  requests in flight at once in both phases (default 16, or BENCH_CONCURRENCY)\n' +
      '  --warmup W       items/workflows run first and not counted (default min(10, N), or BENCH_WARMUP)\n',
  );
  process.exit(2);
}

function positiveInt(value: string | undefined, name: string, fallback: number, allowZero = false): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) usage(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} whole number, not "${value}"`);
  return n;
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--(items|concurrency|warmup)(?:=(.*))?$/.exec(arg);
    if (!match) usage(`unknown argument "${arg}"`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) usage(`--${match[1]} needs a value`);
    flags[match[1]!] = value;
  }
  const items = positiveInt(flags.items ?? env.BENCH_ITEMS, '--items', 200);
  const concurrency = positiveInt(flags.concurrency ?? env.BENCH_CONCURRENCY, '--concurrency', 16);
  const warmup = positiveInt(flags.warmup ?? env.BENCH_WARMUP, '--warmup', Math.min(10, items), true);
  return { items, concurrency, warmup, sample: Math.min(20, items) };
}




// ---------------------------------------------------------------------------------------------------------------
// The lifecycle through the API

interface BenchPeople {
  owner: Person;
  lead: Person;
  dcc: Person;
}

interface Step {
  name: string;
  path: 'assign' | 'commands';
  body: Record<string, unknown>;
  /** Who acts (a person id); none means the benchmark's administrator, who alone may assign. */
  as?: string;
  /** The status the item must be in afterwards. */
  expect: string;
}

/**
 * assign → postUpdate → submitEvidence → approve (lead) → approve (DCC), as the issue lists them, plus `accept`:
 * evidence can only be submitted for work in progress, and only the owner's acceptance puts it there.
 */
function lifecycleSteps(people: BenchPeople): Step[] {
  return [
    { name: 'assign', path: 'assign', body: { ownerId: people.owner.id, leadId: people.lead.id, dueDate: isoDateInDays(365) }, expect: 'assigned' },
    { name: 'accept', path: 'commands', body: { type: 'accept' }, as: people.owner.id, expect: 'in_progress' },
    { name: 'postUpdate', path: 'commands', body: { type: 'postUpdate', text: 'Draft policy agreed with legal services; training booked.' }, as: people.owner.id, expect: 'in_progress' },
    { name: 'submitEvidence', path: 'commands', body: { type: 'submitEvidence', summary: 'Policy published and training delivered; records attached.' }, as: people.owner.id, expect: 'awaiting_approval' },
    { name: 'approve (lead)', path: 'commands', body: { type: 'approve', comment: 'Evidence is complete.' }, as: people.lead.id, expect: 'awaiting_approval' },
    { name: 'approve (DCC)', path: 'commands', body: { type: 'approve' }, as: people.dcc.id, expect: 'awaiting_self_certification' },
  ];
}

interface Timed {
  item: number;
  step: string;
  ms: number;
}

/** API tokens by person id, issued once the people exist; the empty key is the administrator's. */
const bearerTokens = new Map<string, string>();

async function send(baseUrl: string, method: string, urlPath: string, body: unknown, as?: string): Promise<{ status: number; json: unknown }> {
  const token = bearerTokens.get(as ?? '');
  if (!token) throw new Error(`no API token for ${as ?? 'the administrator'}`);
  const response = await fetch(`${baseUrl}${urlPath}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function createRecommendations(baseUrl: string, count: number): Promise<string[]> {
  const reports: { reference: string }[][] = [];
  for (let i = 0; i < count; i += ITEMS_PER_REPORT) {
    reports.push(Array.from({ length: Math.min(ITEMS_PER_REPORT, count - i) }, (_, j) => ({ reference: String(j + 1) })));
  }
  const ids: string[][] = new Array(reports.length);
  await pool(reports, 2, async (items, r) => {
    const { status, json } = await send(baseUrl, 'POST', '/api/reports', {
      title: `Benchmark inspection ${r + 1}`,
      originator: 'HMICFRS',
      kind: 'inspection',
      scope: 'force',
      publishedOn: isoDateInDays(-30),
      recommendations: items.map(({ reference }) => ({
        reference,
        kind: 'recommendation',
        category: 2,
        department: 'Public Protection',
        text: `Within six months the force should make sure that benchmark recommendation ${reference} of report ${r + 1} is acted on.`,
      })),
    });
    if (status !== 201) throw new Error(`POST /api/reports answered ${status}: ${JSON.stringify(json)}`);
    ids[r] = (json as { recommendations: { id: string }[] }).recommendations.map((rec) => rec.id);
  });
  return ids.flat();
}

async function driveLifecycle(baseUrl: string, ids: readonly string[], steps: readonly Step[], concurrency: number, name: string): Promise<{ result: PhaseResult; timed: Timed[] }> {
  const timed: Timed[] = [];
  const started = performance.now();
  await pool(ids, concurrency, async (id, item) => {
    for (const step of steps) {
      const t0 = performance.now();
      const { status, json } = await send(baseUrl, 'POST', `/api/recommendations/${id}/${step.path}`, step.body, step.as);
      const ms = elapsed(t0);
      if (status !== 200) throw new Error(`${step.name} on ${id} answered ${status}: ${JSON.stringify(json)}`);
      const reached = (json as { status?: string }).status;
      if (reached !== step.expect) throw new Error(`${step.name} on ${id} left it ${reached}, not ${step.expect}`);
      timed.push({ item, step: step.name, ms });
    }
  });
  const wallMs = elapsed(started);
  return { result: { name, operations: timed.length, wallMs, latenciesMs: timed.map((t) => t.ms) }, timed };
}

// ---------------------------------------------------------------------------------------------------------------
// The raw baseline

async function driveRaw(client: Client, workflowIds: readonly string[], updatesPerWorkflow: number, concurrency: number, name: string): Promise<PhaseResult> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  await pool(workflowIds, concurrency, async (workflowId) => {
    const handle = client.workflow.getHandle(workflowId);
    for (let n = 1; n <= updatesPerWorkflow; n++) {
      const t0 = performance.now();
      const count = await handle.executeUpdate(incrementUpdate);
      latenciesMs.push(elapsed(t0));
      if (count !== n) throw new Error(`raw workflow ${workflowId} answered ${count} to update ${n}`);
    }
  });
  return { name, operations: latenciesMs.length, wallMs: elapsed(started), latenciesMs };
}

async function startRawWorkflows(client: Client, taskQueue: string, prefix: string, count: number, updatesPerWorkflow: number, concurrency: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
  await pool(ids, concurrency, async (workflowId) => {
    await client.workflow.start(rawWorkflowType, { workflowId, taskQueue, args: [updatesPerWorkflow] });
  });
  return ids;
}

// ---------------------------------------------------------------------------------------------------------------
// CPU: is the run bound by this process, by the servers it talks to, or by neither?

interface CpuMark {
  process: NodeJS.CpuUsage;
  busyMs: number;
  totalMs: number;
}

function cpuMark(): CpuMark {
  let busyMs = 0;
  let totalMs = 0;
  for (const { times } of os.cpus()) {
    const total = times.user + times.nice + times.sys + times.idle + times.irq;
    totalMs += total;
    busyMs += total - times.idle;
  }
  return { process: process.cpuUsage(), busyMs, totalMs };
}

/** CPU seconds used since `mark`: by this process, and by the whole machine (every core). */
function cpuSince(mark: CpuMark): { processS: number; machineS: number; machineBusy: number } {
  const now = cpuMark();
  const used = process.cpuUsage(mark.process);
  const busy = now.busyMs - mark.busyMs;
  const total = now.totalMs - mark.totalMs;
  return { processS: (used.user + used.system) / 1e6, machineS: busy / 1000, machineBusy: total > 0 ? busy / total : Number.NaN };
}

// ---------------------------------------------------------------------------------------------------------------

function machineFacts(): string[] {
  const cpus = os.cpus();
  const facts = [
    `cpus: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown'}   load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB (${(os.freemem() / 2 ** 30).toFixed(1)} GiB free)`,
    `node: ${process.version} on ${process.platform}/${process.arch}`,
  ];
  return facts;
}

function temporalCliVersion(): string | null {
  try {
    const cli = findTemporalCli(process.env.TEMPORAL_CLI_PATH);
    return cli ? execFileSync(cli, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() : null;
  } catch {
    return null;
  }
}




async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  // JSON logs at warn, as the tests have them, less the raw worker's notice that it has no activities (it needs none).
  const logger: Logger = pino({
    level: process.env.BENCH_LOG_LEVEL ?? 'warn',
    hooks: {
      logMethod(args, method) {
        if (args.some((arg) => typeof arg === 'string' && arg.startsWith('No activities registered'))) return;
        method.apply(this, args);
      },
    },
  });
  const suffix = randomBytes(4).toString('hex');

  const { cleanups, stopAll } = stopEverythingOnExit();

  // What else the machine is doing (another build or test run makes the figures noisy): one idle second.
  const idleMark = cpuMark();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const before = cpuSince(idleMark);

  const runStarted = performance.now();
  say('Lifecycle commands through the API vs raw executeUpdate, same Temporal server, same run');
  for (const fact of machineFacts()) say(`  ${fact}`);
  say(`  machine busy before starting: ${(before.machineBusy * 100).toFixed(0)} % of all cores${before.machineBusy > 0.15 ? '  (something else is running: expect noisy figures)' : ''}`);
  const stepsPerItem = 6;
  say(`  items: ${options.items}, concurrency: ${options.concurrency}, warm-up: ${options.warmup} (not counted), ${stepsPerItem} commands per item`);
  say('');

  try {
    // -- services, bundles ------------------------------------------------------------------------------------
    let t = performance.now();
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-bench-'));
    fs.chmodSync(workDir, 0o755);
    cleanups.push({ what: 'the work folder', run: async () => fs.rmSync(workDir, { recursive: true, force: true }) });
    const started: StartedServices = { postgres: null, temporal: null };
    cleanups.push({ what: 'PostgreSQL and Temporal', run: () => Promise.allSettled([started.temporal?.stop(), started.postgres?.stop()]) });

    const [{ postgresUrl, temporalAddress }, productBundle, rawBundle] = await Promise.all([
      startSharedServices({ workDir, logger }, started),
      bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quietWebpack(logger) }),
      bundleWorkflowCode({ workflowsPath: require.resolve('./rawWorkflow'), logger: quietWebpack(logger) }),
    ]);
    const pgVersion = await withPg(postgresUrl, async (c) => (await c.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v);
    say(`  PostgreSQL ${pgVersion} (${started.postgres ? 'embedded' : 'DATABASE_URL'});` +
      ` Temporal ${started.temporal ? `CLI dev server, in memory (${temporalCliVersion() ?? 'version unknown'})` : `at ${temporalAddress}`}`);
    say(`  services and workflow bundles ready in ${seconds(elapsed(t))}`);

    // -- the product on a fresh database ------------------------------------------------------------------------
    t = performance.now();
    const { app } = await startBenchProduct({ postgresUrl, temporalAddress, workDir, name: `rt_bench_${suffix}`, taskQueue: `bench-lifecycle-${suffix}`, logger, bundle: productBundle, cleanups });
    const baseUrl = app.httpUrl!;

    // -- the raw workflow's worker and client, in this process ---------------------------------------------------
    const rawTaskQueue = `bench-raw-${suffix}`;
    const rawWorkerConnection = await NativeConnection.connect({ address: temporalAddress });
    cleanups.push({ what: 'the raw worker connection', run: () => rawWorkerConnection.close() });
    const rawWorker = await Worker.create({ connection: rawWorkerConnection, namespace: 'default', taskQueue: rawTaskQueue, workflowBundle: rawBundle });
    const rawRunning = rawWorker.run();
    cleanups.push({
      what: 'the raw worker',
      run: async () => {
        if (rawWorker.getState() === 'RUNNING') rawWorker.shutdown();
        await rawRunning;
      },
    });
    const rawConnection = await Connection.connect({ address: temporalAddress });
    cleanups.push({ what: 'the raw client connection', run: () => rawConnection.close() });
    const rawClient = new Client({ connection: rawConnection, namespace: 'default' });
    say(`  product (migrations, worker, HTTP on ${baseUrl}) and raw worker started in ${seconds(elapsed(t))}`);

    // -- people and recommendations ------------------------------------------------------------------------------
    t = performance.now();
    const repo = app.dataSource.getRepository(Person);
    const person = (name: string, role: Role) =>
      repo.save(repo.create({ name, email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@bench.police.uk`, roles: [role], jobTitle: role, department: 'Public Protection' }));
    const people: BenchPeople = {
      owner: await person('Olivia Benchley', 'action_owner'),
      lead: await person('Leonard Marsh', 'lead'),
      dcc: await person('Dorothy Keane', 'dcc'),
    };
    const administrator = await person('Alan Whitlock', 'administrator');
    const issue = async (personId: string) =>
      (await app.services.auth.issueApiToken({ personId, name: 'benchmark', expiresAt: null }, { id: null, label: 'Benchmark setup' })).token;
    bearerTokens.set('', await issue(administrator.id));
    for (const someone of [people.owner, people.lead, people.dcc]) bearerTokens.set(someone.id, await issue(someone.id));
    const steps = lifecycleSteps(people);
    if (steps.length !== stepsPerItem) throw new Error('the step count printed above is wrong');
    const recommendationIds = await createRecommendations(baseUrl, options.warmup + options.items);
    const warmupIds = recommendationIds.slice(0, options.warmup);
    const measuredIds = recommendationIds.slice(options.warmup);
    const rawWarmupIds = await startRawWorkflows(rawClient, rawTaskQueue, `bench-raw-${suffix}-warmup`, options.warmup, stepsPerItem, options.concurrency);
    const rawIds = await startRawWorkflows(rawClient, rawTaskQueue, `bench-raw-${suffix}`, options.items, stepsPerItem, options.concurrency);
    say(`  ${recommendationIds.length} recommendations in ${Math.ceil(recommendationIds.length / ITEMS_PER_REPORT)} report(s) and ${rawWarmupIds.length + rawIds.length} raw workflows started in ${seconds(elapsed(t))}`);

    // -- warm-up, then the measured phases: raw first, so the product's trailing emails cannot slow it ----------
    t = performance.now();
    await driveRaw(rawClient, rawWarmupIds, stepsPerItem, options.concurrency, 'warm-up');
    await driveLifecycle(baseUrl, warmupIds, steps, options.concurrency, 'warm-up');
    say(`  warm-up done in ${seconds(elapsed(t))}`);

    say('  measuring raw executeUpdate…');
    let mark = cpuMark();
    const raw = await driveRaw(rawClient, rawIds, stepsPerItem, options.concurrency, 'raw executeUpdate');
    const rawCpu = cpuSince(mark);
    say('  measuring lifecycle commands through the API…');
    mark = cpuMark();
    const api = await driveLifecycle(baseUrl, measuredIds, steps, options.concurrency, 'API lifecycle commands');
    const apiCpu = cpuSince(mark);
    const emails = app.dataSource.getRepository(OutboundEmail);
    const [emailsTotal, emailsPendingAtEnd] = await Promise.all([emails.count(), emails.countBy({ status: 'pending' })]);

    const finished = await app.dataSource.getRepository(Recommendation).countBy({ status: 'awaiting_self_certification' });
    if (finished !== recommendationIds.length) throw new Error(`${finished} of ${recommendationIds.length} items reached awaiting_self_certification`);

    // -- where an API command's time goes, from a sample of the recommendations' workflow histories -----------
    const sampleIndexes = Array.from({ length: options.sample }, (_, i) => Math.floor((i * measuredIds.length) / options.sample));
    const timelines: UpdateTimeline[] = [];
    const counts: HistoryCounts[] = [];
    for (const index of sampleIndexes) {
      const history = await app.client.workflow.getHandle(recommendationWorkflowId(measuredIds[index]!)).fetchHistory();
      timelines.push(...updateTimelines(history.events ?? []));
      counts.push(historyCounts(history.events ?? []));
    }
    const rawCounts = historyCounts((await rawClient.workflow.getHandle(rawIds[0]!).fetchHistory()).events ?? []);
    const sampledHttp = api.timed.filter((x) => sampleIndexes.includes(x.item)).map((x) => x.ms);

    // -- report ----------------------------------------------------------------------------------------------------
    const apiSummary = summarise(api.result);
    const rawSummary = summarise(raw);
    const ratio = apiSummary.throughput / rawSummary.throughput;
    say('');
    say(phaseTable([apiSummary, rawSummary]));
    say('');
    say(`throughput ratio API/raw: ${ratio.toFixed(3)}   target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'}`);
    say(`latency ratio API/raw: p50 ×${(apiSummary.p50 / rawSummary.p50).toFixed(1)}, p99 ×${(apiSummary.p99 / rawSummary.p99).toFixed(1)}`);

    say('');
    say('API commands by type:');
    say(
      table(
        ['command', 'operations', 'p50', 'p99', 'mean', 'max'],
        steps.map((step) => {
          const latenciesMs = api.timed.filter((x) => x.step === step.name).map((x) => x.ms);
          const s = summarise({ name: step.name, operations: latenciesMs.length, wallMs: 0, latenciesMs });
          return [step.name, String(s.operations), formatMs(s.p50), formatMs(s.p99), formatMs(s.mean), formatMs(s.max)];
        }),
      ),
    );

    say('');
    say(`CPU during the measured phases (${os.cpus().length} cores; this process runs the HTTP API, both workers, the SMTP sink and the load):`);
    const cpuRow = (name: string, cpu: ReturnType<typeof cpuSince>, result: PhaseResult) => [
      name,
      `${cpu.processS.toFixed(1)} s`,
      `${(cpu.machineS - cpu.processS).toFixed(1)} s`,
      `${(cpu.machineBusy * 100).toFixed(0)} %`,
      `${((cpu.processS * 1000) / result.operations).toFixed(1)} ms`,
      `${((cpu.machineS * 1000) / result.operations).toFixed(1)} ms`,
    ];
    say(
      table(
        ['', 'this process', 'other processes*', 'machine busy', 'process CPU/op', 'machine CPU/op'],
        [cpuRow(api.result.name, apiCpu, api.result), cpuRow(raw.name, rawCpu, raw)],
      ),
    );
    say('* the Temporal server and PostgreSQL, and anything else running on the machine');

    if (timelines.length > 0) {
      const mean = (pick: (x: UpdateTimeline) => number) => timelines.reduce((s, x) => s + pick(x), 0) / timelines.length;
      const httpMean = sampledHttp.reduce((s, x) => s + x, 0) / Math.max(1, sampledHttp.length);
      const inTemporal = mean((x) => x.totalMs);
      say('');
      say(`Where an API command's time goes (means over ${timelines.length} commands of ${options.sample} items, from their workflow histories):`);
      say(
        table(
          ['segment', 'mean'],
          [
            ['update arrives → accepted (workflow task: validator + handler start)', formatMs(mean((x) => x.admitMs))],
            ['accepted → recordTransition scheduled', formatMs(mean((x) => x.scheduleMs))],
            ['activity scheduled → started (activity queue)', formatMs(mean((x) => x.activityQueueMs))],
            ['activity started → completed (PostgreSQL transaction)', formatMs(mean((x) => x.activityRunMs))],
            ['activity completed → update completed (workflow task)', formatMs(mean((x) => x.resumeMs))],
            ['total inside Temporal', formatMs(inTemporal)],
            ['HTTP request as the client saw it', formatMs(httpMean)],
            ['outside Temporal (HTTP, person/context reads before, view read after)', formatMs(httpMean - inTemporal)],
            ['for comparison: raw executeUpdate', formatMs(rawSummary.mean)],
          ],
        ),
      );
    }
    if (counts.length > 0) {
      const perCommand = (pick: (c: HistoryCounts) => number) => (counts.reduce((sum, c) => sum + pick(c), 0) / counts.length / stepsPerItem).toFixed(2);
      const activityNames = [...new Set(counts.flatMap((c) => Object.keys(c.activities)))].sort();
      say('');
      say(`Work per command (from the same histories; the raw workflow for comparison):`);
      say(
        table(
          ['per command', 'API', 'raw'],
          [
            ['workflow tasks', perCommand((c) => c.workflowTasks), (rawCounts.workflowTasks / stepsPerItem).toFixed(2)],
            ...activityNames.map((name) => [`${name} activities`, perCommand((c) => c.activities[name] ?? 0), '0.00']),
          ],
        ),
      );
      say(
        `emails: ${emailsTotal} queued for ${recommendationIds.length} items (${(emailsTotal / (recommendationIds.length * stepsPerItem)).toFixed(2)} per command); ` +
          `${emailsPendingAtEnd} still unsent when the last command answered (sent in the background, after the clock stopped)`,
      );
    }

    say('');
    say(`total run time ${seconds(elapsed(runStarted))} (before stopping)`);
  } finally {
    await stopAll();
  }
}

main().then(
  () => {
    // Anything still holding the event loop open after an orderly stop is a leak, not work: leave anyway.
    setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 2000).unref();
  },
);
