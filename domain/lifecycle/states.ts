import type { ClosureCategory, IsoDate } from '../vocabulary';
import { closureCategories, isIsoDate } from '../vocabulary';
import type { RouteStep } from '../approvalRouting';
import { describeStep } from '../approvalRouting';

/**
 * The states of one recommendation (docs/lifecycle.md, "The lifecycle of one item") and the rules every state
 * must obey. The commands that move between them are the entries of this folder's command groups; index.ts
 * re-exports all of this.
 * Everything here is plain JSON data: it travels in Temporal payloads.
 */

export const lifecycleStatuses = [
  'logged',
  'not_for_the_force',
  'assigned',
  'in_progress',
  'evidence_submitted',
  'awaiting_approval',
  'awaiting_self_certification',
  'self_certified',
  'awaiting_hmicfrs_sign_off',
  'reality_test_at_next_inspection',
  'awaiting_verification_visit',
  'verification_visit_held',
  'closed',
  'reopened',
] as const;
export type LifecycleStatus = (typeof lifecycleStatuses)[number];

export const lifecycleStatusLabels: Record<LifecycleStatus, string> = {
  logged: 'Logged',
  not_for_the_force: 'Not for the force',
  assigned: 'Assigned',
  in_progress: 'In progress',
  evidence_submitted: 'Evidence submitted, waiting for an approver',
  awaiting_approval: 'Awaiting approval',
  awaiting_self_certification: 'Approved, awaiting self-certification',
  self_certified: 'Self-certified, awaiting submission to HMICFRS',
  awaiting_hmicfrs_sign_off: 'Submitted to HMICFRS, awaiting sign-off',
  reality_test_at_next_inspection: 'To be reality-tested at the next inspection',
  awaiting_verification_visit: 'Self-certified, awaiting HMICFRS verification visit',
  verification_visit_held: 'HMICFRS verification visit held, awaiting outcome',
  closed: 'Closed',
  reopened: 'Reopened',
};

/** How a closed item was closed. */
export const closureHows = [
  'no_action_required',
  'self_certified',
  'signed_off_by_hmicfrs',
  'superseded',
  'no_longer_relevant',
  'business_as_usual',
] as const;
export type ClosureHow = (typeof closureHows)[number];

/** How it was closed, inside a sentence: "closed (signed off by HMICFRS)". */
export const closureHowPhrases: Record<ClosureHow, string> = {
  no_action_required: 'no action required',
  self_certified: 'self-certified',
  signed_off_by_hmicfrs: 'signed off by HMICFRS',
  superseded: 'superseded',
  no_longer_relevant: 'no longer relevant',
  business_as_usual: 'now business as usual',
};

export const partStatuses = ['not_started', 'in_progress', 'complete'] as const;
export type PartStatus = (typeof partStatuses)[number];

export const partStatusLabels: Record<PartStatus, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  complete: 'Complete',
};

/** A bullet of a long item that progresses on its own ("4a", "4b"). */
export interface RecommendationPart {
  reference: string;
  text: string;
  status: PartStatus;
}

/**
 * One entry in the due-date history: the first date set (kind 'set') and every approved extension (kind
 * 'extension'). Committee papers print the whole list: "September 2020, extended to January 2021, now April 2021".
 */
export interface DueDateEntry {
  dueDate: IsoDate;
  reason: string;
  /** Who set or approved the date; null when the system did (an import). */
  approvedBy: string | null;
  decidedOn: IsoDate;
  kind: 'set' | 'extension';
}

/** An approval given on one step; it records which evidence and text it approved, so later changes outdate it. */
export interface GivenApproval {
  by: string;
  onBehalfOf: string | null;
  on: IsoDate;
  evidenceVersion: number;
  textVersion: number;
  comment: string | null;
}

/**
 * One step of an approval chain. The approver is resolved when the step opens (following delegations that day);
 * until someone eligible is found, `approverId` is null and `waitingReason` says why.
 */
export interface ApprovalStep {
  step: RouteStep;
  approverId: string | null;
  /** The person the approver stands in for, when the step went to a delegate. */
  onBehalfOf: string | null;
  openedOn: IsoDate | null;
  waitingReason: string | null;
  approval: GivenApproval | null;
  /** Approvals this step gave earlier that were outdated by a change to the evidence or the text. */
  outdated: GivenApproval[];
}

/** An ordered chain of steps; steps before `current` are approved, `current` is open (or waiting for an approver). */
export interface ApprovalChain {
  routeId: string;
  startedOn: IsoDate;
  current: number;
  steps: ApprovalStep[];
}

