import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { loadReminderSettings } from '../entities/reminderSettings';
import { recommendationWorkflowId, remindersChangedSignal } from '../workflows/messages';

const PAGE = 200;
const AT_ONCE = 20;
const FIRST_ID = '00000000-0000-0000-0000-000000000000';

/** Where a run of the hand-out got to, kept in its heartbeat so a retry after a crash carries on from there. */
interface Progress {
  revision: number;
  afterId: string;
}

/**
 * Hands the force's current reminder settings to the workflow of every item that is not closed, whatever its state
 * (a closed item that is reopened picks them up from its next command), in id order and pages, in batches of
 * signals. Idempotent: a workflow ignores settings it already holds, so a retry after a crash half-way signals some
 * items twice and changes nothing; the heartbeat keeps the last id done, so the retry starts there.
 */
export function propagateReminderSettingsActivity(dataSource: DataSource) {
  return async function propagateReminderSettings(): Promise<{ revision: number; signalled: number }> {
    const context = Context.current();
    const settings = await loadReminderSettings(dataSource.manager);
    const revision = settings.revision ?? 0;
    const resumed = context.info.heartbeatDetails as Progress | undefined;
    let afterId = resumed?.revision === revision ? resumed.afterId : FIRST_ID;
    let signalled = 0;
    for (;;) {
      const rows = (await dataSource.query(
        `SELECT id FROM recommendations WHERE status <> 'closed' AND id > $1 ORDER BY id LIMIT ${PAGE}`,
        [afterId],
      )) as { id: string }[];
      if (rows.length === 0) break;
      for (let i = 0; i < rows.length; i += AT_ONCE) {
        await Promise.all(
          rows.slice(i, i + AT_ONCE).map(async ({ id }) => {
            try {
              await context.client.workflow.getHandle(recommendationWorkflowId(id)).signal(remindersChangedSignal, settings);
              signalled++;
            } catch (error) {
              // An item whose workflow is not running is handed the settings in force when it starts.
              if (!(error instanceof WorkflowNotFoundError)) throw error;
            }
          }),
        );
      }
      afterId = rows[rows.length - 1]!.id;
      context.heartbeat({ revision, afterId } satisfies Progress);
    }
    return { revision, signalled };
  };
}
