import type { RequestHandler } from 'express';
import type { Registry } from 'prom-client';

/**
 * GET /metrics for Prometheus: the registry's series, then whatever `more` adds (the Temporal SDK's own exporter, on
 * the worker). No sign-in: the series name no item or person. A failed read answers 503, which Prometheus records.
 */
export function metricsEndpoint(registry: Registry, more?: () => Promise<string>): RequestHandler {
  return async (_req, res) => {
    try {
      const [ours, theirs] = await Promise.all([registry.metrics(), more ? more() : Promise.resolve('')]);
      res.type(registry.contentType).send(theirs ? `${ours}\n${theirs}` : ours);
    } catch (error) {
      res
        .status(503)
        .type('text/plain')
        .send(`metrics could not be read: ${(error as Error).message}\n`);
    }
  };
}
