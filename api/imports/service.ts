import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { calendarDateInLondon, londonWallClockToEpochMs } from '../../domain/calendar';
import type { RecommendationState } from '../../domain/lifecycle';
import type { IsoDate } from '../../domain/vocabulary';
import {
  importedHistory,
  inheritedStatus,
  isCategoryRow,
  isImportVocabulary,
  isReportRow,
  mapHeaders,
  personNameKey,
  planReportStatus,
  readCategoryRow,
  readReportRow,
  statusCloses,
  type ImportedCategoryTotal,
  type ImportedReport,
  type ReportItemChoice,
  readImportRow,
  type ImportColumn,
  type ImportedItem,
  type ImportProblem,
  type ImportRouting,
} from '../../domain/trackerImport';
import { Person, Recommendation, SourceReport, TrackerImport, TrackerStatedFigure } from '../../entities';
import { impliedCounts, reconcile, type ImpliedCounts, type ReconciliationFinding } from '../../domain/reconciliation';
import type { ClosureCategory } from '../../domain/vocabulary';
import { recordAudit } from '../../entities/auditTrail';
import { recommendationWorkflowId } from '../../workflows/messages';
import type { ActingPerson } from '../../platform/http/actor';
import { ApiProblem } from '../../platform/http/problem';
import type { RecommendationWorkflows } from '../recommendations/workflowGateway';
import { loadApprovalDirectory } from '../recommendations/decisionContext';
import { excerpt, EXCERPT_CHARS } from '../../platform/files/excerpt';
import { count, defaultImportLimits, type ImportLimits, type SheetRow } from './limits';
import { readUploadedRows } from './uploadedRows';
import { fileStatuses, saveConfirmed, savedMeanings, type FileStatus } from './statusMappings';
import { statusWordingKey, type StatusMeaning } from '../../domain/importStatusWording';

export type RowAction = 'create' | 'update' | 'unchanged';

/** A problem as answered: with the beginning of the value it is about, when it is about a cell. */
export type QuotedProblem = ImportProblem & { value?: string };

export interface ImportPreview {
  rows: { row: number; report: string; reference: string; action: RowAction; changes: string[] }[];
  problems: QuotedProblem[];
  /** Things the import leaves as they are, and says so (an item's status already moved on in the product…). */
  notes: string[];
  counts: Record<RowAction, number>;
  /** The force's own status wordings in the file and what each is taken to mean: confirm the proposed ones to import. */
  statuses: FileStatus[];
  /** Reports whose status line and stated counts do not say which items are outstanding: a choice per item. */
  reportStatuses: ReportStatusChoice[];
  /** Where the file's stated figures differ from what its own rows imply. */
  reconciliation: ReconciliationFinding[];
  /** The import, once imported and when the file stated figures: its reconciliation is kept under this id. */
  importId: string | null;
}

/** A report whose items' statuses the person chooses, one by one (docs/import.md). */
export interface ReportStatusChoice {
  row: number;
  report: string;
  statusLine: string;
  why: string;
  items: { row: number; reference: string; choice: ReportItemChoice; proposed: ReportItemChoice; chosen: boolean }[];
}

/** What the person decided about the file: its wordings' meanings, and per-item choices under a report's line. */
export interface ImportDecisions {
  confirmed?: ReadonlyMap<string, StatusMeaning>;
  choices?: ReadonlyMap<number, ReportItemChoice>;
  /** Take the proposal for every item not chosen. */
  acceptProposals?: boolean;
}

/** A figure the file states, with what its rows imply, as stored with the import. */
interface PlannedFigure {
  row: number;
  scope: 'report' | 'category';
  report: ImportedReport['report'] | null;
  category: ClosureCategory | null;
  statusLine: string | null;
  lineCloses: boolean | null;
  stated: ImportedReport['stated'];
  rows: ImpliedCounts;
}

interface PlannedRow {
  item: ImportedItem;
  action: RowAction;
  existing: Recommendation | null;
  changes: Partial<Pick<Recommendation, 'text' | 'kind' | 'addressedTo' | 'department' | 'category' | 'forTheForce' | 'reportedStatus'>>;
  ownerId: string | null;
  leadId: string | null;
}

/** A report row of the tracker (its status line and counts; its items, if any, on rows of their own), and whether importing logs it. */
interface PlannedReport {
  listed: ImportedReport;
  action: 'create' | 'unchanged';
}

/** Which report a row is of: the file names a report by its originator and title. */
const reportKeyOf = (report: { originator: string; title: string }) => `${report.originator}\u0000${report.title}`;

/** Workflow starts an import keeps in flight. */
const WORKFLOW_STARTS_IN_FLIGHT = 4;

/**
 * When an imported event happened: `hour` o'clock London time on its day (steps of one item a millisecond apart, so
 * they keep their order), never later than now (an import dated today).
 */
function importedAt(date: IsoDate, hour: number, index: number, now: number): Date {
  return new Date(Math.min(londonWallClockToEpochMs(date, hour * 3_600_000) + index, now - 1_000 + index));
}

