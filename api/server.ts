import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { govukAssets, pageRoutes } from './recommendations/pages';
import { accountRoutes, changePasswordRoutes, setPasswordRoutes } from './auth/accountPages';
import { adminRoutes } from './administration/pages';
import { dashboardPages } from './dashboard/pages';
import { taskPages } from './tasks/pages';
import { refusedPage } from '../platform/web/refusedPage';
import { signInRoutes } from './auth/signInPages';
import { firstRunGate, setupRoutes } from './setup/pages';
import { evidenceUploadForms } from './evidence/pages';
import { badPageAddress } from '../platform/web/badAddress';
import { attachmentUploadForms } from './attachments/pages';
import { actionLinkRoutes } from './actionLinks/routes';
import { delegationsFeature } from './administration/delegations';
import { departmentsFeature } from './administration/departments';
import { reminderSettingsFeature } from './administration/reminderSettings';
import { routingRulesFeature } from './administration/routingRules';
import { approvalsFeature } from './approvals/routes';
import { auditFeature } from './audit/routes';
import { authenticate } from './auth/authenticate';
import { apiTokensFeature, sessionFeature } from './auth/routes';
import { consistencyMetrics } from './consistency/metrics';
import { dashboardMetrics } from './dashboard/metrics';
import { outboxMetrics } from './health/outboxMetrics';
import { httpMetrics } from '../platform/metrics/httpMetrics';
import { httpTracing } from '../platform/tracing/http';
import { metricsEndpoint } from '../platform/metrics/endpoint';
import { processMetrics } from '../platform/metrics/registry';
import { consistencyFeature } from './consistency/routes';
import type { ApiDependencies, ApiServices } from './dependencies';
import { tasksOf } from './tasks/queries';
import { featureRouter, fullPath, type Feature } from '../platform/http/endpoint';
import { evidenceFeature } from './evidence/routes';
import { attachmentsFeature } from './attachments/routes';
import { healthFeature } from './health/routes';
import { importsFeature } from './imports/routes';
import { peopleImportFeature } from './imports/peopleRoutes';
import { docsFeature } from './openapi/routes';
import { peopleFeature } from './people/routes';
import { papersFeature } from './papers/routes';
import { paperLayoutFeature } from './papers/layoutRoutes';
import { paperLayoutFormFields } from './papers/layoutPages';
import { papersPages } from './papers/pages';
import { importPages, importUploadForms } from './imports/pages';
import { peopleImportPages } from './imports/peoplePages';
import { ApiProblem, notFoundHandler, problemHandler, refuseDeepBodies } from '../platform/http/problem';
import { recommendationsFeature } from './recommendations/routes';
import { scheduleFeature, schedulePageRoutes } from './schedule/routes';
import { approvalPageRoutes } from './approvals/pages';
import { pageShell } from '../platform/web/pageShell';
import { commentsFeature } from './comments/routes';
import { bulkFeature } from './bulk/routes';
import { bulkPageRoutes } from './bulk/pages';
import { auditRefusals } from '../platform/http/refusals';
import { reportsFeature } from './reports/routes';

/** Every feature of the api, in mount order; the OpenAPI document and the authorization matrix are built from these. */
export function apiFeatures(deps: ApiDependencies): Feature[] {
  const features = [
    healthFeature(deps),
    sessionFeature(deps),
    apiTokensFeature(deps),
    reportsFeature(deps),
    importsFeature(deps),
    peopleImportFeature(deps),
    evidenceFeature(deps),
    attachmentsFeature(deps),
    recommendationsFeature(deps),
    bulkFeature(deps),
    scheduleFeature(deps),
    commentsFeature(deps),
    approvalsFeature(deps),
    peopleFeature(deps),
    routingRulesFeature(deps),
    delegationsFeature(deps),
    departmentsFeature(deps),
    reminderSettingsFeature(deps),
    paperLayoutFeature(deps),
    auditFeature(deps),
    papersFeature(deps),
    consistencyFeature(deps),
  ];
  return [...features, docsFeature(() => features, `${deps.forceName} recommendation tracker`)];
}

/** Request URLs as logged: email-link tokens and sign-in codes never reach the logs. */
/** The address a request asked for (as sent, before any router trimmed it), with its secrets redacted. */
const requestUrl = (req: { url?: string; originalUrl?: string }): string => redactUrl(req.originalUrl ?? req.url ?? '');

export function redactUrl(url: string): string {
  const [path, query] = url.split('?', 2) as [string, string | undefined];
  const safePath = path
    .replace(/^\/action-links\/[^/?]+/, '/action-links/[redacted]')
    .replace(/^\/set-password\/[^/?]+/, '/set-password/[redacted]');
  if (query === undefined) return safePath;
  if (safePath.startsWith('/sign-in/oidc')) return `${safePath}?[redacted]`;
  const params = new URLSearchParams(query);
  for (const key of [...params.keys()]) if (/token|code|state|password|secret|cursor/i.test(key)) params.set(key, '[redacted]');
  return `${safePath}?${params.toString()}`;
}