export interface PendingExtension {
  requestedDueDate: IsoDate;
  reason: string;
  requestedBy: string | null;
  requestedOn: IsoDate;
  chain: ApprovalChain;
}

export interface Evidence {
  summary: string;
  version: number;
  submittedBy: string | null;
  submittedOn: IsoDate;
}

export interface Rejection {
  source: 'approver' | 'hmicfrs';
  by: string | null;
  on: IsoDate;
  reasons: string;
}

export interface SelfCertification {
  signatory: string;
  signatoryRole: string | null;
  letterReference: string | null;
  signedOn: IsoDate;
  recordedBy: string | null;
}

export interface HmicfrsSubmission {
  submittedOn: IsoDate | null;
  submittedBy: string | null;
  reference: string | null;
  realityTestAtNextInspection: boolean;
  visitedOn: IsoDate | null;
  visitNotes: string | null;
}

export interface Closure {
  how: ClosureHow;
  on: IsoDate;
  by: string | null;
  reason: string;
  /** The item that replaced this one, when superseded. */
  supersededBy: string | null;
  /** True when it closed after the agreed due date (Scheme A's PURPLE). */
  afterDueDate: boolean;
}

export interface ProgressUpdate {
  text: string;
  by: string | null;
  on: IsoDate;
}

export interface AtRiskFlag {
  reason: string;
  flaggedBy: string | null;
  flaggedOn: IsoDate;
}

export interface RecommendationState {
  recommendationId: string;
  status: LifecycleStatus;
  category: ClosureCategory | null;
  ownerId: string | null;
  leadId: string | null;
  dueDate: IsoDate | null;
  /** The item's text as amended in the product (null: the text as logged); each change bumps `textVersion`. */
  text: string | null;
  textVersion: number;
  parts: RecommendationPart[];
  dueDateHistory: DueDateEntry[];
  pendingExtension: PendingExtension | null;
  atRisk: AtRiskFlag | null;
  latestUpdate: ProgressUpdate | null;
  updateCount: number;
  evidence: Evidence | null;
  approval: ApprovalChain | null;
  lastRejection: Rejection | null;
  selfCertification: SelfCertification | null;
  hmicfrs: HmicfrsSubmission | null;
  closure: Closure | null;
  notForTheForceReason: string | null;
  reopenCount: number;
}

export function initialState(recommendationId: string, category: ClosureCategory | null = null): RecommendationState {
  return {
    recommendationId,
    status: 'logged',
    category,
    ownerId: null,
    leadId: null,
    dueDate: null,
    text: null,
    textVersion: 1,
    parts: [],
    dueDateHistory: [],
    pendingExtension: null,
    atRisk: null,
    latestUpdate: null,
    updateCount: 0,
    evidence: null,
    approval: null,
    lastRejection: null,
    selfCertification: null,
    hmicfrs: null,
    closure: null,
    notForTheForceReason: null,
    reopenCount: 0,
  };
}

/** Statuses in which the item is someone's work: owner, lead and due date are all known. */
export const ownedStatuses: readonly LifecycleStatus[] = [
  'assigned',
  'in_progress',
  'evidence_submitted',
  'awaiting_approval',
  'awaiting_self_certification',
  'self_certified',
  'awaiting_hmicfrs_sign_off',
  'reality_test_at_next_inspection',
  'awaiting_verification_visit',
  'verification_visit_held',
];

/** Statuses after the self-certification letter and before closure. */
export const selfCertifiedStatuses: readonly LifecycleStatus[] = [
  'self_certified',
  'awaiting_hmicfrs_sign_off',
  'reality_test_at_next_inspection',
  'awaiting_verification_visit',
  'verification_visit_held',
];

/** Statuses in which the force has finished the work and its approvers have approved it. */
export const approvedStatuses: readonly LifecycleStatus[] = ['awaiting_self_certification', ...selfCertifiedStatuses];

/** Statuses in which evidence is in and the force or HMICFRS is deciding ("proposed for closure" in committee papers). */
export const proposedForClosureStatuses: readonly LifecycleStatus[] = ['evidence_submitted', 'awaiting_approval', ...approvedStatuses];

/** Every status an item can leave by one of the other exits (superseded, no longer relevant…): all but closed. */
export const openStatuses: readonly LifecycleStatus[] = lifecycleStatuses.filter((status) => status !== 'closed');

/** Statuses in which work has not yet been evidenced (the at-risk flag only means something here). */
export const workingStatuses: readonly LifecycleStatus[] = ['assigned', 'in_progress', 'reopened'];

