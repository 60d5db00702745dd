import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { In } from 'typeorm';
import { AuthService } from '../api/auth/service';
import { defaultAuthSettings } from '../api/auth/settings';
import type { Role } from '../domain/vocabulary';
import { createDataSource } from '../entities/dataSource';
import { OutboundEmail, Person, Recommendation } from '../entities';
import pino from 'pino';
import type { Logger } from '../platform/logger';
import { startCluster } from '../dev/cluster';
import { findTemporalCli } from '../dev/temporalCli';
import { recommendationWorkflowId } from '../workflows/messages';
import { startSharedServices, type StartedServices } from '../tests/support/sharedServices';
import {
  createBenchDatabase,
  elapsed,
  startDeployedProduct,
  sinkMessageCount,
  stopEverythingOnExit,
  isoDateInDays,
  pool,
  say,
  seconds,
  withPg,
  runBenchmark,
} from './common';
import { cpuByGroup, cpuDelta, cpuElsewhere, cpuMark, cpuSince, hasWorkflowPoller, startNodeChild, waitUntilReady } from './processes';
import { commandFloorWorkflowType, incrementUpdate, rawWorkflowType } from './rawWorkflow';
import { freePort } from '../dev/ports';
import { formatMs, phaseTable, summarise, table, type PhaseResult, type PhaseSummary } from './stats';
import { historyCounts, updateTimelines, type HistoryCounts, type UpdateTimeline } from './timeSplit';

/**
 * `npm run bench`: lifecycle commands through the API against the same number of raw `executeUpdate` calls on a
 * trivial workflow, on the same Temporal server in the same run. Target: the API reaches at least half the raw
 * throughput. Then the floor: as many commands again, each the cheapest that does what every lifecycle command must
 * (an HTTP request answered once an update has run a local activity that writes one PostgreSQL transaction and sends
 * one email; bench/rawWorkflow.ts and bench/rawWorkerProcess.ts), which no design of the product's commands can beat
 * on the same machine and server. Prints only; writes nothing into the repository.
 *
 *   npm run bench -- --items 200 --concurrency 16      (or BENCH_ITEMS, BENCH_CONCURRENCY)
 *
 * Services start the way the integration tests start them (tests/support/sharedServices.ts): embedded
 * PostgreSQL unless DATABASE_URL, a Temporal CLI dev server unless TEMPORAL_ADDRESS. The product runs as
 * docker-compose.yml runs it, from the compiled code: the migrate job on a fresh database, then the API
 * (bin/api.js) and the worker (bin/worker.js) as processes of their own, configured by environment variables
 * (NODE_ENV=production, LOG_LEVEL from BENCH_PRODUCT_LOG_LEVEL, default info as in compose), and an SMTP sink in a
 * third process. The raw workflow's worker is a process of its own too, so both sides are arranged alike: the
 * client here, the worker elsewhere. This process only sends the load, measures, and reads /proc for the CPU
 * each process used; the processes' logs go to files in the work folder (kept when the run fails).
 *
 * Then the same again on the production topology (dev/cluster.ts, as `npm run start:cluster` runs it): the Temporal
 * server on PostgreSQL (DATABASE_URL's server, else 127.0.0.1:5432), two API processes taking the requests in turn, two
 * workers, and SMTP with STARTTLS and AUTH; its raw updates and floor run on that server and PostgreSQL. The dev
 * topology's services are stopped first, so the two do not share the machine. Both results are printed last.
 */

const TARGET_RATIO = 0.5;
const ITEMS_PER_REPORT = 50;

