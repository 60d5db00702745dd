import fs from 'node:fs';

/** Stops what globalSetup started, even when tests failed. */
export default async function globalTeardown(): Promise<void> {
  const shared = globalThis.__sharedTestServices;
  if (!shared) return;
  await Promise.allSettled([shared.temporal?.stop(), shared.postgres?.stop()]);
  fs.rmSync(shared.workDir, { recursive: true, force: true });
  globalThis.__sharedTestServices = undefined;
}
