import { classifications } from './compare';
import type { ConsistencyReport } from './service';
import { reconcileActions, type ReconcileReport } from './reconcile';

const cell = (value: string, width: number) => (value.length > width ? `${value.slice(0, width - 1)}…` : value.padEnd(width));

/** The report for a terminal: a table of the differences, then one summary line. */
export function reportAsText(report: ConsistencyReport): string {
  const lines: string[] = [];
  if (report.differences.length) {
    const rows = report.differences.map((d) => [
      `${d.reference} (${d.recommendationId})`,
      d.class,
      `v${d.postgres.version} ${d.postgres.status}`,
      d.workflow ? `v${d.workflow.version} ${d.workflow.status}` : '—',
      d.repair === null ? (d.detail ?? '') : d.healed ? 'repaired' : d.repair,
    ]);
    const head = ['Item', 'Found', 'PostgreSQL', 'Workflow', report.heal ? 'Repair' : 'Detail'];
    const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
    // The last column is the one to read in full (what the repair did), so it is never cut.
    const line = (values: string[]) =>
      values
        .map((v, i) => (i === values.length - 1 ? v : cell(v, widths[i]!)))
        .join('  ')
        .trimEnd();
    lines.push(line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '');
  }
  const found = classifications
    .filter((c) => report.counts[c] > 0 || c === 'agrees')
    .map((c) => `${report.counts[c]} ${c === 'agrees' ? 'agree' : c.replace(/_/g, ' ')}`)
    .join(', ');
  const seconds = (report.durationMs / 1000).toFixed(1);
  const outcome = report.heal
    ? `Repaired ${report.differences.length - report.remaining} of ${report.differences.length}; ${report.remaining} remain.`
    : report.differences.length
      ? 'Report only: nothing was changed; run with --heal to repair.'
      : 'Report only: nothing was changed.';
  lines.push(`Checked ${report.checked} open item(s) in ${seconds} s: ${found}. ${outcome}`);
  return `${lines.join('\n')}\n`;
}

/** The reconcile's report for a terminal: every item and what was done, then the counts. */
export function reconcileReportAsText(report: ReconcileReport): string {
  const rows = report.items.map((i) => [
    `${i.reference} (${i.recommendationId})`,
    `v${i.version} ${i.status}`,
    i.found ?? '—',
    i.action.replace(/_/g, ' ') + (i.detail ? `: ${i.detail}` : ''),
  ]);
  const head = ['Item', 'Status', 'Workflow was', 'Action'];
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : cell(v, widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = rows.length ? [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''] : [];
  const counts = reconcileActions
    .filter((a) => report.counts[a] > 0)
    .map((a) => `${report.counts[a]} ${a.replace(/_/g, ' ')}`)
    .join(', ');
  const seconds = (report.durationMs / 1000).toFixed(1);
  const outcome = report.apply
    ? 'Applied.'
    : report.counts.would_start
      ? 'Dry run: nothing was started; run with --apply to start them.'
      : 'Dry run: nothing to start.';
  lines.push(`${report.items.length} item(s) in ${seconds} s: ${counts || 'none'}. ${outcome}`);
  return `${lines.join('\n')}\n`;
}
