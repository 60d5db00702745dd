import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { londonWallClockToEpochMs } from '../../domain/calendar';
import { initialState } from '../../domain/lifecycle';
import { Recommendation, RecommendationPart, SourceReport } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import { recommendationWorkflowId } from '../../workflows/messages';
import type { ActingPerson } from '../../platform/http/actor';
import { keysetPage } from '../../platform/http/pagination';
import type { RecommendationWorkflows } from '../recommendations/workflowGateway';
import type { NewReport } from './schemas';

export interface ReportSummary {
  id: string;
  title: string;
  originator: string;
  kind: string;
  scope: string;
  publishedOn: string;
  statusLine: string | null;
  loggedOn: string | null;
  recommendationIds: string[];
}

export class ReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflows: RecommendationWorkflows,
    private readonly log: { error(obj: object, msg: string): void },
  ) {}

  /**
   * Logs a source report and its items in one transaction (rows and audit events), then starts one workflow
   * per item. A workflow that fails to start here is started by the next command sent to its item.
   */
  async create(
    given: Omit<NewReport, 'statusLine' | 'loggedOn'> & Partial<Pick<NewReport, 'statusLine' | 'loggedOn'>>,
    by: ActingPerson,
  ): Promise<ReportSummary> {
    const input: NewReport = { statusLine: null, loggedOn: null, ...given };
    const reportId = randomUUID();
    // A report logged earlier than today (one listed without items, as a paper gave it) is logged on its own date.
    const now = input.loggedOn ? new Date(Math.min(londonWallClockToEpochMs(input.loggedOn, 8 * 3_600_000), Date.now())) : new Date();
    const items = input.recommendations.map((item) => {
      const id = randomUUID();
      const parts = item.parts.map((part) => ({ ...part, status: 'not_started' as const }));
      return { id, item, state: { ...initialState(id, item.category), parts } };
    });
    await this.dataSource.transaction(async (tx) => {
      await tx.insert(SourceReport, {
        id: reportId,
        title: input.title,
        originator: input.originator,
        kind: input.kind,
        scope: input.scope,
        publishedOn: input.publishedOn,
        statusLine: input.statusLine,
      });
      if (items.length > 0) {
        await tx.insert(
          Recommendation,
          items.map(({ id, item, state }) => ({
            id,
            reportId,
            reference: item.reference,
            kind: item.kind,
            text: item.text,
            addressedTo: item.addressedTo,
            forTheForce: item.forTheForce,
            category: item.category,
            department: item.department,
            status: state.status,
            state,
            workflowId: recommendationWorkflowId(id),
          })),
        );
        const parts = items.flatMap(({ id, state }) =>
          state.parts.map((part, position) => ({
            recommendationId: id,
            reference: part.reference,
            text: part.text,
            status: part.status,
            position,
          })),
        );
        if (parts.length > 0) await tx.insert(RecommendationPart, parts);
      }
      const audit = { occurredAt: now, actorId: by.actor.personId, actorLabel: by.label };
      await recordAudit(
        tx,
        {
          ...audit,
          entityType: 'source_report' as const,
          entityId: reportId,
          type: 'report_logged',
          summary: `Logged ${input.originator} report "${input.title}" with ${items.length} item(s)`,
          after: {
            title: input.title,
            originator: input.originator,
            kind: input.kind,
            scope: input.scope,
            publishedOn: input.publishedOn,
            ...(input.statusLine ? { statusLine: input.statusLine } : {}),
          },
        },
        ...items.map(({ id, item, state }) => ({
          ...audit,
          entityType: 'recommendation' as const,
          entityId: id,
          recommendationId: id,
          type: 'recommendation_logged',
          summary: `Logged ${item.kind.replace(/_/g, ' ')} ${item.reference}`,
          after: { reportId, ...item, status: state.status },
        })),
      );
    });
    await Promise.all(
      items.map(({ id, state }) =>
        this.workflows.ensureStarted(id, state, 0).catch((error: unknown) => {
          this.log.error({ err: error, recommendationId: id }, 'workflow not started yet; the next command to this item starts it');
        }),
      ),
    );
    return { id: reportId, ...input, recommendationIds: items.map((i) => i.id) };
  }

  async list(): Promise<SourceReport[]> {
    return this.dataSource.manager.find(SourceReport, { order: { publishedOn: 'DESC', title: 'ASC' } });
  }

  /** A page of reports, newest first, optionally of one originator or kind. */
  async page(query: {
    limit: number;
    cursor?: string;
    originator?: string;
    kind?: SourceReport['kind'];
  }): Promise<{ items: SourceReport[]; nextCursor: string | null }> {
    const qb = this.dataSource.getRepository(SourceReport).createQueryBuilder('s');
    if (query.originator) qb.andWhere('lower(s.originator) = lower(:originator)', { originator: query.originator });
    if (query.kind) qb.andWhere('s.kind = :kind', { kind: query.kind });
    return keysetPage(qb, {
      sort: 'published',
      keys: [
        { expr: 's.published_on', dir: 'DESC', type: 'date' },
        { expr: 's.title', dir: 'ASC', type: 'text' },
        { expr: 's.id', dir: 'ASC', type: 'uuid' },
      ],
      limit: query.limit,
      cursor: query.cursor,
    });
  }

  async get(id: string): Promise<(SourceReport & { recommendations: Recommendation[] }) | null> {
    const report = await this.dataSource.manager.findOne(SourceReport, { where: { id } });
    if (!report) return null;
    const recommendations = await this.dataSource.manager.find(Recommendation, { where: { reportId: id }, order: { reference: 'ASC' } });
    return Object.assign(report, { recommendations });
  }
}
