import { z } from 'zod';
import { lifecycleStatuses, statusGroups, workingStatuses } from '../../domain/lifecycle';
import { closureCategories, isIsoDate, ragStatuses, sourceKinds, type ClosureCategory } from '../../domain/vocabulary';
import { pageQuery, type SortKey } from '../../platform/http/pagination';

/** A query value given once ("a"), comma-separated ("a,b") or repeated (?x=a&x=b): always a list. */
const list = <T extends z.ZodType>(item: T, max = 20) =>
  z.preprocess(
    (value) =>
      value === undefined
        ? undefined
        : (Array.isArray(value) ? value : [value])
            .flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]))
            .map((v) => (typeof v === 'string' ? v.trim() : v))
            .filter((v) => v !== ''),
    z.array(item).min(1, 'must name at least one value').max(max, `may name at most ${max} values`),
  );

const personError = 'must be a person id (a UUID), "me" or "none"';
const personFilter = z.union([z.literal('me'), z.literal('none'), z.uuid({ error: personError })], { error: personError });
const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');
const queryDate = z.string().refine(isIsoDate, { message: 'must be a real date written YYYY-MM-DD' });

export const recommendationSorts = {
  report: 'newest report first, then by reference (the default)',
  dueDate: 'soonest due first; items without a due date last',
  '-dueDate': 'latest due first; items without a due date last',
  updatedAt: 'least recently changed first',
  '-updatedAt': 'most recently changed first',
  reference: 'by reference as printed',
  status: 'by lifecycle status',
} as const;
export type RecommendationSort = keyof typeof recommendationSorts;

export const recommendationListQuery = z
  .object({
    ...pageQuery,
    q: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .optional()
      .describe(
        'free-text search, ignoring case: every word must appear in the reference, the report title or the item text (% and _ are matched as themselves)',
      ),
    state: list(z.enum(lifecycleStatuses, { error: `must be a lifecycle status: ${lifecycleStatuses.join(', ')}` }))
      .optional()
      .describe('lifecycle statuses, comma-separated'),
    statusGroup: list(z.enum(statusGroups, { error: `must be a status group: ${statusGroups.join(', ')}` }))
      .optional()
      .describe('groups of lifecycle statuses (domain/lifecycle/statusGroups.ts), comma-separated'),
    rag: list(z.enum(ragStatuses, { error: `must be a RAG status: ${ragStatuses.join(', ')}` }))
      .optional()
      .describe("today's RAG statuses (domain/figures.ts), comma-separated"),
    owner: personFilter.optional().describe('the owner: a person id, "me", or "none" for items with no owner'),
    lead: personFilter.optional().describe('the lead: a person id, "me", or "none" for items with no lead'),
    department: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
    noDepartment: flag.optional().describe('true: only items with no department; false: only items with one'),
    source: list(z.enum(sourceKinds, { error: `must be a kind of source report: ${sourceKinds.join(', ')}` }))
      .optional()
      .describe('kinds of source report, comma-separated'),
    originator: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .optional()
      .describe('who published the report, e.g. HMICFRS or Mazars'),
    report: z.uuid({ message: 'must be a report id (a UUID)' }).optional(),
    category: list(
      z
        .enum(closureCategories.map(String) as ['1', '2', '3', '4'], { error: 'must be 1, 2, 3 or 4' })
        .transform((c) => Number(c) as ClosureCategory),
    )
      .optional()
      .describe('HMICFRS closure categories, comma-separated'),
    dueBefore: queryDate.optional().describe('due strictly before this date'),
    dueAfter: queryDate.optional().describe('due strictly after this date'),
    overdue: flag
      .optional()
      .describe(
        'overdue (off target): the work is still with the owner and today is on or after the working day after the due date (domain/figures.ts)',
      ),
    atRisk: flag
      .optional()
      .describe(
        "at risk: the work is still with the owner, it is not overdue, and it is flagged at risk or due within the force's at-risk window (reminder settings, atRiskWithin)",
      ),
    decisionWaiting: flag
      .optional()
      .describe('an approval (awaiting approval) or an extension decision is waiting for someone, as the dashboard counts them'),
    closedSince: queryDate
      .optional()
      .describe('closed on or after this date (the closure recorded on the item), as the dashboard counts closures this quarter'),
    awaitingMyDecision: flag.optional().describe('an approval or extension decision is waiting for me (or someone I stand in for)'),
    sort: z
      .enum(Object.keys(recommendationSorts) as [RecommendationSort, ...RecommendationSort[]], {
        error: `must be one of ${Object.keys(recommendationSorts).join(', ')}`,
      })
      .default('report'),
  })
  .strict();

export type RecommendationListQuery = z.output<typeof recommendationListQuery>;

/** The words of a free-text search (at most ten), each as an ILIKE pattern whose own %, _ and \ match literally. */
export function searchPatterns(q: string): string[] {
  return q
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 10)
    .map((word) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
}

export const sortKeys: Record<RecommendationSort, SortKey[]> = {
  report: [
    { expr: 'report.published_on', dir: 'DESC', type: 'date' },
    { expr: 'report.id', dir: 'ASC', type: 'uuid' },
    { expr: 'r.reference', dir: 'ASC', type: 'text' },
    { expr: 'r.id', dir: 'ASC', type: 'uuid' },
  ],
  dueDate: [
    { expr: "COALESCE(r.due_date, DATE '9999-12-31')", dir: 'ASC', type: 'date' },
    { expr: 'r.id', dir: 'ASC', type: 'uuid' },
  ],
  '-dueDate': [
    { expr: "COALESCE(r.due_date, DATE '0001-01-01')", dir: 'DESC', type: 'date' },
    { expr: 'r.id', dir: 'DESC', type: 'uuid' },
  ],
  updatedAt: [
    { expr: 'r.updated_at', dir: 'ASC', type: 'timestamptz' },
    { expr: 'r.id', dir: 'ASC', type: 'uuid' },
  ],
  '-updatedAt': [
    { expr: 'r.updated_at', dir: 'DESC', type: 'timestamptz' },
    { expr: 'r.id', dir: 'DESC', type: 'uuid' },
  ],
  reference: [
    { expr: 'r.reference', dir: 'ASC', type: 'text' },
    { expr: 'r.id', dir: 'ASC', type: 'uuid' },
  ],
  status: [
    { expr: 'r.status', dir: 'ASC', type: 'text' },
    { expr: 'r.id', dir: 'ASC', type: 'uuid' },
  ],
};

export const working = [...workingStatuses];
