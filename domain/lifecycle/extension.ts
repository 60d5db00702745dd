import { z } from 'zod';
import { extensionRoute } from '../approvalRouting';
import { statusClause, workingStatuses, type ApprovalChain, type RecommendationState } from './states';
import { isIsoDate } from '../vocabulary';
import { emptyStep, openExtensionStep, openStep, stepDeciderRefusal, stepRef, withApproval } from './approvalChains';
import { tell } from './change';
import { defineCommand } from './command';
import { dateHint, isoDate, optionalText, reason, reasonField } from './fields';
import { blank, hasOwner, isOwnerOrAdministrator, onlyOwnerOrAdministrator } from './rules';

/** Extensions of the due date: asked for by the owner, approved step by step (lead, then the DCC past the second). */

const extensionsGranted = (state: RecommendationState): number => state.dueDateHistory.filter((entry) => entry.kind === 'extension').length;

export const requestExtension = defineCommand({
  type: 'requestExtension',
  schema: z.object({ newDueDate: isoDate, reason: reason('the reason') }),
  phrase: 'an extension cannot be requested',
  guard: (state, actor) => {
    if (!workingStatuses.includes(state.status) || !hasOwner(state))
      return `${statusClause(state)}; extensions are for work not yet evidenced`;
    if (state.pendingExtension) return `an extension to ${state.pendingExtension.requestedDueDate} is already waiting for a decision`;
    return isOwnerOrAdministrator(state, actor) ? null : onlyOwnerOrAdministrator;
  },
  effect: (state, command, context, change) => {
    const { today } = context;
    if (blank(command.reason)) return 'a reason is needed';
    if (!isIsoDate(command.newDueDate)) return 'the new due date must be a real date (YYYY-MM-DD)';
    if (command.newDueDate <= state.dueDate!) return `the new due date must be later than the current one (${state.dueDate})`;
    if (command.newDueDate < today) return `the new due date ${command.newDueDate} is in the past`;
    const steps = extensionRoute(extensionsGranted(state)).map(emptyStep);
    const chain: ApprovalChain = {
      routeId: steps.length > 1 ? 'extension-lead-and-dcc' : 'extension-lead',
      startedOn: today,
      current: 0,
      steps,
    };
    const firstStep = openStep(chain, 0, state, context).steps[0]!;
    if (!firstStep.approverId) return firstStep.waitingReason!;
    change.record(
      { type: 'extension_requested', from: state.dueDate, to: command.newDueDate, reason: command.reason.trim() },
      {
        pendingExtension: {
          requestedDueDate: command.newDueDate,
          reason: command.reason.trim(),
          requestedBy: context.actor.personId,
          requestedOn: today,
          chain,
        },
      },
    );
    openExtensionStep(change, 0, context);
  },
  form: {
    title: 'Request an extension',
    button: 'Request extension',
    fields: [{ name: 'newDueDate', label: 'New due date', kind: 'date', hint: dateHint }, reasonField('Why more time is needed')],
  },
});

export const decideExtension = defineCommand({
  type: 'decideExtension',
  schema: z.object({ approved: z.boolean(), reason: optionalText }),
  phrase: 'the extension cannot be decided',
  guard: (state, actor) => {
    if (!state.pendingExtension) return 'no extension has been requested';
    return stepDeciderRefusal(state, state.pendingExtension.chain, actor, true);
  },
  effect: (state, command, context, change) => {
    const { actor, today } = context;
    const extension = state.pendingExtension!;
    const chain = extension.chain;
    if (!command.approved) {
      if (blank(command.reason)) return 'a reason is needed to refuse an extension';
      change.record(
        {
          type: 'extension_refused',
          to: extension.requestedDueDate,
          by: actor.personId!,
          reason: command.reason!.trim(),
          dueDateStays: state.dueDate,
        },
        { pendingExtension: null },
        [tell(state.ownerId, 'extension_refused'), tell(extension.requestedBy, 'extension_refused')],
      );
      return;
    }
    const approvedChain = withApproval(chain, state, actor, today, command.reason);
    if (approvedChain.current < approvedChain.steps.length) {
      change.record(
        { type: 'extension_step_approved', to: extension.requestedDueDate, step: stepRef(chain, chain.current), by: actor.personId! },
        { pendingExtension: { ...extension, chain: approvedChain } },
      );
      openExtensionStep(change, approvedChain.current, context);
      return;
    }
    change.record(
      { type: 'extension_approved', from: state.dueDate, to: extension.requestedDueDate, by: actor.personId!, reason: extension.reason },
      {
        dueDate: extension.requestedDueDate,
        dueDateHistory: [
          ...state.dueDateHistory,
          {
            dueDate: extension.requestedDueDate,
            reason: extension.reason,
            approvedBy: actor.personId,
            decidedOn: today,
            kind: 'extension',
          },
        ],
        pendingExtension: null,
      },
      [
        tell(state.ownerId, 'extension_approved'),
        tell(extension.requestedBy, 'extension_approved'),
        tell(state.leadId, 'extension_approved'),
      ],
    );
  },
  form: {
    title: 'Decide the extension',
    button: 'Record decision',
    fields: [
      {
        name: 'approved',
        label: 'Do you approve the new due date?',
        kind: 'choice',
        boolean: true,
        options: [
          { value: 'true', text: 'Yes, approve it' },
          { value: 'false', text: 'No, refuse it' },
        ],
      },
      { name: 'reason', label: 'Comment (optional)', kind: 'textarea', optional: true },
    ],
  },
});
