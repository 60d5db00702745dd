import type { ClosureHow } from './states';
import { Change, tell } from './change';
import type { CommandContext } from './context';

/** Closes the item (every way of closing shares this): drops what was still pending, keeps a completed approval chain. */
export function close(change: Change, how: ClosureHow, reason: string, context: CommandContext, supersededBy: string | null = null): void {
  const state = change.state;
  const approval = state.approval && state.approval.current >= state.approval.steps.length ? state.approval : null;
  change.record(
    { type: 'closed', how, reason, supersededBy },
    {
      status: 'closed',
      closure: {
        how,
        on: context.today,
        by: context.actor.personId,
        reason,
        supersededBy,
        afterDueDate: state.dueDate !== null && context.today > state.dueDate,
      },
      pendingExtension: null,
      atRisk: null,
      approval,
      notForTheForceReason: null,
    },
    [tell(state.ownerId, 'item_closed'), tell(state.leadId, 'item_closed')],
  );
}
