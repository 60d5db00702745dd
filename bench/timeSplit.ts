import type { WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';

/**
 * Where a lifecycle command's time goes inside Temporal, read from a recommendation workflow's own history.
 * Commands reach one item one at a time, so each update's events follow each other:
 *
 *   workflow task scheduled (the update arrived) → update accepted → recordTransition scheduled → started →
 *   completed → update completed
 */
export interface UpdateTimeline {
  /** Update arrived → accepted: the workflow task that runs the validator and starts the handler. */
  admitMs: number;
  /** Accepted → recordTransition scheduled (same workflow task, so about zero). */
  scheduleMs: number;
  /** Activity scheduled → picked up by the worker. */
  activityQueueMs: number;
  /** Activity started → completed: the PostgreSQL transaction and the round trip of its result. */
  activityRunMs: number;
  /** Activity completed → update completed: the workflow task that resumes the handler and returns. */
  resumeMs: number;
  /** Update arrived → completed. */
  totalMs: number;
}

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

export function updateTimelines(events: readonly HistoryEvent[], activityName = 'recordTransition'): UpdateTimeline[] {
  const timelines: UpdateTimeline[] = [];
  let lastTaskScheduled: number | null = null;
  let open: {
    arrived: number;
    accepted: number;
    scheduled?: number;
    started?: number;
    completed?: number;
    activityEventId?: string;
  } | null = null;
  const started = new Map<string, number>();

  for (const event of events) {
    const at = tsToMs(event.eventTime);
    if (event.workflowTaskScheduledEventAttributes) lastTaskScheduled = at;
    else if (event.workflowExecutionUpdateAcceptedEventAttributes) open = { arrived: lastTaskScheduled ?? at, accepted: at };
    else if (event.activityTaskScheduledEventAttributes) {
      if (open && open.scheduled === undefined && event.activityTaskScheduledEventAttributes.activityType?.name === activityName) {
        open.scheduled = at;
        open.activityEventId = String(event.eventId);
      }
    } else if (event.activityTaskStartedEventAttributes) {
      started.set(String(event.activityTaskStartedEventAttributes.scheduledEventId), at);
    } else if (event.activityTaskCompletedEventAttributes) {
      const scheduledId = String(event.activityTaskCompletedEventAttributes.scheduledEventId);
      if (open && open.activityEventId === scheduledId) {
        open.started = started.get(scheduledId) ?? at;
        open.completed = at;
      }
    } else if (event.workflowExecutionUpdateCompletedEventAttributes && open) {
      if (open.scheduled !== undefined && open.started !== undefined && open.completed !== undefined) {
        timelines.push({
          admitMs: open.accepted - open.arrived,
          scheduleMs: open.scheduled - open.accepted,
          activityQueueMs: open.started - open.scheduled,
          activityRunMs: open.completed - open.started,
          resumeMs: at - open.completed,
          totalMs: at - open.arrived,
        });
      }
      open = null;
    }
  }
  return timelines;
}

/** What a workflow's history holds: workflow tasks completed, updates completed, and activities scheduled by type. */
export interface HistoryCounts {
  workflowTasks: number;
  updates: number;
  activities: Record<string, number>;
}

export function historyCounts(events: readonly HistoryEvent[]): HistoryCounts {
  const counts: HistoryCounts = { workflowTasks: 0, updates: 0, activities: {} };
  for (const event of events) {
    if (event.workflowTaskCompletedEventAttributes) counts.workflowTasks++;
    else if (event.workflowExecutionUpdateCompletedEventAttributes) counts.updates++;
    else if (event.activityTaskScheduledEventAttributes) {
      const name = event.activityTaskScheduledEventAttributes.activityType?.name ?? 'unknown';
      counts.activities[name] = (counts.activities[name] ?? 0) + 1;
    }
  }
  return counts;
}
