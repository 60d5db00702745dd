import type { Connection } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { ReadinessCheck } from '../api/dependencies';

/** PostgreSQL answers, migrations are all applied, and Temporal answers. */
export function readinessProbe(dataSource: DataSource, temporal: Connection, namespace: string): () => Promise<ReadinessCheck> {
  return async () => {
    const checks: ReadinessCheck['checks'] = {};
    try {
      await dataSource.query('SELECT 1');
      checks.postgres = { ok: true };
      const pending = await dataSource.showMigrations();
      checks.migrations = pending ? { ok: false, detail: 'migrations are waiting to be applied' } : { ok: true };
    } catch (error) {
      checks.postgres = { ok: false, detail: (error as Error).message };
      checks.migrations = { ok: false, detail: 'PostgreSQL did not answer' };
    }
    try {
      await temporal.workflowService.describeNamespace({ namespace });
      checks.temporal = { ok: true };
    } catch (error) {
      checks.temporal = { ok: false, detail: (error as Error).message };
    }
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  };
}
