import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { queueDueDigests, nextDigestSlot, sendOutboundEmails } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export function reminderDigestWorkflowId(taskQueue: string): string {
  return `reminder-digests-${taskQueue}`;
}

/**
 * One per force: at each digest slot (the policy's send time on working days), every person's waiting routine
 * reminders go out as one email. `everyMs` replaces the daily slot in tests.
 */
export async function reminderDigestWorkflow(input: { everyMs?: number } = {}): Promise<void> {
  for (let round = 0; round < 200; round++) {
    const slot = input.everyMs ? new Date(Date.now() + input.everyMs).toISOString() : await nextDigestSlot({ after: new Date(Date.now()).toISOString() });
    await sleep(Math.max(1, Date.parse(slot) - Date.now()));
    const { outboxIds } = await queueDueDigests({ slot });
    if (outboxIds.length) await sendOutboundEmails(outboxIds);
  }
  await continueAsNew<typeof reminderDigestWorkflow>(input);
}
