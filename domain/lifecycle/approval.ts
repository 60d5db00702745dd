import { z } from 'zod';
import { statusClause, type RecommendationState } from './states';
import { openClosureStep, openExtensionStep, stepDeciderRefusal, stepRef, withApproval } from './approvalChains';
import { tell } from './change';
import { defineCommand } from './command';
import type { Actor } from './context';
import { optionalText, reason } from './fields';
import { activePeopleWithRole, blank, isAdministrator, onlyAdministrator } from './rules';

/** Deciding the closure chain's steps (approve, reject) and re-routing a step nobody could take. */

/** Why this actor may not decide the closure chain's current step (approving or rejecting); null when they may. */
function closureDeciderRefusal(state: RecommendationState, actor: Actor, approving: boolean): string | null {
  if (state.status !== 'evidence_submitted' && state.status !== 'awaiting_approval') return statusClause(state);
  return stepDeciderRefusal(state, state.approval!, actor, approving);
}

const closureChainOpen = (state: RecommendationState): boolean =>
  state.status === 'awaiting_approval' || state.status === 'evidence_submitted';

export const approve = defineCommand({
  type: 'approve',
  schema: z.object({ comment: optionalText }),
  phrase: 'this step cannot be approved',
  guard: (state, actor) => closureDeciderRefusal(state, actor, true),
  effect: (state, command, context, change) => {
    const chain = state.approval!;
    const approvedChain = withApproval(chain, state, context.actor, context.today, command.comment);
    const given = approvedChain.steps[chain.current]!.approval!;
    change.record(
      { type: 'approval_given', step: stepRef(chain, chain.current), by: given.by, onBehalfOf: given.onBehalfOf, comment: given.comment },
      { approval: approvedChain },
    );
    if (approvedChain.current < approvedChain.steps.length) {
      openClosureStep(change, approvedChain, approvedChain.current, context);
    } else {
      change.record(
        { type: 'approval_chain_completed' },
        { status: 'awaiting_self_certification' },
        [...activePeopleWithRole(context, 'administrator'), ...activePeopleWithRole(context, 'dcc')].map((id) =>
          tell(id, 'ready_for_self_certification'),
        ),
      );
    }
  },
  form: {
    title: 'Approve the evidence',
    button: 'Approve',
    fields: [{ name: 'comment', label: 'Comment (optional)', kind: 'textarea', optional: true }],
  },
});

export const reject = defineCommand({
  type: 'reject',
  schema: z.object({ reasons: reason('the reasons') }),
  phrase: 'the evidence cannot be rejected',
  guard: (state, actor) => closureDeciderRefusal(state, actor, false),
  effect: (state, command, context, change) => {
    if (blank(command.reasons)) return 'the owner must be told why: give the reasons';
    const chain = state.approval!;
    change.record(
      { type: 'approval_rejected', step: stepRef(chain, chain.current), by: context.actor.personId!, reasons: command.reasons.trim() },
      {
        status: 'in_progress',
        approval: null,
        lastRejection: { source: 'approver', by: context.actor.personId, on: context.today, reasons: command.reasons.trim() },
      },
      [tell(state.ownerId, 'evidence_rejected')],
    );
  },
  form: {
    title: 'Reject the evidence',
    button: 'Reject',
    warning: true,
    fields: [{ name: 'reasons', label: 'Why the evidence is not enough (the owner will see this)', kind: 'textarea' }],
  },
});

export const rerouteApproval = defineCommand({
  type: 'rerouteApproval',
  schema: z.object({}),
  phrase: 'the approval cannot be rerouted',
  guard: (state, actor) => {
    if (!closureChainOpen(state) && !state.pendingExtension) return 'no approval is waiting';
    return isAdministrator(actor) || actor.personId === null ? null : onlyAdministrator;
  },
  effect: (state, _command, context, change) => {
    if (closureChainOpen(state)) openClosureStep(change, state.approval!, state.approval!.current, context);
    if (state.pendingExtension) openExtensionStep(change, state.pendingExtension.chain.current, context);
  },
  form: { title: 'Re-route the approval', button: 'Re-route approval', fields: [] },
});
