import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { databaseUrlFor, withPg } from '../../platform/postgresClient';
import { workerPolls } from '../../dev/cluster';
import type { ProcessEvent, SupervisedProcess } from '../../dev/clusterProcess';

/**
 * Helpers of the randomized crash fault test (tests/integration/crashFaults.test.ts): a seeded PRNG, the product
 * compiled once and run as separate processes (a Temporal dev server with a database file, the API, the worker),
 * each of which can be killed with SIGKILL and started again on the same port and files; an HTTP driver that keeps
 * a ledger of every logical command and the answers it got; and the invariant checks run at the end.
 */

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: a tiny, fast 32-bit PRNG; the same seed gives the same sequence on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;

  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }

  float(): number {
    return this.next();
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** An independent stream named `label`: what one part of the run draws never shifts what another draws. */
  fork(label: string): Rng {
    return new Rng(createHash('sha256').update(`${this.seed}:${label}`).digest().readUInt32LE(0));
  }

  /** A UUID (version 4 layout) drawn from this stream, so idempotency keys are reproducible too. */
  uuid(): string {
    const bytes = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) bytes[i] = Math.floor(this.next() * 256);
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const say = (line: string) => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------------------------
// Building the product once

/**
 * Compiles the product as `npm run build` does (tsconfig.build.json, then platform/web/templates copied next to the compiled
 * web/), but into `outRoot/dist`, and links `outRoot/node_modules` to the repository's, so that the compiled
 * scripts resolve their packages (Node resolves from the script's folder upwards, not from the working directory).
 * Type errors fail the build unless `allowTypeErrors` (tsc still writes the JavaScript).
 */
export async function compileProduct(
  root: string,
  outRoot: string,
  options: { allowTypeErrors: boolean },
): Promise<{ distDir: string; typeErrors: string | null }> {
  const distDir = path.join(outRoot, 'dist');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', distDir], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('close', (exitCode) => resolve({ code: exitCode, output: text }));
  });
  const typeErrors = code === 0 ? null : output.trim() || `tsc exited with ${code}`;
  if (typeErrors && !(options.allowTypeErrors && fs.existsSync(path.join(distDir, 'bin', 'api.js')))) {
    throw new Error(`The product does not compile (set FAULT_ALLOW_TYPE_ERRORS=1 to run the JavaScript tsc wrote anyway):\n${typeErrors}`);
  }
  fs.cpSync(path.join(root, 'platform', 'web', 'templates'), path.join(distDir, 'platform', 'web', 'templates'), { recursive: true });
  const link = path.join(outRoot, 'node_modules');
  if (!fs.existsSync(link)) fs.symlinkSync(path.join(root, 'node_modules'), link, 'dir');
  return { distDir, typeErrors };
}

// ---------------------------------------------------------------------------------------------------------------
// Processes that can be killed and started again

export { SupervisedProcess, type ProcessEvent } from '../../dev/clusterProcess';

/** The arguments dev/temporalDevServer.ts starts the dev server with (copied: that module keeps no handle to kill -9). */
export function temporalDevServerArgs(port: number, dbFile: string): string[] {
  const dynamicConfig: Record<string, number> = {
    'history.hostLevelCacheMaxSize': 128_000,
    'history.eventsCacheMaxSizeBytes': 64 * 2 ** 20,
  };
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--log-level',
    'warn',
    '--headless',
    '--db-filename',
    dbFile,
  ];
  for (const [key, value] of Object.entries(dynamicConfig)) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  return args;
}

