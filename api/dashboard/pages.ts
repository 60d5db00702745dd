import { Router } from 'express';
import type { ApiDependencies } from '../dependencies';
import { calendarDateInLondon } from '../../domain/calendar';
import { pageShell } from '../../platform/web/pageShell';
import { actingPersonOf } from '../../platform/http/actor';
import { recommendationListQuery } from '../recommendations/listQuery';
import { everyItem, latestEscalations } from './queries';
import { dashboardView } from './view';

/** The manager dashboard (/dashboard): overdue and at risk by lead and by department, decisions waiting, escalations, closures this quarter. */
export function dashboardPages(deps: ApiDependencies): Router {
  const router = Router();
  const shell = pageShell(deps);
  router.get('/dashboard', async (req, res) => {
    const search = (query: Record<string, string>) =>
      deps.recommendations.search(recommendationListQuery.parse({ limit: '200', ...query }), actingPersonOf(req.identity!));
    const [overdue, atRisk, all, raised] = await Promise.all([
      everyItem(search, { overdue: 'true' }),
      everyItem(search, { atRisk: 'true' }),
      deps.recommendations.list(),
      latestEscalations(deps.dataSource),
    ]);
    const view = dashboardView({ today: calendarDateInLondon(Date.now()), overdue, atRisk, all, raised });
    await shell.send(req, res, 'dashboard.njk', { title: 'Dashboard', ...view }, { current: '/dashboard' });
  });
  return router;
}
