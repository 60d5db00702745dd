import { Router } from 'express';
import type { ApiDependencies } from './dependencies';

/** For orchestrators: /healthz says the process is alive; /readyz that its dependencies answer. */
export function healthRoutes({ readiness }: ApiDependencies): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const result = await readiness();
    res.status(result.ready ? 200 : 503).json({ status: result.ready ? 'ready' : 'not ready', checks: result.checks });
  });
  return router;
}