/** /api needs a signed-in person except for its public endpoints (documentation, signing in). */
function apiGate(features: Feature[]): RequestHandler {
  const open = new Set(
    features.flatMap((f) => f.endpoints.filter((e) => e.access === 'public').map((e) => `${e.method.toUpperCase()} ${fullPath(f, e)}`)),
  );
  return (req, _res, next) => {
    if (
      req.identity ||
      !req.path.startsWith('/api/') ||
      open.has(`${req.method === 'HEAD' ? 'GET' : req.method} ${req.path.replace(/\/$/, '')}`) ||
      open.has(`${req.method} ${req.path}`)
    )
      return next();
    next(new ApiProblem(401, 'Sign in first', 'This needs a signed-in session or an API token (Authorization: Bearer …).'));
  };
}

/** Pages need sign-in: a browser is sent to the sign-in page and back. */
const pageGate: RequestHandler = (req, res, next) => {
  if (req.identity) return next();
  if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
  next(new ApiProblem(401, 'Sign in first'));
};

/** The services, with what the page frame shows of the features: the count of My tasks in the navigation. */
export function apiDependencies(services: ApiServices): ApiDependencies {
  return { ...services, myTaskCount: async (person) => (await tasksOf(services, person)).total };
}

/** Builds the whole HTTP app from its services; `bin/` decides where it listens. */
export function buildApp(services: ApiServices): Express {
  const deps = apiDependencies(services);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', /^\d+$/.test(deps.trustProxy ?? '') ? Number(deps.trustProxy) : (deps.trustProxy ?? 'loopback'));
  const metrics = processMetrics();
  app.use(httpMetrics(metrics));
  app.use(httpTracing());
  consistencyMetrics(metrics, deps.consistency);
  dashboardMetrics(metrics, deps.logger, deps);
  outboxMetrics(metrics, deps.logger, deps.dataSource);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string; headers?: Record<string, string> }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          remoteAddress: req.remoteAddress,
          userAgent: req.headers?.['user-agent'],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
      // One line a request that says what happened, on a terminal as in the JSON; the pages' styles, scripts and
      // fonts only at debug, so a person clicking around sees the pages they opened.
      customSuccessMessage: (req, res, ms) => `${req.method} ${requestUrl(req)} ${res.statusCode} (${Math.round(ms)} ms)`,
      customErrorMessage: (req, res, error) => `${req.method} ${requestUrl(req)} ${res.statusCode}: ${error.message}`,
      customLogLevel: (req, _res, error) => (error ? 'error' : /^\/(govuk|assets)\//.test(requestUrl(req)) ? 'debug' : 'info'),
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'form-action': ["'self'"],
          'frame-ancestors': ["'none'"],
          'object-src': ["'none'"],
          'base-uri': ["'none'"],
          // Only when served over TLS: on plain http (development) it would send forms to an https that is not there.
          'upgrade-insecure-requests': deps.auth.settings.publicUrl.startsWith('https:') ? [] : null,
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  app.use(refuseDeepBodies); // before anything walks the body
  // The layout form has some 25 fields per section, up to 10 sections; every other form stays within 50.
  app.use('/admin/paper-layout', express.urlencoded({ extended: false, limit: '100kb', parameterLimit: paperLayoutFormFields }));
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 50 }));
  app.use(evidenceUploadForms(deps)); // a page's file upload carries its CSRF field inside the multipart body
  app.use(attachmentUploadForms(deps)); // so does a command form that takes a file (the letter, HMICFRS's reply)
  app.use(importUploadForms());
  // No sign-in: the series name no item or person.
  app.get('/metrics', metricsEndpoint(metrics));
  app.use(authenticate(deps.auth));

  const features = apiFeatures(deps);
  app.use(apiGate(features));
  for (const feature of features) app.use(feature.mountPath || '/', featureRouter(feature));
  app.use(govukAssets());
  app.use(signInRoutes(deps));
  app.use(setPasswordRoutes(deps));
  app.use('/action-links', actionLinkRoutes(deps));
  // Never in production: the development mailbox shows every email's working links.
  if (deps.mailbox && process.env.NODE_ENV !== 'production') app.use('/dev/mailbox', deps.mailbox);
  app.use(setupRoutes(deps));
  app.use(firstRunGate(deps.firstRun));
  app.use((req, res, next) => (req.path.startsWith('/api/') ? next() : pageGate(req, res, next)));
  app.use(taskPages(deps));
  const shell = pageShell(deps);
  app.use(approvalPageRoutes(deps, shell));
  app.use(schedulePageRoutes(deps, shell));
  app.use(bulkPageRoutes(deps, shell));
  app.use(pageRoutes(deps));
  app.use(papersPages(deps));
  app.use(importPages(deps));
  app.use(peopleImportPages(deps)); // before the administration pages, whose /admin/people/:personId would take it
  app.use(dashboardPages(deps));
  app.use(adminRoutes(deps));
  app.use(changePasswordRoutes(deps));
  app.use(accountRoutes(deps));

  app.use(notFoundHandler);
  app.use(badPageAddress(deps));
  app.use(auditRefusals(deps.dataSource));
  app.use(refusedPage(deps));
  app.use(problemHandler);
  return app;
}
