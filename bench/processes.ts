import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/**
 * Child processes for a benchmark that runs the product as a deployment does (one process per role), and the CPU
 * each of them, and the servers, used: read from /proc, so a figure is the same whoever measures it.
 */

export interface ChildHandle {
  name: string;
  pid: number;
  logFile: string;
  /** Settles when the process has exited; never rejects. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node script` with `env` added to this process's environment, stdout and stderr into `logFile` (a
 * deployment's logs cost the process that writes them, not the benchmark that reads them). An exit before `stop`
 * is reported on stderr with the end of the log. With BENCH_CPU_PROFILE_DIR set, each process writes a V8 CPU profile
 * there when it exits (open it in Chrome's DevTools).
 */
export function startNodeChild(input: {
  name: string;
  script: string;
  env: Record<string, string>;
  logFile: string;
  cwd: string;
  args?: string[];
  exitExpected?: boolean;
}): ChildHandle {
  const log = fs.openSync(input.logFile, 'a');
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  const nodeFlags = profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${input.name.replace(/\W+/g, '-')}.cpuprofile`]
    : [];
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, input.script, ...(input.args ?? [])], {
    cwd: input.cwd,
    env: { ...process.env, ...input.env },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${input.name} (${input.script})`);
  let stopping = input.exitExpected ?? false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', () => resolve({ code: null, signal: null }));
    child.once('exit', (code, signal) => {
      if (!stopping)
        process.stderr.write(
          `\n${input.name} (pid ${child.pid}) exited unexpectedly (${signal ?? `code ${code}`}); its log ends:\n${logTail(input.logFile)}\n`,
        );
      resolve({ code, signal });
    });
  });
  return {
    name: input.name,
    pid: child.pid,
    logFile: input.logFile,
    exited,
    async stop(graceMs = 10_000) {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function logTail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `check` until it resolves true; fails early if `child` exits, or after `timeoutMs`. */
export async function waitUntilReady(child: ChildHandle, what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void child.exited.then(() => (dead = true));
  for (;;) {
    if (dead) throw new Error(`${child.name} exited before ${what}; see ${child.logFile}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${child.name}: no ${what} after ${timeoutMs / 1000} s; its log ends:\n${logTail(child.logFile)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** True once a worker polls `taskQueue` for workflow tasks: the worker is ready to run workflows. */
export async function hasWorkflowPoller(
  connection: Pick<Connection, 'workflowService'>,
  namespace: string,
  taskQueue: string,
): Promise<boolean> {
  return (await workflowPollers(connection, namespace, taskQueue)) > 0;
}

/** How many workers (by identity) poll `taskQueue` for workflow tasks. */
export async function workflowPollers(
  connection: Pick<Connection, 'workflowService'>,
  namespace: string,
  taskQueue: string,
): Promise<number> {
  const answer = await connection.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return new Set((answer.pollers ?? []).map((poller) => poller.identity)).size;
}

/** Resolves once the server's backlog of workflow tasks on `taskQueue` has been empty for three seconds running. */
export async function workflowBacklogEmpty(
  connection: Pick<Connection, 'workflowService'>,
  namespace: string,
  taskQueue: string,
): Promise<void> {
  for (let quiet = 0; quiet < 3;) {
    const { stats } = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      reportStats: true,
    });
    quiet = Number(stats?.approximateBacklogCount ?? 0) === 0 ? quiet + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Runs a one-shot process (the compose `migrate` job) to completion; fails, naming its log, unless it exits 0. */
export async function runToCompletion(input: Parameters<typeof startNodeChild>[0]): Promise<void> {
  const child = startNodeChild({ ...input, exitExpected: true });
  const { code, signal } = await child.exited;
  if (code !== 0) throw new Error(`${input.name} failed (${signal ?? `code ${code}`}); see ${input.logFile}`);
}

// ---------------------------------------------------------------------------------------------------------------
// CPU per process tree, from /proc

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, in seconds. */
  cpuS: number;
}

function readProcStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return stats;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone since readdir
    }
    // comm is in parentheses and may hold spaces; the fields after the last ')' are fixed.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is state (field 3); ppid is field 4, utime 14, stime 15, and cutime 16, cstime 17: the children it has
    // reaped (a database connection closed mid-phase takes its backend's CPU with it otherwise).
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    stats.set(Number(entry), { pid: Number(entry), ppid: Number(fields[1]), comm, cpuS: ticks / CLOCK_TICKS_PER_S });
  }
  return stats;
}

/**
 * The process groups a benchmark reports on: each named root pid with all its descendants, and the descendants of
 * this process whose command is `temporal` or `postgres` (servers started through libraries, pids not at hand).
 */
export type CpuGroups = Record<string, number>;

export function cpuByGroup(roots: Record<string, number>, byCommand: Record<string, string>): CpuGroups {
  const stats = readProcStats();
  const children = new Map<number, number[]>();
  for (const s of stats.values()) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  const subtree = (pid: number): number => (stats.get(pid)?.cpuS ?? 0) + (children.get(pid) ?? []).reduce((sum, c) => sum + subtree(c), 0);
  const result: CpuGroups = {};
  for (const [name, pid] of Object.entries(roots)) result[name] = subtree(pid);
  // Servers below this process found by command name: the topmost match counts with its whole tree.
  const counted = new Set(Object.values(roots));
  const visit = (pid: number) => {
    if (counted.has(pid)) return;
    const s = stats.get(pid);
    const group = s ? Object.entries(byCommand).find(([, comm]) => s.comm === comm)?.[0] : undefined;
    if (group) {
      result[group] = (result[group] ?? 0) + subtree(pid);
      return;
    }
    for (const c of children.get(pid) ?? []) visit(c);
  };
  for (const c of children.get(process.pid) ?? []) visit(c);
  result['bench (this process)'] = process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
  return result;
}

export interface CpuMark {
  process: NodeJS.CpuUsage;
  busyMs: number;
  totalMs: number;
}

export function cpuMark(): CpuMark {
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
export function cpuSince(mark: CpuMark): { processS: number; machineS: number; machineBusy: number } {
  const now = cpuMark();
  const used = process.cpuUsage(mark.process);
  const busy = now.busyMs - mark.busyMs;
  const total = now.totalMs - mark.totalMs;
  return { processS: (used.user + used.system) / 1e6, machineS: busy / 1000, machineBusy: total > 0 ? busy / total : Number.NaN };
}

/** The CPU the machine used beyond these groups': other programs, and processes the groups do not reach. */
export function cpuElsewhere(groups: CpuGroups, machineS: number): number {
  return Math.max(0, machineS - Object.values(groups).reduce((sum, cpuS) => sum + cpuS, 0));
}

export function cpuDelta(before: CpuGroups, after: CpuGroups): CpuGroups {
  return Object.fromEntries(Object.keys(after).map((k) => [k, Math.max(0, after[k]! - (before[k] ?? 0))]));
}
