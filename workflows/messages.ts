import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, LifecycleCommand, RecommendationState } from '../domain/lifecycle';

/** The messages of a recommendation's workflow, defined once for the workflow and the api alike. */

export const recommendationWorkflowType = 'recommendationWorkflow';

export function recommendationWorkflowId(recommendationId: string): string {
  return `recommendation-${recommendationId}`;
}

export interface RecommendationWorkflowInput {
  state: RecommendationState;
  /** Outbox rows recorded but not yet sent, carried across continue-as-new. */
  unsentEmailIds?: string[];
}

export interface CommandRequest {
  command: LifecycleCommand;
  actor: Actor;
  /** The actor's name at the time, for the audit trail. */
  actorLabel: string;
}

export interface CommandResult {
  state: RecommendationState;
  transitionId: string;
}

/** Error type of a command the lifecycle refuses; the api answers it with 409 and the reason. */
export const COMMAND_REFUSED = 'CommandRefused';

export const commandUpdate = defineUpdate<CommandResult, [CommandRequest]>('command');
export const stateQuery = defineQuery<RecommendationState>('state');
