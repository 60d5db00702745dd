import { ApplicationFailure, type Client, WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { RecommendationState } from '../../domain/lifecycle';
import {
  COMMAND_REFUSED,
  commandUpdate,
  recommendationWorkflowId,
  recommendationWorkflowType,
  stateQuery,
  type CommandRequest,
  type CommandResult,
  type RecommendationWorkflowInput,
} from '../../workflows/messages';
import { ApiProblem } from '../problem';

/** The api's only door to Temporal: start a recommendation's workflow, send it commands, ask its state. */
export class RecommendationWorkflows {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    /** Passed to new workflows; see RecommendationWorkflowInput.historyLimit. */
    private readonly historyLimit?: number,
  ) {}

  private startOptions(recommendationId: string, state: RecommendationState) {
    return {
      workflowId: recommendationWorkflowId(recommendationId),
      taskQueue: this.taskQueue,
      args: [{ state, historyLimit: this.historyLimit } satisfies RecommendationWorkflowInput] as [RecommendationWorkflowInput],
      workflowIdConflictPolicy: 'USE_EXISTING' as const,
    };
  }

  /** Starting twice is a no-op: the workflow id is the recommendation's. */
  async ensureStarted(recommendationId: string, state: RecommendationState): Promise<void> {
    await this.client.workflow.start(recommendationWorkflowType, this.startOptions(recommendationId, state));
  }

  /**
   * Sends a command; starts the workflow first if it is missing (say, the api crashed between saving the row
   * and starting it). A command the lifecycle refuses becomes a 409 with the lifecycle's reason.
   */
  async command(recommendationId: string, currentState: RecommendationState, request: CommandRequest): Promise<CommandResult> {
    try {
      return await this.client.workflow.executeUpdateWithStart(commandUpdate, {
        args: [request],
        startWorkflowOperation: new WithStartWorkflowOperation(recommendationWorkflowType, this.startOptions(recommendationId, currentState)),
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
