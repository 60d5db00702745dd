import type { IsoDate } from '../../domain/vocabulary';
import { itemKindLabels, itemLabel } from '../../domain/vocabulary';
import { closedOn, compareCodes, compareReferences, compareTitles, isForTheForce, nameOf } from './common';
import { dayMonthYear } from './dates';
import type { ItemAsAt, PaperData, ReportAsAt } from './model';
import { describePeriod, type ItemFigures } from '../../domain/figures';
import type { RagStatus } from '../../domain/rag';
import type { PaperRules, Scheme } from './rag';
import { defaultPaperRules, figuresAsAt, schemeColour, type Colour } from './rag';

/**
 * The quarterly action update (docs/papers.md paper 2, seed 004): a summary table for this quarter and last quarter with
 * the trend, then the actions in groups with target date, action, manager responsible, source originator, source
 * title, status and latest update.
 *
 * A quarter runs from the day after the previous quarter's date to the "as at" date. Every one of the force's items,
 * from any source (inspections, super-complaints, audits), falls in exactly one group, decided in this order:
 *  1. closed: closed during the quarter (items closed in an earlier quarter were reported then and are left out);
 *  2. proposed for closure: evidence submitted, awaiting approval, self-certification or HMICFRS (domain/rag.ts);
 *  3. off target: past its target date;
 *  4. new: logged during the quarter;
 *  5. at risk: due within the force's at-risk window (three months by default), or flagged at risk by its owner;
 *  6. on target: everything else.
 * Off target, at risk and proposed for closure are the item's figures as at the date (domain/figures.ts), under the
 * force's reminder policy and calendar, as every page shows them.
 * "New" comes after "off target" but before "at risk", as in seed 004, whose new actions are all at risk. So new
 * actions that are at risk are counted as new in the summary table, as seed 004 counts them, and their status in
 * the listing says "At risk": the paper then states under the table how many actions are at risk in all (the
 * at-risk group and the new actions at risk), so page 1 and the listing agree.
 * "Total actions" is the number of actions in the paper: the sum of the six groups (seed 004: 0 + 9 + 1 + 6 + 35 +
 * 0 on target = 51).
 */

export const quarterlyGroups = ['off_target', 'at_risk', 'proposed_for_closure', 'new', 'closed', 'on_target'] as const;
export type QuarterlyGroup = (typeof quarterlyGroups)[number];

/** Headings as seed 004 prints them. */
export const quarterlyGroupTitles: Record<QuarterlyGroup, string> = {
  off_target: 'Action(s) off target',
  at_risk: 'Action(s) at risk of being off target (overdue within the next 3 months)',
  proposed_for_closure: 'Action(s) proposed for closure',
  new: 'New action(s)',
  closed: 'Closed action(s)',
  on_target: 'Action(s) on target',
};

export const quarterlyGroupEmpty: Record<QuarterlyGroup, string> = {
  off_target: 'No actions off target',
  at_risk: 'No actions at risk of being off target',
  proposed_for_closure: 'No actions proposed for closure',
  new: 'No new actions',
  closed: 'No actions closed this quarter',
  on_target: 'No actions on target',
};

export interface QuarterlyOptions {
  /** The end of the previous quarter (default: three months before the "as at" date). */
  previousQuarter: IsoDate;
  /** The end of the quarter before that, for last quarter's "new" and "closed" (default: three months earlier). */
  quarterBeforeThat: IsoDate;
  scheme: Scheme;
  /** The force's reminder policy and calendar (default: the defaults of docs/reminders.md). */
  rules?: PaperRules;
}

export interface QuarterlyAction {
  id: string;
  group: QuarterlyGroup;
  targetDate: string;
  dueDate: IsoDate | null;
  reference: string;
  action: string;
  managerResponsible: string;
  sourceOriginator: string;
  sourceTitle: string;
  status: Colour;
  latestUpdate: string;
}

export interface SummaryRow {
  label: string;
  current: number;
  previous: number;
  trend: '↑' | '↓' | '↔';
}

export interface QuarterlyPaper {
  kind: 'quarterly';
  asAt: IsoDate;
  previousQuarter: IsoDate;
  scheme: Scheme;
  summary: SummaryRow[];
  /** Every action at risk of being off target, new ones included: what the listing marks at risk. */
  atRiskInAll: SummaryRow & { newAtRisk: number };
  groups: { group: QuarterlyGroup; title: string; empty: string; actions: QuarterlyAction[] }[];
}

/** Which group an item whose canonical status is `position` is in, for a quarter that began after `quarterStart`. */
function groupOf(item: ItemAsAt, position: RagStatus, quarterStart: IsoDate): QuarterlyGroup | null {
  if (!isForTheForce(item)) return null;
  if (item.status === 'closed') return closedOn(item) > quarterStart ? 'closed' : null;
  if (position === 'proposed_for_closure') return 'proposed_for_closure';
  if (position === 'off_target') return 'off_target';
  if (item.loggedOn > quarterStart) return 'new';
  if (position === 'at_risk') return 'at_risk';
  return 'on_target';
}

/** Which group an item is in as at `asAt`, for a quarter that began after `quarterStart`; null when not in the paper. */
export function quarterlyGroupOf(
  item: ItemAsAt,
  asAt: IsoDate,
  quarterStart: IsoDate,
  rules: PaperRules = defaultPaperRules,
): QuarterlyGroup | null {
  return groupOf(item, figuresAsAt(asAt, rules)(item).rag, quarterStart);
}

