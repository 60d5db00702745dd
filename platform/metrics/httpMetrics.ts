import type { Request, RequestHandler } from 'express';
import { Histogram, type Registry } from 'prom-client';

/** Seconds: from a fast JSON read to a large paper or import. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A mount path as its pattern: segments holding a parameter's value are put back as `:name`. */
function asPattern(path: string, params: Record<string, unknown>): string {
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(params ?? {})) if (typeof value === 'string' && value) values.set(value, `:${name}`);
  return path
    .split('/')
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // left as sent
      }
      return values.get(decoded) ?? segment;
    })
    .join('/');
}

/**
 * The route a request matched, as its pattern (`/api/recommendations/:id/commands`), never the URL itself, so the
 * series stay few whatever addresses are asked for. Answered by a mounted router without a route (static files, a
 * guard refusing): its mount path and `/*`; by nothing at all (404, the sign-in redirect): `unmatched`.
 */
export function routePattern(req: Request, matched: string | null): string {
  if (matched !== null) return matched;
  return req.baseUrl ? `${asPattern(req.baseUrl, req.params)}/*` : 'unmatched';
}

const matchedRoutes = new WeakMap<Request, () => string>();

/** The route pattern of a request httpMetrics saw (see routePattern), as far as it is known yet; for the request's trace. */
export function routeOf(req: Request): string | undefined {
  return matchedRoutes.get(req)?.();
}

/**
 * Every request's duration by method, route pattern and status (`http_request_duration_seconds`; its `_count` is the
 * requests). Mount it first, before anything that may answer.
 */
export function httpMetrics(registry: Registry): RequestHandler {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status: how long each took to answer, in seconds',
    labelNames: ['method', 'route', 'status_code'],
    buckets: BUCKETS,
    registers: [registry],
  });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // Express sets req.route when a route matches, while req.baseUrl still names the router it is in; by the time
    // the answer is sent an error may have left that router and restored baseUrl, so the pattern is taken then.
    let matched: string | null = null;
    let route: unknown;
    Object.defineProperty(req, 'route', {
      configurable: true,
      enumerable: true,
      get: () => route,
      set(value: { path?: unknown } | undefined) {
        route = value;
        if (value && typeof value.path === 'string') {
          const base = asPattern(req.baseUrl, req.params);
          matched = base && value.path === '/' ? base : `${base}${value.path}`;
        }
      },
    });
    matchedRoutes.set(req, () => routePattern(req, matched));
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      duration.observe({ method: req.method, route: routePattern(req, matched), status_code: String(res.statusCode) }, seconds);
    });
    next();
  };
}
