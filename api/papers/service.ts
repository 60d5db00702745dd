import type { IsoDate } from '../../domain/vocabulary';
import { coverReportBlocks, type SavedCoverReport } from './coverReport';
import { savedCoverReport } from './coverReportStore';
import { overviewLayout } from './layoutStore';
import { figureRulesOf, REMINDER_SETTINGS_KEY, reminderSettingsFrom } from '../../entities/reminderSettings';
import type { ItemSource, PaperDatabase, Sql } from './asAt';
import { loadAsAt } from './asAt';
import { brokenItemTrailsSql } from '../audit/chain';
import { addMonths } from './dates';
import { overviewDocument, quarterlyDocument, quarterlySheets, trackerDocument, trackerSheets } from './documents';
import type { PaperDocument, PaperSheets } from './layout';
import type { PaperFormat, PaperKind } from './model';
import { formatsOf, paperTitles } from './model';
import type { OverviewPaper } from './overview';
import { buildOverview, overviewSourceKinds } from './overview';
import type { QuarterlyPaper } from './quarterly';
import { buildQuarterly } from './quarterly';
import type { PaperRules, Scheme } from './rag';
import { renderCsv } from './render/csv';
import { renderDocx } from './render/docx';
import { renderHtml, renderHtmlFragment } from './render/html';
import { renderPdf } from './render/pdf';
import { renderXlsx } from './render/xlsx';
import type { TrackerPaper } from './tracker';
import { buildTracker } from './tracker';

/**
 * One place that turns a request ("the overview as at 1 October 2023, as a Word document") into a file, for the API
 * and the command alike: read the audit trail as at the date (in one read-only snapshot), build the paper, lay it
 * out, render it.
 */

export interface PaperRequest {
  kind: PaperKind;
  asAt: IsoDate;
  scheme: Scheme;
  /**
   * The previous committee (overview: items reported complete then drop out; tracker: closed since then shows as
   * new) or the end of the previous quarter (quarterly; default three months before `asAt`).
   */
  previousCommittee?: IsoDate | null;
  /** Tracker only: one report. */
  reportId?: string | null;
}

export type BuiltPaper = OverviewPaper | QuarterlyPaper | TrackerPaper;

export interface RenderedPaper {
  body: Buffer;
  contentType: string;
  filename: string;
  /** Shown in the browser (HTML) or downloaded. */
  disposition: 'inline' | 'attachment';
}

/** Why a request cannot be met, as a sentence naming the field; null when it can. */
export function paperRequestProblem(request: PaperRequest & { format: PaperFormat }): { field: string; message: string } | null {
  if (!formatsOf[request.kind].includes(request.format)) {
    return {
      field: 'format',
      message: `the ${request.kind} paper comes as ${formatsOf[request.kind].join(', ')}; ${request.format} is only for the quarterly update and the tracker, whose tables suit a spreadsheet`,
    };
  }
  if (request.previousCommittee && request.previousCommittee >= request.asAt) {
    return { field: 'previousCommittee', message: `must be before the "as at" date (${request.asAt})` };
  }
  if (request.reportId && request.kind !== 'tracker')
    return { field: 'reportId', message: 'only the tracker can be limited to one report' };
  return null;
}

/**
 * The force's reminder settings (its at-risk window and closure days), read in the paper's snapshot: the papers'
 * figures follow the same rules as every page (domain/figures.ts). The settings in force now apply to any date.
 */
async function paperRules(sql: Sql): Promise<PaperRules> {
  const [row] = await sql('SELECT value FROM force_settings WHERE key = $1', [REMINDER_SETTINGS_KEY]);
  return figureRulesOf(reminderSettingsFrom(row?.value));
}

/** `source`: where the items' states are read from (the trail folded afresh only to check the intervals against it). */
export async function buildPaper(database: PaperDatabase, request: PaperRequest, source: ItemSource = 'intervals'): Promise<BuiltPaper> {
  switch (request.kind) {
    case 'overview': {
      // The overview prints the texts of the force's items only, and not of those reported complete already.
      const texts = { forTheForceOnly: true, closedBefore: request.previousCommittee ?? null };
      const [data, layout] = await database.snapshot(
        async (sql) =>
          [await loadAsAt(sql, request.asAt, { texts, reportKinds: overviewSourceKinds, source }), await overviewLayout(sql)] as const,
      );
      return buildOverview(data, { scheme: request.scheme, previousCommittee: request.previousCommittee ?? null, layout });
    }
    case 'quarterly': {
      const previousQuarter = request.previousCommittee ?? addMonths(request.asAt, -3);
      const quarterBeforeThat = addMonths(previousQuarter, -3);
      const [current, previous, rules] = await database.snapshot(
        async (sql) =>
          [
            await loadAsAt(sql, request.asAt, { fields: ['dueDateHistory', 'latestUpdate', 'atRisk', 'leadId'], source }),
            await loadAsAt(sql, previousQuarter, { fields: ['dueDateHistory', 'atRisk'], source }),
            await paperRules(sql),
          ] as const,
      );
      return buildQuarterly(current, previous, { previousQuarter, quarterBeforeThat, scheme: request.scheme, rules });
    }
    case 'tracker': {
      const [data, rules, layout] = await database.snapshot(
        async (sql) =>
          [
            await loadAsAt(sql, request.asAt, { fields: ['dueDateHistory', 'latestUpdate', 'atRisk', 'notForTheForceReason'], source }),
            await paperRules(sql),
            await overviewLayout(sql),
          ] as const,
      );
      return buildTracker(data, {
        scheme: request.scheme,
        previousReport: request.previousCommittee ?? null,
        reportId: request.reportId ?? null,
        rules,
        statusLines: layout.statusLines,
      });
    }
  }
}

