import type { DataSource } from 'typeorm';
import { openStatuses, type LifecycleStatus, type RecommendationState } from '../../domain/lifecycle/states';
import { recordAudit } from '../../entities/auditTrail';
import type { RecommendationWorkflowInput } from '../../workflows/messages';
import type { WorkflowRunStatus } from '../recommendations/workflowGateway';
import type { ActingPerson } from '../../platform/http/actor';
import { describeRecord, mapWithConcurrency } from './compare';
import { messageOf } from './errorMessage';

/** What the reconcile asks of Temporal (RecommendationWorkflows has both). */
export interface ReconciledWorkflows {
  runStatus(recommendationId: string): Promise<WorkflowRunStatus>;
  restart(
    recommendationId: string,
    record: { state: RecommendationState; version: number },
    resume: Pick<RecommendationWorkflowInput, 'sentNudgeKeys' | 'checkedUntil'>,
  ): Promise<void>;
}

export const reconcileActions = ['started', 'would_start', 'already_running', 'skipped_closed', 'not_started'] as const;
export type ReconcileAction = (typeof reconcileActions)[number];

export interface ReconciledItem {
  recommendationId: string;
  reference: string;
  reportTitle: string;
  status: LifecycleStatus;
  version: number;
  /** How Temporal had the item's workflow before: running, missing (never started or its data lost), terminated… */
  found: WorkflowRunStatus | null;
  action: ReconcileAction;
  /** Why a start did not work. */
  detail: string | null;
}

export interface ReconcileReport {
  startedAt: string;
  durationMs: number;
  /** False for a dry run: nothing was started. */
  apply: boolean;
  counts: Record<ReconcileAction, number>;
  items: ReconciledItem[];
}

export interface ReconcileOptions {
  /** Workflows asked or started at once. */
  concurrency?: number;
  /** Rows read from PostgreSQL at a time. */
  batchSize?: number;
  /**
   * How far back a restarted workflow looks for reminders that fell due while it was not running (and were not sent,
   * by the audit trail). Bounded so that a workflow terminated months ago does not send months of stale reminders.
   */
  catchUpMs?: number;
  now?: () => number;
}

interface Listed {
  id: string;
  reference: string;
  reportTitle: string;
  status: LifecycleStatus;
  version: number;
}

interface Row extends Listed {
  state: RecommendationState;
}

/**
 * Starts again, from PostgreSQL's record, the workflow of every open item that has none running (Temporal's data lost,
 * or a workflow terminated by mistake). Each start is noted on the item's audit trail (`workflow_restarted`).
 */
