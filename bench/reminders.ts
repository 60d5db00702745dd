import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { sendInstant } from '../domain/reminders/offsets';
import { reminderPolicyWith, type ReminderPolicy } from '../domain/reminders/policy';
import { OutboundEmail, Person, Recommendation } from '../entities';
import type { Client, Connection } from '@temporalio/client';
import { reminderFloorWorkflowType } from './rawWorkflow';
import type { RecommendationState } from '../domain/lifecycle';
import type { ActingPerson } from '../platform/http/actor';
import { ImportService } from '../api/imports/service';
import { RecommendationWorkflows } from '../api/recommendations/workflowGateway';
import type { ReminderSettings } from '../workflows/messages';
import type { Logger } from '../platform/logger';
import { buildWorkflowBundle } from '../bin/workflowBundle';
import { nextNudgeQuery, recommendationWorkflowId } from '../workflows/messages';
import { startSharedServices, type StartedServices } from '../tests/support/sharedServices';
import {
  deployedProcessEnv,
  elapsed,
  startBenchProduct,
  stopEverythingOnExit,
  isoDateInDays,
  pool,
  say,
  seconds,
  runBenchmark,
} from './common';
import {
  cpuByGroup,
  cpuDelta,
  cpuElsewhere,
  cpuMark,
  cpuSince,
  hasWorkflowPoller,
  startNodeChild,
  waitUntilReady,
  workflowBacklogEmpty,
  workflowPollers,
  type ChildHandle,
} from './processes';
import { table } from './stats';

/**
 * `npm run bench:reminders` (and the second half of `npm run bench`): N reminders fall due at the same instant;
 * how long until the SMTP sink has accepted all of them, how many duplicates, and the worker's memory.
 * Target (issue 5): N = 10,000 in under 60 s, no duplicates. Prints only; writes nothing into the repository.
 *
 *   npm run bench:reminders -- --items 1000 --lead 40      (or BENCH_REMINDER_ITEMS, BENCH_REMINDER_LEAD)
 *
 * Set-up (timed, but not the figure): N items assigned to owners who chose `immediate` reminders (100 items each, so
 * every reminder is its own email), all due on the same date D, far away. They are real items made the way a force
 * brings its tracker in: the product's own ImportService, in files of 2,500 rows, each one transaction (rows and
 * audit events); their workflows are started with the same start options the product uses, many at a time, instead
 * of one after another as an upload does. Then one PUT /api/settings/reminders whose only due-date reminder is a
 * duration "PTxS" before D, with x chosen so that it lands at one instant X, `lead` seconds after the PUT. The PUT
 * signals every open workflow to reschedule (confirmed by query); at X every workflow's timer fires and the
 * reminder is queued and sent. The clock runs from X until the sink holds N new messages (the sink's own time of
 * acceptance, in each file's name). Worker memory is this process's (the worker and the HTTP API run in it; the SMTP
 * sink, like a force's mail relay, runs in a process of its own), sampled every second. Then the floor (see
 * runFloor): the same burst on the cheapest workflow that sends a reminder, for the product's time as a multiple of it.
 */

const ITEMS_PER_IMPORT = 2500;
const ITEMS_PER_REPORT = 500;
const ITEMS_PER_OWNER = 100;
/** Workflows asked, after the settings change, whether they sleep until the instant. */
const CONFIRM_SAMPLE = 200;
const TARGET_MS = 60_000;
/** Servers below this process, by command name; the SMTP sink is the only Node.js process this benchmark starts. */
const CPU_SERVERS = { Temporal: 'temporal', PostgreSQL: 'postgres', 'SMTP sink': 'node' };