interface Options {
  items: number;
  concurrency: number;
  warmup: number;
  sample: number;
  /** LOG_LEVEL of the API and worker processes. */
  productLogLevel: string;
}

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nusage: npm run bench -- [--items N] [--concurrency C] [--warmup W]\n` +
      '  --items N        recommendations driven through the lifecycle, and raw workflows (default 200, or BENCH_ITEMS)\n' +
      '  --concurrency C  requests in flight at once in both phases (default 16, or BENCH_CONCURRENCY)\n' +
      '  --warmup W       items/workflows run first and not counted (default min(10, N), or BENCH_WARMUP)\n' +
      '  BENCH_PRODUCT_LOG_LEVEL  LOG_LEVEL of the API and worker processes (default info, as docker-compose.yml)\n',
  );
  process.exit(2);
}

function positiveInt(value: string | undefined, name: string, fallback: number, allowZero = false): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    usage(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} whole number, not "${value}"`);
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
  return { items, concurrency, warmup, sample: Math.min(20, items), productLogLevel: env.BENCH_PRODUCT_LOG_LEVEL || 'info' };
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
    {
      name: 'assign',
      path: 'assign',
      body: { ownerId: people.owner.id, leadId: people.lead.id, dueDate: isoDateInDays(365) },
      expect: 'assigned',
    },
    { name: 'accept', path: 'commands', body: { type: 'accept' }, as: people.owner.id, expect: 'in_progress' },
    {
      name: 'postUpdate',
      path: 'commands',
      body: { type: 'postUpdate', text: 'Draft policy agreed with legal services; training booked.' },
      as: people.owner.id,
      expect: 'in_progress',
    },
    {
      name: 'submitEvidence',
      path: 'commands',
      body: { type: 'submitEvidence', summary: 'Policy published and training delivered; records attached.' },
      as: people.owner.id,
      expect: 'awaiting_approval',
    },
    {
      name: 'approve (lead)',
      path: 'commands',
      body: { type: 'approve', comment: 'Evidence is complete.' },
      as: people.lead.id,
      expect: 'awaiting_approval',
    },
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

