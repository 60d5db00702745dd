import { closureHowPhrases, lifecycleStatusLabels } from '../../domain/lifecycle/states';
import { countsForTheForce, paperStandingOf, statusLineToPrint, type StatusLineRule } from '../../domain/paperLayout';
import type { IsoDate, ItemKind } from '../../domain/vocabulary';
import type { ItemAsAt, ReportAsAt } from './model';

/** Helpers the three papers share. */

/** The force's own work: addressed to the force and not marked "not for the force". */
export const isForTheForce = (item: Pick<ItemAsAt, 'forTheForce' | 'status'>): boolean => countsForTheForce(item);

/** Self-certified and with HMICFRS: sign-off, a reality test or a verification visit awaited. */
export const isAwaitingSignOff = (item: Pick<ItemAsAt, 'status'>): boolean => paperStandingOf(item.status) === 'awaiting_sign_off';

const referenceCollator = new Intl.Collator('en-GB', { numeric: true, sensitivity: 'base' });

/** The London date a closed item closed (the lifecycle's `closure.on`); '' when it is not closed. */
export const closedOn = (item: Pick<ItemAsAt, 'closure'>): IsoDate => item.closure?.on ?? '';

/** "4" before "4a" before "10" before "11.1"; text compared case-insensitively within runs. */
export function compareReferences(a: string, b: string): number {
  return referenceCollator.compare(a, b);
}

/** Plain code-point order: for ISO dates and ids, the same on every machine. */
export const compareCodes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const titleCollator = new Intl.Collator('en-GB', { sensitivity: 'base' });

/** Titles in the order a reader expects. */
export const compareTitles = (a: string, b: string): number => titleCollator.compare(a, b);

export function byReference<T extends { reference: string; id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareReferences(a.reference, b.reference) || compareCodes(a.id, b.id));
}

const kindPlurals: Record<ItemKind, [string, string]> = {
  recommendation: ['recommendation', 'recommendations'],
  area_for_improvement: ['area for improvement', 'areas for improvement'],
  cause_of_concern: ['cause of concern', 'causes of concern'],
  action: ['action', 'actions'],
  area_for_attention: ['area for attention', 'areas for attention'],
};

export const itemKindOrder: readonly ItemKind[] = [
  'recommendation',
  'area_for_improvement',
  'cause_of_concern',
  'action',
  'area_for_attention',
];

export function countOf(count: number, kind: ItemKind): string {
  const [one, many] = kindPlurals[kind] ?? ['item', 'items'];
  return `${count} ${count === 1 ? one : many}`;
}

/** "10 recommendations", or "10 items (6 recommendations, 4 areas for improvement)" when kinds are mixed. */
export function itemsPhrase(items: readonly Pick<ItemAsAt, 'kind'>[]): string {
  const counts = new Map<ItemKind, number>();
  for (const item of items) counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1);
  const kinds = itemKindOrder.filter((kind) => counts.has(kind));
  if (kinds.length === 0) return 'no recommendations';
  if (kinds.length === 1) return countOf(counts.get(kinds[0]!)!, kinds[0]!);
  return `${items.length} items (${kinds.map((kind) => countOf(counts.get(kind)!, kind)).join(', ')})`;
}

export interface ReportCounts {
  total: number;
  forTheForce: number;
  complete: number;
  awaitingSignOff: number;
  inProgress: number;
}

export function reportCounts(items: readonly ItemAsAt[]): ReportCounts {
  const force = items.filter(isForTheForce);
  const complete = force.filter((item) => item.status === 'closed').length;
  const awaitingSignOff = force.filter(isAwaitingSignOff).length;
  return {
    total: items.length,
    forTheForce: force.length,
    complete,
    awaitingSignOff,
    inProgress: force.length - complete - awaitingSignOff,
  };
}

/**
 * The status line papers print under a report's title (docs/lifecycle.md): "This report makes 10 recommendations; 2 are for
 * the force; 1 complete, 1 in progress". Items awaiting HMICFRS sign-off are named when there are any.
 */
export function statusLine(items: readonly ItemAsAt[]): string {
  const counts = reportCounts(items);
  const makes = `This report makes ${itemsPhrase(items)}`;
  if (counts.total === 0) return 'This report makes no recommendations.';
  if (counts.forTheForce === 0) return `${makes}; none are for the force.`;
  const forForce =
    counts.forTheForce === counts.total && counts.total > 1
      ? `${counts.total === 2 ? 'both' : `all ${counts.total}`} are for the force`
      : `${counts.forTheForce} ${counts.forTheForce === 1 ? 'is' : 'are'} for the force`;
  const progress = [`${counts.complete} complete`];
  if (counts.awaitingSignOff > 0) progress.push(`${counts.awaitingSignOff} self-certified, awaiting HMICFRS sign-off`);
  progress.push(`${counts.inProgress} in progress`);
  return `${makes}; ${forForce}; ${progress.join(', ')}.`;
}

/** A report's status line under the layout's rule (no figures are made up for a report logged without its items). */
export function reportStatusLine(report: Pick<ReportAsAt, 'statedStatus'>, items: readonly ItemAsAt[], rule: StatusLineRule): string {
  return statusLineToPrint(rule, report.statedStatus ?? null, items.length > 0 ? statusLine(items) : null);
}

/** The item's lifecycle state in a few words: "In progress", "Closed (self-certified)". */
export function stateWords(item: Pick<ItemAsAt, 'status' | 'closure'>): string {
  if (item.status === 'closed' && item.closure) return `Closed (${closureHowPhrases[item.closure.how]})`;
  return lifecycleStatusLabels[item.status] ?? item.status;
}

/** A person's name, or the id when the person is not known. */
export const nameOf = (people: Record<string, string>, id: string | null | undefined): string => (id ? (people[id] ?? id) : '');

/** Reports grouped with their items, keeping only reports that exist as at the date. */
export function itemsByReport(items: readonly ItemAsAt[]): Map<string, ItemAsAt[]> {
  const byReport = new Map<string, ItemAsAt[]>();
  for (const item of items) {
    const list = byReport.get(item.reportId);
    if (list) list.push(item);
    else byReport.set(item.reportId, [item]);
  }
  return byReport;
}
