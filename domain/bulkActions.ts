import { formatLongDate } from './calendar';
import { ownedStatuses, type LifecycleCommand, type LifecycleCommandType, type RecommendationState } from './lifecycle';
import { closureCategoryLabels, type ClosureCategory } from './vocabulary';

/**
 * Bulk actions: one choice applied to several items, each through its own lifecycle command. This says which command
 * each item gets and how the change reads; the lifecycle still decides, item by item, whether it may happen.
 */
export const bulkActionKinds = ['setCategory', 'markNotForTheForce', 'assign'] as const;
export type BulkActionKind = (typeof bulkActionKinds)[number];

export type BulkAction =
  | { kind: 'setCategory'; category: ClosureCategory }
  | { kind: 'markNotForTheForce'; reason: string }
  /** Owner and/or lead and/or due date; `reason` is what a handover of work under way records. */
  | { kind: 'assign'; ownerId?: string; leadId?: string; dueDate?: string; reason?: string };

export const bulkActionLabels: Record<BulkActionKind, string> = {
  setCategory: 'Set the closure category',
  markNotForTheForce: 'Mark not for the force',
  assign: 'Assign or hand over: owner, lead and due date',
};

/** Statuses in which the owner, lead and due date are set by assigning; past them, the item is handed over. */
const assignable: readonly RecommendationState['status'][] = ['logged', 'assigned', 'reopened'];

/**
 * The command one item gets, or why none can be made for it (with the command's type, so the lifecycle's own refusal
 * can be given first). Assigning fills what the action leaves out from the item (an item waiting for triage needs all
 * three); work under way is handed over instead, and keeps its due date, which only an extension moves. In any other
 * state the item gets the assignment, which the lifecycle refuses with its reason.
 */
export function bulkCommandFor(
  state: RecommendationState,
  action: BulkAction,
): { command: LifecycleCommand } | { refused: string; type: LifecycleCommandType } {
  switch (action.kind) {
    case 'setCategory':
      return { command: { type: 'setCategory', category: action.category } };
    case 'markNotForTheForce':
      return { command: { type: 'markNotForTheForce', reason: action.reason } };
    case 'assign': {
      const handover = ownedStatuses.includes(state.status) || (state.status === 'reopened' && state.ownerId !== null);
      if (!handover || assignable.includes(state.status)) {
        const ownerId = action.ownerId ?? state.ownerId;
        const leadId = action.leadId ?? state.leadId;
        const dueDate = action.dueDate ?? state.dueDate;
        const missing = [ownerId ? null : 'an owner', leadId ? null : 'a lead', dueDate ? null : 'a due date'].filter(
          (m): m is string => m !== null,
        );
        if (missing.length)
          return { refused: `it has no owner, lead or due date yet, so choose ${missing.join(' and ')} to assign it`, type: 'assign' };
        return { command: { type: 'assign', ownerId: ownerId!, leadId: leadId!, dueDate: dueDate! } };
      }
      if (!action.ownerId && !action.leadId)
        return {
          refused: 'its work is under way, so only a new owner or lead can be given to it (its due date moves only by an extension)',
          type: 'reassign',
        };
      if (!action.reason?.trim()) return { refused: 'its work is under way: give a reason for handing it over', type: 'reassign' };
      return {
        command: {
          type: 'reassign',
          ...(action.ownerId ? { ownerId: action.ownerId } : {}),
          ...(action.leadId ? { leadId: action.leadId } : {}),
          reason: action.reason,
        },
      };
    }
  }
}

/** What the command will change on the item, in words, for the confirmation page. */
export function describeBulkChange(
  state: RecommendationState,
  command: LifecycleCommand,
  nameOf: (personId: string | null) => string,
): string {
  const from = (before: string | null, after: string | null | undefined, what: string) =>
    after === undefined || after === before
      ? `${what} stays ${before ? nameOf(before) : 'unset'}`
      : `${what} ${before ? `${nameOf(before)} → ` : ''}${nameOf(after)}`;
  switch (command.type) {
    case 'setCategory':
      return state.category === command.category
        ? `${closureCategoryLabels[command.category]} (already)`
        : `${state.category ? `${closureCategoryLabels[state.category]} → ` : ''}${closureCategoryLabels[command.category]}`;
    case 'markNotForTheForce':
      return `Not for the force: ${command.reason}`;
    case 'assign': {
      const due =
        state.dueDate === command.dueDate
          ? `due date stays ${formatLongDate(command.dueDate)}`
          : `due ${state.dueDate ? `${formatLongDate(state.dueDate)} → ` : ''}${formatLongDate(command.dueDate)}`;
      return `Assign: ${from(state.ownerId, command.ownerId, 'owner')}; ${from(state.leadId, command.leadId, 'lead')}; ${due}`;
    }
    case 'reassign':
      return `Hand over: ${from(state.ownerId, command.ownerId, 'owner')}; ${from(state.leadId, command.leadId, 'lead')}; due date stays ${state.dueDate ? formatLongDate(state.dueDate) : 'unset'}`;
    default:
      return command.type;
  }
}
