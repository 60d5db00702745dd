import type { Logger } from '../../platform/logger';
import { runPeriodically } from '../../platform/periodic';
import type { ConsistencyCheck } from './service';

export const CONSISTENCY_CHECK_EVERY_MS = 15 * 60 * 1000;

/**
 * Runs the consistency check in the API process, a minute after start and then every `everyMs`. A workflow behind
 * PostgreSQL is made to catch up (it would on its next command anyway); any other difference is only reported, on the
 * metric and the admin page, and repairing it stays a person's decision. Returns the stop function.
 */
export function startPeriodicConsistencyCheck(
  check: ConsistencyCheck,
  logger: Logger,
  everyMs = CONSISTENCY_CHECK_EVERY_MS,
): () => Promise<void> {
  return runPeriodically(
    () =>
      check
        .check({ heal: false, healBehind: true })
        .then((report) => {
          if (report.remaining > 0) {
            logger.warn(
              {
                counts: report.counts,
                differences: report.differences.slice(0, 20).map((d) => ({ id: d.recommendationId, class: d.class })),
              },
              `consistency check: ${report.remaining} open item(s) whose workflow differs from PostgreSQL; see /admin/consistency`,
            );
          } else {
            logger.info({ checked: report.checked, durationMs: report.durationMs }, 'consistency check: every open item agrees');
          }
        })
        .catch((error: unknown) => logger.warn({ err: { message: (error as Error).message } }, 'consistency check failed; will try again')),
    everyMs,
  );
}
