/**
 * How much the worker takes on at once. Thousands of reminders can fall due in the same second (issue 5's benchmark:
 * 10,000): each holds a workflow task while its local activity runs, and the more run together the larger the
 * batches their database writes are grouped into (activities/batching.ts). The workflow cache keeps the SDK's size
 * (from the heap limit) unless TEMPORAL_WORKER_CACHED_WORKFLOWS says otherwise: at 10,000 reminders due together,
 * caching them all made the burst 20 % faster (120.7 s against 149.9 s: a task for a workflow not cached replays its
 * history, and the server sends all of it) and took the worker from 2.3 to 5.7 GiB resident.
 *
 * The SDK's core walks every workflow its worker has cached for each event it handles (sdk-core's
 * WFStream::reconcile_buffered): at 10,000 cached, that walk was 18 % of the machine during the burst. Splitting the
 * cache among several SDK workers in one process (one connection each) cut the walk but cost more than it saved (an
 * isolate, pollers and a sticky queue each): 121 s with 4 and 202 s with 8, against 113–118 s with one.
 */
export const WORKER_CAPACITY = {
  // Not too many either: a workflow task the worker holds longer than its 10 s timeout is lost and runs again.
  maxConcurrentWorkflowTaskExecutions: 100,
  maxConcurrentLocalActivityExecutions: 200,
  /**
   * A workflow task waits this long for the worker that has the workflow cached before any worker may take it (and
   * replay the whole history). The SDK's 10 s is less than the queue of thousands of reminders falling due at once
   * takes to drain, so most of them were replayed twice over. A worker that has gone away stops polling, and the
   * server then sends its tasks to any worker at once; this wait only holds tasks queued before it went.
   */
  stickyQueueScheduleToStartTimeout: '1 minute',
} as const;