/** The status as one phrase for screens and papers, e.g. "Awaiting approval (step 2 of 2: the Deputy Chief Constable)". */
export function describeStatus(state: RecommendationState): string {
  const label = lifecycleStatusLabels[state.status];
  if ((state.status === 'awaiting_approval' || state.status === 'evidence_submitted') && state.approval) {
    const chain = state.approval;
    const step = chain.steps[chain.current];
    if (step) return `${label} (step ${chain.current + 1} of ${chain.steps.length}: ${describeStep(step.step)})`;
  }
  if (state.status === 'closed' && state.closure) {
    return `${label} (${closureHowPhrases[state.closure.how]})`;
  }
  return label;
}

/** The state in a clause that follows "it is…" / "it has…", for refusals: "it is awaiting approval". */
export function statusClause(state: RecommendationState): string {
  switch (state.status) {
    case 'logged':
      return 'it has been logged but not yet assigned';
    case 'not_for_the_force':
      return 'it is marked not for the force';
    case 'assigned':
      return 'it is assigned and the owner has not accepted it yet';
    case 'in_progress':
      return 'it is in progress';
    case 'evidence_submitted':
      return 'its evidence is waiting for an approver to be found';
    case 'awaiting_approval':
      return 'it is awaiting approval';
    case 'awaiting_self_certification':
      return 'it is approved and awaiting the self-certification letter';
    case 'self_certified':
      return 'it is self-certified and awaiting submission to HMICFRS';
    case 'awaiting_hmicfrs_sign_off':
      return 'it is with HMICFRS awaiting sign-off';
    case 'reality_test_at_next_inspection':
      return 'it is waiting to be reality-tested at the next inspection';
    case 'awaiting_verification_visit':
      return 'it is awaiting an HMICFRS verification visit';
    case 'verification_visit_held':
      return 'it is awaiting the outcome of the HMICFRS verification visit';
    case 'closed':
      return state.closure ? `it is closed (${closureHowPhrases[state.closure.how]})` : 'it is closed';
    case 'reopened':
      return 'it has been reopened and is waiting for its owner to pick it up again';
  }
}

function chainProblems(chain: ApprovalChain, state: RecommendationState, name: string, complete: boolean): string[] {
  const problems: string[] = [];
  if (chain.steps.length === 0) problems.push(`the ${name} chain has no steps`);
  if (complete ? chain.current !== chain.steps.length : chain.current < 0 || chain.current >= chain.steps.length) {
    problems.push(`the ${name} chain's current step (${chain.current}) is out of place for ${chain.steps.length} steps`);
  }
  const approvers = new Set<string>();
  chain.steps.forEach((step, index) => {
    const shouldBeApproved = index < chain.current;
    if (shouldBeApproved !== (step.approval !== null)) {
      problems.push(`step ${index + 1} of the ${name} chain is ${step.approval ? 'approved' : 'not approved'} out of turn`);
    }
    if (step.approval) {
      if (approvers.has(step.approval.by)) problems.push(`${step.approval.by} approved two steps of the ${name} chain`);
      approvers.add(step.approval.by);
      if (step.approval.by === state.ownerId) problems.push(`the owner approved a step of the ${name} chain`);
    }
    if (index > chain.current && (step.approverId !== null || step.openedOn !== null)) {
      problems.push(`step ${index + 1} of the ${name} chain is open before its turn`);
    }
    if (step.approverId !== null && step.waitingReason !== null) {
      problems.push(`step ${index + 1} of the ${name} chain has an approver and a reason for having none`);
    }
  });
  return problems;
}

/**
 * Everything that must hold of any reachable state, as sentences; empty when the state is sound. The property
 * tests check it after every command, and it can be used to vet a state read back from storage.
 */
