import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger';

let installed: { metricsAddress: string | null } | null = null;

/**
 * Sends the Temporal SDK's own warnings and errors (worker, workflows, activities) to our structured logger and,
 * given `metricsAddress` (host:port), serves the SDK's runtime metrics there for Prometheus (task latencies, slots,
 * pollers, sticky cache, failures). Once per process, before any worker or native connection exists: the SDK
 * allows one runtime. A later call asking for metrics the first did not set up is told so in the log.
 */
export function installTemporalRuntime(logger: Logger, options: { metricsAddress?: string } = {}): void {
  const metricsAddress = options.metricsAddress ?? null;
  if (installed) {
    if (metricsAddress && installed.metricsAddress !== metricsAddress) {
      logger.warn(
        { metricsAddress, installedWith: installed.metricsAddress },
        'the Temporal runtime was installed earlier in this process: its metrics stay where they were',
      );
    }
    return;
  }
  installed = { metricsAddress };
  const log = logger.child({ component: 'temporal-sdk' });
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => log[levels[entry.level]]({ ...entry.meta }, entry.message)),
    ...(metricsAddress
      ? {
          telemetryOptions: {
            metrics: {
              prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true, unitSuffix: true },
            },
          },
        }
      : {}),
  });
}

/** The SDK exporter's text (see installTemporalRuntime), to serve beside the process's own series. */
export async function temporalSdkMetrics(metricsAddress: string): Promise<string> {
  const response = await fetch(`http://${metricsAddress}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`the Temporal SDK's metrics exporter answered ${response.status}`);
  return response.text();
}