/**
 * Imports a force's existing tracker: a dry run lists every row's problems by row and column and imports nothing;
 * the import itself is one transaction. Re-importing the same file changes nothing; a changed row updates its
 * item's descriptive fields with an audit event, never a duplicate. New items start their workflows in the state
 * the tracker gives, with their original dates, so reminders pick up from there.
 */
export class ImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflows: RecommendationWorkflows,
    private readonly log: { error(obj: object, msg: string): void },
    private readonly limits: ImportLimits = defaultImportLimits,
  ) {}

  /** `decisions.confirmed`: what the person says the file's own status wordings mean, by `statusWordingKey`. */
  async preview(file: Buffer, contentType: string, decisions: ImportDecisions = {}): Promise<ImportPreview> {
    return summarise(await this.plan(file, contentType, decisions));
  }

  async import(file: Buffer, contentType: string, by: ActingPerson, decisions: ImportDecisions = {}): Promise<ImportPreview> {
    const planned = await this.plan(file, contentType, decisions);
    const unconfirmed = planned.statuses.filter((status) => status.source === 'proposed');
    if (unconfirmed.length) {
      throw new ApiProblem(
        422,
        'Confirm what the file’s statuses mean; nothing was imported',
        `${unconfirmed.length} of the file's statuses are not the import's own words and have no confirmed meaning yet: confirm them on the import page or save them with PUT /api/imports/status-mappings.`,
        unconfirmed.map((status) => ({
          field: `status "${status.wording}"`,
          message: `has no confirmed meaning (proposed: ${status.status}, as it ${status.why})`,
        })),
      );
    }
    const unchosen = decisions.acceptProposals
      ? []
      : planned.reportStatuses.flatMap((report) => report.items.filter((item) => !item.chosen).map((item) => ({ report, item })));
    if (unchosen.length) {
      throw new ApiProblem(
        422,
        'Choose which items are outstanding; nothing was imported',
        `${unchosen.length} items take a status line that does not say whether they are outstanding: choose on the import page, or send choices=<row>:outstanding|closed (or acceptProposals=true).`,
        unchosen.map(({ report, item }) => ({
          field: `row ${item.row}`,
          message: `is under "${excerpt(report.report, 60)}", where ${report.why} (proposed: ${item.proposed})`,
        })),
      );
    }
    const preview = summarise(planned);
    if (preview.problems.length) {
      throw new ApiProblem(
        422,
        'The file has problems; nothing was imported',
        preview.problems
          .slice(0, 20)
          .map((p) => `row ${p.row}${p.column ? `, ${p.column}` : ''}: ${p.message}`)
          .join('; '),
        preview.problems.map((p) => ({ field: `row ${p.row}${p.column ? `: ${p.column}` : ''}`, message: p.message })),
      );
    }
    const { plan, routing } = planned;
    const now = Date.now();
    const today = calendarDateInLondon(now);
    const started: { id: string; state: RecommendationState }[] = [];
    let importId: string | null = null;
    // Each new report is logged on the day its first item in the file was (the papers count a report from then).
    const firstLoggedOn = new Map<string, IsoDate>();
    for (const p of plan) {
      if (p.action !== 'create') continue;
      const key = reportKeyOf(p.item.report);
      const on = p.item.loggedOn ?? today;
      if (!firstLoggedOn.has(key) || on < firstLoggedOn.get(key)!) firstLoggedOn.set(key, on);
    }
    await this.dataSource.transaction(async (tx) => {
      const reportIds = new Map<string, string>();
      const audit = { actorId: by.actor.personId, actorLabel: `${by.label} (import)` };
      await saveConfirmed(tx, planned.statuses, planned.saved, audit);
      const withItems = new Set(plan.map((p) => reportKeyOf(p.item.report)));
      for (const { listed, action } of planned.reports) {
        if (action !== 'create') continue;
        const reportId = randomUUID();
        const facts = { ...listed.report, ...(listed.statusLine ? { statusLine: listed.statusLine } : {}) };
        await tx.insert(SourceReport, { id: reportId, ...listed.report, statusLine: listed.statusLine });
        await recordAudit(tx, {
          ...audit,
          occurredAt: importedAt(listed.loggedOn, 8, 0, now),
          entityType: 'source_report',
          entityId: reportId,
          type: 'report_logged',
          summary: `Imported ${listed.report.originator} report "${listed.report.title}" (row ${listed.row})${withItems.has(reportKeyOf(listed.report)) ? '' : ', listed without items'}`,
          after: facts,
        });
        reportIds.set(reportKeyOf(listed.report), reportId);
      }
      for (const { item, action, existing, changes, ownerId, leadId } of plan) {
        if (action === 'unchanged') continue;
        if (action === 'update' && existing) {
          await tx.update(Recommendation, { id: existing.id }, changes);
          await recordAudit(tx, {
            ...audit,
            // At the import's instant, not after it: a status line the import states is current from then on.
            occurredAt: new Date(now),
            entityType: 'recommendation',
            entityId: existing.id,
            recommendationId: existing.id,
            type: 'recommendation_import_updated',
            summary: `Updated from the imported tracker (row ${item.row}): ${Object.keys(changes).join(', ')}`,
            before: Object.fromEntries(Object.keys(changes).map((key) => [key, existing[key as keyof typeof changes]])),
            after: changes,
          });
          continue;
        }
        const reportKey = reportKeyOf(item.report);
        let reportId =
          reportIds.get(reportKey) ??
          (await tx.findOneBy(SourceReport, { title: item.report.title, originator: item.report.originator }))?.id;
        if (!reportId) {
          reportId = randomUUID();
          const firstLogged = firstLoggedOn.get(reportKey) ?? today;
          await tx.insert(SourceReport, { id: reportId, ...item.report });
          await recordAudit(tx, {
            ...audit,
            occurredAt: importedAt(firstLogged, 8, 0, now),
            entityType: 'source_report',
            entityId: reportId,
            type: 'report_logged',
            summary: `Imported ${item.report.originator} report "${item.report.title}"`,
            after: item.report,
          });
        }
        reportIds.set(reportKey, reportId);
        const id = randomUUID();
        const { state, steps } = importedHistory(id, item, { ownerId, leadId }, today, routing);
        if (!state) throw new Error(`row ${item.row} passed the dry run but gives no sound state`);
        const facts = {
          reportId,
          reference: item.reference,
          kind: item.kind,
          text: item.text,
          addressedTo: item.addressedTo,
          forTheForce: item.forTheForce,
          category: item.category,
          department: item.department,
        };
        await tx.insert(Recommendation, {
          id,
          ...facts,
          reportedStatus: item.reportedStatus,
          reportedOwner: state.ownerId ? null : item.ownerAsWritten,
          reportedLead: state.leadId ? null : item.leadAsWritten,
          status: state.status,
          ownerId: state.ownerId,
          leadId: state.leadId,
          dueDate: state.dueDate,
          state,
          workflowId: recommendationWorkflowId(id),
        });
        const onItem = { ...audit, entityType: 'recommendation' as const, entityId: id, recommendationId: id };
        await recordAudit(
          tx,
          {
            ...onItem,
            occurredAt: importedAt(item.loggedOn ?? today, 9, 0, now),
            type: 'recommendation_logged',
            summary: `Imported ${item.kind.replace(/_/g, ' ')} ${item.reference} (row ${item.row})`,
            after: {
              ...facts,
              status: 'logged',
              ...(item.reportedStatus ? { reportedStatus: item.reportedStatus } : {}),
              ...(!state.ownerId && item.ownerAsWritten ? { reportedOwner: item.ownerAsWritten } : {}),
              ...(!state.leadId && item.leadAsWritten ? { reportedLead: item.leadAsWritten } : {}),
            },
          },
          ...steps.map((step, index) => ({
            ...onItem,
            occurredAt: importedAt(step.on, 10, index, now),
            type: step.type,
            summary: step.summary,
            after: step.change,
          })),
        );
        if (state.status !== 'closed') started.push({ id, state });
      }
      if (planned.figures.length) {
        importId = randomUUID();
        await tx.insert(TrackerImport, {
          id: importId,
          importedAt: new Date(now),
          importedBy: by.actor.personId,
          importedByLabel: by.label,
          rows: planned.fileRows,
        });
        for (const figure of planned.figures) {
          const key = figure.report ? reportKeyOf(figure.report) : null;
          const sourceReportId = key
            ? (reportIds.get(key) ??
              (await tx.findOneBy(SourceReport, { title: figure.report!.title, originator: figure.report!.originator }))?.id ??
              null)
            : null;
          await tx.insert(TrackerStatedFigure, {
            id: randomUUID(),
            importId,
            row: figure.row,
            scope: figure.scope,
            sourceReportId,
            reportTitle: figure.report?.title ?? null,
            originator: figure.report?.originator ?? null,
            category: figure.category,
            statusLine: figure.statusLine,
            lineCloses: figure.lineCloses,
            statedOutstanding: figure.stated.outstanding,
            statedClosed: figure.stated.closed,
            statedTotal: figure.stated.total,
            rowsListed: figure.rows.listed,
            rowsOutstanding: figure.rows.outstanding,
            rowsClosed: figure.rows.closed,
          });
        }
        await recordAudit(tx, {
          ...audit,
          entityType: 'tracker_import',
          entityId: importId,
          type: 'tracker_imported',
          summary: `Imported a tracker of ${count(planned.fileRows)} rows, keeping what it states for ${count(planned.figures.length)} reports and categories; ${planned.reconciliation.length === 0 ? 'its stated figures agree with its rows' : `${count(planned.reconciliation.length)} of its stated figures differ from its rows`}`,
          after: { rows: planned.fileRows, statedFigures: planned.figures.length, differences: planned.reconciliation.length },
        });
      }
    });
    // A few starts in flight at once: one after another, each waits for the server's answer before the next is sent.
    let next = 0;
    const starter = async () => {
      while (next < started.length) {
        const { id, state } = started[next++]!;
        await this.workflows
          .ensureStarted(id, state, 0)
          .catch((error: unknown) =>
            this.log.error({ err: error, recommendationId: id }, 'workflow not started yet; the next command to this item starts it'),
          );
      }
    };
    await Promise.all(Array.from({ length: WORKFLOW_STARTS_IN_FLIGHT }, starter));
    return { ...preview, importId };
  }

  /** The imports that kept stated figures, newest first, with how many of their figures differ from their rows. */
  async trackerImports(limit = 50): Promise<TrackerImportSummary[]> {
    const imports = await this.dataSource.getRepository(TrackerImport).find({ order: { importedAt: 'DESC' }, take: limit });
    if (!imports.length) return [];
    const figures = await this.dataSource
      .getRepository(TrackerStatedFigure)
      .createQueryBuilder('f')
      .where('f.import_id = ANY(:ids)', { ids: imports.map((i) => i.id) })
      .getMany();
    return imports.map((imported) => {
      const own = figures.filter((figure) => figure.importId === imported.id);
      return {
        id: imported.id,
        importedAt: imported.importedAt.toISOString(),
        importedBy: imported.importedByLabel,
        rows: imported.rows,
        statedFigures: own.length,
        differences: reconcileFigures(own.map(plannedFigureOf)).length,
      };
    });
  }

  /** An import's reconciliation report: what the tracker stated, against what its rows implied; null for no such import. */
  async reconciliationOf(id: string): Promise<TrackerReconciliation | null> {
    const imported = await this.dataSource.getRepository(TrackerImport).findOneBy({ id });
    if (!imported) return null;
    const figures = await this.dataSource.getRepository(TrackerStatedFigure).find({ where: { importId: id }, order: { row: 'ASC' } });
    const findings = reconcileFigures(figures.map(plannedFigureOf));
    return {
      id,
      importedAt: imported.importedAt.toISOString(),
      importedBy: imported.importedByLabel,
      rows: imported.rows,
      stated: figures.map((figure) => ({
        row: figure.row,
        scope: figure.scope,
        report: figure.reportTitle,
        reportId: figure.sourceReportId,
        category: figure.category,
        statusLine: figure.statusLine,
        stated: { outstanding: figure.statedOutstanding, closed: figure.statedClosed, total: figure.statedTotal },
        rows: { listed: figure.rowsListed, outstanding: figure.rowsOutstanding, closed: figure.rowsClosed },
      })),
      findings,
    };
  }

  /** The force's confirmed status wordings and what each means. */
  async statusMeanings(): Promise<{ wording: string; status: StatusMeaning; confirmedAt: string }[]> {
    return [...(await savedMeanings(this.dataSource)).values()].map((row) => ({
      wording: row.wording,
      status: row.status,
      confirmedAt: row.confirmedAt.toISOString(),
    }));
  }

  /** Saves what the force's own status wordings mean (a mapping file), for the next import; each change is audited. */
  async confirmStatusMeanings(meanings: { wording: string; status: StatusMeaning }[], by: ActingPerson): Promise<void> {
    const problems = meanings.flatMap((meaning, index) =>
      isImportVocabulary(meaning.wording)
        ? [
            {
              field: `mappings[${index}].wording`,
              message: `"${excerpt(meaning.wording)}" is one of the import's own statuses; it needs no mapping`,
            },
          ]
        : [],
    );
    if (problems.length) throw ApiProblem.invalid(problems);
    await this.dataSource.transaction(async (tx) => {
      const saved = await savedMeanings(tx);
      const statuses = fileStatuses(
        meanings.map((meaning) => meaning.wording),
        new Map(),
        new Map(meanings.map((meaning) => [statusWordingKey(meaning.wording), meaning.status])),
      );
      await saveConfirmed(tx, statuses, saved, { actorId: by.actor.personId, actorLabel: by.label });
    });
  }

  /** Who can approve, every delegation (imported steps may be dated in the past) and the force's routing rules. */
  private routing(): Promise<ImportRouting> {
    return loadApprovalDirectory(this.dataSource, { delegationsEndingFrom: null, alsoPeople: [] });
  }

  /** The file's rows, read in a worker thread; a limit passed or a file that cannot be read is the answer. */
  private rows(file: Buffer, contentType: string): Promise<SheetRow[]> {
    return readUploadedRows(file, contentType, this.limits);
  }

  private async plan(
    file: Buffer,
    contentType: string,
    decisions: ImportDecisions,
  ): Promise<{
    fileRows: number;
    reportStatuses: ReportStatusChoice[];
    figures: PlannedFigure[];
    reconciliation: ReconciliationFinding[];
    plan: PlannedRow[];
    reports: PlannedReport[];
    problems: QuotedProblem[];
    notes: string[];
    routing: ImportRouting;
    statuses: FileStatus[];
    saved: Map<string, { status: StatusMeaning }>;
  }> {
    const rows = await this.rows(file, contentType);
    const pause = breather();
    const headers = rows[0]?.row === 1 ? rows[0].cells : [];
    const body = rows[0]?.row === 1 ? rows.slice(1) : rows;
    const mapped = mapHeaders(headers);
    const { columns } = mapped;
    const byColumnOf = (cells: string[]) => {
      const byColumn: Partial<Record<ImportColumn, string>> = {};
      columns.forEach((column, i) => {
        if (column) byColumn[column] = cells[i] ?? '';
      });
      return byColumn;
    };
    const saved = await savedMeanings(this.dataSource);
    const reportKey = (cells: Partial<Record<ImportColumn, string>>) =>
      reportKeyOf({ originator: (cells.Originator ?? '').trim(), title: (cells['Report title'] ?? '').trim() });
    const rowsOf = body
      .filter(({ cells }) => !cells.every((c) => !c.trim()))
      .map(({ row, cells }) => ({ row, cells, byColumn: byColumnOf(cells) }));
    const kindOf = (byColumn: Partial<Record<ImportColumn, string>>) =>
      isReportRow(byColumn) ? 'report' : isCategoryRow(byColumn) ? 'category' : 'item';
    // Each report's status line (its report row's Status), and which item rows take it (a blank Status).
    const lines = new Map<string, { row: number; line: string }>();
    for (const { row, byColumn } of rowsOf) {
      const line = (byColumn.Status ?? '').trim();
      if (kindOf(byColumn) === 'report' && line && !lines.has(reportKey(byColumn))) lines.set(reportKey(byColumn), { row, line });
    }
    const itemRows = rowsOf.filter(({ byColumn }) => kindOf(byColumn) === 'item');
    const takesLine = (byColumn: Partial<Record<ImportColumn, string>>) =>
      !(byColumn.Status ?? '').trim() && lines.has(reportKey(byColumn));
    // A report's own status line is kept as written; it is read as a status only for a report whose items are in the file.
    const withItems = new Set(itemRows.map(({ byColumn }) => reportKey(byColumn)));
    // How many rows a line is read for: the items that take it (at least its own row).
    const takingLine = new Map<string, number>();
    for (const { byColumn } of itemRows)
      if (takesLine(byColumn)) takingLine.set(reportKey(byColumn), (takingLine.get(reportKey(byColumn)) ?? 0) + 1);
    const statuses = fileStatuses(
      [
        ...itemRows.flatMap(({ byColumn }) => (takesLine(byColumn) ? [] : [byColumn.Status ?? ''])),
        ...[...lines.entries()].flatMap(([key, { line }]) =>
          withItems.has(key) ? Array.from({ length: takingLine.get(key) ?? 1 }, () => line) : [],
        ),
      ],
      saved,
      decisions.confirmed ?? new Map(),
    );
    const statusMap = new Map(statuses.map((status) => [status.key, status.status]));
    const lineCloses = (line: string) =>
      statusCloses(isImportVocabulary(line) ? line : (statusMap.get(statusWordingKey(line)) ?? 'in progress'));
    const reportRows: ImportedReport[] = [];
    const categoryRows: ImportedCategoryTotal[] = [];
    const problems: QuotedProblem[] = mapped.problems.map((p) => quoting(p, headers));
    const notes: string[] = [];
    const items: ImportedItem[] = [];
    const seen = new Map<string, number>();
    const readItem = (row: number, cells: string[], byColumn: Partial<Record<ImportColumn, string>>, reportedStatus?: string) => {
      const read = readImportRow(row, byColumn, statusMap);
      problems.push(...read.problems.map((p) => quoting(valued(p, p.column ? byColumn[p.column] : undefined), cells)));
      if (!read.item) return null;
      const key = `${reportKeyOf(read.item.report)}\u0000${read.item.reference}`;
      if (seen.has(key))
        problems.push(
          valued({ row, column: 'Reference', message: `the same report and reference as row ${seen.get(key)}` }, read.item.reference),
        );
      seen.set(key, row);
      const item = reportedStatus === undefined ? read.item : { ...read.item, reportedStatus };
      items.push(item);
      return item;
    };
    // Items with a status of their own first: they count towards a report's stated number outstanding.
    const inheriting = new Map<string, { row: number; cells: string[]; byColumn: Partial<Record<ImportColumn, string>> }[]>();
    const ownOutstanding = new Map<string, number>();
    for (const { row, cells, byColumn } of rowsOf) {
      await pause();
      const kind = kindOf(byColumn);
      if (kind === 'report') {
        const listed = readReportRow(row, byColumn);
        problems.push(...listed.problems.map((p) => quoting(valued(p, p.column ? byColumn[p.column] : undefined), cells)));
        if (listed.report) reportRows.push(listed.report);
      } else if (kind === 'category') {
        const read = readCategoryRow(row, byColumn);
        problems.push(...read.problems.map((p) => quoting(valued(p, p.column ? byColumn[p.column] : undefined), cells)));
        if (read.total) categoryRows.push(read.total);
      } else if (takesLine(byColumn)) {
        const key = reportKey(byColumn);
        inheriting.set(key, [...(inheriting.get(key) ?? []), { row, cells, byColumn }]);
      } else {
        const item = readItem(row, cells, byColumn);
        if (item && item.status !== 'closed' && item.forTheForce)
          ownOutstanding.set(reportKey(byColumn), (ownOutstanding.get(reportKey(byColumn)) ?? 0) + 1);
      }
    }
    const reportRowAt = new Map(reportRows.map((report) => [report.row, report]));
    const reportStatuses: ReportStatusChoice[] = [];
    for (const [key, rows] of inheriting) {
      await pause();
      const { row: reportRow, line } = lines.get(key)!;
      const listed = reportRowAt.get(reportRow);
      const closes = lineCloses(line);
      const plan = planReportStatus(
        closes,
        listed?.stated ?? { outstanding: null, closed: null, total: null },
        rows.map((r) => r.row),
        ownOutstanding.get(key) ?? 0,
        decisions.choices ?? new Map(),
      );
      const choices: ReportStatusChoice['items'] = [];
      plan.items.forEach((planned, index) => {
        const { row, cells, byColumn } = rows[index]!;
        readItem(row, cells, { ...byColumn, Status: inheritedStatus(line, closes, planned.choice) }, line);
        choices.push({ ...planned, reference: excerpt((byColumn.Reference ?? '').trim(), 60) });
      });
      if (plan.ambiguous)
        reportStatuses.push({
          row: reportRow,
          report: excerpt(listed?.report.title ?? key.split('\u0000')[1]!),
          statusLine: excerpt(line),
          why: plan.why,
          items: choices,
        });
    }
    items.sort((a, b) => a.row - b.row);
    reportStatuses.sort((a, b) => a.row - b.row);
    if (body.length === 0) problems.push({ row: 1, column: null, message: 'the file has no rows under its header' });

    // What the file states, beside what its own rows imply.
    const byReport = new Map<string, ImportedItem[]>();
    for (const item of items) {
      const key = reportKeyOf(item.report);
      byReport.set(key, [...(byReport.get(key) ?? []), item]);
    }
    const figures: PlannedFigure[] = [
      ...reportRows
        .filter((report) => report.statusLine !== null || Object.values(report.stated).some((value) => value !== null))
        .map((report): PlannedFigure => {
          const key = reportKeyOf(report.report);
          return {
            row: report.row,
            scope: 'report',
            report: report.report,
            category: null,
            statusLine: report.statusLine,
            lineCloses: report.statusLine && byReport.has(key) ? lineCloses(report.statusLine) : null,
            stated: report.stated,
            rows: impliedCounts(byReport.get(key) ?? []),
          };
        }),
      ...categoryRows.map((category): PlannedFigure => ({
        row: category.row,
        scope: 'category',
        report: null,
        category: category.category,
        statusLine: null,
        lineCloses: null,
        stated: category.stated,
        rows: impliedCounts(items.filter((item) => item.category === category.category)),
      })),
    ];
    const reconciliation = reconcileFigures(figures);
    const withProblems = new Set(problems.map((p) => p.row));

    const emails = [...new Set(items.flatMap((i) => [i.ownerEmail, i.leadEmail]).filter((e): e is string => !!e))];
    // `= ANY($1)`, one parameter, rather than IN with one per value: a file can name more values than a statement may take.
    const people = emails.length
      ? await this.dataSource.manager.createQueryBuilder(Person, 'p').where('p.email = ANY(:emails) AND p.active', { emails }).getMany()
      : [];
    const byEmail = new Map(people.map((p) => [p.email, p]));
    const names = [
      ...new Set(
        items
          .flatMap((i) => [i.ownerName, i.leadName])
          .filter((n): n is string => !!n)
          .map(personNameKey),
      ),
    ];
    const named = names.length
      ? await this.dataSource.manager
          .createQueryBuilder(Person, 'p')
          .where(`lower(regexp_replace(btrim(p.name), '\\s+', ' ', 'g')) = ANY(:names) AND p.active`, { names })
          .getMany()
      : [];
    const byName = new Map<string, Person[]>();
    for (const person of named) byName.set(personNameKey(person.name), [...(byName.get(personNameKey(person.name)) ?? []), person]);
    /**
     * The one active person a name cell names, or the problem with it (nobody, or several: then the email is needed);
     * for a closed item, nobody found is no problem (its people stay as text).
     */
    const findByName = (name: string, row: number, column: ImportColumn, closed: boolean): Person | undefined => {
      const found = byName.get(personNameKey(name)) ?? [];
      if (found.length === 1) return found[0];
      if (closed) return undefined;
      problems.push(
        valued(
          {
            row,
            column,
            message: found.length
              ? `${found.length} active people are called ${name}: write the email of the one meant`
              : `nobody active is called ${name} (write their email, or add them on People first)`,
          },
          name,
        ),
      );
      return undefined;
    };
    const titles = [...new Set(items.map((i) => i.report.title))];
    const known = titles.length
      ? await this.dataSource.manager
          .createQueryBuilder(Recommendation, 'item')
          .innerJoinAndSelect('item.report', 'r')
          .where('r.title = ANY(:titles)', { titles })
          .getMany()
      : [];
    const existingItems = new Map(known.map((item) => [`${reportKeyOf(item.report)}\u0000${item.reference}`, item] as const));
    const plan: PlannedRow[] = [];
    const today = calendarDateInLondon(Date.now());
    const routing = await this.routing();
    for (const item of items) {
      await pause();
      const problemsBefore = problems.length;
      let owner = item.ownerEmail
        ? byEmail.get(item.ownerEmail)
        : item.ownerName
          ? findByName(item.ownerName, item.row, 'Owner email', item.status === 'closed')
          : undefined;
      let lead = item.leadEmail
        ? byEmail.get(item.leadEmail)
        : item.leadName
          ? findByName(item.leadName, item.row, 'Lead email', item.status === 'closed')
          : undefined;
      if (item.status === 'closed') {
        // A closed item needs no live owner or lead: people who have left (or lack the role now) stay as text.
        if (owner && !owner.roles.includes('action_owner')) owner = undefined;
        if (lead && !lead.roles.includes('lead')) lead = undefined;
      } else if (item.ownerEmail && !owner)
        problems.push(
          valued({ row: item.row, column: 'Owner email', message: `nobody active has the email ${item.ownerEmail}` }, item.ownerEmail),
        );
      else if (owner && !owner.roles.includes('action_owner'))
        problems.push(
          valued(
            { row: item.row, column: 'Owner email', message: `${owner.name} does not have the role "action owner"` },
            item.ownerEmail ?? item.ownerName,
          ),
        );
      if (item.leadEmail && !lead)
        problems.push(
          valued({ row: item.row, column: 'Lead email', message: `nobody active has the email ${item.leadEmail}` }, item.leadEmail),
        );
      else if (lead && !lead.roles.includes('lead'))
        problems.push(
          valued(
            { row: item.row, column: 'Lead email', message: `${lead.name} does not have the role "lead"` },
            item.leadEmail ?? item.leadName,
          ),
        );
      const existing = existingItems.get(`${reportKeyOf(item.report)}\u0000${item.reference}`) ?? null;
      const peopleUnknown = withProblems.has(item.row) || problems.length > problemsBefore;
      if (!existing) {
        // A row whose people are unknown has said what is wrong already; its state follows once they are fixed.
        const check = peopleUnknown
          ? { problems: [] }
          : importedHistory(
              '00000000-0000-4000-8000-000000000000',
              item,
              { ownerId: owner?.id ?? null, leadId: lead?.id ?? null },
              today,
              routing,
            );
        for (const message of check.problems)
          problems.push({ row: item.row, column: 'Status', message: `the row does not give a sound state: ${message}` });
        plan.push({ item, action: 'create', existing: null, changes: {}, ownerId: owner?.id ?? null, leadId: lead?.id ?? null });
        continue;
      }
      const wanted = {
        text: item.text,
        kind: item.kind,
        addressedTo: item.addressedTo,
        department: item.department,
        category: item.category,
        forTheForce: item.forTheForce,
        ...(item.reportedStatus !== null ? { reportedStatus: item.reportedStatus } : {}),
      };
      const changes = Object.fromEntries(
        Object.entries(wanted).filter(([key, value]) => existing[key as keyof typeof wanted] !== value),
      ) as PlannedRow['changes'];
      if (existing.status !== item.status) {
        notes.push(
          `row ${item.row}: the tracker says "${item.status.replace(/_/g, ' ')}" but the product has moved it to "${existing.status.replace(/_/g, ' ')}"; the product's status is kept (change it through the item's lifecycle)`,
        );
      }
      plan.push({
        item,
        action: Object.keys(changes).length ? 'update' : 'unchanged',
        existing,
        changes,
        ownerId: existing.ownerId,
        leadId: existing.leadId,
      });
    }
    const reports: PlannedReport[] = [];
    const reportSeen = new Map<string, number>();
    for (const listed of reportRows) {
      const key = reportKeyOf(listed.report);
      if (reportSeen.has(key))
        problems.push(
          valued(
            { row: listed.row, column: 'Report title', message: `the same report as row ${reportSeen.get(key)}` },
            listed.report.title,
          ),
        );
      reportSeen.set(key, listed.row);
      const existing = await this.dataSource.manager.findOneBy(SourceReport, {
        title: listed.report.title,
        originator: listed.report.originator,
      });
      if (existing)
        notes.push(`row ${listed.row}: the report "${excerpt(listed.report.title, 60)}" is already logged; it is left as it is`);
      reports.push({ listed, action: existing ? 'unchanged' : 'create' });
    }
    return {
      fileRows: body.length,
      reportStatuses,
      figures,
      reconciliation,
      plan,
      reports,
      problems: problems.sort((a, b) => a.row - b.row),
      notes,
      routing,
      statuses,
      saved,
    };
  }
}