export function layOut(paper: BuiltPaper, forceName: string): PaperDocument {
  switch (paper.kind) {
    case 'overview':
      return overviewDocument(paper, forceName);
    case 'quarterly':
      return quarterlyDocument(paper, forceName);
    case 'tracker':
      return trackerDocument(paper, forceName);
  }
}

export function tabulate(paper: BuiltPaper): PaperSheets | null {
  switch (paper.kind) {
    case 'quarterly':
      return quarterlySheets(paper);
    case 'tracker':
      return trackerSheets(paper);
    default:
      return null;
  }
}

export const contentTypes: Record<PaperFormat, string> = {
  html: 'text/html; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

const fileStems: Record<PaperKind, string> = {
  overview: 'committee-overview',
  quarterly: 'quarterly-action-update',
  tracker: 'recommendation-tracker',
};

export function paperFilename(request: Pick<PaperRequest, 'kind' | 'asAt' | 'scheme'>, format: PaperFormat): string {
  return `${fileStems[request.kind]}-${request.asAt}-scheme-${request.scheme.toLowerCase()}.${format}`;
}

type BrokenTrail = { reference: string | null; reportTitle: string | null };

/**
 * Renders a built paper in one format; with a cover report, that comes first in HTML, Word and PDF (spreadsheets
 * stay the paper's tables alone: see docs/papers.md).
 */
export async function renderPaper(
  paper: BuiltPaper,
  format: PaperFormat,
  forceName: string,
  brokenTrails: BrokenTrail[] = [],
  cover: SavedCoverReport | null = null,
): Promise<Buffer> {
  if (format === 'xlsx' || format === 'csv') {
    const sheets = tabulate(paper);
    if (!sheets) throw new Error(`the ${paper.kind} paper has no spreadsheet form`);
    if (format === 'csv') return Buffer.from(renderCsv(sheets.sheets[sheets.csvSheet]!), 'utf8');
    return renderXlsx(sheets, { title: paperTitles[paper.kind], forceName, asAt: paper.asAt });
  }
  const document = withTrailWarning(withCoverReport(layOut(paper, forceName), cover), brokenTrails);
  if (format === 'html') return Buffer.from(renderHtml(document), 'utf8');
  if (format === 'docx') return renderDocx(document);
  return renderPdf(document);
}

/**
 * The paper, the items whose audit trail does not verify (which every rendering of it names first), and the cover
 * report last saved for its kind.
 */
export async function buildCheckedPaper(
  database: PaperDatabase,
  request: PaperRequest,
): Promise<{ paper: BuiltPaper; brokenTrails: BrokenTrail[]; cover: SavedCoverReport | null }> {
  const [paper, [broken, cover]] = await Promise.all([
    buildPaper(database, request),
    database.snapshot(async (sql) => [await sql(brokenItemTrailsSql, [null]), await savedCoverReport(sql, request.kind)] as const),
  ]);
  return { paper, brokenTrails: broken as BrokenTrail[], cover };
}

export async function producePaper(
  database: PaperDatabase,
  request: PaperRequest & { format: PaperFormat },
  forceName: string,
): Promise<RenderedPaper> {
  const problem = paperRequestProblem(request);
  if (problem) throw new Error(`${problem.field}: ${problem.message}`);
  const { paper, brokenTrails, cover } = await buildCheckedPaper(database, request);
  return {
    body: await renderPaper(paper, request.format, forceName, brokenTrails, cover),
    contentType: contentTypes[request.format],
    filename: paperFilename(request, request.format),
    disposition: request.format === 'html' ? 'inline' : 'attachment',
  };
}

function withCoverReport(document: PaperDocument, cover: SavedCoverReport | null): PaperDocument {
  if (!cover) return document;
  return { ...document, blocks: [...coverReportBlocks(cover.kind, cover.text), ...document.blocks] };
}

/** A paper drawn from a trail altered outside the service says so first, naming the items. */
function withTrailWarning(document: PaperDocument, broken: BrokenTrail[]): PaperDocument {
  if (broken.length === 0) return document;
  const named = broken.map((b) => (b.reference ? `${b.reportTitle ?? 'a report'}, ${b.reference}` : 'an item since removed')).join('; ');
  const text = `Warning: the audit trail of ${broken.length === 1 ? 'one item' : `${broken.length} items`} was altered outside the service, so ${broken.length === 1 ? 'its' : 'their'} figures in this paper may be wrong: ${named}.`;
  return { ...document, blocks: [{ type: 'paragraph', text, bold: true }, ...document.blocks] };
}

/**
 * The paper as it shows inside a page (the committee papers page): the HTML rendering's content, its headings under
 * the page's own, every text escaped by the renderer. The same request checks as `producePaper`.
 */
export async function previewPaper(database: PaperDatabase, request: PaperRequest, forceName: string, headingOffset = 1): Promise<string> {
  const problem = paperRequestProblem({ ...request, format: 'html' });
  if (problem) throw new Error(`${problem.field}: ${problem.message}`);
  const { paper, brokenTrails, cover } = await buildCheckedPaper(database, request);
  return renderHtmlFragment(withTrailWarning(withCoverReport(layOut(paper, forceName), cover), brokenTrails), headingOffset);
}
