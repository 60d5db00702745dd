import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildWorkflowBundle } from '../../bin/workflowBundle';
import type { RunningPostgres } from '../../dev/embeddedPostgres';
import { createLogger } from '../../platform/logger';
import type { RunningTemporal } from '../../dev/temporalDevServer';
import { startSharedServices } from './sharedServices';

/**
 * Starts the real services one test run shares: PostgreSQL (or DATABASE_URL's), a Temporal dev server with
 * an in-memory store (or TEMPORAL_ADDRESS's), and the workflow bundle. Each test file then makes its own
 * database, task queue and SMTP server on top (tests/support/testProduct.ts).
 */
export interface SharedTestServices {
  postgres: RunningPostgres | null;
  temporal: RunningTemporal | null;
  workDir: string;
}

declare global {
  var __sharedTestServices: SharedTestServices | undefined;
}

export default async function globalSetup(): Promise<void> {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn', pretty: false });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-test-'));
  fs.chmodSync(workDir, 0o755);
  const shared: SharedTestServices = { postgres: null, temporal: null, workDir };
  globalThis.__sharedTestServices = shared;

  const [{ postgresUrl, temporalAddress }, bundlePath] = await Promise.all([
    startSharedServices({ workDir, logger }, shared),
    (async () => {
      const { code } = await buildWorkflowBundle((message) => logger.error(message));
      const file = path.join(workDir, 'workflow-bundle.js');
      fs.writeFileSync(file, code);
      return file;
    })(),
  ]);

  process.env.TEST_POSTGRES_ADMIN_URL = postgresUrl;
  process.env.TEST_TEMPORAL_ADDRESS = temporalAddress;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
}
