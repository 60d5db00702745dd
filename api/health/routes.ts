import type { ApiDependencies } from '../dependencies';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { healthSchema, readinessSchema } from '../../platform/http/schemas';

/** For orchestrators: /healthz says the process is alive; /readyz that its dependencies answer (SMTP only degrades). */
export function healthFeature({ readiness }: ApiDependencies): Feature {
  return {
    mountPath: '',
    tag: 'Health',
    description: 'For orchestrators and load balancers.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/healthz',
        summary: 'The process is alive',
        access: 'public',
        responses: { 200: { description: 'Alive', schema: healthSchema } },
        handle({ res }) {
          res.json({ status: 'ok' });
        },
      }),
      endpoint({
        method: 'get',
        path: '/readyz',
        summary: 'PostgreSQL, migrations and Temporal answer; the mail server is reported too',
        description:
          'Not ready (503) when PostgreSQL, the migrations or Temporal fail. A mail server (SMTP) that does not answer only degrades the service: the answer stays 200 with status "degraded" and names the check, because commands still work and emails wait in the outbox until it answers.',
        access: 'public',
        responses: {
          200: { description: 'Ready, or ready but degraded', schema: readinessSchema },
          503: { description: 'Not ready', schema: readinessSchema },
        },
        async handle({ res }) {
          const result = await readiness();
          const degraded = Object.entries(result.checks)
            .filter(([, check]) => !check.ok && check.degraded)
            .map(([name]) => name);
          const status = !result.ready ? 'not ready' : degraded.length ? 'degraded' : 'ready';
          res.status(result.ready ? 200 : 503).json({ status, checks: result.checks, ...(degraded.length ? { degraded } : {}) });
        },
      }),
    ],
  };
}
