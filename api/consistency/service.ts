import { QueryRejectedError } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { openStatuses, type LifecycleStatus, type RecommendationState } from '../../domain/lifecycle/states';
import { recordAudit } from '../../entities/auditTrail';
import type { ResyncResult, WorkflowRecord } from '../../workflows/messages';
import type { ActingPerson } from '../../platform/http/actor';
import {
  classify,
  classifications,
  describeRecord,
  differingFields,
  mapWithConcurrency,
  type Classification,
  type DifferenceClass,
} from './compare';
import { messageOf } from './errorMessage';

/** The two things the check asks of an item's workflow (RecommendationWorkflows has both). */
export interface CheckedWorkflows {
  /** Null when no workflow runs; a QueryRejectedError when the workflow is closed (see ./workflows.ts). */
  record(recommendationId: string): Promise<WorkflowRecord | null>;
  resync(recommendationId: string, current: WorkflowRecord): Promise<ResyncResult>;
}

export interface ConsistencyDifference {
  recommendationId: string;
  reference: string;
  reportTitle: string;
  class: DifferenceClass;
  postgres: { status: LifecycleStatus; version: number };
  workflow: { status: LifecycleStatus; version: number } | null;
  /** Why the workflow is missing or did not answer, or which fields of the state differ. */
  detail: string | null;
  healed: boolean;
  /** What the repair did, or why it did not work; null when the check only reported. */
  repair: string | null;
}

export interface ConsistencyReport {
  startedAt: string;
  durationMs: number;
  /** Whether differences were repaired (`--heal`, "Repair differences") or only reported. */
  heal: boolean;
  /** Open items looked at. */
  checked: number;
  /** Every item by what the check found, before any repair. */
  counts: Record<Classification, number>;
  differences: ConsistencyDifference[];
  /** Differences still there at the end: all of them when only reporting, those the repair did not mend otherwise. */
  remaining: number;
}

export interface ConsistencyOptions {
  /** Workflows asked at once, so that a force with thousands of items does not flood Temporal. */
  concurrency?: number;
  /** Rows read from PostgreSQL at a time. */
  batchSize?: number;
  /** Bounds each call to Temporal (a query waits for a worker); Connection.withDeadline. */
  withDeadline?: <T>(deadline: number, work: () => Promise<T>) => Promise<T>;
  /** Milliseconds one call to Temporal may take. */
  callTimeoutMs?: number;
  now?: () => number;
}

interface Row {
  id: string;
  reference: string;
  reportTitle: string;
  status: LifecycleStatus;
  version: number;
  state: RecommendationState;
}

interface Look {
  class: Classification;
  workflow: WorkflowRecord | null;
  detail: string | null;
  /** How the item's workflow ended, when it is closed rather than never started. */
  closed?: string;
}

/** Who repairs when nobody signed in asked (the command line). */
export const CHECK_ACTOR: ActingPerson = { actor: { personId: null, roles: ['administrator'] }, label: 'Consistency check' };

const closedStatusNames: Record<number, string> = {
  2: 'completed',
  3: 'failed',
  4: 'cancelled',
  5: 'terminated',
  6: 'continued as new',
  7: 'timed out',
};

/**
 * Compares every open item's workflow (its `record` query) with its row in PostgreSQL, the source of truth, and on
 * request makes each differing workflow adopt the row (`resync`), recording the repair on the item's audit trail.
 */
