import { Gauge, type Registry } from 'prom-client';
import { differenceClasses } from './compare';
import type { ConsistencyCheck } from './service';

/** What the last consistency check in this process found, read when scraped so it always shows the last report. */
export function consistencyMetrics(registry: Registry, consistency: Pick<ConsistencyCheck, 'lastReport'>): void {
  new Gauge({
    name: 'recommendation_tracker_workflow_divergences',
    help: 'Open items whose workflow differed from PostgreSQL at the last consistency check and were not repaired, by class',
    labelNames: ['class'],
    registers: [registry],
    collect() {
      const report = consistency.lastReport;
      if (!report) return;
      for (const kind of differenceClasses)
        this.set({ class: kind }, report.differences.filter((d) => d.class === kind && !d.healed).length);
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
}