export interface TrackerImportSummary {
  id: string;
  importedAt: string;
  importedBy: string;
  rows: number;
  statedFigures: number;
  differences: number;
}

/** An import's reconciliation report (docs/import.md). */
export interface TrackerReconciliation {
  id: string;
  importedAt: string;
  importedBy: string;
  rows: number;
  /** Every figure the tracker stated, with what its rows implied. */
  stated: {
    row: number | null;
    scope: 'report' | 'category';
    report: string | null;
    reportId: string | null;
    category: ClosureCategory | null;
    statusLine: string | null;
    stated: ImportedReport['stated'];
    rows: ImpliedCounts;
  }[];
  findings: ReconciliationFinding[];
}

const plannedFigureOf = (figure: TrackerStatedFigure): Parameters<typeof reconcileFigures>[0][number] => ({
  row: figure.row ?? 0,
  scope: figure.scope,
  report: figure.reportTitle === null ? null : { title: figure.reportTitle },
  category: figure.category,
  statusLine: figure.statusLine,
  lineCloses: figure.lineCloses,
  stated: { outstanding: figure.statedOutstanding, closed: figure.statedClosed, total: figure.statedTotal },
  rows: { listed: figure.rowsListed, outstanding: figure.rowsOutstanding, closed: figure.rowsClosed },
});

