import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { calendarDateInLondon, londonWallClockToEpochMs } from '../../domain/calendar';
import type { RecommendationState } from '../../domain/lifecycle';
import type { IsoDate } from '../../domain/vocabulary';
import { importedHistory, mapHeaders, readImportRow, type ImportColumn, type ImportedItem, type ImportProblem, type ImportRouting } from '../../domain/trackerImport';
import { Person, Recommendation, SourceReport } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { recommendationWorkflowId } from '../../workflows/messages';
import type { ActingPerson } from '../actor';
import { ApiProblem } from '../problem';
import type { RecommendationWorkflows } from '../recommendations/workflowGateway';
import { loadApprovalDirectory } from '../recommendations/decisionContext';
import { readSpreadsheet } from './spreadsheet';

export type RowAction = 'create' | 'update' | 'unchanged';

export interface ImportPreview {
  rows: { row: number; report: string; reference: string; action: RowAction; changes: string[] }[];
  problems: ImportProblem[];
  /** Things the import leaves as they are, and says so (an item's status already moved on in the product…). */
  notes: string[];
  counts: Record<RowAction, number>;
}

interface PlannedRow {
  item: ImportedItem;
  action: RowAction;
  existing: Recommendation | null;
  changes: Partial<Pick<Recommendation, 'text' | 'kind' | 'addressedTo' | 'department' | 'category' | 'forTheForce'>>;
  ownerId: string | null;
  leadId: string | null;
}

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
  ) {}

  async preview(file: Buffer, contentType: string): Promise<ImportPreview> {
    return summarise(await this.plan(file, contentType));
  }

  async import(file: Buffer, contentType: string, by: ActingPerson): Promise<ImportPreview> {
    const planned = await this.plan(file, contentType);
    const preview = summarise(planned);
    if (preview.problems.length) {
      throw new ApiProblem(
        422,
        'The file has problems; nothing was imported',
        preview.problems.slice(0, 20).map((p) => `row ${p.row}${p.column ? `, ${p.column}` : ''}: ${p.message}`).join('; '),
        preview.problems.map((p) => ({ field: `row ${p.row}${p.column ? `: ${p.column}` : ''}`, message: p.message })),
      );
    }
    const { plan, routing } = planned;
    const now = Date.now();
    const today = calendarDateInLondon(now);
    const started: { id: string; state: RecommendationState }[] = [];
    await this.dataSource.transaction(async (tx) => {
      const reportIds = new Map<string, string>();
      const audit = { actorId: by.actor.personId, actorLabel: `${by.label} (import)` };
      for (const { item, action, existing, changes, ownerId, leadId } of plan) {
        if (action === 'unchanged') continue;
        if (action === 'update' && existing) {
          await tx.update(Recommendation, { id: existing.id }, changes);
          await recordAudit(tx, {
            ...audit,
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
        const reportKey = `${item.report.originator}\u0000${item.report.title}`;
        let reportId = reportIds.get(reportKey) ?? (await tx.findOneBy(SourceReport, { title: item.report.title, originator: item.report.originator }))?.id;
        if (!reportId) {
          reportId = randomUUID();
          // Logged on the day its first item in the file was (the papers count a report from then).
          const firstLogged = plan.filter((p) => p.action === 'create' && `${p.item.report.originator}\u0000${p.item.report.title}` === reportKey).map((p) => p.item.loggedOn ?? today).sort()[0] ?? today;
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
        const facts = { reportId, reference: item.reference, kind: item.kind, text: item.text, addressedTo: item.addressedTo, forTheForce: item.forTheForce, category: item.category, department: item.department };
        await tx.insert(Recommendation, {
          id,
          ...facts,
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
          { ...onItem, occurredAt: importedAt(item.loggedOn ?? today, 9, 0, now), type: 'recommendation_logged', summary: `Imported ${item.kind.replace(/_/g, ' ')} ${item.reference} (row ${item.row})`, after: { ...facts, status: 'logged' } },
          ...steps.map((step, index) => ({ ...onItem, occurredAt: importedAt(step.on, 10, index, now), type: step.type, summary: step.summary, after: step.change })),
        );
        if (state.status !== 'closed') started.push({ id, state });
      }
    });
    for (const { id, state } of started) {
      await this.workflows.ensureStarted(id, state, 0).catch((error: unknown) => this.log.error({ err: error, recommendationId: id }, 'workflow not started yet; the next command to this item starts it'));
    }
    return preview;
  }

  /** Who can approve, every delegation (imported steps may be dated in the past) and the force's routing rules. */
  private routing(): Promise<ImportRouting> {
    return loadApprovalDirectory(this.dataSource, { delegationsEndingFrom: null, alsoPeople: [] });
  }

  private async plan(file: Buffer, contentType: string): Promise<{ plan: PlannedRow[]; problems: ImportProblem[]; notes: string[]; routing: ImportRouting }> {
    let table: string[][];
    try {
      table = await readSpreadsheet(file, contentType);
    } catch (error) {
      throw ApiProblem.invalid([{ field: 'body', message: `the file could not be read as ${contentType === 'text/csv' ? 'CSV' : 'an Excel workbook'}: ${(error as Error).message}` }]);
    }
    const [headers = [], ...body] = table;
    const { columns, problems } = mapHeaders(headers);
    const notes: string[] = [];
    const items: ImportedItem[] = [];
    const seen = new Map<string, number>();
    body.forEach((cells, index) => {
      if (cells.every((c) => !c.trim())) return;
      const row = index + 2;
      const byColumn: Partial<Record<ImportColumn, string>> = {};
      columns.forEach((column, i) => {
        if (column) byColumn[column] = cells[i] ?? '';
      });
      const read = readImportRow(row, byColumn);
      problems.push(...read.problems);
      if (!read.item) return;
      const key = `${read.item.report.originator}\u0000${read.item.report.title}\u0000${read.item.reference}`;
      if (seen.has(key)) problems.push({ row, column: 'Reference', message: `the same report and reference as row ${seen.get(key)}` });
      seen.set(key, row);
      items.push(read.item);
    });
    if (body.length === 0) problems.push({ row: 1, column: null, message: 'the file has no rows under its header' });

    const emails = [...new Set(items.flatMap((i) => [i.ownerEmail, i.leadEmail]).filter((e): e is string => !!e))];
    const people = emails.length ? await this.dataSource.manager.findBy(Person, { email: In(emails), active: true }) : [];
    const byEmail = new Map(people.map((p) => [p.email, p]));
    const reports = await this.dataSource.manager.find(SourceReport, { relations: { recommendations: true } });
    const plan: PlannedRow[] = [];
    const today = calendarDateInLondon(Date.now());
    const routing = await this.routing();
    for (const item of items) {
      const owner = item.ownerEmail ? byEmail.get(item.ownerEmail) : undefined;
      const lead = item.leadEmail ? byEmail.get(item.leadEmail) : undefined;
      if (item.ownerEmail && !owner) problems.push({ row: item.row, column: 'Owner email', message: `nobody active has the email ${item.ownerEmail}` });
      else if (owner && !owner.roles.includes('action_owner')) problems.push({ row: item.row, column: 'Owner email', message: `${owner.name} does not have the role "action owner"` });
      if (item.leadEmail && !lead) problems.push({ row: item.row, column: 'Lead email', message: `nobody active has the email ${item.leadEmail}` });
      else if (lead && !lead.roles.includes('lead')) problems.push({ row: item.row, column: 'Lead email', message: `${lead.name} does not have the role "lead"` });
      const report = reports.find((r) => r.title === item.report.title && r.originator === item.report.originator);
      const existing = report?.recommendations.find((r) => r.reference === item.reference) ?? null;
      const peopleUnknown = problems.some((p) => p.row === item.row);
      if (!existing) {
        // A row whose people are unknown has said what is wrong already; its state follows once they are fixed.
        const check = peopleUnknown ? { problems: [] } : importedHistory('00000000-0000-4000-8000-000000000000', item, { ownerId: owner?.id ?? null, leadId: lead?.id ?? null }, today, routing);
        for (const message of check.problems) problems.push({ row: item.row, column: 'Status', message: `the row does not give a sound state: ${message}` });
        plan.push({ item, action: 'create', existing: null, changes: {}, ownerId: owner?.id ?? null, leadId: lead?.id ?? null });
        continue;
      }
      const wanted = { text: item.text, kind: item.kind, addressedTo: item.addressedTo, department: item.department, category: item.category, forTheForce: item.forTheForce };
      const changes = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => existing[key as keyof typeof wanted] !== value)) as PlannedRow['changes'];
      if (existing.status !== item.status) {
        notes.push(`row ${item.row}: the tracker says "${item.status.replace(/_/g, ' ')}" but the product has moved it to "${existing.status.replace(/_/g, ' ')}"; the product's status is kept (change it through the item's lifecycle)`);
      }
      plan.push({ item, action: Object.keys(changes).length ? 'update' : 'unchanged', existing, changes, ownerId: existing.ownerId, leadId: existing.leadId });
    }
    return { plan, problems: problems.sort((a, b) => a.row - b.row), notes, routing };
  }
}

function summarise({ plan, problems, notes }: { plan: PlannedRow[]; problems: ImportProblem[]; notes: string[] }): ImportPreview {
  const counts: Record<RowAction, number> = { create: 0, update: 0, unchanged: 0 };
  for (const row of plan) counts[row.action]++;
  return {
    rows: plan.map((p) => ({ row: p.item.row, report: p.item.report.title, reference: p.item.reference, action: p.action, changes: Object.keys(p.changes) })),
    problems,
    notes,
    counts,
  };
}