interface Options {
  items: number;
  /** Worker processes: this one, and `workers - 1` more (bin/worker.js, as docker compose scales them). */
  workers: number;
  /** Each worker's workflow cache; null: the SDK's size. */
  cachedWorkflows: number | null;
  concurrency: number;
  leadS: number | null;
  timeoutS: number;
  /** Also run the floor: the same burst on the cheapest workflow that does it (bench/rawWorkflow.ts). */
  floor: boolean;
}

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nusage: npm run bench:reminders -- [--items N] [--workers W] [--cached-workflows C|sdk] [--concurrency C] [--lead S] [--timeout S] [--no-floor]\n` +
      '  --items N        reminders that fall due at once (default 10000, or BENCH_REMINDER_ITEMS)\n' +
      '  --workers W      worker processes: this one and W - 1 more running bin/worker.js (default 1, or BENCH_WORKERS)\n' +
      "  --cached-workflows C  each worker's workflow cache (TEMPORAL_WORKER_CACHED_WORKFLOWS; default its share of N\n" +
      '                   plus a tenth, so every item stays cached; "sdk": the SDK\'s size, from the heap limit)\n' +
      '  --concurrency C  workflow starts in flight during set-up (default 64, or BENCH_CONCURRENCY)\n' +
      '  --lead S         seconds from the settings change to the instant all fall due (default: 30 + twice the time the\n' +
      "                   worker took to run N workflows' first tasks; the PUT and the reschedule must finish first)\n" +
      '  --timeout S      give up waiting for the emails this long after that instant (default 600)\n' +
      '  --no-floor       skip the floor: N workflows that only sleep until one instant and send an email from a local\n' +
      "                   activity, in a worker process of their own (bench/rawWorkflow.ts), after the product's burst\n",
  );
  process.exit(2);
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) usage(`${name} must be a positive whole number, not "${value}"`);
  return n;
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const flags: Record<string, string> = {};
  let floor = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--no-floor') {
      floor = false;
      continue;
    }
    const match = /^--(items|workers|cached-workflows|concurrency|lead|timeout)(?:=(.*))?$/.exec(arg);
    if (!match) usage(`unknown argument "${arg}"`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) usage(`--${match[1]} needs a value`);
    flags[match[1]!] = value;
  }
  const lead = flags.lead ?? env.BENCH_REMINDER_LEAD;
  const items = positiveInt(flags.items ?? env.BENCH_REMINDER_ITEMS, '--items', 10_000);
  const workers = positiveInt(flags.workers ?? env.BENCH_WORKERS, '--workers', 1);
  const cached = flags['cached-workflows'];
  return {
    items,
    workers,
    cachedWorkflows: cached === 'sdk' ? null : positiveInt(cached, '--cached-workflows', Math.max(100, Math.ceil((items * 1.1) / workers))),
    concurrency: positiveInt(flags.concurrency ?? env.BENCH_CONCURRENCY, '--concurrency', 64),
    leadS: lead === undefined || lead === '' ? null : positiveInt(lead, '--lead', 30),
    timeoutS: positiveInt(flags.timeout, '--timeout', 600),
    floor,
  };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The product's workflow gateway, except that `ensureStarted` only notes the item: an import awaits each start in
 * turn, and 10,000 of those one after another is most of a set-up. `startAll` then starts them, `concurrency` at a
 * time, with the gateway's own start options (state, reminder settings read once).
 */
class DeferredWorkflowStarts extends RecommendationWorkflows {
  private readonly waiting: { id: string; state: RecommendationState; version: number }[] = [];

  constructor(client: Client, taskQueue: string, reminderSettings: () => Promise<ReminderSettings>) {
    let settings: Promise<ReminderSettings> | null = null;
    super(client, taskQueue, () => (settings ??= reminderSettings()));
  }

  override async ensureStarted(recommendationId: string, state: RecommendationState, version: number): Promise<void> {
    this.waiting.push({ id: recommendationId, state, version });
  }

  async startAll(concurrency: number): Promise<number> {
    const all = this.waiting.splice(0);
    await pool(all, concurrency, ({ id, state, version }) => super.ensureStarted(id, state, version));
    return all.length;
  }
}

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** A tracker in the import template's columns: rows `indexes`, assigned, due on `dueDate`, 100 to an owner, 500 to a report. */
function trackerCsv(indexes: number[], owners: Person[], lead: Person, dueDate: string): string {
  const header = [
    'Report title',
    'Originator',
    'Source kind',
    'Scope',
    'Published on',
    'Reference',
    'Item kind',
    'Text',
    'Category',
    'Department',
    'Owner email',
    'Lead email',
    'Due date',
    'Status',
  ];
  const lines = indexes.map((index) => {
    const report = Math.floor(index / ITEMS_PER_REPORT) + 1;
    const reference = String((index % ITEMS_PER_REPORT) + 1);
    return [
      `Benchmark inspection ${report}`,
      'HMICFRS',
      'inspection',
      'force',
      isoDateInDays(-30),
      reference,
      'recommendation',
      `Within six months the force should make sure that benchmark recommendation ${reference} of report ${report} is acted on.`,
      '2',
      'Public Protection',
      owners[Math.floor(index / ITEMS_PER_OWNER)]!.email,
      lead.email,
      dueDate,
      'assigned',
    ]
      .map(csvCell)
      .join(',');
  });
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}

/** Peak and latest memory of this process, sampled every second. */
function memorySampler() {
  let peakRss = 0;
  let peakHeap = 0;
  let samples = 0;
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    peakHeap = Math.max(peakHeap, heapUsed);
    samples++;
  };
  sample();
  const timer = setInterval(sample, 1000);
  timer.unref();
  return {
    reset() {
      peakRss = 0;
      peakHeap = 0;
      samples = 0;
      sample();
    },
    read() {
      sample();
      return { peakRss, peakHeap, samples };
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * The other worker processes (bin/worker.js, as `docker compose up --scale worker=N` runs them), on the same task
 * queue, database and SMTP sink, started before any workflow so they take their share of first tasks (and then keep
 * those workflows cached). Resolves once all of them poll the task queue.
 */
async function startOtherWorkers(
  options: Options,
  input: {
    workDir: string;
    databaseUrl: string;
    smtpUrl: string;
    temporalAddress: string;
    taskQueue: string;
    connection: Pick<Connection, 'workflowService'>;
    cleanups: { what: string; run: () => Promise<unknown> }[];
  },
): Promise<ChildHandle[]> {
  const env: Record<string, string> = {
    ...deployedProcessEnv({ ...input, logLevel: 'warn' }),
    ...(options.cachedWorkflows === null ? {} : { TEMPORAL_WORKER_CACHED_WORKFLOWS: String(options.cachedWorkflows) }),
  };
  const workers = Array.from({ length: options.workers - 1 }, (_, i) => {
    const name = `worker ${i + 2}`;
    const child = startNodeChild({
      name,
      script: path.join(__dirname, '..', 'bin', 'worker.js'),
      env,
      logFile: path.join(input.workDir, `worker-${i + 2}.log`),
      cwd: process.cwd(),
    });
    input.cleanups.push({ what: `the ${name} process`, run: () => child.stop() });
    return child;
  });
  // Ready when every worker, this process's among them, polls the task queue.
  await Promise.all(
    workers.map((worker) =>
      waitUntilReady(
        worker,
        `${options.workers} pollers on task queue ${input.taskQueue}`,
        async () => (await workflowPollers(input.connection, 'default', input.taskQueue)) >= options.workers,
      ),
    ),
  );
  return workers;
}

/** A process's peak resident memory over its life (VmHWM). */
function peakRssOf(pid: number): string {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return line ? mib(Number(/(\d+)/.exec(line)![1]) * 1024) : 'unknown';
}

const MESSAGE_FILE = /^(\d{13})-\d{6}-[0-9a-f]{8}\.eml$/;

/** CPU per process group over a burst, per reminder, and the machine's. */
function cpuTable(
  groups: Record<string, number>,
  machine: { machineS: number; machineBusy: number },
  reminders: number,
  thisProcess: string,
): string {
  const perReminder = (cpuS: number) => `${((cpuS * 1000) / Math.max(1, reminders)).toFixed(2)} ms`;
  const rest = cpuElsewhere(groups, machine.machineS);
  return `${table(
    ['process', 'CPU', 'CPU per reminder'],
    [
      ...Object.entries(groups).map(([name, cpuS]) => [
        name === 'bench (this process)' ? thisProcess : name,
        `${cpuS.toFixed(1)} s`,
        perReminder(cpuS),
      ]),
      ['everything else on the machine', `${rest.toFixed(1)} s`, perReminder(rest)],
      ['whole machine', `${machine.machineS.toFixed(1)} s`, perReminder(machine.machineS)],
    ],
  )}\nmachine busy: ${(machine.machineBusy * 100).toFixed(0)} % of all cores`;
}

/**
 * The floor: what this Temporal server, one worker process and the SMTP sink can do at best on this machine. N
 * workflows (bench/rawWorkflow.ts) sleep until one instant, `leadS` after they are started, then each sends one
 * short email from a local activity, in a worker process of its own with the product worker's capacity and cache.
 * No database, no rendering, no audit trail: the product's burst cannot be faster than this one.
 */
async function runFloor(input: {
  N: number;
  options: Options;
  leadS: number;
  temporalAddress: string;
  smtpUrl: string;
  mailDir: string;
  workDir: string;
  connection: Pick<Connection, 'workflowService'>;
  client: Client;
  suffix: string;
  cleanups: { what: string; run: () => Promise<unknown> }[];
}): Promise<{ complete: boolean; totalMs: number }> {
  const { N, options, connection, client, mailDir } = input;
  say(`The floor: ${N} workflows that only sleep until one instant and then send an email from a local activity`);
  const taskQueue = `bench-floor-${input.suffix}`;
  const worker = startNodeChild({
    name: 'floor worker',
    script: path.join(__dirname, 'rawWorkerProcess.js'),
    env: {
      TEMPORAL_ADDRESS: input.temporalAddress,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_URL: input.smtpUrl,
      ...(options.cachedWorkflows === null ? {} : { TEMPORAL_WORKER_CACHED_WORKFLOWS: String(options.cachedWorkflows * options.workers) }),
    },
    logFile: path.join(input.workDir, 'floor-worker.log'),
    cwd: process.cwd(),
  });
  input.cleanups.push({ what: 'the floor worker process', run: () => worker.stop() });
  await waitUntilReady(worker, `poller on task queue ${taskQueue}`, () => hasWorkflowPoller(connection, 'default', taskQueue));
  const instant = Math.ceil((Date.now() + input.leadS * 1000) / 1000) * 1000;
  let t = performance.now();
  await pool(
    Array.from({ length: N }, (_, i) => i),
    options.concurrency,
    async (i) => {
      const id = `floor-${input.suffix}-${i}`;
      await client.workflow.start(reminderFloorWorkflowType, {
        taskQueue,
        workflowId: id,
        args: [{ at: instant, to: `owner.${Math.floor(i / ITEMS_PER_OWNER) + 1}@bench.police.uk`, messageId: `<${id}@bench.police.uk>` }],
      });
    },
  );
  say(`  ${N} workflows started in ${seconds(elapsed(t))}`);
  t = performance.now();
  await workflowBacklogEmpty(connection, 'default', taskQueue);
  const inTime = Date.now() < instant;
  say(
    `  their first workflow tasks done (task queue backlog empty) after ${seconds(elapsed(t))}; all sleeping until ${new Date(instant).toISOString()}`,
  );
  if (!inTime) say('  WARNING: not every workflow had started before the instant; the figure below is not valid (use a longer --lead)');
  const before = new Set(fs.readdirSync(mailDir));
  const waitMs = instant - Date.now();
  if (waitMs > 0) await sleep(waitMs);
  const roots = { 'floor worker': worker.pid };
  const cpuAtInstant = { groups: cpuByGroup(roots, CPU_SERVERS), machine: cpuMark() };
  say(`  the instant: ${new Date(instant).toISOString()}; waiting for ${N} emails…`);
  const burst = await awaitArrivals({ mailDir, before, expected: N, instant, timeoutS: options.timeoutS });
  const cpuGroups = cpuDelta(cpuAtInstant.groups, cpuByGroup(roots, CPU_SERVERS));
  const machineCpu = cpuSince(cpuAtInstant.machine);
  const totalMs = burst.lastArrival - instant;
  say('');
  say(
    table(
      ['floor', 'value'],
      [
        [
          'emails expected / received in the sink',
          `${N} / ${burst.newFiles.length}${burst.complete ? '' : `  (gave up after ${options.timeoutS} s)`}`,
        ],
        ['50 % / 90 % / 99 % of emails in', `${seconds(burst.at(0.5))} / ${seconds(burst.at(0.9))} / ${seconds(burst.at(0.99))}`],
        ['all emails in', burst.complete ? seconds(totalMs) : 'not all arrived'],
        ['floor worker process peak RSS (over its life)', peakRssOf(worker.pid)],
      ],
    ),
  );
  say('');
  say(`CPU from the instant until the last email, per process (the product's worker idle in this process):`);
  say(cpuTable(cpuGroups, machineCpu, burst.arrivals.length, 'product (idle) and benchmark (this process)'));
  return { complete: burst.complete && inTime, totalMs };
}