/** The most problems (and notes) an answer lists; it says how many more there are. */
const MAX_LISTED = 1_000;

/** How much of the cell a problem's `value` quotes: enough to find it, short, as the message may quote it too. */
const VALUE_CHARS = 60;

/** The problem with the beginning of the cell it is about (none for an empty cell). */
function valued(problem: ImportProblem, value: string | null | undefined): QuotedProblem {
  const text = (value ?? '').trim();
  return text ? { ...problem, value: excerpt(text, VALUE_CHARS) } : problem;
}

/** The differences between what the file states and what its rows imply, in file order. */
export function reconcileFigures(
  figures: readonly (Omit<PlannedFigure, 'report'> & { report: { title: string } | null })[],
): ReconciliationFinding[] {
  const ordered = [...figures].sort((a, b) => a.row - b.row);
  return reconcile(
    ordered
      .filter((figure) => figure.scope === 'report')
      .map((figure) => ({
        row: figure.row,
        title: figure.report?.title ?? '',
        statusLine: figure.statusLine,
        lineCloses: figure.lineCloses,
        stated: figure.stated,
        rows: figure.rows,
      })),
    ordered
      .filter((figure) => figure.scope === 'category' && figure.category !== null)
      .map((figure) => ({ row: figure.row, category: figure.category!, stated: figure.stated, rows: figure.rows })),
  );
}

