import type { IsoDate } from '../vocabulary';
import { describeStep, resolveApprover } from '../approvalRouting';
import type { ApprovalChain, ApprovalStep, GivenApproval, RecommendationState } from './states';
import type { ChangedMaterial, StepRef } from './events';
import { Change, tell } from './change';
import type { Actor, CommandContext } from './context';
import { activePeopleWithRole, isOwner } from './rules';

/** Approval chains (closure and extension): opening a step, approving it, who may decide it, outdating approvals. */

export const emptyStep = (step: ApprovalStep['step']): ApprovalStep => ({
  step,
  approverId: null,
  onBehalfOf: null,
  openedOn: null,
  waitingReason: null,
  approval: null,
  outdated: [],
});

/** People who gave a standing approval on a step other than `index`: they may not take another step. */
function otherApprovers(chain: ApprovalChain, index: number): string[] {
  const people: string[] = [];
  chain.steps.forEach((step, stepIndex) => {
    if (stepIndex === index || !step.approval) return;
    people.push(step.approval.by);
    if (step.approval.onBehalfOf) people.push(step.approval.onBehalfOf);
  });
  return people;
}

/** Opens step `index` now: resolves its approver from today's people and delegations. */
export function openStep(chain: ApprovalChain, index: number, state: RecommendationState, context: CommandContext): ApprovalChain {
  const step = chain.steps[index]!;
  const outcome = context.directory
    ? resolveApprover(step.step, {
        item: { ownerId: state.ownerId, leadId: state.leadId },
        people: context.directory.people,
        delegations: context.directory.delegations,
        today: context.today,
        exclude: otherApprovers(chain, index),
      })
    : ({ ok: false, reason: 'no one can approve this step: the list of people was not available' } as const);
  const opened: ApprovalStep = outcome.ok
    ? { ...step, approverId: outcome.approverId, onBehalfOf: outcome.onBehalfOf, openedOn: context.today, waitingReason: null }
    : { ...step, approverId: null, onBehalfOf: null, openedOn: context.today, waitingReason: outcome.reason };
  return { ...chain, current: index, steps: chain.steps.map((existing, stepIndex) => (stepIndex === index ? opened : existing)) };
}

export const stepRef = (chain: ApprovalChain, index: number): StepRef => ({
  number: index + 1,
  of: chain.steps.length,
  step: chain.steps[index]!.step,
});

/** The chain with its current step approved by `actor` (in person or standing in), recording what was approved. */
export function withApproval(
  chain: ApprovalChain,
  state: RecommendationState,
  actor: Actor,
  today: IsoDate,
  comment: string | undefined,
): ApprovalChain {
  const acting = actingOnStep(chain.steps[chain.current]!, actor)!;
  const given: GivenApproval = {
    by: actor.personId!,
    onBehalfOf: acting.onBehalfOf,
    on: today,
    evidenceVersion: state.evidence?.version ?? 0,
    textVersion: state.textVersion,
    comment: comment?.trim() || null,
  };
  return {
    ...chain,
    current: chain.current + 1,
    steps: chain.steps.map((existing, index) => (index === chain.current ? { ...existing, approval: given } : existing)),
  };
}

/** Opens the closure chain's step `index` and records who was asked (or that nobody could be found). */
export function openClosureStep(change: Change, chain: ApprovalChain, index: number, context: CommandContext): void {
  const opened = openStep(chain, index, change.state, context);
  const step = opened.steps[index]!;
  if (step.approverId) {
    change.record(
      { type: 'approval_requested', step: stepRef(opened, index), approverId: step.approverId, onBehalfOf: step.onBehalfOf },
      { approval: opened, status: 'awaiting_approval' },
      [tell(step.approverId, 'approval_requested')],
    );
  } else {
    change.record(
      { type: 'approver_not_found', step: stepRef(opened, index), waitingReason: step.waitingReason! },
      { approval: opened, status: 'evidence_submitted' },
      activePeopleWithRole(context, 'administrator').map((id) => tell(id, 'approver_needed')),
    );
  }
}

