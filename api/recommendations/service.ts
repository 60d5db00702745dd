import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { commandFingerprint } from '../../entities/commandFingerprint';
import { calendarDateInLondon } from '../../domain/calendar';
import { standsInFor, type Delegation } from '../../domain/delegation';
import {
  availableCommands,
  commandsIndependentOfDirectory,
  describeStatus,
  proposedForClosureStatuses,
  statusesIn,
  type DueDateEntry,
  type LifecycleCommand,
  type LifecycleCommandType,
  type ProgressUpdate,
  type RecommendationState,
} from '../../domain/lifecycle';
import type { Role } from '../../domain/vocabulary';
import { figureCutoffs, figuresFrom, type FigureCutoffs, type ItemFigures } from '../../domain/figures';
import type { RagStatus } from '../../domain/rag';
import type { WorkingCalendar } from '../../domain/workingDays';
import { figureRulesOf, loadReminderSettings } from '../../entities/reminderSettings';
import { AuditEvent, Person, Recommendation } from '../../entities';
import { delegationColumns } from '../../entities/Delegation';
import type { ActingPerson } from '../../platform/http/actor';
import { ApiProblem, versionFromIfMatch, type FieldProblem } from '../../platform/http/problem';
import type { AssignInput } from './schemas';
import { searchPatterns, sortKeys, type RecommendationListQuery } from './listQuery';
import { figureConditions } from './figureConditions';
import { keysetPage } from '../../platform/http/pagination';
import type { CommandRequest, ReminderSchedule } from '../../workflows/messages';
import { loadDecisionContext, type DecisionItem } from './decisionContext';
import type { RecommendationWorkflows } from './workflowGateway';

export interface PersonSummary {
  id: string;
  name: string;
  email: string;
  jobTitle: string;
}

export interface HistoryEntry {
  occurredAt: string;
  actor: string;
  type: string;
  summary: string;
  before: object | null;
  after: object | null;
}

export interface RecommendationView {
  id: string;
  reference: string;
  kind: string;
  text: string;
  addressedTo: string;
  forTheForce: boolean;
  category: number | null;
  department: string | null;
  status: RecommendationState['status'];
  statusLabel: string;
  /** The status in the force's own words, as its imported tracker last gave it. */
  reportedStatus: string | null;
  /** Who owned and led it, as its imported tracker named them, for a closed item whose people are not in the product. */
  reportedOwner: string | null;
  reportedLead: string | null;
  dueDate: string | null;
  version: number;
  report: { id: string; title: string; originator: string; kind: string; publishedOn: string };
  owner: PersonSummary | null;
  lead: PersonSummary | null;
  /** The lifecycle state in full: parts, due-date history, approval chain, evidence, closure… */
  state: RecommendationState;
  /** Overdue, at risk, due soon and the RAG status today, as every page shows them (domain/figures.ts). */
  figures: ItemFigures;
  availableCommands: LifecycleCommandType[];
  history: HistoryEntry[];
}

export interface RecommendationListItem {
  id: string;
  reference: string;
  kind: string;
  status: RecommendationState['status'];
  statusLabel: string;
  category: number | null;
  department: string | null;
  dueDate: string | null;
  /** At risk today (domain/figures.ts): not overdue, and due within the force's at-risk window or flagged by the owner. */
  atRisk: boolean;
  /** Flagged at risk by the owner (which makes it at risk unless it is overdue). */
  flaggedAtRisk: boolean;
  /** Overdue (off target) today: from the working day after the due date, while the work is with the owner. */
  overdue: boolean;
  workingDaysOverdue: number;
  dueSoon: boolean;
  rag: RagStatus;
  version: number;
  updatedAt: string;
  report: { id: string; title: string; originator: string; kind: string };
  owner: { id: string; name: string } | null;
  lead: { id: string; name: string } | null;
}

