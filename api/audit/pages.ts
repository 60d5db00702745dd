import { Router } from 'express';
import type { AdminContext } from '../adminContext';
import type { ChainReport } from './chain';

const londonTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'medium' });

function view(report: ChainReport) {
  const b = report.firstBreak;
  return {
    checkedAt: londonTime.format(new Date(report.checkedAt)),
    events: report.events,
    checkpoints: report.checkpoints,
    firstBreak: b ? { event: b.chainSeq, eventId: b.eventId, recommendationId: b.recommendationId, reason: b.reason } : null,
  };
}

/** Whether the audit trail is as the product wrote it: the last check, and checking again. */
export function auditTrailPages({ deps, render, guard }: AdminContext): Router {
  const router = Router();
  router.use(guard('audit.read'));
  router.get('/', async (req, res) => {
    const report = deps.auditChain.lastReport;
    await render(req, res, 'auditTrail.njk', {
      title: 'Audit trail',
      report: report ? view(report) : null,
      checked: req.query.done === 'checked',
    });
  });
  router.post('/', async (_req, res) => {
    await deps.auditChain.verify();
    res.redirect(303, '/admin/audit-trail?done=checked');
  });
  return router;
}