/** Each item of the paper with its figures and group; items not in the paper are left out. */
function placed(
  data: PaperData,
  quarterStart: IsoDate,
  rules: PaperRules,
): { item: ItemAsAt; figures: ItemFigures; group: QuarterlyGroup }[] {
  const figuresOf = figuresAsAt(data.asAt, rules);
  return data.items.flatMap((item) => {
    const figures = figuresOf(item);
    const group = groupOf(item, figures.rag, quarterStart);
    return group ? [{ item, figures, group }] : [];
  });
}

interface QuarterCounts {
  groups: Record<QuarterlyGroup, number>;
  atRiskInAll: number;
  newAtRisk: number;
}

function quarterCounts(items: readonly { figures: ItemFigures; group: QuarterlyGroup }[]): QuarterCounts {
  const groups = Object.fromEntries(quarterlyGroups.map((group) => [group, 0])) as Record<QuarterlyGroup, number>;
  for (const { group } of items) groups[group] += 1;
  const newAtRisk = items.filter(({ figures, group }) => group === 'new' && figures.atRisk).length;
  return { groups, atRiskInAll: groups.at_risk + newAtRisk, newAtRisk };
}

export function groupCounts(data: PaperData, quarterStart: IsoDate, rules: PaperRules = defaultPaperRules): Record<QuarterlyGroup, number> {
  return quarterCounts(placed(data, quarterStart, rules)).groups;
}

const trendOf = (current: number, previous: number): SummaryRow['trend'] => (current > previous ? '↑' : current < previous ? '↓' : '↔');

/** The summary table (seed 004). Seed 004 prints ↑ for 0 against 0; here an unchanged number shows ↔. */
export function summaryTable(current: Record<QuarterlyGroup, number>, previous: Record<QuarterlyGroup, number>): SummaryRow[] {
  const total = (counts: Record<QuarterlyGroup, number>) => quarterlyGroups.reduce((sum, group) => sum + counts[group], 0);
  const rows: [string, number, number][] = [
    ['Action(s) off target', current.off_target, previous.off_target],
    ['Action(s) at risk of being off target', current.at_risk, previous.at_risk],
    ['Action(s) proposed for closure', current.proposed_for_closure, previous.proposed_for_closure],
    ['New action(s)', current.new, previous.new],
    ['Total closed action(s)', current.closed, previous.closed],
    ['Total actions', total(current), total(previous)],
  ];
  return rows.map(([label, now, before]) => ({ label, current: now, previous: before, trend: trendOf(now, before) }));
}

function actionWords(item: ItemAsAt): string {
  return `${itemLabel(item.kind, item.reference, itemKindLabels[item.kind] ?? 'Action')}: ${item.text}`;
}

export function latestUpdateWords(item: Pick<ItemAsAt, 'latestUpdate'>, people: Record<string, string>): string {
  const update = item.latestUpdate;
  if (!update) return '';
  const by = nameOf(people, update.by);
  return `Update${by ? ` ${by}` : ''} ${dayMonthYear(update.on)}: ${update.text}`;
}

/** The heading of the at-risk group, naming the force's at-risk window. */
export function atRiskGroupTitle(rules: PaperRules = defaultPaperRules): string {
  return `Action(s) at risk of being off target (overdue within the next ${describePeriod(rules.policy.atRiskWithin)})`;
}

export function buildQuarterly(current: PaperData, previous: PaperData, options: QuarterlyOptions): QuarterlyPaper {
  const rules = options.rules ?? defaultPaperRules;
  const reports = new Map<string, ReportAsAt>(current.reports.map((report) => [report.id, report]));
  const byGroup = new Map<QuarterlyGroup, QuarterlyAction[]>(quarterlyGroups.map((group) => [group, []]));
  const now = placed(current, options.previousQuarter, rules);
  for (const { item, figures, group } of now) {
    const report = reports.get(item.reportId);
    byGroup.get(group)!.push({
      id: item.id,
      group,
      targetDate: item.dueDate ? dayMonthYear(item.dueDate) : '',
      dueDate: item.dueDate,
      reference: item.reference,
      action: actionWords(item),
      managerResponsible: nameOf(current.people, item.leadId),
      sourceOriginator: report?.originator ?? '',
      sourceTitle: report?.title ?? '',
      status: schemeColour(options.scheme, figures.rag, item, options.previousQuarter),
      latestUpdate: latestUpdateWords(item, current.people),
    });
  }
  const order = (a: QuarterlyAction, b: QuarterlyAction) =>
    compareCodes(a.dueDate ?? '9999', b.dueDate ?? '9999') ||
    compareTitles(a.sourceTitle, b.sourceTitle) ||
    compareReferences(a.reference, b.reference) ||
    compareCodes(a.id, b.id);
  const currentCounts = quarterCounts(now);
  const previousCounts = quarterCounts(placed(previous, options.quarterBeforeThat, rules));
  return {
    kind: 'quarterly',
    asAt: current.asAt,
    previousQuarter: options.previousQuarter,
    scheme: options.scheme,
    summary: summaryTable(currentCounts.groups, previousCounts.groups),
    atRiskInAll: {
      label: 'Action(s) at risk of being off target, new actions included',
      current: currentCounts.atRiskInAll,
      previous: previousCounts.atRiskInAll,
      trend: trendOf(currentCounts.atRiskInAll, previousCounts.atRiskInAll),
      newAtRisk: currentCounts.newAtRisk,
    },
    // Printed in seed 004's order: off target, at risk, proposed for closure, closed, new; then on target.
    groups: (['off_target', 'at_risk', 'proposed_for_closure', 'closed', 'new', 'on_target'] as const).map((group) => ({
      group,
      title: group === 'at_risk' ? atRiskGroupTitle(rules) : quarterlyGroupTitles[group],
      empty: quarterlyGroupEmpty[group],
      actions: byGroup.get(group)!.sort(order),
    })),
  };
}
