import { z } from 'zod';
import { closureCategories, closureCategoryLabels, isIsoDate, type ClosureCategory, type IsoDate } from '../vocabulary';
import { ownedStatuses, statusClause } from './states';
import { openClosureStep, openExtensionStep } from './approvalChains';
import { Change, tell } from './change';
import { close } from './closing';
import { defineCommand, type FormField } from './command';
import type { CommandContext } from './context';
import { dateHint, isoDate, personId, reason, reasonField } from './fields';
import { beforeSelfCertification, blank, hasOwner, isAdministrator, onlyAdministrator } from './rules';

/** Intake: triage (not for the force, reactivate), the closure category, assigning and handing over. */

/** The categories in the words of a sentence. */
const categoryWords: Record<ClosureCategory, string> = {
  1: 'no action required',
  2: 'self-certified by the force',
  3: 'self-certified, HMICFRS follows up',
  4: 'HMICFRS verifies',
};

interface Assignment {
  ownerId: string;
  leadId: string;
  dueDate: IsoDate;
}

/** Checks a due date for assign/reactivate; null when it is usable. */
function dueDateProblem(dueDate: IsoDate, today: IsoDate): string | null {
  if (!isIsoDate(dueDate)) return 'the due date must be a real date (YYYY-MM-DD)';
  if (dueDate < today) return `the due date ${dueDate} is in the past`;
  return null;
}

function assignmentProblem(command: Assignment, today: IsoDate): string | null {
  if (blank(command.ownerId)) return 'an owner must be chosen';
  if (blank(command.leadId)) return 'a lead must be chosen';
  if (command.ownerId === command.leadId)
    return 'the owner and the lead must be different people, because the lead approves the owner’s evidence';
  return dueDateProblem(command.dueDate, today);
}

function assignment(
  change: Change,
  command: Assignment,
  context: CommandContext,
  as: { type: 'owner_assigned' } | { type: 'reactivated'; reason: string },
  reason: string,
): void {
  const state = change.state;
  const dueDateHistory =
    state.dueDate === command.dueDate && state.dueDateHistory.length > 0
      ? state.dueDateHistory
      : [
          ...state.dueDateHistory,
          { dueDate: command.dueDate, reason, approvedBy: context.actor.personId, decidedOn: context.today, kind: 'set' as const },
        ];
  // A fresh assignment sets its own due date, so an extension asked for under the old one is withdrawn.
  const withdrawnExtensionTo = state.pendingExtension?.requestedDueDate ?? null;
  change.record(
    { ...as, ownerId: command.ownerId, leadId: command.leadId, dueDate: command.dueDate, withdrawnExtensionTo },
    {
      status: 'assigned',
      ownerId: command.ownerId,
      leadId: command.leadId,
      dueDate: command.dueDate,
      dueDateHistory,
      notForTheForceReason: null,
      pendingExtension: null,
    },
    [
      state.ownerId !== command.ownerId || state.status !== 'assigned' ? tell(command.ownerId, 'assigned_to_you') : null,
      state.leadId !== command.leadId || state.status !== 'assigned' ? tell(command.leadId, 'lead_for_item') : null,
      state.ownerId && state.ownerId !== command.ownerId ? tell(state.ownerId, 'handed_over') : null,
      state.leadId && state.leadId !== command.leadId ? tell(state.leadId, 'handed_over') : null,
    ],
  );
}

const ownerField: FormField<'ownerId'> = { name: 'ownerId', label: 'Owner', kind: 'person', role: 'action_owner' };
const leadField: FormField<'leadId'> = { name: 'leadId', label: 'Lead', kind: 'person', role: 'lead' };
const dueDateField: FormField<'dueDate'> = { name: 'dueDate', label: 'Due date', kind: 'date', hint: dateHint };

export const markNotForTheForce = defineCommand({
  type: 'markNotForTheForce',
  schema: z.object({ reason: reason('the reason') }),
  phrase: 'the recommendation cannot be marked not for the force',
  independentOfDirectory: true,
  guard: (state, actor) => {
    if (state.status !== 'logged') return `${statusClause(state)}; only a newly logged recommendation can be`;
    return isAdministrator(actor) ? null : onlyAdministrator;
  },
  effect: (_state, command, _context, change) => {
    if (blank(command.reason)) return { sentence: 'a reason is needed to mark a recommendation not for the force' };
    change.record(
      { type: 'marked_not_for_the_force', reason: command.reason.trim() },
      { status: 'not_for_the_force', notForTheForceReason: command.reason.trim() },
    );
  },
  form: { title: 'Mark not for the force', button: 'Mark not for the force', fields: [reasonField()] },
});

export const reactivate = defineCommand({
  type: 'reactivate',
  schema: z.object({ reason: reason('the reason'), ownerId: personId, leadId: personId, dueDate: isoDate }),
  phrase: 'the recommendation cannot be reactivated',
  guard: (state, actor) => {
    if (state.status !== 'not_for_the_force') return `${statusClause(state)}; only a recommendation marked not for the force can be`;
    return isAdministrator(actor) ? null : onlyAdministrator;
  },
  effect: (_state, command, context, change) => {
    if (blank(command.reason)) return 'a reason is needed to reactivate it';
    const problem = assignmentProblem(command, context.today);
    if (problem) return problem;
    assignment(change, command, context, { type: 'reactivated', reason: command.reason.trim() }, 'Due date set when reactivated');
  },
  form: { title: 'Reactivate for the force', button: 'Reactivate', fields: [reasonField(), ownerField, leadField, dueDateField] },
});