/** Runs `work` on a fresh connection to Temporal (connects within a second or fails), closing it afterwards. */
export async function withTemporal<T>(address: string, work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    return await work(connection);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export async function temporalReady(address: string): Promise<boolean> {
  return withTemporal(address, async (connection) => {
    await connection.workflowService.describeNamespace({ namespace: 'default' });
    return true;
  });
}

/** True once the worker process `pid` polls `taskQueue` in the default namespace for workflow tasks. */
export function workerPolling(address: string, taskQueue: string, pid: number): Promise<boolean> {
  return workerPolls(address, 'default', taskQueue, pid);
}

/** Runs a one-shot node script to completion (the migrate job); rejects with its log unless it exits 0. */
export async function runScript(script: string, env: NodeJS.ProcessEnv, cwd: string, logFile: string): Promise<void> {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(-1));
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`${path.basename(script)} failed (code ${code}):\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL

export { databaseUrlFor, withPg };

export const castRoles = {
  admin: { name: 'Hannah Whitcombe', roles: ['administrator'] },
  owner1: { name: 'Tom Ellery', roles: ['action_owner'] },
  owner2: { name: 'Lucy Brannigan', roles: ['action_owner'] },
  lead1: { name: 'Nadia Haskins', roles: ['lead'] },
  lead2: { name: 'Graham Osei', roles: ['lead'] },
  dcc: { name: 'Simon Hartley', roles: ['dcc'] },
  liaison: { name: 'Rachel Okafor', roles: ['liaison_lead'] },
} as const;

export type CastKey = keyof typeof castRoles;
export type Cast = Record<CastKey, { id: string; token: string; email: string }>;

/**
 * People straight into the database (as tests/support/apiClient.ts addPeople does), each with an API token written
 * the way api/auth/service.ts issueApiToken writes one: `rt_` + 32 random bytes in base64url, only its SHA-256 kept.
 */
export async function seedCast(databaseUrl: string): Promise<Cast> {
  return withPg(databaseUrl, async (client) => {
    const cast = {} as Cast;
    for (const [key, person] of Object.entries(castRoles) as [CastKey, (typeof castRoles)[CastKey]][]) {
      const email = `${person.name.toLowerCase().replace(/[^a-z]+/g, '.')}@test.police.uk`;
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO people (name, email, roles) VALUES ($1, $2, $3::text[]) RETURNING id`,
        [person.name, email, [...person.roles]],
      );
      const id = rows[0]!.id;
      const token = `rt_${randomBytes(32).toString('base64url')}`;
      await client.query(
        `INSERT INTO api_tokens (person_id, name, token_hash, prefix, created_by) VALUES ($1, 'crash fault test', $2, $3, NULL)`,
        [id, createHash('sha256').update(token).digest('hex'), token.slice(0, 10)],
      );
      cast[key] = { id, token, email };
    }
    return cast;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The HTTP driver and its ledger

export interface ItemView {
  id: string;
  version: number;
  status: string;
  state: { approval?: { current: number; steps: unknown[] } | null } & Record<string, unknown>;
}

export type Outcome = 'acknowledged' | 'refused' | 'unresolved' | 'unexpected';

/** One logical command: one idempotency key, however many HTTP requests it took. */
export interface CommandRecord {
  key: string;
  itemId: string;
  item: number;
  type: string;
  actor: CastKey;
  /** Whether it was one of a pair fired at the same moment (approve and reject by the lead). */
  racing: boolean;
  attempts: number;
  /** Every answer in order: an HTTP status, or `net` for a connection error or a timeout. */
  answers: (number | 'net')[];
  /** When each answer came (epoch ms). Attempt n carries `X-Request-Id: <key>-a<n>` (a replay `<key>-r<n>`), which the API logs. */
  answeredAt: number[];
  outcome: Outcome;
  finalStatus: number | null;
  /** The 200 answer carried `Idempotency-Key` with this key. */
  keyEchoed: boolean | null;
  /** The body of a definitive non-2xx answer (its detail), or the last error. */
  detail: string | null;
  /** A later resend of the same request with the same key (the client repeating itself) and what it got. */
  replay: { answers: (number | 'net')[]; answeredAt: number[]; finalStatus: number | null } | null;
}

const clock = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 23);

/** `200@04:30:01.123 net@04:30:02.001 …`: what a command's requests got, and when. */
export function answerTrail(answers: (number | 'net')[], answeredAt: number[]): string {
  return answers.map((answer, i) => `${answer}@${clock(answeredAt[i] ?? 0)}`).join(' ');
}

export interface DriverStats {
  requests: number;
  retries: number;
  answers503: number;
  /** Connection refused, reset… */
  networkErrors: number;
  /** No answer within the request timeout (the request was abandoned, then sent again). */
  timeouts: number;
  serverErrors: number;
  getRequests: number;
}

export interface DriverOptions {
  baseUrl: string;
  requestTimeoutMs: number;
  /** A logical command with no definitive answer after this long is given up as unresolved. */
  commandDeadlineMs: number;
  /** Retry-After is honoured up to this many milliseconds. */
  retryAfterCapMs: number;
}

export class Driver {
  readonly records: CommandRecord[] = [];
  readonly stats: DriverStats = { requests: 0, retries: 0, answers503: 0, networkErrors: 0, timeouts: 0, serverErrors: 0, getRequests: 0 };

  constructor(
    private readonly options: DriverOptions,
    private readonly cast: Cast,
  ) {}

  private async request(
    method: string,
    url: string,
    token: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<{ status: number; headers: Headers; body: unknown } | { error: string }> {
    this.stats.requests++;
    try {
      const response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed };
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') this.stats.timeouts++;
      else this.stats.networkErrors++;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { error: `${(error as Error).name}: ${(error as Error).message}${cause ? ` (${cause.code ?? cause.message ?? ''})` : ''}` };
    }
  }

