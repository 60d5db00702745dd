import { Router } from 'express';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { differenceClasses } from './compare';
import type { ConsistencyCheck } from './service';

/**
 * The process's metrics in Prometheus' text format: Node's defaults, and what the last consistency check found.
 * Read when scraped, so they always show the last report. A registry per app: tests run several apps in one process.
 */
export function productMetrics(consistency: Pick<ConsistencyCheck, 'lastReport'>): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'recommendation_tracker_workflow_divergences',
    help: 'Open items whose workflow differed from PostgreSQL at the last consistency check and were not repaired, by class',
    labelNames: ['class'],
    registers: [registry],
    collect() {
      const report = consistency.lastReport;
      if (!report) return;
      for (const kind of differenceClasses) this.set({ class: kind }, report.differences.filter((d) => d.class === kind && !d.healed).length);
    },
  });
  new Gauge({
    name: 'recommendation_tracker_consistency_items_checked',
    help: 'Open items the last consistency check compared',
    registers: [registry],
    collect() {
      if (consistency.lastReport) this.set(consistency.lastReport.checked);
    },
  });
  new Gauge({
    name: 'recommendation_tracker_consistency_last_check_timestamp_seconds',
    help: 'When the last consistency check started, in seconds since the epoch',
    registers: [registry],
    collect() {
      if (consistency.lastReport) this.set(Date.parse(consistency.lastReport.startedAt) / 1000);
    },
  });
  return registry;
}

/** GET /metrics, for Prometheus: no sign-in, as it says nothing about any item. */
export function metricsRoutes(consistency: Pick<ConsistencyCheck, 'lastReport'>): Router {
  const registry = productMetrics(consistency);
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
