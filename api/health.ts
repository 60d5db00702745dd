import type { ApiDependencies } from './dependencies';
import { endpoint, type Feature } from './endpoint';
import { healthSchema, readinessSchema } from './openapi/schemas';

/** For orchestrators: /healthz says the process is alive; /readyz that its dependencies answer. */
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
        summary: 'PostgreSQL, migrations and Temporal answer',
        access: 'public',
        responses: { 200: { description: 'Ready', schema: readinessSchema }, 503: { description: 'Not ready', schema: readinessSchema } },
        async handle({ res }) {
          const result = await readiness();
          res.status(result.ready ? 200 : 503).json({ status: result.ready ? 'ready' : 'not ready', checks: result.checks });
        },
      }),
    ],
  };
}
