import type { Request, Response } from 'express';
import type { RecommendationListQuery } from './listQuery';
import { writeChunk } from '../../platform/http/streaming';
import { csvLine } from '../../platform/csv';
import type { RecommendationListItem } from './service';
import { ragLabel } from '../../domain/rag';

/** Rows read per query: the most the list query allows, so an export of thousands of items is a few dozen queries. */
export const CSV_PAGE_SIZE = 200;

/** RAG, at risk and overdue are today's figures (domain/figures.ts), as the list page and the dashboard show them. */
const HEADER = ['Report', 'Reference', 'Kind', 'Status', 'Owner', 'Lead', 'Department', 'Due date', 'RAG', 'At risk', 'Overdue', 'Working days overdue'];

const yesNo = (value: boolean) => (value ? 'yes' : 'no');

const row = (r: RecommendationListItem) =>
  csvLine([
    `${r.report.originator}: ${r.report.title}`,
    r.reference,
    r.kind,
    r.statusLabel,
    r.owner?.name ?? '',
    r.lead?.name ?? '',
    r.department ?? '',
    r.dueDate ?? '',
    ragLabel(r.rag),
    yesNo(r.atRisk),
    yesNo(r.overdue),
    r.workingDaysOverdue,
  ]);

type Search = (query: RecommendationListQuery) => Promise<{ items: RecommendationListItem[]; nextCursor: string | null }>;

/**
 * Every item the filter matches, as CSV, read a page at a time by keyset cursor and written as each page arrives, so
 * the export is complete however long the list and memory stays flat. A failure after the first bytes breaks the
 * connection, so the download fails visibly rather than ending short as if it were complete.
 */
export async function streamRecommendationsCsv(req: Request, res: Response, query: RecommendationListQuery, search: Search): Promise<void> {
  res.type('text/csv').attachment('recommendations.csv').set('Cache-Control', 'no-store');
  try {
    await writeChunk(res, csvLine(HEADER));
    let cursor: string | undefined;
    do {
      const page = await search({ ...query, limit: CSV_PAGE_SIZE, cursor });
      await writeChunk(res, page.items.map(row).join(''));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && !res.destroyed);
    res.end();
  } catch (error) {
    if (!res.headersSent) throw error;
    req.log?.error({ err: error }, 'the CSV export failed part way; the connection was broken so the file is not mistaken for complete');
    res.destroy(error as Error);
  }
}
