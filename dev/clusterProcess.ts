import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One long-running program of the cluster topology (Temporal server, an api, a worker), its output appended to a log
 * file. `kill9()` and `start()` let a fault test take it down hard and bring it back with the same command and
 * environment; `stop()` asks it to finish (SIGTERM), then kills it after a grace period.
 */
export class ClusterProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  starts = 0;

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly options: { env: NodeJS.ProcessEnv; cwd: string; logFile: string },
    /** Whether the process is ready to do its work, polled by waitReady(). */
    private readonly ready: (pid: number) => Promise<boolean>,
  ) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get logFile(): string {
    return this.options.logFile;
  }

  isRunning(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.isRunning()) return;
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
    this.exited = new Promise<void>((resolve) => {
      child.once('error', () => resolve());
      child.once('exit', () => resolve());
    });
  }

  private signal(signal: NodeJS.Signals): void {
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

  /** SIGKILL, as `kill -9` would, and waits for the exit. */
  async kill9(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  async stop(graceMs = 10_000): Promise<void> {
    if (!this.isRunning()) return;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Synchronous last resort when this process exits. */
  killNow(): void {
    this.signal('SIGKILL');
  }

  /** Resolves once `ready` holds for the running process; rejects with the log's tail after `timeoutMs` or on exit. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.isRunning()) throw new Error(`${this.name} exited before it was ready:\n${this.tail()}`);
      if (await this.ready(this.pid!).catch(() => false)) return;
      await sleep(250);
    }
    throw new Error(`${this.name} was not ready after ${Math.round(timeoutMs / 1000)} s:\n${this.tail()}`);
  }

  tail(lines = 25): string {
    try {
      return fs.readFileSync(this.options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
