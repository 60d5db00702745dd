import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { openStatuses, type LifecycleStatus } from '../../domain/lifecycle';
import { Recommendation } from '../../entities';
import type { Logger } from '../../platform/logger';
import { databaseFigures } from '../../platform/metrics/databaseFigures';
import { figureConditions } from '../recommendations/figureConditions';
import type { RecommendationService } from '../recommendations/service';
import { waitingForDecision } from './view';

interface StatusRow {
  status: LifecycleStatus;
  extensionPending: boolean;
  items: number;
  overdue: number;
  atRisk: number;
}

/**
 * The dashboard's headline figures for Prometheus, from one grouped query over open items with the list's own
 * overdue and at-risk conditions (today's cut-offs under the force's policy), so each number is what the dashboard
 * and `/recommendations?overdue=true` show.
 */
export function dashboardMetrics(
  registry: Registry,
  logger: Logger,
  deps: { dataSource: DataSource; recommendations: Pick<RecommendationService, 'figuresToday'> },
): void {
  async function read(): Promise<StatusRow[]> {
    const { cutoffs } = await deps.recommendations.figuresToday();
    const figures = figureConditions(cutoffs);
    const extensionPending = `jsonb_typeof(r.state->'pendingExtension') = 'object'`;
    const rows = await deps.dataSource
      .createQueryBuilder(Recommendation, 'r')
      .select('r.status', 'status')
      .addSelect(`COALESCE(${extensionPending}, false)`, 'extensionPending')
      .addSelect('count(*)::int', 'items')
      .addSelect(`(count(*) FILTER (WHERE ${figures.overdue}))::int`, 'overdue')
      .addSelect(`(count(*) FILTER (WHERE ${figures.atRisk}))::int`, 'atRisk')
      .where('r.status IN (:...open)', { open: [...openStatuses] })
      .setParameters(figures.parameters)
      .groupBy('r.status')
      .addGroupBy(`COALESCE(${extensionPending}, false)`)
      .getRawMany<StatusRow>();
    return rows;
  }
  const sum = (rows: StatusRow[], count: (row: StatusRow) => number) => rows.reduce((total, row) => total + count(row), 0);
  databaseFigures(registry, logger, read, [
    {
      name: 'recommendation_tracker_open_items',
      help: 'Items not yet closed, by lifecycle status',
      labelNames: ['status'],
      samples: (rows) =>
        openStatuses.map((status) => ({
          labels: { status },
          value: sum(
            rows.filter((r) => r.status === status),
            (r) => r.items,
          ),
        })),
    },
    {
      name: 'recommendation_tracker_overdue_items',
      help: 'Items overdue (off target) today, as the dashboard counts them',
      samples: (rows) => [{ value: sum(rows, (r) => r.overdue) }],
    },
    {
      name: 'recommendation_tracker_at_risk_items',
      help: 'Items at risk today, as the dashboard counts them',
      samples: (rows) => [{ value: sum(rows, (r) => r.atRisk) }],
    },
    {
      name: 'recommendation_tracker_decisions_waiting',
      help: 'Items waiting for a decision: a closure approval or an extension request',
      samples: (rows) => [{ value: sum(rows, (r) => (waitingForDecision(r.status, r.extensionPending) ? r.items : 0)) }],
    },
  ]);
}