function summarise({
  plan,
  reports,
  problems,
  notes,
  statuses,
  reportStatuses,
  reconciliation,
}: {
  plan: PlannedRow[];
  reports: PlannedReport[];
  problems: QuotedProblem[];
  notes: string[];
  statuses: FileStatus[];
  reportStatuses: ReportStatusChoice[];
  reconciliation: ReconciliationFinding[];
}): ImportPreview {
  const counts: Record<RowAction, number> = { create: 0, update: 0, unchanged: 0 };
  for (const row of [...plan, ...reports]) counts[row.action]++;
  const rows = [
    ...plan.map((p) => ({
      row: p.item.row,
      report: excerpt(p.item.report.title),
      reference: excerpt(p.item.reference),
      action: p.action,
      changes: Object.keys(p.changes),
    })),
    ...reports.map((r) => ({ row: r.listed.row, report: excerpt(r.listed.report.title), reference: '', action: r.action, changes: [] })),
  ].sort((a, b) => a.row - b.row);
  const more = (list: unknown[], what: string) =>
    list.length > MAX_LISTED
      ? [`${count(MAX_LISTED)} of the file's ${count(list.length)} ${what} are listed; fix them and check the file again to see the rest`]
      : [];
  return {
    rows,
    problems: problems.slice(0, MAX_LISTED),
    notes: [...more(problems, 'problems'), ...notes.slice(0, MAX_LISTED), ...more(notes, 'notes')],
    counts,
    statuses: statuses.slice(0, MAX_LISTED),
    reportStatuses: reportStatuses.slice(0, MAX_LISTED),
    reconciliation: reconciliation.slice(0, MAX_LISTED),
    importId: null,
  };
}

/**
 * A problem as the answer gives it: a message quoting a cell (a bad date, an unknown status) quotes at most an excerpt
 * of it, so a long cell is never echoed back whole, however many rows repeat it.
 */
function quoting(problem: QuotedProblem, cells: string[]): QuotedProblem {
  if (problem.message.length <= EXCERPT_CHARS) return problem;
  let message = problem.message;
  for (const cell of cells) {
    if (cell.length <= EXCERPT_CHARS) continue;
    for (const quoted of [cell, ...cell.split(/[;,]/)].map((c) => c.trim()).filter((c) => c.length > EXCERPT_CHARS)) {
      for (const form of [quoted, quoted.toLowerCase()]) if (message.includes(form)) message = message.split(form).join(excerpt(form));
    }
  }
  return { ...problem, message: excerpt(message, 2 * EXCERPT_CHARS) };
}

/** Gives the event loop a turn every few milliseconds of work, so a large file never holds up other requests. */
function breather(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < 10) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}
