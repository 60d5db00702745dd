/**
 * Runs `work` in this process a little after start (a minute, or sooner when the period is shorter) and then every
 * `everyMs`, never keeping the process alive for it. `work` must not throw. Returns the stop function, which waits
 * for a run in progress.
 */
export function runPeriodically(work: () => Promise<void>, everyMs: number): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = work();
  };
  const first = setTimeout(run, Math.min(everyMs, 60_000));
  const timer = setInterval(run, everyMs);
  first.unref();
  timer.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
