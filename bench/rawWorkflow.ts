import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

/**
 * The baseline of `npm run bench`: the cheapest workflow that answers updates. Its one update handler bumps a
 * counter and returns it (no activities, no validator), so an update costs one workflow task round trip.
 * The workflow ends by itself once it has answered the updates it was started for.
 */
export const incrementUpdate = defineUpdate<number>('increment');

export const rawWorkflowType = 'benchCounterWorkflow';

export async function benchCounterWorkflow(expectedUpdates: number): Promise<number> {
  let count = 0;
  setHandler(incrementUpdate, () => ++count);
  await condition(() => count >= expectedUpdates);
  return count;
}
