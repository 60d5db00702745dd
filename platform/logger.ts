import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** LOG_FORMAT: `auto` is pretty when a person watches (stdout is a terminal) outside production, JSON otherwise. */
export type LogFormat = 'auto' | 'pretty' | 'json';

export function logsArePretty(
  format: LogFormat,
  stdout: { isTTY?: boolean } = process.stdout,
  nodeEnv: string | undefined = process.env.NODE_ENV,
): boolean {
  if (format !== 'auto') return format === 'pretty';
  return !!stdout.isTTY && nodeEnv !== 'production';
}

/** Keys a person on a terminal does not need: a request's line already says its method, address, status and time. */
const NOT_FOR_A_PERSON = 'pid,hostname,req,res,responseTime,trace_id,span_id';

/**
 * Structured JSON logs, one object a line, for collectors; one readable line each instead when a person watches a
 * terminal (see logsArePretty). Within a traced request or activity, JSON lines carry its trace_id and span_id.
 */
export function createLogger(options: {
  level: string;
  pretty?: boolean;
  format?: LogFormat;
  name?: string;
  /** Where JSON lines go instead of stdout (tests). */
  destination?: DestinationStream;
}): Logger {
  const pretty = options.pretty ?? logsArePretty(options.format ?? 'auto');
  const settings = {
    level: options.level,
    name: options.name,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'], censor: '[redacted]' },
    mixin: traceIds,
  };
  if (pretty) {
    try {
      // pino-pretty is a development dependency; production images log JSON.
      const prettyStream = require('pino-pretty') as typeof import('pino-pretty');
      // In this thread and synchronously, so lines come out in order with what start prints to the terminal itself.
      return pino(settings, prettyStream({ sync: true, singleLine: true, translateTime: 'HH:MM:ss', ignore: NOT_FOR_A_PERSON }));
    } catch {
      // not installed: JSON
    }
  }
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

function traceIds(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? { trace_id: context.traceId, span_id: context.spanId } : {};
}
