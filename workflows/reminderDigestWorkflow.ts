import { continueAsNew, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { nextDigestRunQuery } from './messages';

export { reminderDigestWorkflowId } from './messages';

const { queueDueDigests, nextDigestSlot, sendOutboundEmails } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * One per force: at each digest slot (the policy's send time on working days), every person's waiting routine
 * reminders go out as one email. `everyMs` replaces the daily slot in tests.
 */
export async function reminderDigestWorkflow(input: { everyMs?: number } = {}): Promise<void> {
  let slot: string | null = null;
  setHandler(nextDigestRunQuery, () => ({ at: slot, settingsRevision: null }));
  for (let round = 0; round < 200; round++) {
    slot = input.everyMs ? new Date(Date.now() + input.everyMs).toISOString() : await nextDigestSlot({ after: new Date(Date.now()).toISOString() });
    await sleep(Math.max(1, Date.parse(slot) - Date.now()));
    const { outboxIds } = await queueDueDigests({ slot });
    if (outboxIds.length) await sendOutboundEmails(outboxIds);
  }
  await continueAsNew<typeof reminderDigestWorkflow>(input);
}
