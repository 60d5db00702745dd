import { lifecycleStatusLabels, type RecommendationState } from '../../domain/lifecycle/states';
import type { WorkflowRecord } from '../../workflows/messages';

/** What one open item's workflow holds compared with its row in PostgreSQL. */
export const differenceClasses = ['workflow_missing', 'workflow_behind', 'workflow_ahead', 'state_differs', 'unreachable'] as const;
export type DifferenceClass = (typeof differenceClasses)[number];
export const classifications = ['agrees', ...differenceClasses] as const;
export type Classification = (typeof classifications)[number];

export const classificationLabels: Record<Classification, string> = {
  agrees: 'Agrees',
  workflow_missing: 'No workflow running',
  workflow_behind: 'Workflow behind PostgreSQL',
  workflow_ahead: 'Workflow ahead of PostgreSQL',
  state_differs: 'Same version, different state',
  unreachable: 'Workflow did not answer',
};

/**
 * JSON with every object's keys sorted and undefined members left out, so two equal values give the same text
 * whichever order their keys were written in (jsonb keeps its own order; a workflow keeps insertion order).
 */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stableJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/** The workflow's record against the row's: PostgreSQL is the truth, so the workflow is the one behind or ahead. */
export function classify(row: WorkflowRecord, workflow: WorkflowRecord | null): Exclude<Classification, 'unreachable'> {
  if (!workflow) return 'workflow_missing';
  if (workflow.version < row.version) return 'workflow_behind';
  if (workflow.version > row.version) return 'workflow_ahead';
  return stableJson(workflow.state) === stableJson(row.state) ? 'agrees' : 'state_differs';
}

/** The top-level fields of the state that differ, for saying what a `state_differs` is about. */
export function differingFields(a: RecommendationState, b: RecommendationState): string[] {
  const left = a as unknown as Record<string, unknown>;
  const right = b as unknown as Record<string, unknown>;
  return [...new Set([...Object.keys(left), ...Object.keys(right)])]
    .filter((key) => stableJson(left[key]) !== stableJson(right[key]))
    .sort();
}

/** "version 7 (awaiting approval)". */
export function describeRecord(record: WorkflowRecord): string {
  const label = lifecycleStatusLabels[record.state.status] ?? record.state.status;
  return `version ${record.version} (${label.charAt(0).toLowerCase()}${label.slice(1)})`;
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of the results. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
