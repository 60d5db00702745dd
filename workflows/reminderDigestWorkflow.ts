import { condition, continueAsNew, patched, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { nextDigestRunQuery, reminderSettingsChangedSignal } from './messages';

export { reminderDigestWorkflowId } from './messages';

const { queueDueDigests, nextDigestSlot, nextDigestPlan, sendOutboundEmails } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** Signals every open item in pages; the heartbeat keeps its progress, so a retry after a crash carries on. */
const { propagateReminderSettings } = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export interface ReminderDigestInput {
  /** Replaces the daily slot in tests. */
  everyMs?: number;
  /** The settings revision already handed to every item, carried across continue-as-new. */
  settingsRevision?: number;
}

/**
 * One per force: at each digest slot (the policy's send time on working days), every person's waiting routine
 * reminders go out as one email. When the reminder settings change (a signal from the api, or a later revision seen
 * at the next slot), it hands them to every open item's workflow and moves its own timer to the new send time.
 */
export async function reminderDigestWorkflow(input: ReminderDigestInput = {}): Promise<void> {
  let slot: string | null = null;
  /** The revision every open item has been handed (null: none yet in this workflow's life). */
  let handedOut: number | null = input.settingsRevision ?? null;
  let latest: number | null = handedOut;
  const heardOf = (revision: number) => {
    if (latest === null || revision > latest) latest = revision;
  };
  const behind = () => latest !== null && (handedOut === null || latest > handedOut);
  setHandler(nextDigestRunQuery, () => ({ at: slot, settingsRevision: handedOut }));
  setHandler(reminderSettingsChangedSignal, ({ revision }) => heardOf(revision));

  for (let round = 0; round < 200; round++) {
    const after = new Date(Date.now()).toISOString();
    if (!patched('digest-follows-settings')) {
      // Rounds recorded before settings changes reached the digest: a plain timer at the slot as it was computed.
      slot = input.everyMs ? new Date(Date.now() + input.everyMs).toISOString() : await nextDigestSlot({ after });
      await sleep(Math.max(1, Date.parse(slot) - Date.now()));
    } else {
      if (input.everyMs) slot = new Date(Date.now() + input.everyMs).toISOString();
      else {
        const plan = await nextDigestPlan({ after });
        slot = plan.slot;
        // A change whose signal never came (the api stopped after saving) is caught here, at the latest a slot later.
        heardOf(plan.settingsRevision);
      }
      if (behind()) {
        handedOut = (await propagateReminderSettings()).revision;
        continue;
      }
      const seen = latest;
      if (await condition(() => latest !== seen, Math.max(1, Date.parse(slot) - Date.now()))) continue;
    }
    const { outboxIds } = await queueDueDigests({ slot });
    if (outboxIds.length) await sendOutboundEmails(outboxIds);
  }
  await continueAsNew<typeof reminderDigestWorkflow>({ ...input, settingsRevision: handedOut ?? undefined });
}
