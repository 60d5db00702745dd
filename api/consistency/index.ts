import { Client, type ConnectionLike } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { ReminderSettings } from '../../workflows/messages';
import { RecommendationWorkflows } from '../recommendations/workflowGateway';
import { ConsistencyCheck, type ConsistencyOptions } from './service';
import { WorkflowReconciler, type ReconcileOptions } from './reconcile';

export { ConsistencyCheck, CHECK_ACTOR, type ConsistencyDifference, type ConsistencyReport } from './service';
export { WorkflowReconciler, reconcileActions, type ReconcileAction, type ReconcileReport, type ReconciledItem } from './reconcile';
export { classificationLabels, classifications, differenceClasses, type Classification, type DifferenceClass } from './compare';

export interface ConsistencyCheckSetup {
  dataSource: DataSource;
  connection: ConnectionLike;
  namespace: string;
  taskQueue: string;
  /** For a workflow the repair has to start again (RecommendationWorkflows' start options). */
  reminderSettings: () => Promise<ReminderSettings>;
  historyLimit?: number;
  options?: Omit<ConsistencyOptions, 'withDeadline'>;
}

/**
 * The check asks through a gateway of its own whose client refuses queries to closed workflows: a terminated workflow
 * still answers a query (from its last state, by replay) and would look as if it were running.
 */
export function createConsistencyCheck(setup: ConsistencyCheckSetup): ConsistencyCheck {
  const client = new Client({ connection: setup.connection, namespace: setup.namespace, workflow: { queryRejectCondition: 'NOT_OPEN' } });
  const workflows = new RecommendationWorkflows(client, setup.taskQueue, setup.reminderSettings, setup.historyLimit);
  return new ConsistencyCheck(setup.dataSource, workflows, {
    ...setup.options,
    withDeadline: (deadline, work) => setup.connection.withDeadline(deadline, work),
  });
}

/**
 * The reconcile describes each workflow (a closed run counts as not running) and starts the missing ones through the
 * product's gateway, with the force's reminder settings as they are now.
 */
export function createWorkflowReconciler(
  setup: Omit<ConsistencyCheckSetup, 'options'> & { options?: ReconcileOptions },
): WorkflowReconciler {
  const client = new Client({ connection: setup.connection, namespace: setup.namespace });
  const workflows = new RecommendationWorkflows(client, setup.taskQueue, setup.reminderSettings, setup.historyLimit);
  return new WorkflowReconciler(setup.dataSource, workflows, setup.options);
}