/** A row of the list's CSV export: the list item, and what a committee secretary needs beside it. */
export interface RecommendationExportItem extends RecommendationListItem {
  text: string;
  /** The first due date and every approved extension, oldest first (domain/lifecycle/states.ts). */
  dueDateHistory: DueDateEntry[];
  latestUpdate: ProgressUpdate | null;
}

/** The figures of a stored item on the cut-offs' day: what the list's SQL filters read, and only that. */
export const figuresOfRow = (
  r: Pick<Recommendation, 'status' | 'dueDate' | 'forTheForce' | 'state'>,
  cutoffs: FigureCutoffs,
  calendar: WorkingCalendar,
): ItemFigures =>
  figuresFrom({ status: r.status, dueDate: r.dueDate, atRisk: r.state.atRisk ?? null, forTheForce: r.forTheForce }, cutoffs, calendar);

export const listItem = (r: Recommendation, figures: ItemFigures): RecommendationListItem => ({
  id: r.id,
  reference: r.reference,
  kind: r.kind,
  status: r.status,
  statusLabel: describeStatus(r.state),
  category: r.category,
  department: r.department,
  dueDate: r.dueDate,
  atRisk: figures.atRisk,
  flaggedAtRisk: figures.flaggedAtRisk,
  overdue: figures.overdue,
  workingDaysOverdue: figures.workingDaysOverdue,
  dueSoon: figures.dueSoon,
  rag: figures.rag,
  version: r.version,
  updatedAt: r.updatedAt.toISOString(),
  report: { id: r.report.id, title: r.report.title, originator: r.report.originator, kind: r.report.kind },
  owner: r.owner ? { id: r.owner.id, name: r.owner.name } : null,
  lead: r.lead ? { id: r.lead.id, name: r.lead.name } : null,
});

const personSummary = (p: Person | null): PersonSummary | null =>
  p ? { id: p.id, name: p.name, email: p.email, jobTitle: p.jobTitle } : null;

export interface CommandOptions {
  /** The If-Match header (or the version the page showed, quoted or not): the version the command is based on. */
  ifMatch?: string;
  /** The request's Idempotency-Key; one is minted when absent. */
  idempotencyKey?: string;
  /** The batch of commands it is part of: its emails wait for the batch, then go one per person (entities/emailBatches.ts). */
  emailBatch?: string;
}