export class ConsistencyCheck {
  private latest: ConsistencyReport | null = null;
  private inFlight: { heal: boolean; report: Promise<ConsistencyReport> } | null = null;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly callTimeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly workflows: CheckedWorkflows,
    private readonly options: ConsistencyOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 8;
    this.batchSize = options.batchSize ?? 200;
    this.callTimeoutMs = options.callTimeoutMs ?? 15_000;
    this.now = options.now ?? Date.now;
  }

  /** The last check's report in this process, or null before the first. */
  get lastReport(): ConsistencyReport | null {
    return this.latest;
  }

  /**
   * One check at a time: a caller arriving during a check joins it when it does at least what they asked (a repair
   * run also reports), and otherwise waits for it to end before starting its own.
   */
  /**
   * `healBehind`: repair only workflows that are behind PostgreSQL (what a workflow does itself on its next command),
   * as the periodic check does; any other difference waits for a person.
   */
  async check(options: { heal: boolean; healBehind?: boolean; by?: ActingPerson }): Promise<ConsistencyReport> {
    for (;;) {
      const running = this.inFlight;
      if (!running) break;
      if (running.heal || !options.heal) return running.report;
      await running.report.catch(() => undefined);
    }
    const report = this.run(options.heal, options.by ?? CHECK_ACTOR, options.healBehind ?? false);
    const entry = { heal: options.heal, report };
    this.inFlight = entry;
    try {
      this.latest = await report;
      return this.latest;
    } finally {
      if (this.inFlight === entry) this.inFlight = null;
    }
  }

  private async run(heal: boolean, by: ActingPerson, healBehind: boolean): Promise<ConsistencyReport> {
    const started = this.now();
    const counts = Object.fromEntries(classifications.map((c) => [c, 0])) as Record<Classification, number>;
    const differences: ConsistencyDifference[] = [];
    let checked = 0;
    for (let after = NIL_UUID; ;) {
      const rows = await this.openRows(after);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.id;
      const found = await mapWithConcurrency(rows, this.concurrency, (row) => this.examine(row, heal, by, healBehind));
      for (const finding of found) {
        if (!finding) continue; // closed since the batch was read
        checked++;
        counts[finding.class]++;
        if (finding.difference) differences.push(finding.difference);
      }
      if (rows.length < this.batchSize) break;
    }
    return {
      startedAt: new Date(started).toISOString(),
      durationMs: Math.max(0, this.now() - started),
      heal,
      checked,
      counts,
      differences,
      remaining: differences.filter((d) => !d.healed).length,
    };
  }

  private async examine(
    listed: Row,
    heal: boolean,
    by: ActingPerson,
    healBehind: boolean,
  ): Promise<{ class: Classification; difference: ConsistencyDifference | null } | null> {
    let row: Row | null = listed;
    let seen = await this.look(row);
    if (seen.class !== 'agrees') {
      // A command recorded between reading the row and asking the workflow looks like a difference for a moment
      // (the row moves first, the workflow a little later): only what a second look confirms is reported.
      row = await this.openRow(listed.id);
      if (!row) return null;
      seen = await this.look(row);
    }
    if (seen.class === 'agrees') return { class: 'agrees', difference: null };
    const difference: ConsistencyDifference = {
      recommendationId: row.id,
      reference: row.reference,
      reportTitle: row.reportTitle,
      class: seen.class,
      postgres: { status: row.status, version: row.version },
      workflow: seen.workflow ? { status: seen.workflow.state.status, version: seen.workflow.version } : null,
      detail: seen.detail,
      healed: false,
      repair: null,
    };
    if (heal || (healBehind && seen.class === 'workflow_behind')) Object.assign(difference, await this.repair(row, seen, by));
    return { class: seen.class, difference };
  }

  /** What the item's workflow holds, against this row. */
  private async look(row: Row): Promise<Look> {
    let workflow: WorkflowRecord | null;
    try {
      workflow = await this.bounded(() => this.workflows.record(row.id));
    } catch (error) {
      if (error instanceof QueryRejectedError) {
        const closed = closedStatusNames[error.status] ?? 'closed';
        return { class: 'workflow_missing', workflow: null, detail: `The workflow has ${closed}`, closed };
      }
      return { class: 'unreachable', workflow: null, detail: messageOf(error) };
    }
    const found = classify(row, workflow);
    const detail =
      found === 'workflow_missing'
        ? 'No workflow has been started'
        : found === 'state_differs' && workflow
          ? `Differs in ${differingFields(workflow.state, row.state).join(', ')}`
          : null;
    return { class: found, workflow, detail };
  }

  /** Makes the workflow adopt the row, then looks again; the repair goes on the item's audit trail. */
  private async repair(row: Row, seen: Look, by: ActingPerson): Promise<Pick<ConsistencyDifference, 'healed' | 'repair'>> {
    // A workflow that does not answer a query would not take an update either; a person looks into it first.
    if (seen.class === 'unreachable') return { healed: false, repair: 'Not repaired: the workflow did not answer' };
    try {
      await this.bounded(() => this.workflows.resync(row.id, { state: row.state, version: row.version }));
    } catch (error) {
      return { healed: false, repair: `Not repaired: ${messageOf(error)}` };
    }
    const now = await this.openRow(row.id);
    const after: Look = now ? await this.look(now) : { class: 'agrees', workflow: null, detail: null };
    const healed = after.class === 'agrees';
    const was = seen.workflow
      ? `Workflow was at ${describeRecord(seen.workflow)}`
      : seen.closed
        ? `The workflow had ${seen.closed}`
        : 'No workflow was running';
    const fields =
      seen.class === 'state_differs' && seen.detail ? `, the state differing in ${seen.detail.replace(/^Differs in /, '')}` : '';
    const outcome = healed
      ? seen.workflow
        ? 'the workflow now follows PostgreSQL'
        : 'the workflow was started from PostgreSQL'
      : `the workflow was asked to follow PostgreSQL but still differs (${after.class.replace(/_/g, ' ')})`;
    const summary = `${was}; PostgreSQL at ${describeRecord(row)}${fields}; ${outcome}`;
    await this.dataSource.transaction((tx) =>
      recordAudit(tx, {
        actorId: by.actor.personId,
        actorLabel: by.label,
        entityType: 'recommendation',
        entityId: row.id,
        recommendationId: row.id,
        type: 'workflow_resynced',
        summary,
        // Nested on purpose: papers and state intervals fold top-level `status`, `ownerId`… of a recommendation's events
        // into its history, and a repair changes nothing in PostgreSQL.
        before: {
          workflow: seen.workflow ? { version: seen.workflow.version, status: seen.workflow.state.status } : null,
          finding: seen.class,
        },
        after: {
          workflow: after.workflow ? { version: after.workflow.version, status: after.workflow.state.status } : null,
          finding: after.class,
        },
      }),
    );
    return { healed, repair: summary };
  }

  private bounded<T>(work: () => Promise<T>): Promise<T> {
    return this.options.withDeadline ? this.options.withDeadline(Date.now() + this.callTimeoutMs, work) : work();
  }

  private openRows(afterId: string): Promise<Row[]> {
    return this.dataSource.query(`${ROW_SELECT} WHERE r.status = ANY($1) AND r.id > $2 ORDER BY r.id LIMIT $3`, [
      openStatuses,
      afterId,
      this.batchSize,
    ]) as Promise<Row[]>;
  }

  private async openRow(id: string): Promise<Row | null> {
    const [row] = (await this.dataSource.query(`${ROW_SELECT} WHERE r.id = $1 AND r.status = ANY($2)`, [id, openStatuses])) as Row[];
    return row ?? null;
  }
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const ROW_SELECT = `SELECT r.id, r.reference, s.title AS "reportTitle", r.status, r.version, r.state
  FROM recommendations r JOIN source_reports s ON s.id = r.report_id`;