export const setCategory = defineCommand({
  type: 'setCategory',
  schema: z.object({
    category: z
      .number()
      .refine((n): n is ClosureCategory => (closureCategories as readonly number[]).includes(n), { message: 'must be 1, 2, 3 or 4' }),
  }),
  phrase: 'the closure category cannot be changed',
  independentOfDirectory: true,
  guard: (state, actor) => {
    if (!beforeSelfCertification.includes(state.status))
      return `${statusClause(state)}, and the category is fixed once the item is self-certified or closed`;
    return isAdministrator(actor) ? null : onlyAdministrator;
  },
  effect: (state, command, _context, change) => {
    if (!closureCategories.includes(command.category)) return 'the category must be 1, 2, 3 or 4';
    if (command.category === state.category) return `it is already category ${command.category} (${categoryWords[command.category]})`;
    change.record({ type: 'category_set', category: command.category }, { category: command.category });
  },
  form: {
    title: 'Set the closure category',
    button: 'Set category',
    fields: [
      {
        name: 'category',
        label: 'Closure category',
        kind: 'choice',
        number: true,
        options: closureCategories.map((c) => ({ value: String(c), text: closureCategoryLabels[c] })),
      },
    ],
  },
});

export const closeNoActionRequired = defineCommand({
  type: 'closeNoActionRequired',
  schema: z.object({ reason: reason('the reason') }),
  phrase: 'the recommendation cannot be closed as no action required',
  independentOfDirectory: true,
  guard: (state, actor) => {
    if (!beforeSelfCertification.includes(state.status) || state.status === 'not_for_the_force') return statusClause(state);
    if (state.category !== 1) {
      return state.category === null
        ? 'its closure category has not been set; only category 1 items close as no action required'
        : `it is category ${state.category}; only category 1 items close as no action required`;
    }
    return isAdministrator(actor) ? null : onlyAdministrator;
  },
  effect: (_state, command, context, change) => {
    if (blank(command.reason)) return 'a reason is needed';
    close(change, 'no_action_required', command.reason.trim(), context);
  },
  form: { title: 'Close: no action required', button: 'Close', warning: true, fields: [reasonField()] },
});

export const assign = defineCommand({
  type: 'assign',
  schema: z.object({ ownerId: personId, leadId: personId, dueDate: isoDate }),
  phrase: 'an owner cannot be assigned',
  independentOfDirectory: true,
  guard: (state, actor) => {
    if (state.status !== 'logged' && state.status !== 'assigned' && state.status !== 'reopened') {
      return `${statusClause(state)}; to change the owner or lead, hand it over instead`;
    }
    return isAdministrator(actor) ? null : onlyAdministrator;
  },
  effect: (_state, command, context, change) => {
    const problem = assignmentProblem(command, context.today);
    if (problem) return problem;
    assignment(change, command, context, { type: 'owner_assigned' }, 'Due date set when assigned');
  },
  form: { title: 'Assign an owner', button: 'Assign', fields: [ownerField, leadField, dueDateField] },
});

export const reassign = defineCommand({
  type: 'reassign',
  schema: z.object({ ownerId: personId.optional(), leadId: personId.optional(), reason: reason('the reason') }),
  phrase: 'the recommendation cannot be handed over',
  guard: (state, actor) => {
    if (!(ownedStatuses.includes(state.status) || (state.status === 'reopened' && hasOwner(state)))) return statusClause(state);
    return isAdministrator(actor) ? null : onlyAdministrator;
  },
  effect: (state, command, context, change) => {
    if (blank(command.reason)) return 'a reason is needed';
    const ownerId = command.ownerId?.trim() || state.ownerId!;
    const leadId = command.leadId?.trim() || state.leadId!;
    if (ownerId === state.ownerId && leadId === state.leadId) return 'name a new owner or a new lead';
    if (ownerId === leadId) return 'the owner and the lead must be different people, because the lead approves the owner’s evidence';
    if (ownerId !== state.ownerId) {
      for (const chain of [state.approval, state.pendingExtension?.chain]) {
        if (!chain) continue;
        const involved = chain.steps.some(
          (step, index) =>
            step.approval?.by === ownerId ||
            step.approval?.onBehalfOf === ownerId ||
            (index === chain.current && (step.approverId === ownerId || step.onBehalfOf === ownerId)),
        );
        if (involved) return `${ownerId} is approving it, and an approver may never approve an item they own`;
      }
    }
    const owner = ownerId !== state.ownerId ? { from: state.ownerId!, to: ownerId } : null;
    const lead = leadId !== state.leadId ? { from: state.leadId!, to: leadId } : null;
    change.record({ type: 'handed_over', owner, lead, reason: command.reason.trim() }, { ownerId, leadId }, [
      ownerId !== state.ownerId ? tell(ownerId, 'assigned_to_you') : null,
      ownerId !== state.ownerId ? tell(state.ownerId, 'handed_over') : null,
      leadId !== state.leadId ? tell(leadId, 'lead_for_item') : null,
      leadId !== state.leadId ? tell(state.leadId, 'handed_over') : null,
    ]);
    if (leadId !== state.leadId) {
      // An open step that belongs to the lead moves with the lead.
      const chain = change.state.approval;
      const closureChainOpen = change.state.status === 'awaiting_approval' || change.state.status === 'evidence_submitted';
      if (closureChainOpen && chain && chain.steps[chain.current]?.step.kind === 'lead')
        openClosureStep(change, chain, chain.current, context);
      const extension = change.state.pendingExtension;
      if (extension && extension.chain.steps[extension.chain.current]?.step.kind === 'lead')
        openExtensionStep(change, extension.chain.current, context);
    }
  },
  form: {
    title: 'Hand over to someone else',
    button: 'Reassign',
    fields: [
      { name: 'ownerId', label: 'New owner (optional)', kind: 'person', role: 'action_owner', optional: true },
      { name: 'leadId', label: 'New lead (optional)', kind: 'person', role: 'lead', optional: true },
      reasonField(),
    ],
  },
});
