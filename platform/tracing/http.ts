import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { routeOf } from '../metrics/httpMetrics';
import { tracer } from './spans';

const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * A server span for each request (`POST /api/recommendations/:id/commands`), continuing the caller's trace when it
 * sends a W3C `traceparent`; whatever the request does next (the Temporal update, database reads) is inside it.
 * Named by route pattern, never the address, which may carry a token. Mount it right after httpMetrics, which
 * finds the pattern. Probes and scrapes are left out.
 */
export function httpTracing(): RequestHandler {
  return (req, res, next) => {
    if (UNTRACED.has(req.path)) return next();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer().startSpan(req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
    if (!span.isRecording()) return next();
    let ended = false;
    const end = (aborted: boolean) => {
      if (ended) return;
      ended = true;
      const route = routeOf(req) ?? 'unmatched';
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (aborted) span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client went away before the answer' });
      else if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', () => end(false));
    res.once('close', () => end(!res.writableFinished));
    context.with(trace.setSpan(parent, span), next);
  };
}