export class WorkflowReconciler {
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly catchUpMs: number;
  private readonly now: () => number;
  private latest: ReconcileReport | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly workflows: ReconciledWorkflows,
    options: ReconcileOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 8;
    this.batchSize = options.batchSize ?? 200;
    this.catchUpMs = options.catchUpMs ?? 24 * 3600_000;
    this.now = options.now ?? Date.now;
  }

  /** The last run's report in this process, or null before the first. */
  get lastReport(): ReconcileReport | null {
    return this.latest;
  }

  /** One run at a time in a process, so two administrators pressing the button do not both start (and note) the same items. */
  reconcile(options: { apply: boolean; by: ActingPerson }): Promise<ReconcileReport> {
    const report = this.running.then(() => this.run(options));
    this.running = report.catch(() => undefined);
    return report.then((done) => (this.latest = done));
  }

  private async run(options: { apply: boolean; by: ActingPerson }): Promise<ReconcileReport> {
    const started = this.now();
    const items: ReconciledItem[] = [];
    for (let after = NIL_UUID; ;) {
      const rows = (await this.dataSource.query(`${LIST_SELECT} WHERE r.id > $1 ORDER BY r.id LIMIT $2`, [
        after,
        this.batchSize,
      ])) as Listed[];
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.id;
      items.push(...(await mapWithConcurrency(rows, this.concurrency, (row) => this.reconcileOne(row, options))));
      if (rows.length < this.batchSize) break;
    }
    const counts = Object.fromEntries(reconcileActions.map((a) => [a, 0])) as Record<ReconcileAction, number>;
    for (const item of items) counts[item.action]++;
    return {
      startedAt: new Date(started).toISOString(),
      durationMs: Math.max(0, this.now() - started),
      apply: options.apply,
      counts,
      items,
    };
  }

  private async reconcileOne(listed: Listed, options: { apply: boolean; by: ActingPerson }): Promise<ReconciledItem> {
    const item = (row: Listed, found: WorkflowRunStatus | null, action: ReconcileAction, detail: string | null = null): ReconciledItem => ({
      recommendationId: row.id,
      reference: row.reference,
      reportTitle: row.reportTitle,
      status: row.status,
      version: row.version,
      found,
      action,
      detail,
    });
    if (!openStatuses.includes(listed.status)) return item(listed, null, 'skipped_closed');
    let found: WorkflowRunStatus;
    try {
      found = await this.workflows.runStatus(listed.id);
    } catch (error) {
      return item(listed, null, 'not_started', `Temporal did not say whether the workflow runs: ${messageOf(error)}`);
    }
    // A paused workflow is still open: a start would find it there (USE_EXISTING) and do nothing.
    if (found === 'running' || found === 'paused') return item(listed, found, 'already_running');
    if (!options.apply) return item(listed, found, 'would_start');
    // Read again just before starting: a command recorded since the batch was read is then in the workflow's state.
    const row = await this.openRow(listed.id);
    if (!row) return item(listed, found, 'skipped_closed');
    try {
      await this.workflows.restart(row.id, row, await this.resumeFrom(row.id));
    } catch (error) {
      return item(row, found, 'not_started', messageOf(error));
    }
    await this.dataSource.transaction((tx) =>
      recordAudit(tx, {
        actorId: options.by.actor.personId,
        actorLabel: options.by.label,
        entityType: 'recommendation',
        entityId: row.id,
        recommendationId: row.id,
        type: 'workflow_restarted',
        summary: `The workflow was ${found === 'missing' ? 'missing' : found}; started again from PostgreSQL at ${describeRecord(row)}`,
        // Nested, as for workflow_resynced: a restart changes nothing in the item's record.
        before: { workflow: { found } },
        after: { workflow: { version: row.version, status: row.status } },
      }),
    );
    return item(row, found, 'started');
  }

  /**
   * Where the new run's reminders pick up: those already sent (on the audit trail, keyed `nudge:<item>:<key>`) are
   * not sent again, and those that fell due since the item's last recorded event, within `catchUpMs`, are sent late.
   */
  private async resumeFrom(id: string): Promise<Pick<RecommendationWorkflowInput, 'sentNudgeKeys' | 'checkedUntil'>> {
    const prefix = `nudge:${id}:`;
    const [trail] = (await this.dataSource.query(
      `SELECT max(occurred_at) AS "lastEventAt",
              coalesce(array_agg(substr(idempotency_key, $3) ORDER BY occurred_at DESC)
                FILTER (WHERE starts_with(idempotency_key, $2)), '{}') AS "sentNudgeKeys"
         FROM audit_events WHERE recommendation_id = $1`,
      [id, prefix, prefix.length + 1],
    )) as { lastEventAt: Date | null; sentNudgeKeys: string[] }[];
    const now = this.now();
    const since = Math.min(now, Math.max(now - this.catchUpMs, trail?.lastEventAt ? trail.lastEventAt.getTime() : now));
    return { sentNudgeKeys: (trail?.sentNudgeKeys ?? []).slice(0, 500).reverse(), checkedUntil: new Date(since).toISOString() };
  }

  private async openRow(id: string): Promise<Row | null> {
    const [row] = (await this.dataSource.query(`${ROW_SELECT} WHERE r.id = $1 AND r.status = ANY($2)`, [id, openStatuses])) as Row[];
    return row ?? null;
  }
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Every item, closed ones too (for the report); the state, the heavy part, is read only for an item being started. */
const LIST_SELECT = `SELECT r.id, r.reference, s.title AS "reportTitle", r.status, r.version
  FROM recommendations r JOIN source_reports s ON s.id = r.report_id`;

const ROW_SELECT = `SELECT r.id, r.reference, s.title AS "reportTitle", r.status, r.version, r.state
  FROM recommendations r JOIN source_reports s ON s.id = r.report_id`;
