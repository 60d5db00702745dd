import type { DataSource } from 'typeorm';
import type { ClosureCategory } from '../../domain/vocabulary';
import type { LifecycleStatus, RecommendationState } from '../../domain/lifecycle';
import type { RecommendationListItem } from '../recommendations/service';

/** The reminders that escalate an item (domain/reminders/plan.ts) and that the dashboard lists. */
export const escalationTypes = ['off_target_dcc', 'off_target_repeat', 'approval_escalation'] as const;
export type EscalationType = (typeof escalationTypes)[number];

/** An item as the dashboard reads it from the whole register (the Recommendation entity has these fields). */
export interface DashboardItem {
  id: string;
  reference: string;
  kind: string;
  status: LifecycleStatus;
  category?: ClosureCategory | null;
  state: RecommendationState;
  report: { originator: string; title: string };
}

/** The latest escalation raised on an item. */
export interface RaisedEscalation {
  id: string;
  type: EscalationType;
  raisedAt: Date;
}

/** What the dashboard shows, read in one go: the list's overdue and at-risk items, every item, and the escalations. */
export interface DashboardData {
  today: string;
  /** Exactly what `/recommendations?overdue=true` lists, so each number is what its link shows. */
  overdue: RecommendationListItem[];
  atRisk: RecommendationListItem[];
  all: DashboardItem[];
  raised: RaisedEscalation[];
}

/** Every item matching a filter of the list page, page after page. */
export async function everyItem(
  search: (query: Record<string, string>) => Promise<{ items: RecommendationListItem[]; nextCursor: string | null }>,
  query: Record<string, string>,
): Promise<RecommendationListItem[]> {
  const items: RecommendationListItem[] = [];
  let cursor: string | undefined;
  do {
    const result = await search({ ...query, ...(cursor ? { cursor } : {}) });
    items.push(...result.items);
    cursor = result.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/** The latest escalation the reminders raised on each item, whatever its state now (the view keeps those that still stand). */
export async function latestEscalations(dataSource: DataSource): Promise<RaisedEscalation[]> {
  return (await dataSource.query(
    `SELECT DISTINCT ON (recommendation_id) recommendation_id AS id, type, occurred_at AS "raisedAt"
       FROM audit_events WHERE type = ANY($1) AND recommendation_id IS NOT NULL ORDER BY recommendation_id, occurred_at DESC`,
    [[...escalationTypes]],
  )) as RaisedEscalation[];
}
