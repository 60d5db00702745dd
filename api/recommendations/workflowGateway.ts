import { randomUUID } from 'node:crypto';
import {
  ApplicationFailure,
  type Client,
  isGrpcServiceError,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowExecutionStatusName,
} from '@temporalio/client';
import type { RecommendationState } from '../../domain/lifecycle';
import {
  COMMAND_REFUSED,
  commandUpdate,
  recommendationWorkflowId,
  recommendationWorkflowType,
  recordQuery,
  reminderDigestWorkflowId,
  reminderSettingsChangedSignal,
  remindersChangedSignal,
  reminderScheduleQuery,
  resyncUpdate,
  stateQuery,
  VERSION_MISMATCH,
  type CommandRequest,
  type CommandResult,
  type RecommendationWorkflowInput,
  type ReminderSchedule,
  type ReminderSettings,
  type ResyncResult,
  type WorkflowRecord,
} from '../../workflows/messages';
import { ApiProblem } from '../../platform/http/problem';

export type WorkflowRunStatus = 'running' | 'missing' | Lowercase<Exclude<WorkflowExecutionStatusName, 'RUNNING'>>;

/** The api's only door to Temporal: start a recommendation's workflow, send it commands, ask its state. */
export class RecommendationWorkflows {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    /** The force's reminder settings as they are now, handed to each workflow when it starts. */
    private readonly reminderSettings: () => Promise<ReminderSettings>,
    /** Passed to new workflows; see RecommendationWorkflowInput.historyLimit. */
    private readonly historyLimit?: number,
  ) {}

  private async startOptions(recommendationId: string, state: RecommendationState, version: number) {
    const input: RecommendationWorkflowInput = {
      state,
      version,
      historyLimit: this.historyLimit,
      reminders: await this.reminderSettings(),
    };
    return {
      workflowId: recommendationWorkflowId(recommendationId),
      taskQueue: this.taskQueue,
      args: [input] as [RecommendationWorkflowInput],
      workflowIdConflictPolicy: 'USE_EXISTING' as const,
    };
  }

  /** Tells a running workflow the reminder settings changed, so it reschedules at once. */
  async remindersChanged(recommendationId: string, settings: ReminderSettings): Promise<void> {
    try {
      await this.client.workflow.getHandle(recommendationWorkflowId(recommendationId)).signal(remindersChangedSignal, settings);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }

  /**
   * Tells the digest workflow the reminder settings changed: it hands them to every open item (an activity, retried
   * and resumed after a crash) and moves its own timer. False when it is not running (no worker has started yet).
   */
  async reminderSettingsChanged(revision: number): Promise<boolean> {
    try {
      await this.client.workflow.getHandle(reminderDigestWorkflowId(this.taskQueue)).signal(reminderSettingsChangedSignal, { revision });
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  /**
   * Whether the item's workflow runs: `running`, `missing` (never started, or its history is gone), or how it closed
   * (`terminated`, `failed`…).
   */
  async runStatus(recommendationId: string): Promise<WorkflowRunStatus> {
    try {
      const { status } = await this.client.workflow.getHandle(recommendationWorkflowId(recommendationId)).describe();
      return status.name === 'RUNNING'
        ? 'running'
        : (status.name.toLowerCase() as Lowercase<Exclude<WorkflowExecutionStatusName, 'RUNNING'>>);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'missing';
      throw error;
    }
  }

  /**
   * Starts the item's workflow again from its record in PostgreSQL. A run that is still going is left alone
   * (USE_EXISTING); a closed one (terminated, failed…) gives way to a new run (ALLOW_DUPLICATE). `resume` carries
   * the reminders already sent and where planning starts, so none is sent twice.
   */
  async restart(
    recommendationId: string,
    record: { state: RecommendationState; version: number },
    resume: Pick<RecommendationWorkflowInput, 'sentNudgeKeys' | 'checkedUntil'>,
  ): Promise<void> {
    const options = await this.startOptions(recommendationId, record.state, record.version);
    await this.client.workflow.start(recommendationWorkflowType, {
      ...options,
      args: [{ ...options.args[0], ...resume }],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
  }

  /** Starting twice is a no-op: the workflow id is the recommendation's. `version`: the row's, as `state` was read. */
  async ensureStarted(recommendationId: string, state: RecommendationState, version: number): Promise<void> {
    await this.client.workflow.start(recommendationWorkflowType, await this.startOptions(recommendationId, state, version));
  }

  /**
   * Sends a command as an update whose id is the request's key, so a retry of the same request (by the client, or by
   * Temporal's client after a lost connection) joins the first instead of acting twice. Starts the workflow first if it
   * is missing (say, the api crashed between saving the row and starting it). The lifecycle's refusal becomes 409, a
   * stale version 412; when Temporal cannot say what happened, 503 asks for a retry with the same key.
   *
   * The workflow almost always runs already, so the plain update goes first: update-with-start would read the
   * reminder settings for a start that does not happen, and costs the server more than an update.
   */
  async command(
    recommendationId: string,
    current: { state: RecommendationState; version: number },
    request: CommandRequest,
  ): Promise<CommandResult> {
    try {
      try {
        return await this.client.workflow
          .getHandle(recommendationWorkflowId(recommendationId))
          .executeUpdate(commandUpdate, { args: [request], updateId: request.commandId });
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
      return await this.client.workflow.executeUpdateWithStart(commandUpdate, {
        args: [request],
        updateId: request.commandId,
        startWorkflowOperation: new WithStartWorkflowOperation(
          recommendationWorkflowType,
          await this.startOptions(recommendationId, current.state, current.version),
        ),
      });
    } catch (error) {
      throw commandProblem(error, request.commandId);
    }
  }

  async state(recommendationId: string): Promise<RecommendationState | null> {
    return (await this.record(recommendationId))?.state ?? null;
  }

  /** The workflow's state and version, or null when the item has no running workflow. */
  async record(recommendationId: string): Promise<WorkflowRecord | null> {
    try {
      return await this.client.workflow.getHandle(recommendationWorkflowId(recommendationId)).query(recordQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }

  /** What the item's workflow plans, by its own query; null when the item has no running workflow. */
  async reminderSchedule(recommendationId: string): Promise<ReminderSchedule | null> {
    try {
      return await this.client.workflow.getHandle(recommendationWorkflowId(recommendationId)).query(reminderScheduleQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }

  /** Makes the workflow read its item back from PostgreSQL and adopt it; starts it from `current` if it is not running. */
  async resync(recommendationId: string, current: { state: RecommendationState; version: number }): Promise<ResyncResult> {
    const handle = this.client.workflow.getHandle(recommendationWorkflowId(recommendationId));
    try {
      return await handle.executeUpdate(resyncUpdate, { args: [], updateId: `resync-${randomUUID()}` });
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    await this.ensureStarted(recommendationId, current.state, current.version);
    const after = { state: current.state, version: current.version };
    return { before: after, after, changed: true };
  }
}

/** What the caller is told when a command did not come back with a result. */
function commandProblem(error: unknown, commandId: string): unknown {
  if (error instanceof ApiProblem) return error;
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    if (error.cause.type === COMMAND_REFUSED) return ApiProblem.refused(error.cause.message);
    if (error.cause.type === VERSION_MISMATCH) {
      const current = Number(error.cause.details?.[0]);
      return new ApiProblem(
        412,
        'Someone else changed this recommendation',
        `${error.cause.message} Reload it and make your change again. Nothing was saved.`,
        [],
        { ETag: `"${current}"` },
      );
    }
  }
  if (error instanceof WorkflowUpdateFailedError) return error;
  // Anything else (Temporal unreachable, a timeout, a server restart): the command may or may not have been recorded.
  if (isOutcomeUnknown(error)) return ApiProblem.outcomeUnknown(commandId);
  return error;
}

/** gRPC status codes after which a call may or may not have taken effect: CANCELLED, UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE. */
const unknownOutcomeCodes = new Set<number>([1, 2, 4, 8, 10, 13, 14]);

function isOutcomeUnknown(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (isGrpcServiceError(e) && unknownOutcomeCodes.has(e.code)) return true;
    const name = (e as { name?: string }).name ?? '';
    if (/Timeout|Unavailable|Connection/i.test(name)) return true;
    const message = (e as { message?: string }).message ?? '';
    if (/ECONNREFUSED|ECONNRESET|UNAVAILABLE|deadline|socket hang up|No connection established/i.test(message)) return true;
  }
  return false;
}
