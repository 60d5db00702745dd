import { Router, type Request, type Response } from 'express';
import type { ApiDependencies } from '../../api/dependencies';
import { authorize, type Permission } from '../../api/permissions';
import type { FormError } from '../html';
import { pageShell } from '../pageShell';
import { consistencyPages } from './consistency';
import { delegationPages } from './delegations';
import { departmentPages } from './departments';
import { peoplePages } from './people';
import { reportPages } from './reports';
import { routingRulePages } from './routingRules';
import { settingsPages } from './settings';

/** What every administration section needs: the app's services, and how to send a page. */
export interface AdminContext {
  deps: ApiDependencies;
  /** Renders `admin/<template>` inside the layout, with the navigation, the signed-in person and any form errors. */
  render(req: Request, res: Response, template: string, context: { title: string; errors?: FormError[]; [key: string]: unknown }, status?: number): Promise<void>;
  /** Refuses (403, audited) anyone the permission table does not let do this. */
  guard(permission: Permission): (req: Request, res: Response, next: () => void) => void;
}

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
      await shell.send(req, res, `admin/${template}`, { ...view, fieldErrors, csrfToken: req.identity!.session?.csrfToken ?? '' }, { current: '/admin', status });
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
  router.use('/admin/consistency', consistencyPages(context));
  router.use('/admin', reportPages(context));
  return router;
}
