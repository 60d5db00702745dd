import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../logger';
import { cachedFor } from './cachedFor';

/** How long figures read from PostgreSQL are reused between scrapes. */
export const DATABASE_FIGURES_CACHE_MS = 5_000;

type Labels = Record<string, string>;

/** One series family read from a feature's figures: a gauge, or a counter for totals that only grow (emails sent). */
export interface FigureSeries<T> {
  name: string;
  help: string;
  type?: 'gauge' | 'counter';
  labelNames?: string[];
  samples(figures: T): { labels?: Labels; value: number }[];
}

/**
 * Series computed when scraped from one query of a feature's (`read`), cached for a few seconds. If the query fails
 * (PostgreSQL down) the scrape fails too, logged once per attempt: a zero would say "no backlog" when nobody knows,
 * and Prometheus' `up` then shows the outage.
 */
export function databaseFigures<T>(
  registry: Registry,
  logger: Logger,
  read: () => Promise<T>,
  series: FigureSeries<T>[],
  cacheMs = DATABASE_FIGURES_CACHE_MS,
): void {
  const load = cachedFor(cacheMs, () =>
    read().catch((error: unknown) => {
      logger.warn({ err: error, metrics: series.map((s) => s.name) }, 'metrics: could not read figures from PostgreSQL');
      throw error;
    }),
  );
  for (const s of series) {
    const options = { name: s.name, help: s.help, labelNames: s.labelNames ?? [], registers: [registry] };
    if (s.type === 'counter') {
      new Counter({
        ...options,
        async collect() {
          const value = await load();
          this.reset();
          for (const sample of s.samples(value)) this.inc(sample.labels ?? {}, sample.value);
        },
      });
    } else {
      new Gauge({
        ...options,
        async collect() {
          const value = await load();
          this.reset();
          for (const sample of s.samples(value)) this.set(sample.labels ?? {}, sample.value);
        },
      });
    }
  }
}
