import perfHooks from 'node:perf_hooks';
import { collectDefaultMetrics, Registry } from 'prom-client';

const nodeDefaultsKey = Symbol.for('recommendation-tracker.nodeDefaultMetrics');
/** perf_hooks is where prom-client's gc observer lives, and is one per process even where jest loads our modules per test file. */
const perProcess = perfHooks as unknown as { [nodeDefaultsKey]?: Registry };

/**
 * A process's metrics, in Prometheus' text format: Node's defaults, and whatever its features add. A registry per
 * app, not prom-client's global one: tests run several apps in one process.
 */
export function processMetrics(): Registry {
  // Node's defaults are made once per process and shared: prom-client never disconnects their gc observer, which kept
  // every stopped app's registry, and under jest each test file's whole module graph, in memory (docs/testing.md).
  let nodeDefaults = perProcess[nodeDefaultsKey];
  if (!nodeDefaults) {
    nodeDefaults = new Registry();
    collectDefaultMetrics({ register: nodeDefaults });
    perProcess[nodeDefaultsKey] = nodeDefaults;
  }
  return Registry.merge([nodeDefaults]);
}
