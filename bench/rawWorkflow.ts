import { allHandlersFinished, condition, defineUpdate, proxyLocalActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';

/**
 * The baselines of the benchmarks: the cheapest workflows that do what the product's do.
 *
 * Lifecycle (`npm run bench`): a workflow that answers updates. Its one update handler bumps a counter and returns it
 * (no activities, no validator), so an update costs one workflow task round trip. The workflow ends by itself once it
 * has answered the updates it was started for.
 */
export const incrementUpdate = defineUpdate<number>('increment');

export const rawWorkflowType = 'benchCounterWorkflow';

export async function benchCounterWorkflow(expectedUpdates: number): Promise<number> {
  let count = 0;
  setHandler(incrementUpdate, () => ++count);
  await condition(() => count >= expectedUpdates);
  return count;
}

/**
 * What the floors' local activities do: one short email over the product's own pooled SMTP mailer, and for a command
 * first one PostgreSQL transaction.
 */
export interface FloorActivities {
  sendFloorEmail(input: { to: string; messageId: string }): Promise<void>;
  recordFloorCommand(input: { workflowId: string; n: number; to: string; messageId: string }): Promise<void>;
}

const { sendFloorEmail, recordFloorCommand } = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '1 minute' });

export const floorCommandUpdate = defineUpdate<number>('command');

export const commandFloorWorkflowType = 'benchCommandFloorWorkflow';

/**
 * Lifecycle's floor (`npm run bench`): the cheapest workflow that does what every lifecycle command must. Its update
 * handler runs one local activity that writes the command in one PostgreSQL transaction (the item's row and one audit
 * row) and then sends one email, as each of the product's commands sends one; then it answers. Its commands arrive
 * over HTTP in the worker's own process (bench/rawWorkerProcess.ts): no sign-in, no lifecycle rules, no rendering.
 */
export async function benchCommandFloorWorkflow(expectedUpdates: number): Promise<number> {
  let count = 0;
  setHandler(floorCommandUpdate, async () => {
    const n = ++count;
    const { workflowId } = workflowInfo();
    await recordFloorCommand({ workflowId, n, to: 'owner@bench.police.uk', messageId: `<${workflowId}.${n}@floor.bench>` });
    return n;
  });
  await condition(() => count >= expectedUpdates && allHandlersFinished());
  return count;
}

export const reminderFloorWorkflowType = 'benchReminderFloorWorkflow';

/**
 * Reminders (`npm run bench:reminders`): a durable timer until an instant, then one email from a local activity, as
 * the product's reminder is one (no database, no rendering, no audit trail), then waits for nothing, as an item's
 * workflow waits after its last reminder (closing a workflow would cost the server more than a reminder does).
 * Thousands due at once show what this Temporal server and one worker process can do at best on the machine.
 */
export async function benchReminderFloorWorkflow(input: { at: number; to: string; messageId: string }): Promise<void> {
  await sleep(Math.max(1, input.at - Date.now()));
  await sendFloorEmail({ to: input.to, messageId: input.messageId });
  await condition(() => false);
}
