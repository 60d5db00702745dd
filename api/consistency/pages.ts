import { Router } from 'express';
import { actingPersonOf } from '../../platform/http/actor';
import {
  classificationLabels,
  classifications,
  reconcileActions,
  type ConsistencyReport,
  type ReconcileAction,
  type ReconcileReport,
} from './';
import { lifecycleStatusLabels } from '../../domain/lifecycle/states';
import type { AdminContext } from '../adminContext';

const londonTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'medium' });

const record = (r: { status: keyof typeof lifecycleStatusLabels; version: number } | null) =>
  r ? `Version ${r.version}: ${lifecycleStatusLabels[r.status] ?? r.status}` : '—';

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The banner after "Check now" or "Repair differences": success only when nothing is left to look into. */
function banner(report: ConsistencyReport, done: 'checked' | 'repaired'): { text: string; success: boolean } {
  const checked = `Checked ${count(report.checked, 'open item', 'open items')}`;
  if (done === 'repaired' && report.differences.length) {
    const repaired = report.differences.length - report.remaining;
    return {
      text: `Repaired ${repaired} of ${count(report.differences.length, 'difference', 'differences')}.${report.remaining ? ` ${report.remaining} could not be repaired.` : ''}`,
      success: report.remaining === 0,
    };
  }
  if (report.remaining === 0) return { text: `${checked}: every workflow agrees with PostgreSQL.`, success: true };
  return { text: `${checked}: ${count(report.remaining, 'differs', 'differ')} from PostgreSQL.`, success: false };
}

/** The report as the page shows it: labels and times written out, so the template only lays them out. */
function view(report: ConsistencyReport) {
  return {
    checkedAt: londonTime.format(new Date(report.startedAt)),
    took: report.durationMs < 1000 ? 'less than a second' : `${(report.durationMs / 1000).toFixed(1)} seconds`,
    heal: report.heal,
    checked: report.checked,
    remaining: report.remaining,
    healed: report.differences.length - report.remaining,
    counts: classifications.map((c) => ({ label: classificationLabels[c], count: report.counts[c] })),
    differences: report.differences.map((d) => ({
      id: d.recommendationId,
      item: `${d.reportTitle}, ${d.reference}`,
      found: classificationLabels[d.class],
      postgres: record(d.postgres),
      workflow: record(d.workflow),
      detail: d.detail ?? '',
      outcome: d.repair === null ? 'Not repaired (report only)' : d.healed ? 'Repaired' : d.repair,
      healed: d.healed,
    })),
  };
}

const actionLabels: Record<ReconcileAction, string> = {
  started: 'Started',
  would_start: 'To start',
  already_running: 'Already running',
  skipped_closed: 'Closed: needs no workflow',
  not_started: 'Could not be started',
};

/** The rebuild's plan or outcome: counts of every item, and a row for each one that needs (or got) a workflow. */
function rebuildView(report: ReconcileReport) {
  return {
    apply: report.apply,
    toStart: report.counts.would_start,
    started: report.counts.started,
    notStarted: report.counts.not_started,
    counts: reconcileActions
      .filter((a) => (report.apply ? a !== 'would_start' : a !== 'started'))
      .map((a) => ({ label: actionLabels[a], count: report.counts[a] })),
    items: report.items
      .filter((i) => i.action !== 'already_running' && i.action !== 'skipped_closed')
      .map((i) => ({
        id: i.recommendationId,
        item: `${i.reportTitle}, ${i.reference}`,
        record: record(i),
        found: i.found === 'missing' ? 'Missing' : i.found ? i.found.charAt(0).toUpperCase() + i.found.slice(1).replace(/_/g, ' ') : '—',
        action: actionLabels[i.action] + (i.detail ? `: ${i.detail}` : ''),
      })),
  };
}

/** Whether each open item's workflow agrees with PostgreSQL: the last check, checking again, and repairing. */
export function consistencyPages({ deps, render, guard }: AdminContext): Router {
  const router = Router();
  router.use(guard('consistency.manage'));

  router.get('/', async (req, res) => {
    const report = deps.consistency.lastReport;
    const done = req.query.done === 'checked' || req.query.done === 'repaired' ? req.query.done : null;
    await render(req, res, 'consistency.njk', {
      title: 'Workflows and PostgreSQL',
      report: report ? view(report) : null,
      banner: report && done ? banner(report, done) : null,
    });
  });
  router.post('/', async (req, res) => {
    await deps.consistency.check({ heal: false });
    res.redirect(303, '/admin/consistency?done=checked');
  });
  router.post('/repair', async (req, res) => {
    await deps.consistency.check({ heal: true, by: actingPersonOf(req.identity!) });
    res.redirect(303, '/admin/consistency?done=repaired');
  });
  router.get('/rebuild', async (req, res) => {
    const last = deps.reconciler.lastReport;
    const report =
      req.query.done === 'started' && last?.apply
        ? last
        : await deps.reconciler.reconcile({ apply: false, by: actingPersonOf(req.identity!) });
    await render(req, res, 'rebuildWorkflows.njk', { title: 'Rebuild workflows from PostgreSQL', report: rebuildView(report) });
  });
  router.post('/rebuild', async (req, res) => {
    await deps.reconciler.reconcile({ apply: true, by: actingPersonOf(req.identity!) });
    res.redirect(303, '/admin/consistency/rebuild?done=started');
  });
  return router;
}
