import { calendarDateInLondon, formatLongDate } from '../../domain/calendar';
import { itemLabel } from '../../domain/vocabulary';
import { escapeHtml } from '../../platform/web/html';
import { dashboardChart, type Chart } from './chart';
import type { DashboardData, DashboardItem, EscalationType } from './queries';
import type { RecommendationListItem } from '../recommendations/service';

/** The escalations in the dashboard's words. */
export const escalationLabels: Record<EscalationType, string> = {
  off_target_dcc: 'Overdue: escalated to the DCC',
  off_target_repeat: 'Overdue: weekly escalation',
  approval_escalation: 'Approval not decided: escalated to the next level',
};

type Cell = { text: string } | { html: string };
export interface Table {
  caption: string;
  head: { text: string }[];
  rows: Cell[][];
  empty: string;
}
export interface Headline {
  count: number;
  href: string;
  label: string;
}
export interface DashboardView {
  headlines: Headline[];
  chart: Chart;
  tables: Table[];
}

/** A row of a table by lead or department: its figures, and the list filter its links add. */
export interface Group {
  key: string;
  label: string;
  filter: Record<string, string>;
  overdue: number;
  atRisk: number;
}
type GroupKey = Omit<Group, 'overdue' | 'atRisk'>;

const head = (...names: string[]) => names.map((text) => ({ text }));
const date = (d: string) => formatLongDate(d);
const itemLink = (r: { id: string; kind: string; reference: string }): Cell => ({
  html: `<a class="govuk-link" href="/recommendations/${escapeHtml(r.id)}">${escapeHtml(itemLabel(r.kind, r.reference))}</a>`,
});
const reportText = (r: { report: { originator: string; title: string } }): Cell => ({ text: `${r.report.originator}: ${r.report.title}` });
const listHref = (query: Record<string, string>) => `/recommendations?${new URLSearchParams(query).toString()}`;
const count = (n: number, href: string, what: string): Cell => ({
  html: `<a class="govuk-link" href="${escapeHtml(href)}">${n}<span class="govuk-visually-hidden"> ${escapeHtml(what)}</span></a>`,
});
const daysBetween = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000));

/** The first day of `today`'s calendar quarter. */
export function quarterStart(today: string): string {
  const month = Number(today.slice(5, 7));
  return `${today.slice(0, 4)}-${String(month - ((month - 1) % 3)).padStart(2, '0')}-01`;
}

/** Every overdue and at-risk item counted once, those without a lead or department in a row of their own last, so the rows add up to the headlines. */
export function groupFigures(
  overdue: readonly RecommendationListItem[],
  atRisk: readonly RecommendationListItem[],
  keyOf: (r: RecommendationListItem) => GroupKey,
): Group[] {
  const groups = new Map<string, Group>();
  for (const [list, field] of [
    [overdue, 'overdue'],
    [atRisk, 'atRisk'],
  ] as const) {
    for (const r of list) {
      const k = keyOf(r);
      const g = groups.get(k.key) ?? { ...k, overdue: 0, atRisk: 0 };
      g[field] += 1;
      groups.set(k.key, g);
    }
  }
  const none = (g: Group) => (g.key === '' ? 1 : 0);
  return [...groups.values()].sort(
    (a, b) => none(a) - none(b) || b.overdue - a.overdue || b.atRisk - a.atRisk || a.label.localeCompare(b.label),
  );
}

const byLeadKey = (r: RecommendationListItem): GroupKey =>
  r.lead ? { key: r.lead.id, label: r.lead.name, filter: { lead: r.lead.id } } : { key: '', label: 'No lead', filter: { lead: 'none' } };
// The list's department filter ignores case, so the rows do too.
const byDepartmentKey = (r: RecommendationListItem): GroupKey =>
  r.department
    ? { key: r.department.toLowerCase(), label: r.department, filter: { department: r.department } }
    : { key: '', label: 'No department', filter: { noDepartment: 'true' } };

/** Waiting for a decision: an approval of its closure, or an extension request (the dashboard's headline and the metric). */
export function waitingForDecision(status: DashboardItem['status'], extensionPending: boolean): boolean {
  return status === 'awaiting_approval' || extensionPending;
}

/** Days the decision has waited: since the open step of the extension or approval chain opened. */
function waitingDays(r: DashboardItem, today: string): number {
  const chain = r.state.pendingExtension?.chain ?? r.state.approval;
  const opened = chain?.steps[chain.current]?.openedOn ?? chain?.startedOn ?? today;
  return daysBetween(opened, today);
}