async function send(
  baseUrl: string,
  method: string,
  urlPath: string,
  body: unknown,
  as?: string,
): Promise<{ status: number; json: unknown }> {
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

async function driveLifecycle(
  baseUrls: readonly string[],
  ids: readonly string[],
  steps: readonly Step[],
  concurrency: number,
  name: string,
): Promise<{ result: PhaseResult; timed: Timed[] }> {
  const timed: Timed[] = [];
  const started = performance.now();
  let turn = 0;
  await pool(ids, concurrency, async (id, item) => {
    for (const step of steps) {
      const t0 = performance.now();
      const baseUrl = baseUrls[turn++ % baseUrls.length]!;
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
// The baselines: raw updates, and the floor's commands

/** Sends each workflow its updates one after another, `concurrency` workflows at a time; each answers its count. */
async function driveUpdates(
  workflowIds: readonly string[],
  updatesPerWorkflow: number,
  concurrency: number,
  name: string,
  update: (workflowId: string) => Promise<number>,
): Promise<PhaseResult> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  await pool(workflowIds, concurrency, async (workflowId) => {
    for (let n = 1; n <= updatesPerWorkflow; n++) {
      const t0 = performance.now();
      const count = await update(workflowId);
      latenciesMs.push(elapsed(t0));
      if (count !== n) throw new Error(`workflow ${workflowId} answered ${count} to update ${n}`);
    }
  });
  return { name, operations: latenciesMs.length, wallMs: elapsed(started), latenciesMs };
}

const rawUpdate = (client: Client) => (workflowId: string) => client.workflow.getHandle(workflowId).executeUpdate(incrementUpdate);

/** A floor command: a JSON POST to the floor's HTTP endpoint, which sends the update and answers its count. */
const floorUpdate = (floorUrl: string) => async (workflowId: string) => {
  const response = await fetch(`${floorUrl}/floor/${encodeURIComponent(workflowId)}/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'approve', comment: 'Evidence is complete.' }),
  });
  const body = (await response.json()) as { count?: number; error?: string };
  if (response.status !== 200) throw new Error(`the floor answered ${response.status}: ${body.error}`);
  return body.count!;
};

async function startBaselineWorkflows(
  client: Client,
  workflowType: string,
  taskQueue: string,
  prefix: string,
  count: number,
  updatesPerWorkflow: number,
  concurrency: number,
): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
  await pool(ids, concurrency, async (workflowId) => {
    await client.workflow.start(workflowType, { workflowId, taskQueue, args: [updatesPerWorkflow] });
  });
  return ids;
}

/** The floor's own database: the item rows its commands update, and the rows each command adds, once. */
async function createFloorDatabase(
  postgresUrl: string,
  name: string,
  cleanups: { what: string; run: () => Promise<unknown> }[],
): Promise<string> {
  const url = await createBenchDatabase(postgresUrl, name, cleanups);
  await withPg(url, (c) =>
    c.query(`CREATE TABLE floor_items (id text PRIMARY KEY, version integer NOT NULL DEFAULT 0);
             CREATE TABLE floor_events (id bigserial PRIMARY KEY, item_id text NOT NULL REFERENCES floor_items (id), n integer NOT NULL,
                                        recorded_at timestamptz NOT NULL DEFAULT now(), UNIQUE (item_id, n))`),
  );
  return url;
}

// ---------------------------------------------------------------------------------------------------------------

function machineFacts(): string[] {
  const cpus = os.cpus();
  const facts = [
    `cpus: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown'}   load average: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
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

/** One topology the benchmark runs on: its services, and the product's processes already started on them. */
interface Topology {
  name: string;
  postgresUrl: string;
  temporalAddress: string;
  namespace: string;
  temporalConnection: Connection;
  /** The API processes; requests take turns among them, as behind a load balancer. */
  baseUrls: string[];
  databaseUrl: string;
  mailDir: string;
  smtpUrl: string;
  /** What the raw worker needs besides the addresses (the certificate the cluster's SMTP server is trusted by). */
  rawWorkerEnv: Record<string, string>;
  /** The product's processes (and servers started here) by name, for the CPU each used. */
  cpuRoots: Record<string, number>;
  /** Servers below this process found by command name. */
  cpuServers: Record<string, string>;
}

interface TopologyResult {
  name: string;
  api: PhaseSummary;
  raw: PhaseSummary;
  floor: PhaseSummary;
}

type Cleanups = { what: string; run: () => Promise<unknown> }[];

/** The raw updates, the product's lifecycle and the floor on one topology; prints its figures. */
async function measure(
  topology: Topology,
  options: Options,
  stepsPerItem: number,
  suffix: string,
  workDir: string,
  cleanups: Cleanups,
): Promise<TopologyResult> {
  const { postgresUrl, temporalAddress, namespace, temporalConnection } = topology;
  let t = performance.now();
  const temporalClient = new Client({ connection: temporalConnection, namespace });
  // The baselines' worker sends the floor's emails to the product's SMTP sink, and writes into a database of its own.
  const floorDatabaseUrl = await createFloorDatabase(postgresUrl, `rt_bench_floor_${suffix}`, cleanups);
  const rawTaskQueue = `bench-raw-${suffix}`;
  const floorPort = await freePort();
  const floorUrl = `http://127.0.0.1:${floorPort}`;
  const rawWorker = startNodeChild({
    name: 'raw worker',
    script: path.join(__dirname, 'rawWorkerProcess.js'),
    env: {
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: rawTaskQueue,
      SMTP_URL: topology.smtpUrl,
      ...topology.rawWorkerEnv,
      DATABASE_URL: floorDatabaseUrl,
      FLOOR_HTTP_PORT: String(floorPort),
    },
    logFile: path.join(workDir, 'raw-worker.log'),
    cwd: process.cwd(),
  });
  cleanups.push({ what: 'the raw worker process', run: () => rawWorker.stop() });
  await waitUntilReady(rawWorker, `poller on task queue ${rawTaskQueue}`, () =>
    hasWorkflowPoller(temporalConnection, namespace, rawTaskQueue),
  );
  const cpuRoots = { ...topology.cpuRoots, 'raw and floor worker': rawWorker.pid };
  const cpuServers = topology.cpuServers;
  say(`  raw worker (pid ${rawWorker.pid}) started in ${seconds(elapsed(t))}`);

  // -- people and their API tokens, straight into the database (setup, not measured) ----------------------------
  t = performance.now();
  const dataSource = createDataSource(topology.databaseUrl, { poolSize: 2 });
  await dataSource.initialize();
  cleanups.push({ what: 'the setup database connection', run: () => dataSource.destroy() });
  const repo = dataSource.getRepository(Person);
  const person = (name: string, role: Role) =>
    repo.save(
      repo.create({
        name,
        email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@bench.police.uk`,
        roles: [role],
        jobTitle: role,
        department: 'Public Protection',
      }),
    );
  const people: BenchPeople = {
    owner: await person('Olivia Benchley', 'action_owner'),
    lead: await person('Leonard Marsh', 'lead'),
    dcc: await person('Dorothy Keane', 'dcc'),
  };
  const administrator = await person('Alan Whitlock', 'administrator');
  // Tokens are stored as hashes, so any AuthService on the same database issues ones the API process accepts.
  const auth = new AuthService(dataSource, defaultAuthSettings('http://tracker.bench'));
  const issue = async (personId: string) =>
    (await auth.issueApiToken({ personId, name: 'benchmark', expiresAt: null }, { id: null, label: 'Benchmark setup' })).token;
  bearerTokens.set('', await issue(administrator.id));
  for (const someone of [people.owner, people.lead, people.dcc]) bearerTokens.set(someone.id, await issue(someone.id));
  const steps = lifecycleSteps(people);
  if (steps.length !== stepsPerItem) throw new Error('the step count printed above is wrong');
  const recommendationIds = await createRecommendations(topology.baseUrls[0]!, options.warmup + options.items);
  const warmupIds = recommendationIds.slice(0, options.warmup);
  const measuredIds = recommendationIds.slice(options.warmup);
  /** A baseline's warm-up workflows, then its measured ones. */
  const startBaselines = async (workflowType: string, prefix: string): Promise<[string[], string[]]> => [
    await startBaselineWorkflows(
      temporalClient,
      workflowType,
      rawTaskQueue,
      `${prefix}-warmup`,
      options.warmup,
      stepsPerItem,
      options.concurrency,
    ),
    await startBaselineWorkflows(temporalClient, workflowType, rawTaskQueue, prefix, options.items, stepsPerItem, options.concurrency),
  ];
  const [rawWarmupIds, rawIds] = await startBaselines(rawWorkflowType, `bench-raw-${suffix}`);
  const [floorWarmupIds, floorIds] = await startBaselines(commandFloorWorkflowType, `bench-floor-${suffix}`);
  await withPg(floorDatabaseUrl, (c) =>
    c.query(`INSERT INTO floor_items (id) SELECT unnest($1::text[])`, [[...floorWarmupIds, ...floorIds]]),
  );
  say(
    `  ${recommendationIds.length} recommendations in ${Math.ceil(recommendationIds.length / ITEMS_PER_REPORT)} report(s), ` +
      `${rawWarmupIds.length + rawIds.length} raw and ${floorWarmupIds.length + floorIds.length} floor workflows started in ${seconds(elapsed(t))}`,
  );

  // -- warm-up, then the measured phases: raw first, so the product's trailing emails cannot slow it ----------
  t = performance.now();
  await driveUpdates(rawWarmupIds, stepsPerItem, options.concurrency, 'warm-up', rawUpdate(temporalClient));
  await driveLifecycle(topology.baseUrls, warmupIds, steps, options.concurrency, 'warm-up');
  say(`  warm-up done in ${seconds(elapsed(t))}`);

  say('  measuring raw executeUpdate…');
  let mark = cpuMark();
  let groups = cpuByGroup(cpuRoots, cpuServers);
  const raw = await driveUpdates(rawIds, stepsPerItem, options.concurrency, 'raw executeUpdate', rawUpdate(temporalClient));
  const rawCpu = cpuSince(mark);
  const rawGroups = cpuDelta(groups, cpuByGroup(cpuRoots, cpuServers));
  say('  measuring lifecycle commands through the API…');
  mark = cpuMark();
  groups = cpuByGroup(cpuRoots, cpuServers);
  const api = await driveLifecycle(topology.baseUrls, measuredIds, steps, options.concurrency, 'API lifecycle commands');
  const apiCpu = cpuSince(mark);
  const apiGroups = cpuDelta(groups, cpuByGroup(cpuRoots, cpuServers));
  const emails = dataSource.getRepository(OutboundEmail);
  const [emailsTotal, emailsPendingAtEnd] = await Promise.all([emails.count(), emails.countBy({ status: 'pending' })]);

  // Every email the commands queued reaches the SMTP sink (the worker sends the rest after the clock stopped).
  const mailDeadline = Date.now() + 120_000;
  while ((await emails.countBy({ status: 'pending' })) > 0 && Date.now() < mailDeadline)
    await new Promise((resolve) => setTimeout(resolve, 250));
  const [emailsSent, emailsUnsent] = await Promise.all([
    emails.countBy({ status: 'sent' }),
    emails.countBy({ status: In(['pending', 'failed']) }),
  ]);
  const accepted = sinkMessageCount(topology.mailDir);
  if (emailsUnsent > 0 || emailsSent !== emailsTotal)
    throw new Error(`${emailsUnsent} of ${emailsTotal} emails were not sent within 2 minutes of the last command`);
  if (accepted !== emailsSent)
    throw new Error(`the SMTP sink accepted ${accepted} messages, but the product recorded ${emailsSent} as sent`);

  const finished = await dataSource.getRepository(Recommendation).countBy({ status: 'awaiting_self_certification' });
  if (finished !== recommendationIds.length)
    throw new Error(`${finished} of ${recommendationIds.length} items reached awaiting_self_certification`);

  // -- the floor, once the product's emails are all out: each update is one transaction and one email --------
  // Its warm-up here, not with the others: its emails go to the product's sink, counted above.
  await driveUpdates(floorWarmupIds, stepsPerItem, options.concurrency, 'warm-up', floorUpdate(floorUrl));
  say('  measuring the floor (over HTTP, one update, one PostgreSQL transaction and one email per command)…');
  mark = cpuMark();
  groups = cpuByGroup(cpuRoots, cpuServers);
  const floor = await driveUpdates(floorIds, stepsPerItem, options.concurrency, 'floor over HTTP', floorUpdate(floorUrl));
  const floorCpu = cpuSince(mark);
  const floorGroups = cpuDelta(groups, cpuByGroup(cpuRoots, cpuServers));
  const floorCommands = (floorWarmupIds.length + floorIds.length) * stepsPerItem;
  const floorRows = await withPg(floorDatabaseUrl, async (c) =>
    Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM floor_events')).rows[0]!.n),
  );
  if (floorRows !== floorCommands) throw new Error(`the floor recorded ${floorRows} of its ${floorCommands} commands`);
  const floorEmails = sinkMessageCount(topology.mailDir) - accepted;
  if (floorEmails !== floorCommands) throw new Error(`the SMTP sink accepted ${floorEmails} of the floor's ${floorCommands} emails`);

  // -- where an API command's time goes, from a sample of the recommendations' workflow histories -----------
  const sampleIndexes = Array.from({ length: options.sample }, (_, i) => Math.floor((i * measuredIds.length) / options.sample));
  const timelines: UpdateTimeline[] = [];
  const counts: HistoryCounts[] = [];
  for (const index of sampleIndexes) {
    const history = await temporalClient.workflow.getHandle(recommendationWorkflowId(measuredIds[index]!)).fetchHistory();
    timelines.push(...updateTimelines(history.events ?? []));
    counts.push(historyCounts(history.events ?? []));
  }
  const rawCounts = historyCounts((await temporalClient.workflow.getHandle(rawIds[0]!).fetchHistory()).events ?? []);
  const sampledHttp = api.timed.filter((x) => sampleIndexes.includes(x.item)).map((x) => x.ms);

  // -- report ----------------------------------------------------------------------------------------------------
  const apiSummary = summarise(api.result);
  const rawSummary = summarise(raw);
  const floorSummary = summarise(floor);
  const ratio = apiSummary.throughput / rawSummary.throughput;
  const floorRatio = floorSummary.throughput / rawSummary.throughput;
  say('');
  say(phaseTable([apiSummary, rawSummary, floorSummary]));
  say('');
  say(`throughput ratio API/raw: ${ratio.toFixed(3)}   target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'}`);
  say(`latency ratio API/raw: p50 ×${(apiSummary.p50 / rawSummary.p50).toFixed(1)}, p99 ×${(apiSummary.p99 / rawSummary.p99).toFixed(1)}`);
  say(
    `floor/raw: ${floorRatio.toFixed(3)} (the best any design of a command over HTTP that writes a transaction and sends an email can reach here` +
      `${floorRatio < TARGET_RATIO ? `: below the target of ${TARGET_RATIO}` : ''});   API/floor: ${(apiSummary.throughput / floorSummary.throughput).toFixed(3)}`,
  );

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
  say(`CPU during the measured phases, per process (${os.cpus().length} cores; from /proc, each process with its children):`);
  const cpuCells = (cpuS: number | undefined, result: PhaseResult) =>
    cpuS === undefined ? ['not started here', '—'] : [`${cpuS.toFixed(1)} s`, `${((cpuS * 1000) / result.operations).toFixed(2)} ms`];
  const groupNames = [...Object.keys(cpuRoots), ...Object.keys(cpuServers), 'bench (this process)'];
  const phases = [
    { groups: rawGroups, cpu: rawCpu, result: raw },
    { groups: apiGroups, cpu: apiCpu, result: api.result },
    { groups: floorGroups, cpu: floorCpu, result: floor },
  ];
  say(
    table(
      ['process', 'raw: CPU', 'raw: CPU/op', 'API: CPU', 'API: CPU/op', 'floor: CPU', 'floor: CPU/op'],
      [
        ...groupNames.map((name) => [name, ...phases.flatMap((p) => cpuCells(p.groups[name], p.result))]),
        ['everything else on the machine*', ...phases.flatMap((p) => cpuCells(cpuElsewhere(p.groups, p.cpu.machineS), p.result))],
        ['whole machine', ...phases.flatMap((p) => cpuCells(p.cpu.machineS, p.result))],
      ],
    ),
  );
  say(
    `machine busy: raw ${(rawCpu.machineBusy * 100).toFixed(0)} %, API ${(apiCpu.machineBusy * 100).toFixed(0)} %, floor ${(floorCpu.machineBusy * 100).toFixed(0)} % of all cores`,
  );
  say('* other programs on the machine (other builds and test runs make every figure noisy)');

  if (timelines.length > 0) {
    const mean = (pick: (x: UpdateTimeline) => number) => timelines.reduce((s, x) => s + pick(x), 0) / timelines.length;
    const httpMean = sampledHttp.reduce((s, x) => s + x, 0) / Math.max(1, sampledHttp.length);
    const inTemporal = mean((x) => x.totalMs);
    say('');
    say(
      `Where an API command's time goes (means over ${timelines.length} commands of ${options.sample} items, from their workflow histories):`,
    );
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
    const perCommand = (pick: (c: HistoryCounts) => number) =>
      (counts.reduce((sum, c) => sum + pick(c), 0) / counts.length / stepsPerItem).toFixed(2);
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
        `${emailsPendingAtEnd} still unsent when the last command answered (sent in the background, after the clock stopped); ` +
        `all ${accepted} accepted by the SMTP sink process`,
    );
  }

  return { name: topology.name, api: apiSummary, raw: rawSummary, floor: floorSummary };
}

/** Runs `work` with cleanups of its own, run when it ends (or with everything else on Ctrl-C). */
async function inPhase<T>(cleanups: Cleanups, what: string, work: (own: Cleanups) => Promise<T>): Promise<T> {
  const own: Cleanups = [];
  const stopOwn = async () => {
    for (let next = own.pop(); next; next = own.pop()) {
      try {
        await next.run();
      } catch (error) {
        process.stderr.write(`while stopping ${next.what}: ${(error as Error).message}\n`);
      }
    }
  };
  const entry = { what, run: stopOwn };
  cleanups.push(entry);
  try {
    return await work(own);
  } finally {
    await stopOwn();
    cleanups.splice(cleanups.indexOf(entry), 1);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  // JSON logs at warn, as the tests have them (this process's own: starting PostgreSQL and Temporal).
  const logger: Logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });
  const suffix = randomBytes(4).toString('hex');

  const { cleanups, stopAll } = stopEverythingOnExit();

  // What else the machine is doing (another build or test run makes the figures noisy): one idle second.
  const idleMark = cpuMark();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const before = cpuSince(idleMark);

  const runStarted = performance.now();
  say('Lifecycle commands through the API vs raw executeUpdate, same Temporal server, same run: the dev topology, then the cluster');
  for (const fact of machineFacts()) say(`  ${fact}`);
  say(
    `  machine busy before starting: ${(before.machineBusy * 100).toFixed(0)} % of all cores${before.machineBusy > 0.15 ? '  (something else is running: expect noisy figures)' : ''}`,
  );
  const stepsPerItem = 6;
  say(
    `  items: ${options.items}, concurrency: ${options.concurrency}, warm-up: ${options.warmup} (not counted), ${stepsPerItem} commands per item`,
  );
  say('');

  try {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-bench-'));
    fs.chmodSync(workDir, 0o755);
    cleanups.push({
      what: 'the work folder',
      run: async () => {
        // After a failure the processes' logs stay (and nothing else: the database files are large).
        if (process.exitCode) {
          fs.rmSync(path.join(workDir, 'postgres'), { recursive: true, force: true });
          say(`  logs kept in ${workDir}`);
        } else fs.rmSync(workDir, { recursive: true, force: true });
      },
    });

    // -- the dev topology: a Temporal CLI dev server, one API process and one worker -----------------------------
    say('Dev topology: Temporal CLI dev server, one API process, one worker');
    const dev = await inPhase(cleanups, 'the dev topology', async (own) => {
      let t = performance.now();
      const started: StartedServices = { postgres: null, temporal: null };
      own.push({ what: 'PostgreSQL and Temporal', run: () => Promise.allSettled([started.temporal?.stop(), started.postgres?.stop()]) });
      const { postgresUrl, temporalAddress } = await startSharedServices({ workDir, logger }, started);
      const pgVersion = await withPg(
        postgresUrl,
        async (c) => (await c.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v,
      );
      say(
        `  PostgreSQL ${pgVersion} (${started.postgres ? 'embedded' : 'DATABASE_URL'});` +
          ` Temporal ${started.temporal ? `CLI dev server, in memory (${temporalCliVersion() ?? 'version unknown'})` : `at ${temporalAddress}`}`,
      );
      say(`  services ready in ${seconds(elapsed(t))}`);

      // The product as deployed, each role in a process of its own.
      t = performance.now();
      const temporalConnection = await Connection.connect({ address: temporalAddress });
      own.push({ what: 'the Temporal client connection', run: () => temporalConnection.close() });
      const productDir = path.join(workDir, 'dev');
      fs.mkdirSync(productDir);
      const product = await startDeployedProduct({
        postgresUrl,
        temporalAddress,
        temporalConnection,
        workDir: productDir,
        name: `rt_bench_${suffix}`,
        taskQueue: `bench-lifecycle-${suffix}`,
        logLevel: options.productLogLevel,
        cleanups: own,
      });
      const [apiProcess, workerProcess, sinkProcess] = product.processes;
      say(
        `  product (migrate job; API pid ${apiProcess!.pid} on ${product.baseUrl}, LOG_LEVEL=${options.productLogLevel}; worker pid ${workerProcess!.pid}; SMTP sink pid ${sinkProcess!.pid})` +
          ` started in ${seconds(elapsed(t))}`,
      );
      return measure(
        {
          name: 'dev topology',
          postgresUrl,
          temporalAddress,
          namespace: 'default',
          temporalConnection,
          baseUrls: [product.baseUrl],
          databaseUrl: product.databaseUrl,
          mailDir: product.mailDir,
          smtpUrl: product.smtpUrl,
          rawWorkerEnv: {},
          cpuRoots: { API: apiProcess!.pid, worker: workerProcess!.pid, 'SMTP sink': sinkProcess!.pid },
          cpuServers: { Temporal: 'temporal', PostgreSQL: 'postgres' },
        },
        options,
        stepsPerItem,
        suffix,
        productDir,
        own,
      );
    });

    // -- the cluster: the Temporal server on PostgreSQL, two API processes and two workers (dev/cluster.ts) ------
    say('');
    say('Cluster: Temporal server on PostgreSQL, two API processes, two workers, SMTP with STARTTLS and AUTH (dev/cluster.ts)');
    const cluster = await inPhase(cleanups, 'the cluster', async (own) => {
      const t = performance.now();
      const clusterDir = path.join(workDir, 'cluster');
      const running = await startCluster({
        distDir: path.resolve(__dirname, '..'),
        workDir: clusterDir,
        logger,
        databasePrefix: `rt_bench_${suffix}`,
        env: { LOG_LEVEL: options.productLogLevel },
      });
      own.push({
        what: "the cluster's databases",
        run: () =>
          withPg(running.postgresAdminUrl, async (c) => {
            for (const name of running.databases) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          }),
      });
      own.push({ what: 'the cluster', run: () => running.stop() });
      const temporalConnection = await Connection.connect({ address: running.temporalAddress });
      own.push({ what: 'the Temporal client connection', run: () => temporalConnection.close() });
      const pgVersion = await withPg(
        running.postgresAdminUrl,
        async (c) => (await c.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v,
      );
      say(
        `  PostgreSQL ${pgVersion} at ${new URL(running.postgresAdminUrl).host}; Temporal server ${running.temporalAddress} (pid ${running.temporal.process.pid}); ` +
          `API pids ${running.apis.map((a) => a.pid).join(', ')}; worker pids ${running.workers.map((w) => w.pid).join(', ')}; started in ${seconds(elapsed(t))}`,
      );
      const pids = (list: { pid: number | null }[], name: string) => Object.fromEntries(list.map((p, i) => [`${name} ${i + 1}`, p.pid!]));
      return measure(
        {
          name: 'cluster',
          postgresUrl: running.postgresAdminUrl,
          temporalAddress: running.temporalAddress,
          namespace: running.namespace,
          temporalConnection,
          baseUrls: running.apiUrls,
          databaseUrl: running.databaseUrl,
          mailDir: path.join(clusterDir, 'mail'),
          smtpUrl: running.smtpUrl,
          rawWorkerEnv: { NODE_EXTRA_CA_CERTS: running.env.NODE_EXTRA_CA_CERTS! },
          cpuRoots: { ...pids(running.apis, 'API'), ...pids(running.workers, 'worker'), 'Temporal server': running.temporal.process.pid! },
          cpuServers: { PostgreSQL: 'postgres' },
        },
        options,
        stepsPerItem,
        suffix,
        clusterDir,
        own,
      );
    });

    say('');
    say('Both topologies, each against its own raw updates and floor:');
    say(
      table(
        [
          'topology',
          'API commands/s',
          'raw updates/s',
          'floor commands/s',
          'API/raw',
          'floor/raw',
          'API/floor',
          `target API/raw ≥ ${TARGET_RATIO}`,
        ],
        [dev, cluster].map((r) => {
          const ratio = r.api.throughput / r.raw.throughput;
          return [
            r.name,
            r.api.throughput.toFixed(1),
            r.raw.throughput.toFixed(1),
            r.floor.throughput.toFixed(1),
            ratio.toFixed(3),
            (r.floor.throughput / r.raw.throughput).toFixed(3),
            (r.api.throughput / r.floor.throughput).toFixed(3),
            ratio >= TARGET_RATIO ? 'MET' : 'NOT MET',
          ];
        }),
      ),
    );
    say('');
    say(`total run time ${seconds(elapsed(runStarted))} (before stopping)`);
  } catch (error) {
    process.exitCode = 1; // keeps the work folder with the processes' logs
    throw error;
  } finally {
    await stopAll();
  }
}

runBenchmark(main);
