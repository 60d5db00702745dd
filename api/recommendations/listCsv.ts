import type { Request, Response } from 'express';
import type { RecommendationListQuery } from './listQuery';
import { writeChunk } from '../../platform/http/streaming';
import { csvLine } from '../../platform/csv';
import type { RecommendationExportItem } from './service';
import { ragLabel } from '../../domain/rag';
import { closureCategoryLabels, itemKindLabels, type ClosureCategory, type ItemKind } from '../../domain/vocabulary';
import type { DueDateEntry } from '../../domain/lifecycle';

/** Rows read per query: the most the list query allows, so an export of thousands of items is a few dozen queries. */
export const CSV_PAGE_SIZE = 200;

/**
 * The columns a committee secretary works from. RAG, at risk and overdue are today's figures (domain/figures.ts), as
 * the list page and the dashboard show them; dates are written YYYY-MM-DD so spreadsheets read them as dates.
 */
export const CSV_HEADER = [
  'Reference',
  'Report',
  'Item text',
  'Kind',
  'Category',
  'Owner',
  'Lead',
  'Department',
  'Due date',
  'Earlier due dates',
  'Status',
  'RAG',
  'At risk',
  'Overdue',
  'Working days overdue',
  'Latest update',
  'Latest update on',
  'Latest update by',
];

const yesNo = (value: boolean) => (value ? 'yes' : 'no');

/** Each due date the item had before its current one, with the day it changed: "2026-03-31 (extended on 2026-03-02)". */
export function earlierDueDates(history: readonly Pick<DueDateEntry, 'dueDate' | 'decidedOn' | 'kind'>[]): string {
  return history
    .slice(0, -1)
    .map((entry, i) => {
      const next = history[i + 1]!;
      return `${entry.dueDate} (${next.kind === 'extension' ? 'extended' : 'changed'} on ${next.decidedOn})`;
    })
    .join('; ');
}

const row = (r: RecommendationExportItem, names: ReadonlyMap<string, string>) =>
  csvLine([
    r.reference,
    `${r.report.originator}: ${r.report.title}`,
    r.text,
    itemKindLabels[r.kind as ItemKind] ?? r.kind,
    r.category === null ? '' : closureCategoryLabels[r.category as ClosureCategory],
    r.owner?.name ?? '',
    r.lead?.name ?? '',
    r.department ?? '',
    r.dueDate ?? '',
    earlierDueDates(r.dueDateHistory),
    r.statusLabel,
    ragLabel(r.rag),
    yesNo(r.atRisk),
    yesNo(r.overdue),
    r.workingDaysOverdue,
    r.latestUpdate?.text ?? '',
    r.latestUpdate?.on ?? '',
    r.latestUpdate ? (r.latestUpdate.by ? (names.get(r.latestUpdate.by) ?? 'Someone no longer on the system') : 'The system') : '',
  ]);

type Search = (query: RecommendationListQuery) => Promise<{ items: RecommendationExportItem[]; nextCursor: string | null }>;

/**
 * Every item the filter matches, as CSV, read a page at a time by keyset cursor and written as each page arrives, so
 * the export is complete however long the list and memory stays flat. A failure after the first bytes breaks the
 * connection, so the download fails visibly rather than ending short as if it were complete.
 */
export async function streamRecommendationsCsv(
  req: Request,
  res: Response,
  query: RecommendationListQuery,
  search: Search,
  peopleNames: () => Promise<ReadonlyMap<string, string>>,
): Promise<void> {
  res.type('text/csv').attachment('recommendations.csv').set('Cache-Control', 'no-store');
  try {
    const names = await peopleNames();
    await writeChunk(res, csvLine(CSV_HEADER));
    let cursor: string | undefined;
    do {
      const page = await search({ ...query, limit: CSV_PAGE_SIZE, cursor });
      await writeChunk(res, page.items.map((item) => row(item, names)).join(''));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && !res.destroyed);
    res.end();
  } catch (error) {
    if (!res.headersSent) throw error;
    req.log?.error({ err: error }, 'the CSV export failed part way; the connection was broken so the file is not mistaken for complete');
    res.destroy(error as Error);
  }
}
