import { diag, DiagLogLevel } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Logger } from '../logger';

export interface TracingSettings {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL; spans are sent to `<endpoint>/v1/traces` as OTLP/HTTP JSON. */
  endpoint: string;
  /** OTEL_SERVICE_NAME, or the process's role (api, worker, recommendation-tracker for `npm start`). */
  serviceName: string;
}

/** What the Temporal client and worker need to carry a trace across Temporal: headers out, spans in, workflow spans out. */
export interface Tracing {
  readonly settings: TracingSettings;
  clientInterceptors(): ClientInterceptors;
  /** Activity interceptors and the sink the workflow interceptors (in the bundle, bin/workflowBundle.ts) export through. */
  workerOptions(): Pick<WorkerOptions, 'interceptors' | 'sinks'>;
  /** Sends what is buffered (at a stop; spans otherwise go in batches every few seconds). */
  flush(): Promise<void>;
}

let installed: Tracing | null = null;

/**
 * Sets up this process's tracer provider: W3C trace context, spans batched to the OTLP/HTTP endpoint. Once per
 * process, as OpenTelemetry's global API allows one provider: a later call gets the first one's (tests that start
 * several applications in one process share it).
 */
export function installTracing(settings: TracingSettings, logger: Logger): Tracing {
  if (installed) {
    if (installed.settings.endpoint !== settings.endpoint || installed.settings.serviceName !== settings.serviceName)
      logger.warn({ installed: installed.settings, asked: settings }, 'tracing was set up earlier in this process: its settings stay');
    return installed;
  }
  const log = logger.child({ component: 'opentelemetry' });
  // The SDK reports failed exports (collector down, refused) through diag, as a serialized error, every batch:
  // one warning a minute says so. Below warn is for the SDK's developers.
  let quietUntil = 0;
  let unsaid = 0;
  const warn = (message: string) => {
    if (Date.now() < quietUntil) {
      unsaid += 1;
      return;
    }
    let text = message;
    try {
      text = (JSON.parse(message) as { message?: string }).message ?? message;
    } catch {
      // not JSON: as it is
    }
    log.warn({ endpoint: settings.endpoint, similarSinceLast: unsaid }, `traces: ${text}`);
    quietUntil = Date.now() + 60_000;
    unsaid = 0;
  };
  diag.setLogger(
    { error: warn, warn, info: () => undefined, debug: () => undefined, verbose: () => undefined },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const resource = Resource.default().merge(new Resource({ 'service.name': settings.serviceName }));
  const exporter = new OTLPTraceExporter({ url: `${settings.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const processor: SpanProcessor = new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // Also the AsyncLocalStorage context manager and the W3C traceparent propagator, so a span follows its request.
  provider.register();
  const client = new OpenTelemetryWorkflowClientInterceptor();
  const tracing: Tracing = {
    settings,
    clientInterceptors: () => ({ workflow: [client] }),
    workerOptions: () => ({
      interceptors: {
        activity: [
          (ctx) => ({
            inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
            outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ],
      },
      sinks: { exporter: makeWorkflowExporter(processor, resource) },
    }),
    flush: () =>
      provider
        .forceFlush()
        .catch((error: unknown) => warn(error instanceof Error ? error.message : `could not be sent (${String(error)})`)),
  };
  installed = tracing;
  logger.info({ endpoint: settings.endpoint, serviceName: settings.serviceName }, 'sending traces over OTLP/HTTP');
  return tracing;
}
