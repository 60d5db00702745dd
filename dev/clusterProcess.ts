import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Something that happened to a supervised process (started, killed, exited by itself), for a fault test's record. */
export interface ProcessEvent {
  /** Milliseconds since the record's start. */
  atMs: number;
  /** Epoch milliseconds. */
  at: number;
  process: string;
  what: string;
}

export interface SupervisedProcessOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Output of every start is appended here. */
  logFile: string;
  /** Where starts, kills and unplanned exits are noted (default: kept only in `events`). */
  events?: ProcessEvent[];
  /** The moment `atMs` counts from (default: when the object was made). */
  t0?: number;
  /** An exit nobody asked for is followed by a start a second later, as a container's restart policy would (default true). */
  restartOnExit?: boolean;
}

/**
 * One long-running program (a Temporal server, an api, a worker) under a supervisor, its output appended to a log
 * file: `kill9()` sends SIGKILL to its process group, `start()` starts it again with the same command, environment
 * and log; `stop()` asks it to finish (SIGTERM), then kills it after a grace period. An exit nobody asked for is
 * counted and, unless `restartOnExit` is false, followed by a start after a second.
 */
export class SupervisedProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private expectingExit = false;
  private stopped = false;
  readonly events: ProcessEvent[];
  private readonly t0: number;
  starts = 0;
  unexpectedExits = 0;
  lastExit: string | null = null;

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly options: SupervisedProcessOptions,
    /** Whether the process is ready to do its work (polled by waitReady()). */
    readonly ready: (pid: number) => Promise<boolean>,
  ) {
    this.events = options.events ?? [];
    this.t0 = options.t0 ?? Date.now();
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get logFile(): string {
    return this.options.logFile;
  }

  isRunning(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  note(what: string): void {
    const at = Date.now();
    this.events.push({ atMs: at - this.t0, at, process: this.name, what });
  }

  /** Starts the program unless it runs; also after stop() (an explicit start is an intent to run it again). */
  start(): void {
    if (this.isRunning()) return;
    this.stopped = false;
    this.starts++;
    fs.appendFileSync(this.options.logFile, `\n===== ${this.name} start #${this.starts} at ${new Date().toISOString()} =====\n`);
    const log = fs.openSync(this.options.logFile, 'a');
    // Its own process group, so a kill reaches whatever it started too.
    const child = spawn(this.command, this.args, {
      cwd: this.options.cwd,
      env: this.options.env,
      stdio: ['ignore', log, log],
      detached: true,
    });
    fs.closeSync(log);
    this.child = child;
    this.note(`started (pid ${child.pid ?? '?'})`);
    this.exited = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        this.lastExit = `spawn error: ${error.message}`;
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.lastExit = signal ?? `code ${code}`;
        if (!this.expectingExit && !this.stopped) {
          this.unexpectedExits++;
          const restart = this.options.restartOnExit !== false;
          this.note(`exited unexpectedly (${this.lastExit})${restart ? '; restarting in 1 s' : ''}`);
          if (restart)
            setTimeout(() => {
              if (this.child === child && !this.stopped) this.start();
            }, 1000);
        }
        resolve();
      });
    });
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid || !this.isRunning()) return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // gone already
      }
    }
  }

  /** SIGKILL, as `kill -9` would, then waits for the exit; nothing restarts it until `start()`. */
  async kill9(): Promise<void> {
    if (!this.isRunning()) return;
    this.expectingExit = true;
    this.note(`kill -9 (pid ${this.pid})`);
    this.signalGroup('SIGKILL');
    await this.exited;
    this.expectingExit = false;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; not restarted until `start()`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    if (!this.isRunning()) return;
    this.note(`stop (pid ${this.pid})`);
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Synchronous last resort when this process exits: SIGKILL whatever still runs. */
  killNow(): void {
    this.stopped = true;
    this.signalGroup('SIGKILL');
  }

  /** Waits until `ready` answers true for the current process (restarts included); false after `timeoutMs`. */
  async waitReady(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const pid = this.pid;
      if (pid && this.isRunning() && (await this.ready(pid).catch(() => false))) return true;
      if (this.stopped || (!this.isRunning() && this.options.restartOnExit === false)) return false;
      await sleep(250);
    }
    return false;
  }

  /** As waitReady, but rejects with the log's tail when the process is not ready in time. */
  async ensureReady(timeoutMs: number): Promise<void> {
    if (!(await this.waitReady(timeoutMs)))
      throw new Error(
        `${this.name} was not ready after ${Math.round(timeoutMs / 1000)} s (last exit: ${this.lastExit ?? 'none'}):\n${this.tail()}`,
      );
  }

  tail(lines = 25): string {
    try {
      return fs.readFileSync(this.options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
