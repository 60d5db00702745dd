import { ApplicationFailure, type Client, WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { RecommendationState } from '../../domain/lifecycle';
import {
  COMMAND_REFUSED,
  commandUpdate,
  recommendationWorkflowId,
  recommendationWorkflowType,
  remindersChangedSignal,
  stateQuery,
  type CommandRequest,
  type ReminderSettings,
  type CommandResult,
  type RecommendationWorkflowInput,
} from '../../workflows/messages';
import { ApiProblem } from '../problem';

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

  private async startOptions(recommendationId: string, state: RecommendationState) {
    const input: RecommendationWorkflowInput = { state, historyLimit: this.historyLimit, reminders: await this.reminderSettings() };
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

  /** Starting twice is a no-op: the workflow id is the recommendation's. */
  async ensureStarted(recommendationId: string, state: RecommendationState): Promise<void> {
    await this.client.workflow.start(recommendationWorkflowType, await this.startOptions(recommendationId, state));
  }

  /**
   * Sends a command; starts the workflow first if it is missing (say, the api crashed between saving the row
   * and starting it). A command the lifecycle refuses becomes a 409 with the lifecycle's reason.
   *
   * The workflow almost always runs already, so the plain update goes first: update-with-start would read the
   * reminder settings for a start that does not happen, and costs the server more than an update.
   */
  async command(recommendationId: string, currentState: RecommendationState, request: CommandRequest): Promise<CommandResult> {
    try {
      try {
        return await this.client.workflow.getHandle(recommendationWorkflowId(recommendationId)).executeUpdate(commandUpdate, { args: [request] });
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
      return await this.client.workflow.executeUpdateWithStart(commandUpdate, {
        args: [request],
        startWorkflowOperation: new WithStartWorkflowOperation(recommendationWorkflowType, await this.startOptions(recommendationId, currentState)),
      });
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === COMMAND_REFUSED) {
        throw ApiProblem.refused(error.cause.message);
      }
      throw error;
    }
  }

  async state(recommendationId: string): Promise<RecommendationState | null> {
    try {
      return await this.client.workflow.getHandle(recommendationWorkflowId(recommendationId)).query(stateQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    }
  }
}