/** The messages the sink accepted from `instant` on, not in `before`; waits until `expected` of them are in, or the timeout. */
async function awaitArrivals(input: { mailDir: string; before: Set<string>; expected: number; instant: number; timeoutS: number }) {
  const { mailDir, before, expected, instant } = input;
  const arrivals: number[] = [];
  const seen = new Set<string>();
  const newFiles: string[] = [];
  const deadline = instant + input.timeoutS * 1000;
  let lastSaid = Date.now();
  for (;;) {
    for (const name of fs.readdirSync(mailDir)) {
      if (seen.has(name) || before.has(name)) continue;
      const match = MESSAGE_FILE.exec(name);
      if (!match) continue;
      seen.add(name);
      newFiles.push(name);
      arrivals.push(Number(match[1]));
    }
    if (arrivals.length >= expected || Date.now() > deadline) break;
    if (Date.now() - lastSaid > 10_000) {
      lastSaid = Date.now();
      say(`    … ${arrivals.length} of ${expected} after ${seconds(Date.now() - instant)}`);
    }
    // The time that counts is in each file's name (when the sink accepted it), so polling need not be frequent.
    await sleep(1000);
  }
  const sortedOffsets = arrivals.map((a) => a - instant).sort((a, b) => a - b);
  return {
    arrivals,
    newFiles,
    seen,
    complete: arrivals.length >= expected,
    firstArrival: arrivals.length ? Math.min(...arrivals) : Number.NaN,
    lastArrival: arrivals.length ? Math.max(...arrivals) : Number.NaN,
    /** Offset from the instant by which this fraction of the messages were in. */
    at: (fraction: number) =>
      sortedOffsets[Math.min(sortedOffsets.length - 1, Math.max(0, Math.ceil(fraction * sortedOffsets.length) - 1))] ?? Number.NaN,
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const N = options.items;

  const logger: Logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });
  const suffix = randomBytes(4).toString('hex');

  const { cleanups, stopAll } = stopEverythingOnExit();

  const runStarted = performance.now();
  const cpus = os.cpus();
  say(`${N} reminders falling due at the same instant: time until the SMTP sink has them all, duplicates, worker memory`);
  say(
    `  cpus: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown'}   memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB   node ${process.version}`,
  );
  say(`  owners: one per ${ITEMS_PER_OWNER} items, digest preference "immediate" (each reminder is its own email, no digests)`);
  say(
    `  ${options.workers === 1 ? 'one worker process' : `${options.workers} worker processes`}, workflow cache ${options.cachedWorkflows === null ? "the SDK's size, from the heap limit" : `${options.cachedWorkflows} workflows${options.workers === 1 ? '' : ' each'} (TEMPORAL_WORKER_CACHED_WORKFLOWS)`}`,
  );
  say('');

  const memory = memorySampler();
  cleanups.push({ what: 'the memory sampler', run: async () => memory.stop() });
  const phases: [string, string][] = [];

  try {
    // -- services, the product --------------------------------------------------------------------------------
    let t = performance.now();
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-bench-reminders-'));
    fs.chmodSync(workDir, 0o755);
    cleanups.push({ what: 'the work folder', run: async () => fs.rmSync(workDir, { recursive: true, force: true }) });
    const started: StartedServices = { postgres: null, temporal: null };
    cleanups.push({ what: 'PostgreSQL and Temporal', run: () => Promise.allSettled([started.temporal?.stop(), started.postgres?.stop()]) });
    const [{ postgresUrl, temporalAddress }, bundle] = await Promise.all([
      startSharedServices({ workDir, logger }, started),
      buildWorkflowBundle((message) => logger.error(message)),
    ]);
    const taskQueue = `bench-reminders-${suffix}`;
    const { app, mailDir, databaseUrl, smtpUrl } = await startBenchProduct({
      postgresUrl,
      temporalAddress,
      workDir,
      name: `rt_bench_reminders_${suffix}`,
      taskQueue,
      logger,
      bundle,
      cleanups,
      sinkProcess: true,
      workerCachedWorkflows: options.cachedWorkflows ?? undefined,
    });
    const baseUrl = app.httpUrl!;
    const otherWorkers = await startOtherWorkers(options, {
      workDir,
      databaseUrl,
      smtpUrl,
      temporalAddress,
      taskQueue,
      connection: app.client.connection,
      cleanups,
    });
    phases.push([
      `services, bundle and product started${otherWorkers.length ? ` (and ${otherWorkers.length} more worker process${otherWorkers.length === 1 ? '' : 'es'})` : ''}`,
      seconds(elapsed(t)),
    ]);
    say(`  services, bundle and product ready in ${seconds(elapsed(t))}`);

    // -- people and tokens -----------------------------------------------------------------------------------
    t = performance.now();
    const repo = app.dataSource.getRepository(Person);
    const ownerCount = Math.ceil(N / ITEMS_PER_OWNER);
    const owners = await repo.save(
      Array.from({ length: ownerCount }, (_, i) =>
        repo.create({
          name: `Owner ${i + 1}`,
          email: `owner.${i + 1}@bench.police.uk`,
          roles: ['action_owner'],
          jobTitle: 'Action owner',
          department: 'Public Protection',
          digestPreference: 'immediate',
        }),
      ),
      { chunk: 500 },
    );
    const [lead, administrator] = await repo.save([
      repo.create({
        name: 'Leonard Marsh',
        email: 'leonard.marsh@bench.police.uk',
        roles: ['lead'],
        jobTitle: 'Lead',
        department: 'Public Protection',
      }),
      repo.create({
        name: 'Alan Whitlock',
        email: 'alan.whitlock@bench.police.uk',
        roles: ['administrator'],
        jobTitle: 'Administrator',
        department: 'Public Protection',
      }),
    ]);
    const token = (
      await app.services.auth.issueApiToken(
        { personId: administrator!.id, name: 'benchmark', expiresAt: null },
        { id: null, label: 'Benchmark setup' },
      )
    ).token;
    const send = async (method: string, urlPath: string, body: unknown): Promise<{ status: number; json: unknown }> => {
      const response = await fetch(`${baseUrl}${urlPath}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : null };
    };
    phases.push([`${ownerCount + 2} people and an API token`, seconds(elapsed(t))]);

    // -- N assigned items, imported in large batches; their workflows started concurrently ----------------------
    // A due date far enough away that the default policy plans nothing during the run (28 working days before it
    // is still weeks ahead); the benchmark's own reminder is a duration before it.
    const dueDate = isoDateInDays(120);
    t = performance.now();
    const starts = new DeferredWorkflowStarts(app.client, taskQueue, () => app.services.reminderSettings.get());
    const importer = new ImportService(app.dataSource, starts, logger);
    const by: ActingPerson = { actor: { personId: administrator!.id, roles: administrator!.roles }, label: administrator!.name };
    for (let first = 0; first < N; first += ITEMS_PER_IMPORT) {
      const rows = Array.from({ length: Math.min(ITEMS_PER_IMPORT, N - first) }, (_, j) => first + j);
      const preview = await importer.import(Buffer.from(trackerCsv(rows, owners, lead!, dueDate)), 'text/csv', by);
      if (preview.counts.create !== rows.length) throw new Error(`an import of ${rows.length} rows created ${preview.counts.create} items`);
    }
    const importMs = elapsed(t);
    phases.push([
      `${N} assigned items imported (${Math.ceil(N / ITEMS_PER_IMPORT)} files of up to ${ITEMS_PER_IMPORT} rows, ImportService)`,
      seconds(importMs),
    ]);
    say(`  ${N} assigned items imported in ${seconds(importMs)}`);
    t = performance.now();
    const startedCount = await starts.startAll(options.concurrency);
    const startMs = elapsed(t);
    phases.push([
      `${startedCount} workflows started (Temporal client, ${options.concurrency} at a time; ${((startedCount * 1000) / startMs).toFixed(0)}/s)`,
      seconds(startMs),
    ]);
    say(`  ${startedCount} workflows started in ${seconds(startMs)}`);
    // Their first workflow tasks: the server's backlog for the task queue falls to nothing once the worker has run them.
    const drained = async (what: string) => {
      await workflowBacklogEmpty(app.client.connection, 'default', taskQueue);
      say(`  ${what} after ${seconds(elapsed(t))}`);
    };
    await drained(`their first workflow tasks done (task queue backlog empty)`);
    const firstTasksMs = elapsed(t);
    const workflowTasksPerS = (startedCount * 1000) / firstTasksMs;
    phases.push([
      `…and their first workflow tasks run (${workflowTasksPerS.toFixed(0)} workflows/s from the first start)`,
      seconds(firstTasksMs - startMs),
    ]);
    const ids = (
      await app.dataSource
        .getRepository(Recommendation)
        .createQueryBuilder('r')
        .select('r.id', 'id')
        .where('r.status = :status', { status: 'assigned' })
        .getRawMany<{ id: string }>()
    ).map((r) => r.id);
    if (ids.length !== N) throw new Error(`${ids.length} assigned items in the database, not ${N}`);
    const outbox = app.dataSource.getRepository(OutboundEmail);
    const before = new Set(fs.readdirSync(mailDir).filter((name) => MESSAGE_FILE.test(name)));

    // -- one settings change: every item's only due-date reminder lands at the same instant --------------------
    const current = (await send('GET', '/api/settings/reminders', undefined)).json as { settings: { policy: ReminderPolicy } };
    // Every workflow must have taken the change in before the instant: by default twice as long as their first tasks took.
    const leadS = options.leadS ?? Math.ceil(30 + (2 * N) / workflowTasksPerS);
    const instant = Math.ceil((Date.now() + leadS * 1000) / 1000) * 1000;
    const base = current.settings.policy!;
    const beforeDueMs = sendInstant(dueDate, base) - instant;
    const policy = reminderPolicyWith({ dueReminders: [{ duration: `PT${(beforeDueMs / 1000).toFixed(0)}S` }] }, base);
    say(
      `  reminder policy: one due-date reminder ${policy.dueReminders[0] && 'duration' in policy.dueReminders[0] ? policy.dueReminders[0].duration : ''} before ${dueDate} ${base.sendTime} London = ${new Date(instant).toISOString()} (in ${leadS} s)`,
    );
    memory.reset();
    t = performance.now();
    const put = await send('PUT', '/api/settings/reminders', { policy });
    if (put.status !== 200) throw new Error(`PUT /api/settings/reminders answered ${put.status}: ${JSON.stringify(put.json)}`);
    const putMs = elapsed(t);
    phases.push([`PUT /api/settings/reminders (signals ${N} workflows)`, seconds(putMs)]);
    say(`  settings saved and ${N} workflows signalled in ${seconds(putMs)}`);

    // Every signal handled (the task queue's backlog empty again), then a sample of workflows asked what they are
    // sleeping until (a query is a workflow task too: asking all of them would cost as much as the signals did).
    t = performance.now();
    await drained('the signals handled (task queue backlog empty)');
    const drainMs = elapsed(t);
    const expectedKey = `due:${dueDate}:-${policy.dueReminders[0] && 'duration' in policy.dueReminders[0] ? policy.dueReminders[0].duration : ''}`;
    const sample = [...ids].sort(() => Math.random() - 0.5).slice(0, CONFIRM_SAMPLE);
    // A workflow may still have its signal waiting (on its worker's own queue, which the backlog does not count):
    // those not confirmed yet are asked again, until a second before the instant.
    let unconfirmed = sample;
    for (;;) {
      const stillWaiting: string[] = [];
      await pool(unconfirmed, 16, async (id) => {
        const next = await app.client.workflow
          .getHandle(recommendationWorkflowId(id))
          .query(nextNudgeQuery)
          .catch(() => null);
        if (!(next?.key === expectedKey && Date.parse(next.at) === instant)) stillWaiting.push(id);
      });
      unconfirmed = stillWaiting;
      if (unconfirmed.length === 0 || Date.now() > instant - 2000) break;
      await sleep(1000);
    }
    const planned = sample.length - unconfirmed.length;
    const confirmMs = elapsed(t);
    const confirmedInTime = Date.now() < instant && planned === sample.length;
    phases.push([
      `signals handled (backlog empty after ${seconds(drainMs)}); ${planned} of a sample of ${sample.length} confirmed by query`,
      seconds(confirmMs),
    ]);
    say(
      `  signals handled after ${seconds(drainMs)}; ${planned} of ${sample.length} sampled workflows sleeping until ${new Date(instant).toISOString()}`,
    );
    if (!confirmedInTime)
      say(
        '  WARNING: not every workflow was confirmed rescheduled before the instant; the figure below is not valid (use a longer --lead)',
      );

    // -- the measure: from the instant until the sink holds N new messages ------------------------------------
    const waitMs = instant - Date.now();
    if (waitMs > 0) await sleep(waitMs);
    const workerRoots = Object.fromEntries(otherWorkers.map((worker) => [worker.name, worker.pid]));
    const cpuAtInstant = { groups: cpuByGroup(workerRoots, CPU_SERVERS), machine: cpuMark() };
    say(`  the instant: ${new Date(instant).toISOString()}; waiting for ${N} emails…`);
    const { arrivals, newFiles, seen, complete, at, firstArrival, lastArrival } = await awaitArrivals({
      mailDir,
      before,
      expected: N,
      instant,
      timeoutS: options.timeoutS,
    });
    const mem = memory.read();
    const cpuGroups = cpuDelta(cpuAtInstant.groups, cpuByGroup(workerRoots, CPU_SERVERS));
    const machineCpu = cpuSince(cpuAtInstant.machine);

    // Stragglers and duplicates: wait a little more, then read every new message.
    await sleep(5000);
    for (const name of fs.readdirSync(mailDir)) {
      if (MESSAGE_FILE.test(name) && !before.has(name) && !seen.has(name)) {
        seen.add(name);
        newFiles.push(name);
      }
    }
    const byMessageId = new Map<string, number>();
    const byItem = new Map<string, number>();
    let unparsed = 0;
    await pool(newFiles, 16, async (name) => {
      const parsed = await simpleParser(fs.readFileSync(path.join(mailDir, name)), { skipTextToHtml: true, skipHtmlToText: true });
      const messageId = parsed.messageId ?? `(none: ${name})`;
      byMessageId.set(messageId, (byMessageId.get(messageId) ?? 0) + 1);
      const recipient = (parsed.headers.get('x-envelope-to') as string | undefined) ?? '';
      const item = /\/recommendations\/([0-9a-f-]{36})/.exec(parsed.text ?? '')?.[1];
      const kind = (parsed.subject ?? '').split(':')[0]!;
      if (!item) unparsed++;
      const key = `${recipient}|${item ?? name}|${kind}`;
      byItem.set(key, (byItem.get(key) ?? 0) + 1);
    });
    const duplicateIds = [...byMessageId.values()].reduce((s, n) => s + n - 1, 0);
    const duplicateItems = [...byItem.values()].reduce((s, n) => s + n - 1, 0);
    const nudgeRows = await outbox.countBy({ template: 'nudge:due_reminder' });
    const stillPending = await outbox.countBy({ status: 'pending' });

    // -- report --------------------------------------------------------------------------------------------------
    const totalMs = lastArrival - instant;
    say('');
    say('Set-up:');
    say(table(['phase', 'time'], phases));
    say('');
    say(`${N} reminders due at once (measured from the instant they fell due):`);
    say(
      table(
        ['', 'value'],
        [
          [
            'emails expected / received in the sink',
            `${N} / ${newFiles.length}${complete ? '' : `  (gave up after ${options.timeoutS} s)`}`,
          ],
          ['first email after the instant', seconds(firstArrival - instant)],
          ['50 % / 90 % / 99 % of emails in', `${seconds(at(0.5))} / ${seconds(at(0.9))} / ${seconds(at(0.99))}`],
          ['all emails in (the measure)', complete ? seconds(totalMs) : 'not all arrived'],
          ['throughput (first to last)', `${((arrivals.length * 1000) / Math.max(1, lastArrival - firstArrival)).toFixed(0)} emails/s`],
          ['duplicates by Message-ID', String(duplicateIds)],
          ['duplicates by (recipient, item, kind)', `${duplicateItems}${unparsed ? ` (${unparsed} messages without an item link)` : ''}`],
          ['due-reminder outbox rows / still pending', `${nudgeRows} / ${stillPending}`],
          ['worker process peak RSS (1 s samples, from the PUT)', mib(mem.peakRss)],
          ['worker process peak heap used', mib(mem.peakHeap)],
          ...otherWorkers.map((worker) => [`${worker.name} process peak RSS (over its life)`, peakRssOf(worker.pid)]),
        ],
      ),
    );
    say('(the worker shares this process with the HTTP API and the benchmark itself; the SMTP sink runs in a process of its own)');
    say('');
    say(`CPU from the instant until the last email, per process (${os.cpus().length} cores; from /proc):`);
    say(cpuTable(cpuGroups, machineCpu, arrivals.length, 'worker, API and benchmark (this process)'));
    const timeMet = complete && confirmedInTime && totalMs < TARGET_MS;
    const dupMet = duplicateIds === 0 && duplicateItems === 0 && newFiles.length === N;
    say('');
    if (options.floor) {
      // The floor's first tasks are cheaper than the product's: its lead is their time and half a minute.
      const floor = await runFloor({
        N,
        options,
        leadS: options.leadS ?? Math.ceil(30 + N / workflowTasksPerS),
        temporalAddress,
        smtpUrl,
        mailDir,
        workDir,
        connection: app.client.connection,
        client: app.client,
        suffix,
        cleanups,
      });
      if (floor.complete && complete)
        say(
          `the product's burst took ${(totalMs / floor.totalMs).toFixed(2)} times the floor's (${seconds(totalMs)} against ${seconds(floor.totalMs)})`,
        );
    }
    say('');
    say(
      `target: all ${N} in under ${TARGET_MS / 1000} s: ${timeMet ? 'MET' : 'NOT MET'} (${complete ? seconds(totalMs) : 'incomplete'}${confirmedInTime ? '' : ', not valid: rescheduling not confirmed before the instant'});   no duplicates: ${dupMet ? 'MET' : 'NOT MET'}`,
    );
    say(`total run time ${seconds(elapsed(runStarted))} (before stopping)`);
  } finally {
    await stopAll();
  }
}

runBenchmark(main);