/** Reads come from PostgreSQL; every command goes to the recommendation's workflow. */
export class RecommendationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflows: RecommendationWorkflows,
  ) {}

  /**
   * `viewer` decides `availableCommands`: what this person may do now. Plain queries rather than entity loads: every
   * command answers with this view, so it is read once per command.
   */
  /** The reminders and escalations the item's workflow plans, as it answers them itself (null: no workflow running). */
  plannedReminders(id: string): Promise<ReminderSchedule | null> {
    return this.workflows.reminderSchedule(id);
  }

  async get(id: string, viewer?: ActingPerson): Promise<RecommendationView | null> {
    // Timestamps as Date.prototype.toISOString writes them (PostgreSQL's MS truncates, as pg's Date does).
    const [row] = (await this.dataSource.query(
      `SELECT r.id, r.reference, r.kind, r.text, r.addressed_to AS "addressedTo", r.for_the_force AS "forTheForce", r.category, r.department,
              r.status, r.reported_status AS "reportedStatus", r.reported_owner AS "reportedOwner", r.reported_lead AS "reportedLead", r.due_date::text AS "dueDate", r.version, r.state,
              json_build_object('id', s.id, 'title', s.title, 'originator', s.originator, 'kind', s.kind, 'publishedOn', s.published_on::text) AS report,
              CASE WHEN o.id IS NULL THEN NULL ELSE json_build_object('id', o.id, 'name', o.name, 'email', o.email, 'jobTitle', o.job_title) END AS owner,
              CASE WHEN l.id IS NULL THEN NULL ELSE json_build_object('id', l.id, 'name', l.name, 'email', l.email, 'jobTitle', l.job_title) END AS lead,
              (SELECT coalesce(json_agg(json_build_object(
                        'occurredAt', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                        'actor', e.actor_label, 'type', e.type, 'summary', e.summary, 'before', e.before, 'after', e.after) ORDER BY e.occurred_at, e.id), '[]')
                 FROM audit_events e WHERE e.recommendation_id = r.id) AS history
         FROM recommendations r
         JOIN source_reports s ON s.id = r.report_id
         LEFT JOIN people o ON o.id = r.owner_id
         LEFT JOIN people l ON l.id = r.lead_id
        WHERE r.id = $1`,
      [id],
    )) as Array<Omit<RecommendationView, 'statusLabel' | 'availableCommands' | 'figures'>>;
    if (!row) return null;
    const { cutoffs, calendar } = await this.figuresToday();
    return {
      id: row.id,
      reference: row.reference,
      kind: row.kind,
      text: row.text,
      addressedTo: row.addressedTo,
      forTheForce: row.forTheForce,
      category: row.category,
      department: row.department,
      status: row.status,
      statusLabel: describeStatus(row.state),
      reportedStatus: row.reportedStatus,
      reportedOwner: row.reportedOwner,
      reportedLead: row.reportedLead,
      dueDate: row.dueDate,
      version: row.version,
      report: row.report,
      owner: row.owner,
      lead: row.lead,
      state: row.state,
      figures: figuresFrom(
        { status: row.status, dueDate: row.dueDate, atRisk: row.state.atRisk, forTheForce: row.forTheForce },
        cutoffs,
        calendar,
      ),
      availableCommands: viewer ? availableCommands(row.state, viewer.actor) : [],
      history: row.history,
    };
  }

  /** Today's cut-offs for the figures, under the force's reminder policy and closure days. */
  async figuresToday(): Promise<{ cutoffs: FigureCutoffs; calendar: WorkingCalendar }> {
    const { policy, calendar } = figureRulesOf(await loadReminderSettings(this.dataSource.manager));
    return { cutoffs: figureCutoffs(calendarDateInLondon(Date.now()), policy, calendar), calendar };
  }

  /** A page of items matching the filters, in the order asked for (see listQuery.ts). */
  async search(
    query: RecommendationListQuery,
    viewer: ActingPerson,
  ): Promise<{ items: RecommendationListItem[]; nextCursor: string | null }> {
    const page = await this.matching(query, viewer);
    return { items: page.items.map(({ row, figures }) => listItem(row, figures)), nextCursor: page.nextCursor };
  }

  /** The same page with what the CSV export adds: the item's text, its due-date history and its latest update. */
  async searchForExport(
    query: RecommendationListQuery,
    viewer: ActingPerson,
  ): Promise<{ items: RecommendationExportItem[]; nextCursor: string | null }> {
    const page = await this.matching(query, viewer);
    return {
      items: page.items.map(({ row, figures }) => ({
        ...listItem(row, figures),
        text: row.text,
        dueDateHistory: row.state.dueDateHistory ?? [],
        latestUpdate: row.state.latestUpdate ?? null,
      })),
      nextCursor: page.nextCursor,
    };
  }

  private async matching(
    query: RecommendationListQuery,
    viewer: ActingPerson,
  ): Promise<{ items: { row: Recommendation; figures: ItemFigures }[]; nextCursor: string | null }> {
    const { cutoffs, calendar } = await this.figuresToday();
    const today = cutoffs.today;
    const me = viewer.actor.personId;
    const qb = this.dataSource
      .getRepository(Recommendation)
      .createQueryBuilder('r')
      .innerJoinAndSelect('r.report', 'report')
      .leftJoinAndSelect('r.owner', 'owner')
      .leftJoinAndSelect('r.lead', 'lead');
    const person = (value: string) => (value === 'me' ? (me ?? '00000000-0000-0000-0000-000000000000') : value);
    searchPatterns(query.q ?? '').forEach((pattern, i) =>
      qb.andWhere(`(r.reference ILIKE :q${i} ESCAPE '\\' OR report.title ILIKE :q${i} ESCAPE '\\' OR r.text ILIKE :q${i} ESCAPE '\\')`, {
        [`q${i}`]: pattern,
      }),
    );
    if (query.state) qb.andWhere('r.status IN (:...states)', { states: query.state });
    if (query.owner) qb.andWhere(query.owner === 'none' ? 'r.owner_id IS NULL' : 'r.owner_id = :owner', { owner: person(query.owner) });
    if (query.lead) qb.andWhere(query.lead === 'none' ? 'r.lead_id IS NULL' : 'r.lead_id = :lead', { lead: person(query.lead) });
    if (query.department) qb.andWhere('lower(r.department) = lower(:department)', { department: query.department });
    if (query.noDepartment !== undefined) qb.andWhere(query.noDepartment ? 'r.department IS NULL' : 'r.department IS NOT NULL');
    if (query.source) qb.andWhere('report.kind IN (:...sources)', { sources: query.source });
    if (query.originator) qb.andWhere('lower(report.originator) = lower(:originator)', { originator: query.originator });
    if (query.report) qb.andWhere('r.report_id = :report', { report: query.report });
    if (query.category) qb.andWhere('r.category IN (:...categories)', { categories: query.category });
    if (query.dueBefore) qb.andWhere('r.due_date < CAST(:dueBefore AS date)', { dueBefore: query.dueBefore });
    if (query.dueAfter) qb.andWhere('r.due_date > CAST(:dueAfter AS date)', { dueAfter: query.dueAfter });
    const { overdue, atRisk, parameters: dueBy } = figureConditions(cutoffs);
    const when = (condition: string, wanted: boolean) => (wanted ? `COALESCE(${condition}, false)` : `NOT COALESCE(${condition}, false)`);
    if (query.overdue !== undefined) qb.andWhere(when(overdue, query.overdue), dueBy);
    if (query.atRisk !== undefined) qb.andWhere(when(atRisk, query.atRisk), dueBy);
    if (query.decisionWaiting !== undefined)
      qb.andWhere(when(`(r.status = 'awaiting_approval' OR jsonb_typeof(r.state->'pendingExtension') = 'object')`, query.decisionWaiting));
    if (query.closedSince) qb.andWhere(`r.state #>> '{closure,on}' >= :closedSince`, { closedSince: query.closedSince });
    if (query.statusGroup) qb.andWhere('r.status IN (:...grouped)', { grouped: statusesIn(query.statusGroup) });
    if (query.rag) {
      const forTheForce = `(r.for_the_force AND r.status <> 'not_for_the_force')`;
      const proposed = `(${forTheForce} AND r.status IN (:...proposed))`;
      const rag: Record<RagStatus, string> = {
        closed: `r.status = 'closed'`,
        not_for_the_force: `(r.status <> 'closed' AND NOT ${forTheForce})`,
        proposed_for_closure: proposed,
        off_target: when(overdue, true),
        at_risk: when(atRisk, true),
        on_target: `(r.status <> 'closed' AND ${forTheForce} AND NOT ${proposed} AND ${when(overdue, false)} AND ${when(atRisk, false)})`,
      };
      qb.andWhere(`(${query.rag.map((status) => rag[status]).join(' OR ')})`, { ...dueBy, proposed: [...proposedForClosureStatuses] });
    }
    if (query.awaitingMyDecision !== undefined) {
      const deciders = await this.decidersFor(me, today);
      const stepOf = (chain: string) => `r.state #> (ARRAY[${chain}, 'steps'] || ARRAY[r.state #>> ARRAY[${chain}, 'current']])`;
      const decidedBy = (chain: string) =>
        `(${stepOf(chain)}->>'approverId' = ANY(CAST(:deciders AS text[])) OR ${stepOf(chain)}->>'onBehalfOf' = ANY(CAST(:deciders AS text[])))`;
      const waiting = `((r.status = 'awaiting_approval' AND ${decidedBy("'approval'")}) OR (jsonb_typeof(r.state->'pendingExtension') = 'object' AND ${decidedBy("'pendingExtension', 'chain'")}))`;
      qb.andWhere(when(waiting, query.awaitingMyDecision), { deciders });
    }
    const result = await keysetPage(qb, { sort: query.sort, keys: sortKeys[query.sort], limit: query.limit, cursor: query.cursor });
    return { items: result.items.map((row) => ({ row, figures: figuresOfRow(row, cutoffs, calendar) })), nextCursor: result.nextCursor };
  }

  /** The person and everyone they stand in for today through a delegation: whose approval steps they may decide. */
  async decidersFor(personId: string | null, today = calendarDateInLondon(Date.now())): Promise<string[]> {
    if (!personId) return [];
    const delegations = (await this.dataSource.query(`SELECT ${delegationColumns} FROM delegations WHERE to_person_id = $1`, [
      personId,
    ])) as Delegation[];
    return [personId, ...standsInFor(personId, delegations, today)];
  }

  async list(): Promise<Recommendation[]> {
    return this.dataSource.manager.find(Recommendation, {
      relations: { report: true, owner: true },
      order: { report: { publishedOn: 'DESC' }, reference: 'ASC' },
    });
  }

  async assign(id: string, input: AssignInput, by: ActingPerson, options: CommandOptions = {}): Promise<RecommendationView> {
    return this.command(id, { type: 'assign', ...input }, by, options);
  }

  /**
   * Checks the people and items a command names (400 naming the field), then sends it to the item's workflow
   * with what the lifecycle needs to know of the world; the lifecycle may still refuse it (409), and the workflow
   * alone judges `ifMatch` against the version it is about to change (412). A request whose key was recorded
   * already answers as it did, without acting again.
   */
  async command(id: string, command: LifecycleCommand, by: ActingPerson, options: CommandOptions = {}): Promise<RecommendationView> {
    const commandId = options.idempotencyKey ?? randomUUID();
    const expectedVersion = options.ifMatch === undefined ? undefined : versionFromIfMatch(options.ifMatch);
    const [row] = (await this.dataSource.query(
      `SELECT r.version, r.state, r.owner_id AS "ownerId", r.lead_id AS "leadId", r.department, r.kind, json_build_object('originator', s.originator, 'kind', s.kind) AS report,
              (SELECT c.fingerprint FROM command_receipts c WHERE c.key = $2) AS "receiptFingerprint"
         FROM recommendations r JOIN source_reports s ON s.id = r.report_id WHERE r.id = $1`,
      [id, commandId],
    )) as (DecisionItem & { version: number; state: RecommendationState; receiptFingerprint: string | null })[];
    if (!row) throw ApiProblem.notFound('The recommendation');
    // The fingerprint covers the item too, so a key used on another item is "another request" as well.
    if (row.receiptFingerprint !== null) {
      if (row.receiptFingerprint !== commandFingerprint(id, by.actor.personId, command)) {
        throw new ApiProblem(
          422,
          'This Idempotency-Key was used for another request',
          'Each change needs a key of its own: send this one with a new Idempotency-Key. Nothing was saved.',
          [{ field: 'header.Idempotency-Key', message: 'already used for a different request' }],
        );
      }
      await this.catchUp(id, row, commandId);
      return this.viewAfter(id, by);
    }
    const problems: FieldProblem[] = [];
    const named = [
      ...('ownerId' in command && command.ownerId ? [{ id: command.ownerId, field: 'body.ownerId', role: 'action_owner' as const }] : []),
      ...('leadId' in command && command.leadId ? [{ id: command.leadId, field: 'body.leadId', role: 'lead' as const }] : []),
    ];
    if (named.length) await this.requirePeople(named, problems);
    if ('ownerId' in command && 'leadId' in command && command.ownerId && command.ownerId === command.leadId) {
      problems.push({ field: 'body.leadId', message: 'the lead must be someone other than the owner' });
    }
    if (command.type === 'markSuperseded') {
      if (command.supersededBy === id) problems.push({ field: 'body.supersededBy', message: 'an item cannot supersede itself' });
      else if (!(await this.dataSource.manager.existsBy(Recommendation, { id: command.supersededBy }))) {
        problems.push({ field: 'body.supersededBy', message: 'no recommendation has this id' });
      }
    }
    if (problems.length) throw ApiProblem.invalid(problems);

    const request: CommandRequest = {
      commandId,
      recordedVersion: row.version,
      expectedVersion,
      command,
      actor: by.actor,
      actorLabel: by.label,
      ...(options.emailBatch ? { emailBatch: options.emailBatch } : {}),
    };
    if (!commandsIndependentOfDirectory.has(command.type)) {
      const context = await loadDecisionContext(this.dataSource, row, by.actor.personId, calendarDateInLondon(Date.now()));
      Object.assign(request, {
        actor: { ...by.actor, delegatesFor: context.delegatesFor },
        directory: context.directory,
        routing: context.routing,
      });
    }
    try {
      await this.workflows.command(id, { state: row.state, version: row.version }, request);
    } catch (error) {
      // Temporal's client re-sends an update whose answer a crash lost; the workflow, already past it, refuses the
      // copy. The receipt says whether this very request was recorded: if so, that is its answer.
      if (
        error instanceof ApiProblem &&
        (error.status === 409 || error.status === 412) &&
        (await this.recordedAlready(id, commandId, command, by))
      ) {
        await this.catchUp(id, row, commandId);
        return this.viewAfter(id, by);
      }
      throw error;
    }
    return this.viewAfter(id, by);
  }

  /**
   * A receipt can exist while the workflow never heard of it: Temporal lost the update (a server crash before its
   * workflow task was stored) after the worker had recorded it. The workflow then reads the record back and sends
   * the transition's emails; until it has, the retry is not answered, so the client tries again.
   */
  private async catchUp(id: string, row: { state: RecommendationState; version: number }, commandId: string): Promise<void> {
    try {
      await this.workflows.resync(id, { state: row.state, version: row.version });
    } catch {
      throw ApiProblem.outcomeUnknown(commandId);
    }
  }

  private async recordedAlready(id: string, commandId: string, command: LifecycleCommand, by: ActingPerson): Promise<boolean> {
    const [receipt] = (await this.dataSource.query(`SELECT fingerprint FROM command_receipts WHERE key = $1`, [commandId])) as {
      fingerprint: string;
    }[];
    return receipt?.fingerprint === commandFingerprint(id, by.actor.personId, command);
  }

  private async viewAfter(id: string, by: ActingPerson): Promise<RecommendationView> {
    const view = await this.get(id, by);
    if (!view) throw ApiProblem.notFound('The recommendation');
    return view;
  }

  /** Each person a command names must be active and have the role its field asks for; one read for them all. */
  private async requirePeople(named: { id: string; field: string; role: Role }[], problems: FieldProblem[]): Promise<void> {
    const people = (await this.dataSource.query(`SELECT id, name, roles, active FROM people WHERE id = ANY($1::uuid[])`, [
      named.map((n) => n.id),
    ])) as Pick<Person, 'id' | 'name' | 'roles' | 'active'>[];
    for (const { id, field, role } of named) {
      const person = people.find((p) => p.id === id);
      if (!person || !person.active) problems.push({ field, message: 'no active person has this id' });
      else if (!person.roles.includes(role))
        problems.push({ field, message: `${person.name} does not have the role "${role.replace(/_/g, ' ')}"` });
    }
  }
}
