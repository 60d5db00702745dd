import { Router } from 'express';
import type { ApiDependencies } from '../dependencies';
import { authorize } from '../../platform/http/permissions';
import type { AdminContext } from '../adminContext';
import { pageShell } from '../../platform/web/pageShell';
import { auditTrailPages } from '../audit/pages';
import { consistencyPages } from '../consistency/pages';
import { delegationPages } from './delegationPages';
import { departmentPages } from './departmentPages';
import { peoplePages } from '../people/pages';
import { paperLayoutPages } from '../papers/layoutPages';
import { reportPages } from '../reports/pages';
import { routingRulePages } from './routingRulePages';
import { settingsPages } from './settingsPages';

/**
 * The administration pages (/admin) for the corporate development team: server-rendered GOV.UK pages whose forms
 * post back, calling the same services and checks as the API, so every rule lives in one place.
 */
export function adminRoutes(deps: ApiDependencies): Router {
  const router = Router();
  const shell = pageShell(deps);
  const context: AdminContext = {
    deps,
    async render(req, res, template, view, status = 200) {
      const fieldErrors = Object.fromEntries((view.errors ?? []).map((e) => [e.field, { text: e.message }]));
      await shell.send(
        req,
        res,
        `admin/${template}`,
        { ...view, fieldErrors, csrfToken: req.identity!.session?.csrfToken ?? '' },
        { current: '/admin', status },
      );
    },
    guard: (permission) => (req, _res, next) => {
      authorize(req.identity!, permission);
      next();
    },
  };

  router.get('/admin', context.guard('people.manage'), async (req, res) => {
    await context.render(req, res, 'index.njk', { title: 'Administration' });
  });
  router.use('/admin/people', peoplePages(context));
  router.use('/admin/departments', departmentPages(context));
  router.use('/admin/delegations', delegationPages(context));
  router.use('/admin/routing-rules', routingRulePages(context));
  router.use('/admin/settings', settingsPages(context));
  router.use('/admin/paper-layout', paperLayoutPages(context));
  router.use('/admin/consistency', consistencyPages(context));
  router.use('/admin/audit-trail', auditTrailPages(context));
  router.use('/admin', reportPages(context));
  return router;
}