/** Opens the pending extension's step `index` and records who was asked (or that nobody could be found). */
export function openExtensionStep(change: Change, index: number, context: CommandContext): void {
  const extension = change.state.pendingExtension!;
  const opened = openStep(extension.chain, index, change.state, context);
  const step = opened.steps[index]!;
  const pendingExtension = { ...extension, chain: opened };
  if (step.approverId) {
    change.record(
      {
        type: 'extension_approval_requested',
        to: extension.requestedDueDate,
        step: stepRef(opened, index),
        approverId: step.approverId,
        onBehalfOf: step.onBehalfOf,
      },
      { pendingExtension },
      [tell(step.approverId, 'extension_requested')],
    );
  } else {
    change.record(
      {
        type: 'extension_approver_not_found',
        to: extension.requestedDueDate,
        step: stepRef(opened, index),
        waitingReason: step.waitingReason!,
      },
      { pendingExtension },
      activePeopleWithRole(context, 'administrator').map((id) => tell(id, 'approver_needed')),
    );
  }
}

/** How the actor may act on an open step: as the approver, the person stood in for, or a delegate of either. */
function actingOnStep(step: ApprovalStep, actor: Actor): { onBehalfOf: string | null } | null {
  const id = actor.personId;
  if (!id || !step.approverId) return null;
  if (id === step.approverId) return { onBehalfOf: step.onBehalfOf };
  if (step.onBehalfOf && id === step.onBehalfOf) return { onBehalfOf: null };
  const standsInFor = actor.delegatesFor ?? [];
  if (standsInFor.includes(step.approverId)) return { onBehalfOf: step.approverId };
  if (step.onBehalfOf && standsInFor.includes(step.onBehalfOf)) return { onBehalfOf: step.onBehalfOf };
  return null;
}

/** Why this actor may not decide the current step of `chain`, or null when they may. */
export function stepDeciderRefusal(state: RecommendationState, chain: ApprovalChain, actor: Actor, approving: boolean): string | null {
  const step = chain.steps[chain.current];
  if (!step) return 'there is no open approval step';
  if (!step.approverId) return `nobody has been asked to approve it yet (${step.waitingReason ?? 'no approver found'})`;
  const acting = actingOnStep(step, actor);
  if (!acting) return `only ${describeStep(step.step)} asked at this step (${step.approverId}) or their delegate can decide it`;
  if (isOwner(state, actor) || acting.onBehalfOf === state.ownerId) {
    return 'you own this recommendation, and an approver may never approve an item they own';
  }
  if (approving) {
    const involved = new Set([actor.personId!, ...(acting.onBehalfOf ? [acting.onBehalfOf] : [])]);
    const earlier = chain.steps.findIndex(
      (other, index) =>
        index !== chain.current &&
        other.approval &&
        (involved.has(other.approval.by) || (other.approval.onBehalfOf !== null && involved.has(other.approval.onBehalfOf))),
    );
    if (earlier >= 0)
      return `step ${earlier + 1} of this chain has already been approved by or for the same person, and nobody may approve twice in one chain`;
  }
  return null;
}

/**
 * Approvals given to evidence or text that has since changed are outdated: they are set aside (kept in the step's
 * `outdated` list) and the chain goes back to the first outdated step, which is asked again.
 */
export function outdateApprovals(change: Change, context: CommandContext, changed: ChangedMaterial): void {
  const chain = change.state.approval;
  if (!chain || (change.state.status !== 'awaiting_approval' && change.state.status !== 'evidence_submitted')) return;
  const evidenceVersion = change.state.evidence?.version ?? 0;
  const textVersion = change.state.textVersion;
  const first = chain.steps.findIndex(
    (step) => step.approval && (step.approval.evidenceVersion !== evidenceVersion || step.approval.textVersion !== textVersion),
  );
  if (first < 0) {
    const current = chain.steps[chain.current];
    if (current?.approverId) {
      change.record({ type: 'approval_request_refreshed', approverId: current.approverId, onBehalfOf: current.onBehalfOf, changed }, {}, [
        tell(current.approverId, 'evidence_amended'),
      ]);
    }
    return;
  }
  const setAside: GivenApproval[] = [];
  const steps = chain.steps.map((step, index) => {
    if (index < first) return step;
    if (step.approval) setAside.push(step.approval);
    const outdated = step.approval ? [...step.outdated, step.approval] : step.outdated;
    return index === first ? { ...step, approval: null, outdated } : { ...emptyStep(step.step), outdated };
  });
  const reset: ApprovalChain = { ...chain, current: first, steps };
  change.record(
    { type: 'approvals_outdated', count: setAside.length, changed, askedAgainFrom: first + 1 },
    { approval: reset },
    setAside.map((approval) => tell(approval.by, 'approval_outdated')),
  );
  openClosureStep(change, reset, first, context);
}