  /**
   * Sends one request with `key` until a definitive answer: 2xx, 409, 412 (or another 4xx, which is unexpected);
   * on 503 it waits as Retry-After says (capped), on a connection error or another 5xx it pauses briefly, then
   * sends the very same request again.
   */
  private async untilDefinitive(
    itemId: string,
    actor: CastKey,
    key: string,
    body: { type: string },
    answers: (number | 'net')[],
    answeredAt: number[],
    tag: 'a' | 'r',
  ) {
    const deadline = Date.now() + this.options.commandDeadlineMs;
    const url = `${this.options.baseUrl}/api/recommendations/${itemId}/commands`;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) this.stats.retries++;
      const answer = await this.request(
        'POST',
        url,
        this.cast[actor].token,
        { 'idempotency-key': key, 'x-request-id': `${key}-${tag}${attempt}` },
        body,
      );
      answeredAt.push(Date.now());
      let pauseMs: number;
      if ('error' in answer) {
        answers.push('net');
        pauseMs = Math.min(250 * attempt, 1500);
        if (Date.now() + pauseMs > deadline) return { attempts: attempt, status: null, headers: null, body: null, error: answer.error };
      } else {
        answers.push(answer.status);
        if (answer.status < 500)
          return { attempts: attempt, status: answer.status, headers: answer.headers, body: answer.body, error: null };
        if (answer.status === 503) {
          this.stats.answers503++;
          const retryAfter = Number(answer.headers.get('retry-after'));
          pauseMs = Math.min(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 1000, this.options.retryAfterCapMs);
        } else {
          this.stats.serverErrors++;
          pauseMs = Math.min(250 * attempt, 1500);
        }
        if (Date.now() + pauseMs > deadline)
          return {
            attempts: attempt,
            status: answer.status,
            headers: answer.headers,
            body: answer.body,
            error: `no definitive answer: last ${answer.status}`,
          };
      }
      await sleep(pauseMs);
    }
  }

  /** One logical command, with its own idempotency key, driven to a definitive answer; recorded in the ledger. */
  async command(
    item: { id: string; index: number },
    actor: CastKey,
    key: string,
    body: { type: string } & Record<string, unknown>,
    racing = false,
  ): Promise<CommandRecord> {
    const record: CommandRecord = {
      key,
      itemId: item.id,
      item: item.index,
      type: body.type,
      actor,
      racing,
      attempts: 0,
      answers: [],
      answeredAt: [],
      outcome: 'unresolved',
      finalStatus: null,
      keyEchoed: null,
      detail: null,
      replay: null,
    };
    this.records.push(record);
    const result = await this.untilDefinitive(item.id, actor, key, body, record.answers, record.answeredAt, 'a');
    record.attempts = result.attempts;
    record.finalStatus = result.status;
    if (result.error) {
      record.outcome = 'unresolved';
      record.detail = result.error;
    } else if (result.status! >= 200 && result.status! < 300) {
      record.outcome = 'acknowledged';
      record.keyEchoed = result.headers!.get('idempotency-key') === key;
    } else if (result.status === 409 || result.status === 412) {
      record.outcome = 'refused';
      record.detail = problemDetail(result.body);
    } else {
      record.outcome = 'unexpected';
      record.detail = `${result.status}: ${JSON.stringify(result.body).slice(0, 500)}`;
    }
    return record;
  }

  /** Sends an acknowledged command again, same key and body, as a client that never saw the first answer would. */
  async replay(record: CommandRecord, body: { type: string } & Record<string, unknown>): Promise<void> {
    const answers: (number | 'net')[] = [];
    const answeredAt: number[] = [];
    const result = await this.untilDefinitive(record.itemId, record.actor, record.key, body, answers, answeredAt, 'r');
    record.replay = { answers, answeredAt, finalStatus: result.error ? null : result.status };
  }

  /** The item as PostgreSQL has it, retrying through outages; null if it cannot be read before the deadline. */
  async get(itemId: string, actor: CastKey): Promise<ItemView | null> {
    const deadline = Date.now() + this.options.commandDeadlineMs;
    for (let attempt = 1; Date.now() < deadline; attempt++) {
      this.stats.getRequests++;
      const answer = await this.request('GET', `${this.options.baseUrl}/api/recommendations/${itemId}`, this.cast[actor].token, {});
      if (!('error' in answer) && answer.status === 200) return answer.body as ItemView;
      if (!('error' in answer) && answer.status < 500)
        throw new Error(`GET ${itemId}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
      await sleep(Math.min(250 * attempt, 1500));
    }
    return null;
  }
}

function problemDetail(body: unknown): string {
  if (body && typeof body === 'object') {
    const problem = body as { title?: string; detail?: string };
    return [problem.title, problem.detail].filter(Boolean).join(': ');
  }
  return String(body).slice(0, 300);
}

// ---------------------------------------------------------------------------------------------------------------
// Faults

export type FaultKind = 'temporal' | 'worker' | 'api' | 'all';

export interface PlannedFault {
  index: number;
  /** Pause after the previous fault's recovery (or the start of the load) before this one. */
  gapMs: number;
  kind: FaultKind;
  /** How long what was killed stays down before it is started again. */
  downMs: number;
}

export interface InjectedFault extends PlannedFault {
  atMs: number;
  recoveredAfterMs: number | null;
}

/**
 * The whole fault schedule, drawn up front from its own stream: each kind at least once (when there are four or
 * more faults), the rest mostly single processes with the occasional everything-at-once.
 */
export function planFaults(rng: Rng, count: number): PlannedFault[] {
  const singles: FaultKind[] = ['temporal', 'worker', 'api'];
  const kinds: FaultKind[] = count >= 4 ? [...singles, 'all'] : [];
  while (kinds.length < count) kinds.push(rng.chance(0.12) ? 'all' : rng.pick(singles));
  const faults = rng.shuffle(kinds.slice(0, count)).map((kind, index) => ({
    index,
    kind,
    gapMs: rng.int(1500, 5000),
    downMs: kind === 'api' || kind === 'worker' ? rng.int(200, 2500) : rng.int(500, 6000),
  }));
  // One Temporal outage outlasts what the API rides out by waiting (its client's own gRPC retries, ~10 s), so that
  // commands in flight get "outcome unknown" (503) or time out, and are retried with their keys.
  const long = rng.int(8000, 15000);
  const first = faults.find((fault) => fault.kind === 'temporal') ?? faults.find((fault) => fault.kind === 'all');
  if (first) first.downMs = long;
  return faults;
}

/**
 * One fault: kill -9 of `victims` at once, `downMs` down, then each started again (`first`, if among them, alone and
 * ready before the others, as the Temporal server before its clients) and waited for (bounded). `recoveredAfterMs`
 * counts from the restart; `backAfterMs` from the kill; both null when something was not ready in time.
 */
export async function strike(
  victims: SupervisedProcess[],
  options: { downMs: number; recoveryTimeoutMs: number; first?: SupervisedProcess },
): Promise<{ killedAt: number; recoveredAfterMs: number | null; backAfterMs: number | null }> {
  const killedAt = Date.now();
  await Promise.all(victims.map((victim) => victim.kill9()));
  await sleep(options.downMs);
  const started = Date.now();
  let ready = true;
  const first = options.first && victims.includes(options.first) ? options.first : null;
  if (first) {
    first.start();
    ready = await first.waitReady(options.recoveryTimeoutMs);
  }
  const others = victims.filter((victim) => victim !== first);
  for (const victim of others) victim.start();
  const results = await Promise.all(others.map((victim) => victim.waitReady(options.recoveryTimeoutMs)));
  ready = results.every(Boolean) && ready;
  return { killedAt, recoveredAfterMs: ready ? Date.now() - started : null, backAfterMs: ready ? Date.now() - killedAt : null };
}

export interface FaultTargets {
  temporal: SupervisedProcess;
  api: SupervisedProcess;
  worker: SupervisedProcess;
}

/**
 * Injects the planned faults one after another while `keepGoing()` holds: kill -9, a pause, start again (Temporal
 * first, then the API and the worker), then waits (bounded) until each is ready before counting down to the next.
 */
export async function injectFaults(
  plan: PlannedFault[],
  targets: FaultTargets,
  options: { t0: number; recoveryTimeoutMs: number; keepGoing: () => boolean; log: (line: string) => void },
): Promise<InjectedFault[]> {
  const injected: InjectedFault[] = [];
  for (const fault of plan) {
    await sleep(fault.gapMs);
    if (!options.keepGoing()) break;
    const victims: SupervisedProcess[] = fault.kind === 'all' ? [targets.temporal, targets.api, targets.worker] : [targets[fault.kind]];
    const atMs = Date.now() - options.t0;
    options.log(`fault ${fault.index + 1}/${plan.length} at ${(atMs / 1000).toFixed(1)} s: kill -9 ${fault.kind}, down ${fault.downMs} ms`);
    const { recoveredAfterMs } = await strike(victims, {
      downMs: fault.downMs,
      recoveryTimeoutMs: options.recoveryTimeoutMs,
      first: targets.temporal,
    });
    options.log(
      `  ${fault.kind} ${recoveredAfterMs !== null ? `back in ${(recoveredAfterMs / 1000).toFixed(1)} s` : `NOT ready after ${options.recoveryTimeoutMs / 1000} s`}`,
    );
    injected.push({ ...fault, atMs, recoveredAfterMs });
  }
  return injected;
}

// ---------------------------------------------------------------------------------------------------------------
// Invariants

export interface Violation {
  invariant: string;
  item?: number;
  itemId?: string;
  key?: string;
  detail: string;
}

export interface InvariantCounts {
  lost: number;
  duplicated: number;
  diverged: number;
  emailsDuplicated: number;
  emailsNotSent: number;
  emailsMissing: number;
  auditInconsistent: number;
  refusedYetRecorded: number;
  replaysNotAcknowledged: number;
  unresolved: number;
  unexpectedAnswers: number;
}

export interface InvariantReport {
  counts: InvariantCounts;
  violations: Violation[];
  receipts: number;
  phantomReceipts: number;
  /**
   * Duplicated emails whose first copy reached the sink within a second of a kill -9 of a process that sends mail:
   * the SMTP hand-over window (the server took the message, the sender died before recording that it had).
   */
  emailsDuplicatedNearKill: number;
  emailsSent: number;
  emailsDelivered: number;
  divergenceCheckedVersion: boolean;
}

interface ReceiptRow {
  key: string;
  recommendation_id: string;
  command_type: string;
  version_after: number;
  recorded_at: Date;
}

/** The audit event each command the driver sends writes first, and which no other command the driver sends writes. */
export const signatureEvent: Record<string, string> = {
  assign: 'owner_assigned',
  accept: 'owner_accepted',
  postUpdate: 'progress_updated',
  submitEvidence: 'evidence_submitted',
  approve: 'approval_given',
  reject: 'approval_rejected',
  selfCertify: 'self_certified',
  reopen: 'reopened',
};

const normalize = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

function differingKeys(a: unknown, b: unknown): string[] {
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return ['(whole value)'];
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  return [...new Set([...Object.keys(left), ...Object.keys(right)])].filter((key) => !isDeepStrictEqual(left[key], right[key]));
}

/** The workflow's own view of its item: the `record` query (state and version), or `state` alone for older workflow code. */
async function workflowView(client: TemporalClient, itemId: string): Promise<{ state: unknown; version: number | null }> {
  const handle = client.workflow.getHandle(`recommendation-${itemId}`);
  try {
    const record = await handle.query<{ state: unknown; version: number }>('record');
    return { state: record.state, version: record.version };
  } catch (error) {
    if (!/record/i.test((error as Error).message) || /not found/i.test((error as Error).message)) throw error;
    return { state: await handle.query<unknown>('state'), version: null };
  }
}

/** Compares every item's workflow with its row until they agree or `timeoutMs` passes; returns what still differs. */
export async function divergences(
  temporalAddress: string,
  databaseUrl: string,
  items: { id: string; index: number }[],
  timeoutMs: number,
  namespace = 'default',
): Promise<{ violations: Violation[]; checkedVersion: boolean }> {
  const deadline = Date.now() + timeoutMs;
  const connection = await Connection.connect({ address: temporalAddress, connectTimeout: 5000 });
  try {
    const client = new TemporalClient({ connection, namespace });
    for (;;) {
      const violations: Violation[] = [];
      let checkedVersion = true;
      const rows = await withPg(databaseUrl, (pg) =>
        pg.query<{ id: string; state: unknown; version: number }>(
          `SELECT id, state, version FROM recommendations WHERE id = ANY($1::uuid[])`,
          [items.map((i) => i.id)],
        ),
      );
      for (const item of items) {
        const row = rows.rows.find((r) => r.id === item.id);
        let view: { state: unknown; version: number | null };
        try {
          view = await workflowView(client, item.id);
        } catch (error) {
          violations.push({
            invariant: 'diverged',
            item: item.index,
            itemId: item.id,
            detail: `workflow query failed: ${(error as Error).message}`,
          });
          continue;
        }
        if (view.version === null) checkedVersion = false;
        const stateEqual = isDeepStrictEqual(normalize(view.state), normalize(row?.state));
        const versionEqual = view.version === null || view.version === row?.version;
        if (!row || !stateEqual || !versionEqual) {
          const wf = view.state as { status?: string } | null;
          const pg = row?.state as { status?: string } | undefined;
          violations.push({
            invariant: 'diverged',
            item: item.index,
            itemId: item.id,
            detail: `workflow ${wf?.status ?? '?'} v${view.version ?? '?'} vs PostgreSQL ${pg?.status ?? '(no row)'} v${row?.version ?? '?'}; state differs in: ${stateEqual ? '(nothing)' : differingKeys(normalize(view.state), normalize(row?.state)).join(', ')}`,
          });
        }
      }
      if (violations.length === 0 || Date.now() > deadline) return { violations, checkedVersion };
      await sleep(1000);
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Waits (bounded) until no outbox row is left unsent; returns how many still are. */
export async function outboxSettled(databaseUrl: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await withPg(databaseUrl, (pg) =>
      pg.query<{ unsent: string }>(`SELECT count(*) AS unsent FROM outbound_emails WHERE status <> 'sent'`),
    );
    const unsent = Number(rows[0]!.unsent);
    if (unsent === 0 || Date.now() > deadline) return unsent;
    await sleep(500);
  }
}

/**
 * Everything the run must end with, from the ledger, PostgreSQL, the workflows and the SMTP sink:
 *  - lost: every acknowledged key has exactly its receipt (same item, same command type);
 *  - duplicated: each item's receipts are versions 1..n without gaps or repeats, and its row's version is n;
 *  - diverged: each workflow's state and version equal its row's (after a bounded wait);
 *  - emails: no Message-ID delivered twice, every outbox row sent, every sent row delivered;
 *  - audit: each item's lifecycle events, in order, are its receipts' commands in version order, and its status is the
 *    one its last status-changing event recorded;
 *  - and from the contract: no refused key has a receipt, a resent acknowledged key is acknowledged again, every
 *    command got a definitive answer.
 */
export async function checkInvariants(input: {
  databaseUrl: string;
  temporalAddress: string;
  /** The Temporal namespace of the items' workflows (default `default`). */
  namespace?: string;
  items: { id: string; index: number }[];
  records: CommandRecord[];
  mail: { messageId: string | null; receivedAt: string }[];
  /** The kills of the run, to say how near one a duplicated email was first delivered. */
  kills: ProcessEvent[];
  convergeTimeoutMs: number;
}): Promise<InvariantReport> {
  const { databaseUrl, items, records } = input;
  const violations: Violation[] = [];
  const add = (v: Violation) => violations.push(v);
  const indexOf = new Map(items.map((i) => [i.id, i.index]));

  const { receipts, rows, audit, outbox } = await withPg(databaseUrl, async (pg) => {
    let receiptRows: ReceiptRow[] = [];
    try {
      receiptRows = (
        await pg.query<ReceiptRow>(`SELECT key, recommendation_id, command_type, version_after, recorded_at FROM command_receipts`)
      ).rows;
    } catch (error) {
      add({ invariant: 'lost', detail: `command_receipts cannot be read: ${(error as Error).message}` });
    }
    return {
      receipts: receiptRows,
      rows: (
        await pg.query<{ id: string; status: string; version: number }>(
          `SELECT id, status, version FROM recommendations WHERE id = ANY($1::uuid[])`,
          [items.map((i) => i.id)],
        )
      ).rows,
      audit: (
        await pg.query<{ recommendation_id: string; type: string; after: Record<string, unknown> | null }>(
          `SELECT recommendation_id, type, after FROM audit_events WHERE recommendation_id = ANY($1::uuid[]) AND entity_type = 'recommendation' ORDER BY id`,
          [items.map((i) => i.id)],
        )
      ).rows,
      outbox: (
        await pg.query<{ id: string; status: string; recommendation_id: string | null }>(
          `SELECT id, status, recommendation_id FROM outbound_emails`,
        )
      ).rows,
    };
  });

  // Keys: the primary key makes repeats impossible, but the check costs nothing.
  const receiptsByKey = new Map<string, ReceiptRow[]>();
  for (const receipt of receipts) receiptsByKey.set(receipt.key, [...(receiptsByKey.get(receipt.key) ?? []), receipt]);
  const sentKeys = new Set(records.map((r) => r.key));

  // 1. lost
  let lost = 0;
  for (const record of records.filter((r) => r.outcome === 'acknowledged')) {
    const found = receiptsByKey.get(record.key) ?? [];
    const matching = found.filter((r) => r.recommendation_id === record.itemId && r.command_type === record.type);
    if (found.length !== 1 || matching.length !== 1) {
      lost++;
      add({
        invariant: 'lost',
        item: record.item,
        itemId: record.itemId,
        key: record.key,
        detail: `${record.type} by ${record.actor} was acknowledged (${answerTrail(record.answers, record.answeredAt)}) but has ${found.length} receipt(s)${found.length ? `: ${found.map((r) => `${r.command_type} v${r.version_after}`).join(', ')}` : ''}`,
      });
    }
  }

  // 2. duplicated, per item
  let duplicated = 0;
  for (const item of items) {
    const row = rows.find((r) => r.id === item.id);
    const versions = receipts
      .filter((r) => r.recommendation_id === item.id)
      .map((r) => r.version_after)
      .sort((a, b) => a - b);
    const expected = versions.map((_, i) => i + 1);
    const problems: string[] = [];
    if (!isDeepStrictEqual(versions, expected)) problems.push(`receipt versions are [${versions.join(', ')}], not 1..${versions.length}`);
    if (row && row.version !== versions.length) problems.push(`the row is at version ${row.version} with ${versions.length} receipt(s)`);
    if (problems.length) {
      duplicated++;
      add({ invariant: 'duplicated', item: item.index, itemId: item.id, detail: problems.join('; ') });
    }
  }
  for (const [key, found] of receiptsByKey) {
    if (found.length > 1)
      add({
        invariant: 'duplicated',
        itemId: found[0]!.recommendation_id,
        item: indexOf.get(found[0]!.recommendation_id),
        key,
        detail: `${found.length} receipts with one key`,
      });
  }

  // 3. diverged
  const diverged = await divergences(input.temporalAddress, databaseUrl, items, input.convergeTimeoutMs, input.namespace);
  violations.push(...diverged.violations);

  // 4. emails
  const delivered = new Map<string, number>();
  for (const message of input.mail) if (message.messageId) delivered.set(message.messageId, (delivered.get(message.messageId) ?? 0) + 1);
  let emailsDuplicated = 0;
  let emailsDuplicatedNearKill = 0;
  for (const [messageId, count] of delivered) {
    if (count > 1) {
      const times = input.mail
        .filter((m) => m.messageId === messageId)
        .map((m) => Date.parse(m.receivedAt))
        .sort((a, b) => a - b);
      const first = times[0]!;
      const nearest = input.kills
        .filter((k) => k.what.startsWith('kill -9') && k.process !== 'temporal')
        .sort((a, b) => Math.abs(a.at - first) - Math.abs(b.at - first))[0];
      const near = nearest
        ? `; nearest kill -9: ${nearest.process} ${Math.abs(nearest.at - first)} ms ${nearest.at <= first ? 'before' : 'after'} the first copy arrived`
        : '';
      // SMTP's own window: the server took the message and the sender died before it could record so. The copy sent
      // when its lease ran out carries the same Message-ID, which is what a receiver de-duplicates on.
      if (nearest && Math.abs(nearest.at - first) <= 1000) {
        emailsDuplicatedNearKill += count - 1;
        continue;
      }
      emailsDuplicated += count - 1;
      add({ invariant: 'emails duplicated', detail: `${messageId} delivered ${count} times, ${times.map(clock).join(' and ')}${near}` });
    }
  }
  const deliveredRowIds = new Set(
    [...delivered.keys()].map((id) => /^<?([0-9a-f-]{36})@/i.exec(id)?.[1]?.toLowerCase()).filter((id): id is string => !!id),
  );
  let emailsNotSent = 0;
  let emailsMissing = 0;
  for (const row of outbox) {
    if (row.status !== 'sent') {
      emailsNotSent++;
      add({
        invariant: 'emails not sent',
        itemId: row.recommendation_id ?? undefined,
        item: row.recommendation_id ? indexOf.get(row.recommendation_id) : undefined,
        detail: `outbox row ${row.id} is ${row.status}`,
      });
    } else if (!deliveredRowIds.has(row.id.toLowerCase())) {
      emailsMissing++;
      add({
        invariant: 'emails missing',
        itemId: row.recommendation_id ?? undefined,
        detail: `outbox row ${row.id} is sent but the sink never received it`,
      });
    }
  }

  // 5. audit trail against receipts
  let auditInconsistent = 0;
  for (const item of items) {
    const row = rows.find((r) => r.id === item.id);
    const events = audit.filter((e) => e.recommendation_id === item.id);
    const expected = receipts
      .filter((r) => r.recommendation_id === item.id)
      .sort((a, b) => a.version_after - b.version_after)
      .map((r) => signatureEvent[r.command_type] ?? `(no signature for ${r.command_type})`);
    const signatures = new Set(Object.values(signatureEvent));
    const actual = events.filter((e) => signatures.has(e.type)).map((e) => e.type);
    const problems: string[] = [];
    if (!isDeepStrictEqual(actual, expected))
      problems.push(`lifecycle events [${actual.join(', ')}] but receipts say [${expected.join(', ')}]`);
    const lastStatus = [...events].reverse().find((e) => e.after && typeof e.after.status === 'string')?.after?.status;
    if (row && lastStatus !== undefined && lastStatus !== row.status)
      problems.push(`status is ${row.status} but the last transition recorded ${String(lastStatus)}`);
    if (row && lastStatus === undefined && row.status !== 'logged') problems.push(`status is ${row.status} but no event recorded a status`);
    if (problems.length) {
      auditInconsistent++;
      add({ invariant: 'audit', item: item.index, itemId: item.id, detail: problems.join('; ') });
    }
  }

  // From the contract: a refused key was not recorded; a resent acknowledged key is acknowledged again.
  let refusedYetRecorded = 0;
  for (const record of records.filter((r) => r.outcome === 'refused' && receiptsByKey.has(r.key))) {
    refusedYetRecorded++;
    const receipt = receiptsByKey.get(record.key)![0]!;
    add({
      invariant: 'refused yet recorded',
      item: record.item,
      itemId: record.itemId,
      key: record.key,
      detail: `${record.type} by ${record.actor}${record.racing ? ' (racing pair)' : ''} got ${answerTrail(record.answers, record.answeredAt)} (${record.detail}) but was recorded as version ${receipt.version_after} at ${clock(receipt.recorded_at.getTime())}`,
    });
  }
  let replaysNotAcknowledged = 0;
  for (const record of records.filter(
    (r) => r.replay && !(r.replay.finalStatus !== null && r.replay.finalStatus >= 200 && r.replay.finalStatus < 300),
  )) {
    replaysNotAcknowledged++;
    add({
      invariant: 'replay not acknowledged',
      item: record.item,
      itemId: record.itemId,
      key: record.key,
      detail: `${record.type} resent with its key got ${answerTrail(record.replay!.answers, record.replay!.answeredAt)}`,
    });
  }
  const unresolved = records.filter((r) => r.outcome === 'unresolved');
  for (const record of unresolved)
    add({
      invariant: 'unresolved',
      item: record.item,
      itemId: record.itemId,
      key: record.key,
      detail: `${record.type}: ${record.detail} (${answerTrail(record.answers, record.answeredAt)})`,
    });
  const unexpected = records.filter((r) => r.outcome === 'unexpected');
  for (const record of unexpected)
    add({
      invariant: 'unexpected answer',
      item: record.item,
      itemId: record.itemId,
      key: record.key,
      detail: `${record.type} by ${record.actor}: ${record.detail}`,
    });

  return {
    counts: {
      lost,
      duplicated,
      diverged: diverged.violations.length,
      emailsDuplicated,
      emailsNotSent,
      emailsMissing,
      auditInconsistent,
      refusedYetRecorded,
      replaysNotAcknowledged,
      unresolved: unresolved.length,
      unexpectedAnswers: unexpected.length,
    },
    violations,
    receipts: receipts.length,
    phantomReceipts: receipts.filter((r) => indexOf.has(r.recommendation_id) && !sentKeys.has(r.key)).length,
    emailsDuplicatedNearKill,
    emailsSent: outbox.filter((r) => r.status === 'sent').length,
    emailsDelivered: input.mail.length,
    divergenceCheckedVersion: diverged.checkedVersion,
  };
}

/** What every fault run must end with: each count zero. */
export const NO_VIOLATIONS: InvariantCounts = {
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
};

/** The rows of a fault run's table that come from checkInvariants, the same in every fault test. */
export function invariantRows(report: InvariantReport): [string, string | number][] {
  const c = report.counts;
  return [
    ['unresolved (no definitive answer)', c.unresolved],
    ['unexpected answers (400/401/403/404…)', c.unexpectedAnswers],
    ['receipts (phantom: key never sent)', `${report.receipts} (${report.phantomReceipts})`],
    ['LOST (2xx without its receipt)', c.lost],
    ['DUPLICATED (applied twice)', c.duplicated],
    [
      'DIVERGED (workflow vs PostgreSQL)',
      `${c.diverged}${report.divergenceCheckedVersion ? '' : ' (state only: the workflow has no record query)'}`,
    ],
    ['EMAILS DUPLICATED (same Message-ID twice)', c.emailsDuplicated],
    ['re-sent after the sender died mid-send (same Message-ID)', report.emailsDuplicatedNearKill],
    [
      'emails: outbox sent / delivered / not sent / missing',
      `${report.emailsSent} / ${report.emailsDelivered} / ${c.emailsNotSent} / ${c.emailsMissing}`,
    ],
    ['audit trails inconsistent', c.auditInconsistent],
    ['refused yet recorded', c.refusedYetRecorded],
  ];
}

/** The first `limit` violations, one line each, for the test output. */
export function violationLines(report: InvariantReport, limit: number): string[] {
  return report.violations
    .slice(0, limit)
    .map(
      (v) =>
        `  [${v.invariant}]${v.item !== undefined ? ` item ${v.item}` : ''}${v.itemId ? ` ${v.itemId}` : ''}${v.key ? ` key ${v.key}` : ''}: ${v.detail}`,
    );
}

/** A two-column table, for the run's summary. */
export function table(rows: [string, string | number][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => String(value).length));
  const line = `+-${'-'.repeat(width)}-+-${'-'.repeat(valueWidth)}-+`;
  return [line, ...rows.map(([label, value]) => `| ${label.padEnd(width)} | ${String(value).padEnd(valueWidth)} |`), line].join('\n');
}
