import type { DataSource } from 'typeorm';
import { calendarDateInLondon } from '../../domain/calendar';
import { availableCommands, commandsIndependentOfDirectory, describeStatus, type LifecycleCommand, type LifecycleCommandType, type RecommendationState } from '../../domain/lifecycle';
import type { Role } from '../../domain/vocabulary';
import { AuditEvent, Person, Recommendation } from '../../entities';
import type { ActingPerson } from '../actor';
import { ApiProblem, type FieldProblem } from '../problem';
import type { AssignInput } from './schemas';
import type { CommandRequest } from '../../workflows/messages';
import { loadDecisionContext } from './decisionContext';
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
  dueDate: string | null;
  version: number;
  report: { id: string; title: string; originator: string; kind: string; publishedOn: string };
  owner: PersonSummary | null;
  lead: PersonSummary | null;
  /** The lifecycle state in full: parts, due-date history, approval chain, evidence, closure… */
  state: RecommendationState;
  availableCommands: LifecycleCommandType[];
  history: HistoryEntry[];
}

const personSummary = (p: Person | null): PersonSummary | null => (p ? { id: p.id, name: p.name, email: p.email, jobTitle: p.jobTitle } : null);

/** Reads come from PostgreSQL; every command goes to the recommendation's workflow. */
export class RecommendationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflows: RecommendationWorkflows,
  ) {}

  /** `viewer` decides `availableCommands`: what this person may do now. */
  async get(id: string, viewer?: ActingPerson): Promise<RecommendationView | null> {
    const row = await this.dataSource.manager.findOne(Recommendation, { where: { id }, relations: { report: true, owner: true, lead: true } });
    if (!row) return null;
    const events = await this.dataSource.manager.find(AuditEvent, { where: { recommendationId: id }, order: { occurredAt: 'ASC', id: 'ASC' } });
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
      dueDate: row.dueDate,
      version: row.version,
      report: { id: row.report.id, title: row.report.title, originator: row.report.originator, kind: row.report.kind, publishedOn: row.report.publishedOn },
      owner: personSummary(row.owner),
      lead: personSummary(row.lead),
      state: row.state,
      availableCommands: viewer ? availableCommands(row.state, viewer.actor) : [],
      history: events.map((e) => ({
        occurredAt: e.occurredAt.toISOString(),
        actor: e.actorLabel,
        type: e.type,
        summary: e.summary,
        before: e.before,
        after: e.after,
      })),
    };
  }

  async list(): Promise<Recommendation[]> {
    return this.dataSource.manager.find(Recommendation, {
      relations: { report: true, owner: true },
      order: { report: { publishedOn: 'DESC' }, reference: 'ASC' },
    });
  }

  async assign(id: string, input: AssignInput, by: ActingPerson): Promise<RecommendationView> {
    return this.command(id, { type: 'assign', ...input }, by);
  }

  /**
   * Checks the people and items a command names (400 naming the field), then sends it to the item's workflow
   * with what the lifecycle needs to know of the world; the lifecycle may still refuse it (409).
   */
  async command(id: string, command: LifecycleCommand, by: ActingPerson): Promise<RecommendationView> {
    const row = await this.dataSource.manager.findOne(Recommendation, { where: { id }, relations: { report: true } });
    if (!row) throw ApiProblem.notFound('The recommendation');
    const problems: FieldProblem[] = [];
    if ('ownerId' in command && command.ownerId) await this.requirePerson(command.ownerId, 'body.ownerId', 'action_owner', problems);
    if ('leadId' in command && command.leadId) await this.requirePerson(command.leadId, 'body.leadId', 'lead', problems);
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

    const request: CommandRequest = { command, actor: by.actor, actorLabel: by.label };
    if (!commandsIndependentOfDirectory.has(command.type)) {
      const context = await loadDecisionContext(this.dataSource, row, by.actor.personId, calendarDateInLondon(Date.now()));
      Object.assign(request, { actor: { ...by.actor, delegatesFor: context.delegatesFor }, directory: context.directory, routing: context.routing });
    }
    await this.workflows.command(id, row.state, request);
    const view = await this.get(id, by);
    if (!view) throw ApiProblem.notFound('The recommendation');
    return view;
  }

  private async requirePerson(id: string, field: string, role: Role, problems: FieldProblem[]): Promise<void> {
    const person = await this.dataSource.manager.findOneBy(Person, { id });
    if (!person || !person.active) problems.push({ field, message: 'no active person has this id' });
    else if (!person.roles.includes(role)) problems.push({ field, message: `${person.name} does not have the role "${role.replace(/_/g, ' ')}"` });
  }
}
