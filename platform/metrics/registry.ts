import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A process's metrics, in Prometheus' text format: Node's defaults, and whatever its features add. A registry per
 * app, not prom-client's global one: tests run several apps in one process.
 */
export function processMetrics(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
