import { bundleWorkflowCode } from '@temporalio/worker';

/**
 * How the workflow code is bundled, for the worker and for the bundles tests and benchmarks build once.
 *
 * With the SDK's reusable V8 context, every workflow evaluates its own copy of each module it imports, unless the
 * module is preloaded: then one copy, evaluated once and frozen, is shared by all. The domain rules are pure (no
 * per-workflow state; their only module-level values are constants, and the default calendar's memo of each year's
 * bank holidays, the same whichever workflow fills it), so they are preloaded: a workflow's start, or its replay
 * after leaving the cache, no longer rebuilds the lifecycle rules and the bank holiday calendar, and each cached
 * workflow keeps only its own state. The workflow modules themselves and the SDK's stay per workflow.
 */
export const workflowsPath = require.resolve('../workflows');

export const preloadedWorkflowModules: string[] = [
  'calendar',
  'vocabulary',
  'delegation',
  'approvalRouting',
  'lifecycle/states',
  'lifecycle',
  'bankHolidays',
  'workingDays',
  'reminders/durations',
  'reminders/offsets',
  'reminders/committee',
  'reminders/policy',
  'reminders/plan',
].map((name) => require.resolve(`../domain/${name}`));

export const workflowBundlerOptions = { preloadModules: preloadedWorkflowModules };

/**
 * With tracing (OTEL_EXPORTER_OTLP_ENDPOINT), the OpenTelemetry workflow interceptors: a span for each update, its
 * validation and each activity it schedules, carried to the activity in its headers, exported through the worker's
 * sink. Only then: a bundle holding them needs the worker to have the sink. Their spans write nothing to the
 * workflow's history, and histories written by SDK 1.13.2 or later replay the same with or without them.
 */
export const tracedWorkflowModules: string[] = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

/** The bundle tests and benchmarks build once and hand to each worker they start (webpack's own messages are dropped). */
export async function buildWorkflowBundle(
  onError: (message: string) => void,
  options: { traced?: boolean } = {},
): Promise<{ code: string }> {
  const silent = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    ...workflowBundlerOptions,
    ...(options.traced ? { workflowInterceptorModules: tracedWorkflowModules } : {}),
    logger: { trace: silent, debug: silent, info: silent, warn: silent, log: silent, error: onError },
  });
  return { code };
}