export function invariantViolations(state: RecommendationState): string[] {
  const problems: string[] = [];
  const { status } = state;
  if (!lifecycleStatuses.includes(status)) problems.push(`unknown status ${String(status)}`);
  if (state.category !== null && !closureCategories.includes(state.category)) problems.push(`unknown category ${String(state.category)}`);

  const assignment = [state.ownerId, state.leadId, state.dueDate].filter((value) => value !== null).length;
  if (assignment !== 0 && assignment !== 3) problems.push('owner, lead and due date must be set together');
  if (ownedStatuses.includes(status) && assignment !== 3) problems.push(`${status} needs an owner, a lead and a due date`);
  if (state.ownerId !== null && state.ownerId === state.leadId) problems.push('the owner is also the lead');
  if (state.dueDate !== null && !isIsoDate(state.dueDate)) problems.push(`the due date ${state.dueDate} is not a date`);
  if (state.dueDateHistory.length > 0) {
    const last = state.dueDateHistory[state.dueDateHistory.length - 1]!;
    if (last.dueDate !== state.dueDate) problems.push('the due date is not the last date in its history');
    if (state.dueDateHistory[0]!.kind !== 'set') problems.push('the due-date history does not start with the date first set');
  } else if (state.dueDate !== null) {
    problems.push('a due date is set but its history is empty');
  }

  if ((status === 'not_for_the_force') !== (state.notForTheForceReason !== null)) {
    problems.push('a not-for-the-force reason is kept only while the item is not for the force');
  }

  const chain = state.approval;
  if (status === 'awaiting_approval' || status === 'evidence_submitted') {
    if (!chain) problems.push(`${status} needs an approval chain`);
    else {
      problems.push(...chainProblems(chain, state, 'approval', false));
      const step = chain.steps[chain.current];
      if (step && status === 'awaiting_approval' && step.approverId === null)
        problems.push('awaiting approval but the current step has no approver');
      if (step && status === 'evidence_submitted' && (step.approverId !== null || !step.waitingReason)) {
        problems.push('waiting for an approver, but the current step has one or no reason is given');
      }
    }
    if (!state.evidence) problems.push(`${status} needs evidence`);
  } else if (approvedStatuses.includes(status)) {
    if (!chain) problems.push(`${status} needs the completed approval chain`);
    else problems.push(...chainProblems(chain, state, 'approval', true));
    if (!state.evidence) problems.push(`${status} needs evidence`);
  } else if (status === 'closed') {
    if (chain) problems.push(...chainProblems(chain, state, 'approval', true));
  } else if (chain !== null) {
    problems.push(`an approval chain is kept while the item is ${status}`);
  }

  if (selfCertifiedStatuses.includes(status) && !state.selfCertification) problems.push(`${status} needs a self-certification letter`);
  if (status === 'self_certified' || status === 'awaiting_hmicfrs_sign_off' || status === 'reality_test_at_next_inspection') {
    if (state.category !== 3) problems.push(`${status} is only for category 3 items`);
  }
  if (status === 'awaiting_verification_visit' || status === 'verification_visit_held') {
    if (state.category !== 4) problems.push(`${status} is only for category 4 items`);
  }
  if ((status === 'awaiting_hmicfrs_sign_off' || status === 'reality_test_at_next_inspection') && !state.hmicfrs?.submittedOn) {
    problems.push(`${status} needs a submission to HMICFRS`);
  }
  if (status === 'reality_test_at_next_inspection' && !state.hmicfrs?.realityTestAtNextInspection) {
    problems.push('a reality test is not recorded');
  }
  if (status === 'verification_visit_held' && !state.hmicfrs?.visitedOn) problems.push('the verification visit is not recorded');

  if ((status === 'closed') !== (state.closure !== null)) problems.push('a closure is kept exactly while the item is closed');
  if (state.closure) {
    const { how } = state.closure;
    if (!closureHows.includes(how)) problems.push(`unknown closure ${String(how)}`);
    if (how === 'superseded' && !state.closure.supersededBy) problems.push('a superseded item must name what superseded it');
    if (how === 'no_action_required' && state.category !== 1) problems.push('only category 1 items close as no action required');
    if (how === 'self_certified' && (state.category !== 2 || !state.selfCertification)) {
      problems.push('only category 2 items close on their self-certification letter');
    }
    if (how === 'signed_off_by_hmicfrs' && state.category !== 3 && state.category !== 4) {
      problems.push('only category 3 and 4 items are signed off by HMICFRS');
    }
    if (!state.closure.reason.trim()) problems.push('a closure needs a reason');
  }

  if (state.atRisk && !workingStatuses.includes(status)) problems.push(`an at-risk flag is kept while the item is ${status}`);
  if (state.pendingExtension) {
    const extension = state.pendingExtension;
    if (status === 'closed') problems.push('an extension is pending on a closed item');
    if (state.dueDate === null || extension.requestedDueDate <= state.dueDate)
      problems.push('a pending extension must move the due date later');
    problems.push(...chainProblems(extension.chain, state, 'extension', false));
  }

  const references = new Set<string>();
  for (const part of state.parts) {
    if (references.has(part.reference)) problems.push(`two parts share the reference ${part.reference}`);
    references.add(part.reference);
    if (!partStatuses.includes(part.status)) problems.push(`part ${part.reference} has an unknown status`);
  }
  if (state.evidence && state.evidence.version < 1) problems.push('evidence versions start at 1');
  if (state.textVersion < 1) problems.push('text versions start at 1');
  if (state.updateCount < (state.latestUpdate ? 1 : 0)) problems.push('the update count is behind the latest update');
  return problems;
}
