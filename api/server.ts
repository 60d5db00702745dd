import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { pageRoutes } from '../web/pages';
import type { ApiDependencies } from './dependencies';
import { delegationRoutes } from './administration/delegations';
import { departmentRoutes } from './administration/departments';
import { routingRuleRoutes } from './administration/routingRules';
import { evidenceRoutes } from './evidence/routes';
import { healthRoutes } from './health';
import { peopleRoutes } from './people/routes';
import { notFoundHandler, problemHandler } from './problem';
import { recommendationRoutes } from './recommendations/routes';
import { reportRoutes } from './reports/routes';

/** Builds the whole HTTP app from its dependencies; `bin/` decides where it listens. */
export function buildApp(deps: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );
  app.use(express.json({ limit: '1mb' }));

  app.use(healthRoutes(deps));
  app.use('/api/reports', reportRoutes(deps));
  app.use('/api/recommendations/:id/evidence', evidenceRoutes(deps));
  app.use('/api/recommendations', recommendationRoutes(deps));
  app.use('/api/routing-rules', routingRuleRoutes(deps));
  app.use('/api/delegations', delegationRoutes(deps));
  app.use('/api/departments', departmentRoutes(deps));
  app.use('/api/people', peopleRoutes(deps));
  if (deps.mailbox) {
    // Loaded only when the local sink runs, so production never serves it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createMailboxRouter } = require('../web/mailbox') as typeof import('../web/mailbox');
    app.use('/dev/mailbox', createMailboxRouter(deps.mailbox));
  }
  app.use(pageRoutes(deps));

  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}