/** The manager dashboard's headlines, chart and tables, from what queries.ts read. Pure. */
export function dashboardView(data: DashboardData): DashboardView {
  const { today, overdue, atRisk, all } = data;
  const since = quarterStart(today);
  // As the list's decisionWaiting and closedSince filters select them, so each number is what its link lists.
  const waiting = all.filter((r) => waitingForDecision(r.status, Boolean(r.state.pendingExtension)));
  const closed = all.filter((r) => r.state.closure && r.state.closure.on >= since);
  const certified = all.filter((r) => r.state.selfCertification && r.state.selfCertification.signedOn >= since);
  const byLead = groupFigures(overdue, atRisk, byLeadKey);
  const byDepartment = groupFigures(overdue, atRisk, byDepartmentKey);
  const groupTable = (caption: string, groups: Group[], heading: string): Table => ({
    caption,
    head: head(heading, 'Overdue', 'At risk'),
    rows:
      groups.length === 0
        ? []
        : [
            ...groups.map((g) => [
              { text: g.label },
              count(g.overdue, listHref({ overdue: 'true', ...g.filter }), `overdue for ${g.label}`),
              count(g.atRisk, listHref({ atRisk: 'true', ...g.filter }), `at risk for ${g.label}`),
            ]),
            [
              { html: '<strong>Total</strong>' },
              count(overdue.length, listHref({ overdue: 'true' }), 'overdue in all'),
              count(atRisk.length, listHref({ atRisk: 'true' }), 'at risk in all'),
            ],
          ],
    empty: 'Nothing is overdue or at risk.',
  });
  const waitingSorted = [...waiting].sort((a, b) => waitingDays(b, today) - waitingDays(a, today));
  // An off-target escalation stands while the item is overdue (an extension or evidence ends it): never "Overdue" beside an item the headline does not count.
  const open = new Map(all.filter((r) => r.status !== 'closed').map((r) => [r.id, r]));
  const overdueIds = new Set(overdue.map((r) => r.id));
  const escalations = data.raised
    .filter(
      (e) => open.has(e.id) && (e.type === 'approval_escalation' ? open.get(e.id)!.status === 'awaiting_approval' : overdueIds.has(e.id)),
    )
    .sort((a, b) => a.raisedAt.getTime() - b.raisedAt.getTime());
  return {
    headlines: [
      { count: overdue.length, href: '/recommendations?overdue=true', label: 'overdue' },
      { count: atRisk.length, href: '/recommendations?atRisk=true', label: 'at risk' },
      { count: waiting.length, href: '/recommendations?decisionWaiting=true', label: 'waiting for a decision' },
      {
        count: closed.length,
        href: `/recommendations?closedSince=${since}`,
        label: `closed this quarter; ${certified.length} self-certified`,
      },
    ],
    chart: dashboardChart(byLead),
    tables: [
      groupTable('Overdue and at-risk items by lead', byLead, 'Lead'),
      groupTable('Overdue and at-risk items by department', byDepartment, 'Department'),
      {
        caption: 'Decisions waiting, longest first',
        head: head('Item', 'Report', 'Waiting for', 'Days waiting'),
        rows: waitingSorted.map((r) => [
          itemLink(r),
          reportText(r),
          { text: r.state.pendingExtension ? 'Extension decision' : 'Approval' },
          { text: String(waitingDays(r, today)) },
        ]),
        empty: 'No approvals are waiting.',
      },
      {
        caption: 'Escalations raised, oldest first',
        head: head('Item', 'Report', 'Escalation', 'Raised on', 'Days since'),
        rows: escalations.map((e) => {
          const r = open.get(e.id)!;
          const raisedOn = calendarDateInLondon(e.raisedAt.getTime());
          return [
            itemLink(r),
            reportText(r),
            { text: escalationLabels[e.type] },
            { text: date(raisedOn) },
            { text: String(daysBetween(raisedOn, today)) },
          ];
        }),
        empty: 'No open item has been escalated.',
      },
      {
        caption: 'Closed this quarter',
        head: head('Item', 'Report', 'Closed on'),
        rows: closed.map((r) => [itemLink(r), reportText(r), { text: date(r.state.closure!.on) }]),
        empty: 'Nothing has closed this quarter yet.',
      },
    ],
  };
}
