import type { ClosureCategory, IsoDate, Role } from './vocabulary';
import { closureCategories, isIsoDate } from './vocabulary';
import type { Delegation, Person, RoutingItem, RoutingRule } from './approvalRouting';
import { chooseRoute, defaultRoutingRules, describeStep, extensionRoute, resolveApprover } from './approvalRouting';
import type {
  ApprovalChain,
  ApprovalStep,
  ClosureHow,
  GivenApproval,
  LifecycleStatus,
  PartStatus,
  RecommendationState,
} from './lifecycleStates';
import type { ChangedMaterial, LifecycleEventData, StepRef } from './lifecycleEvents';
import {
  openStatuses,
  ownedStatuses,
  partStatuses,
  partStatusLabels,
  statusClause,
  workingStatuses,
} from './lifecycleStates';

export * from './lifecycleStates';
export * from './lifecycleEvents';
export type { Delegation, Person, RouteStep, RoutingItem, RoutingRule } from './approvalRouting';

/**
 * The lifecycle of one recommendation (docs/lifecycle.md, "The lifecycle of one item"), as pure functions.
 * `decide` is the one place that says whether a command is allowed and what it changes; the workflow's
 * update validators, the workflow's handlers and the api all call it. `availableCommands` says which
 * buttons a person should see. Nothing here reads the clock or does I/O: time comes in `context.today`.
 *
 *   logged ─triage─▶ not for the force ─reactivate─▶ assigned
 *   logged ─assign─▶ assigned ─accept─▶ in progress ─submit evidence─▶ awaiting approval (step by step)
 *     ─all approve─▶ awaiting self-certification ─letter─▶ category 2: closed
 *                                                        category 3: self-certified ─submit─▶ awaiting HMICFRS sign-off
 *                                                        category 4: awaiting verification visit ─visit─▶ visit held
 *   rejections and HMICFRS "not accepted" go back to in progress; closed ─reopen─▶ reopened ─accept─▶ in progress
 */

/** Who issues a command. `personId` is null for the system itself (timers, imports). */
export interface Actor {
  personId: string | null;
  roles: Role[];
  /** People this actor currently stands in for through an active delegation. */
  delegatesFor?: string[];
}

/** The people and delegations as they are today, used to resolve approvers when a step opens. */
export interface Directory {
  people: Person[];
  delegations: Delegation[];
}

export interface CommandContext {
  actor: Actor;
  today: IsoDate;
  /** ISO timestamp of the command, if the caller has one; copied onto every event as `at`, never required. */
  now?: string;
  /** Needed by commands that open an approval step; without it nobody can be found to approve. */
  directory?: Directory;
  /** The force's routing rules (default: `defaultRoutingRules`) and what routing knows about the item. */
  routing?: { rules?: RoutingRule[]; item?: Omit<RoutingItem, 'category'> };
}

export const hmicfrsOutcomes = ['signed_off', 'not_accepted', 'reality_test'] as const;
export type HmicfrsOutcome = (typeof hmicfrsOutcomes)[number];

export type LifecycleCommand =
  | { type: 'markNotForTheForce'; reason: string }
  | { type: 'reactivate'; reason: string; ownerId: string; leadId: string; dueDate: IsoDate }
  | { type: 'setCategory'; category: ClosureCategory }
  | { type: 'closeNoActionRequired'; reason: string }
  | { type: 'assign'; ownerId: string; leadId: string; dueDate: IsoDate }
  | { type: 'accept' }
  | { type: 'postUpdate'; text: string }
  | { type: 'flagAtRisk'; reason: string }
  | { type: 'clearAtRisk'; reason?: string }
  | { type: 'requestExtension'; newDueDate: IsoDate; reason: string }
  | { type: 'decideExtension'; approved: boolean; reason?: string }
  | { type: 'addPart'; reference: string; text: string }
  | { type: 'updatePart'; reference: string; status: PartStatus }
  | { type: 'amendText'; text: string; reason: string; partReference?: string }
  | { type: 'submitEvidence'; summary: string }
  | { type: 'amendEvidence'; summary: string }
  | { type: 'approve'; comment?: string }
  | { type: 'reject'; reasons: string }
  | { type: 'rerouteApproval' }
  | { type: 'selfCertify'; signatory: string; signatoryRole?: string; letterReference?: string; signedOn?: IsoDate }
  | { type: 'submitToHmicfrs'; reference?: string }
  | { type: 'recordVerificationVisit'; visitedOn: IsoDate; notes?: string }
  | { type: 'recordHmicfrsResponse'; outcome: HmicfrsOutcome; reasons?: string }
  | { type: 'markSuperseded'; supersededBy: string; reason?: string }
  | { type: 'markNoLongerRelevant'; reason: string }
  | { type: 'markBusinessAsUsual'; reason: string }
  | { type: 'reopen'; reason: string }
  | { type: 'reassign'; ownerId?: string; leadId?: string; reason: string };

export type LifecycleCommandType = LifecycleCommand['type'];

/** What each command is, in the words used for refusals: "<phrase> cannot be …: <why>". */
const commandPhrases: Record<LifecycleCommandType, string> = {
  markNotForTheForce: 'the recommendation cannot be marked not for the force',
  reactivate: 'the recommendation cannot be reactivated',
  setCategory: 'the closure category cannot be changed',
  closeNoActionRequired: 'the recommendation cannot be closed as no action required',
  assign: 'an owner cannot be assigned',
  accept: 'the recommendation cannot be accepted',
  postUpdate: 'a progress update cannot be posted',
  flagAtRisk: 'the recommendation cannot be flagged at risk',
  clearAtRisk: 'the at-risk flag cannot be cleared',
  requestExtension: 'an extension cannot be requested',
  decideExtension: 'the extension cannot be decided',
  addPart: 'a part cannot be added',
  updatePart: 'the part cannot be updated',
  amendText: 'the text cannot be changed',
  submitEvidence: 'evidence cannot be submitted',
  amendEvidence: 'the evidence cannot be changed',
  approve: 'this step cannot be approved',
  reject: 'the evidence cannot be rejected',
  rerouteApproval: 'the approval cannot be rerouted',
  selfCertify: 'the recommendation cannot be self-certified',
  submitToHmicfrs: 'the recommendation cannot be submitted to HMICFRS',
  recordVerificationVisit: 'the verification visit cannot be recorded',
  recordHmicfrsResponse: "HMICFRS's response cannot be recorded",
  markSuperseded: 'the recommendation cannot be marked superseded',
  markNoLongerRelevant: 'the recommendation cannot be closed as no longer relevant',
  markBusinessAsUsual: 'the recommendation cannot be closed as business as usual',
  reopen: 'the recommendation cannot be reopened',
  reassign: 'the recommendation cannot be handed over',
};

/**
 * Commands whose outcome never depends on the directory or the routing rules, so callers need not read them
 * (the property tests check it). Everything else may open an approval step or tell the people holding a role.
 */
export const commandsIndependentOfDirectory: ReadonlySet<LifecycleCommandType> = new Set<LifecycleCommandType>([
  'accept',
  'postUpdate',
  'flagAtRisk',
  'clearAtRisk',
  'markNotForTheForce',
  'setCategory',
  'closeNoActionRequired',
  'addPart',
  'updatePart',
  'assign',
]);

/** Every command type, in the order buttons are offered. */
export const lifecycleCommandTypes = Object.keys(commandPhrases) as LifecycleCommandType[];

/** Who must hear about an event, and which message template to use. */
export const notificationTemplates = [
  'assigned_to_you',
  'lead_for_item',
  'handed_over',
  'approval_requested',
  'approver_needed',
  'approval_outdated',
  'evidence_amended',
  'evidence_rejected',
  'extension_requested',
  'extension_approved',
  'extension_refused',
  'ready_for_self_certification',
  'ready_for_hmicfrs_submission',
  'hmicfrs_not_accepted',
  'item_closed',
  'item_reopened',
] as const;
export type NotificationTemplate = (typeof notificationTemplates)[number];

export interface LifecycleNotification {
  personId: string;
  template: NotificationTemplate;
}

/** How an event was recorded: before/after hold only the fields that changed. */
export interface LifecycleEventRecord {
  before: Partial<RecommendationState>;
  after: Partial<RecommendationState>;
  /** Who must be told (one entry per person and template). */
  notify?: LifecycleNotification[];
  /** When it happened, if the command's context said (`context.now`). */
  at?: string;
}

/** What happened (its typed facts) and what it changed; `describeEvent` puts it into words. */
export type LifecycleEvent = LifecycleEventData & LifecycleEventRecord;

export type Decision =
  | { accepted: true; state: RecommendationState; events: LifecycleEvent[] }
  | { accepted: false; reason: string };

const refuse = (reason: string): Decision => ({ accepted: false, reason });

/** The categories in the words of a sentence. */
const categoryWords: Record<ClosureCategory, string> = {
  1: 'no action required',
  2: 'self-certified by the force',
  3: 'self-certified, HMICFRS follows up',
  4: 'HMICFRS verifies',
};

// ---------------------------------------------------------------------------------------------------------------
// Small pure helpers

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((value, index) => deepEqual(value, b[index]));
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!deepEqual(left[key], right[key])) return false;
  return true;
}

/** Builds the next state event by event; never touches the state it started from. */
class Change {
  state: RecommendationState;
  readonly events: LifecycleEvent[] = [];

  constructor(
    start: RecommendationState,
    private readonly at?: string,
  ) {
    this.state = start;
  }

  record(data: LifecycleEventData, patch: Partial<RecommendationState>, notify: Array<LifecycleNotification | null> = []): void {
    const next: RecommendationState = { ...this.state, ...patch };
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const key of Object.keys(patch) as Array<keyof RecommendationState>) {
      if (!deepEqual(this.state[key], next[key])) {
        before[key] = this.state[key];
        after[key] = next[key];
      }
    }
    const recipients: LifecycleNotification[] = [];
    for (const entry of notify) {
      if (entry && !recipients.some((known) => known.personId === entry.personId && known.template === entry.template)) recipients.push(entry);
    }
    const event: LifecycleEvent = { ...data, before: before as Partial<RecommendationState>, after: after as Partial<RecommendationState> };
    if (recipients.length > 0) event.notify = recipients;
    if (this.at !== undefined) event.at = this.at;
    this.events.push(event);
    this.state = next;
  }

  done(): Decision {
    return { accepted: true, state: this.state, events: this.events };
  }
}

const tell = (personId: string | null | undefined, template: NotificationTemplate): LifecycleNotification | null =>
  personId ? { personId, template } : null;

const isAdministrator = (actor: Actor): boolean => actor.roles.includes('administrator');
const isOwner = (state: RecommendationState, actor: Actor): boolean => actor.personId !== null && actor.personId === state.ownerId;
const isOwnerOrAdministrator = (state: RecommendationState, actor: Actor): boolean => isOwner(state, actor) || isAdministrator(actor);
const blank = (text: string | undefined | null): boolean => !text || !text.trim();

const activePeopleWithRole = (context: CommandContext, role: Role): string[] =>
  (context.directory?.people ?? []).filter((person) => person.active !== false && person.roles.includes(role)).map((person) => person.id);

const extensionsGranted = (state: RecommendationState): number => state.dueDateHistory.filter((entry) => entry.kind === 'extension').length;

const openParts = (state: RecommendationState) => state.parts.filter((part) => part.status !== 'complete');

function describeOpenParts(state: RecommendationState): string {
  const open = openParts(state);
  const total = state.parts.length;
  const verb = open.length === 1 ? 'is' : 'are';
  const allInProgress = open.every((part) => part.status === 'in_progress');
  const detail = open.map((part) => `${part.reference} ${partStatusLabels[part.status].toLowerCase()}`).join(', ');
  return allInProgress
    ? `${open.length} of ${total} parts ${verb} still in progress (${open.map((part) => part.reference).join(', ')})`
    : `${open.length} of ${total} parts ${verb} not complete (${detail})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Approval chains

const emptyStep = (step: ApprovalStep['step']): ApprovalStep => ({
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
function openStep(chain: ApprovalChain, index: number, state: RecommendationState, context: CommandContext): ApprovalChain {
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

const stepRef = (chain: ApprovalChain, index: number): StepRef => ({ number: index + 1, of: chain.steps.length, step: chain.steps[index]!.step });

/** Opens the closure chain's step `index` and records who was asked (or that nobody could be found). */
/** The chain with its current step approved by `actor` (in person or standing in), recording what was approved. */
function withApproval(chain: ApprovalChain, state: RecommendationState, actor: Actor, today: IsoDate, comment: string | undefined): ApprovalChain {
  const acting = actingOnStep(chain.steps[chain.current]!, actor)!;
  const given: GivenApproval = {
    by: actor.personId!,
    onBehalfOf: acting.onBehalfOf,
    on: today,
    evidenceVersion: state.evidence?.version ?? 0,
    textVersion: state.textVersion,
    comment: comment?.trim() || null,
  };
  return { ...chain, current: chain.current + 1, steps: chain.steps.map((existing, index) => (index === chain.current ? { ...existing, approval: given } : existing)) };
}

function openClosureStep(change: Change, chain: ApprovalChain, index: number, context: CommandContext): void {
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
function openExtensionStep(change: Change, index: number, context: CommandContext): void {
  const extension = change.state.pendingExtension!;
  const opened = openStep(extension.chain, index, change.state, context);
  const step = opened.steps[index]!;
  const pendingExtension = { ...extension, chain: opened };
  if (step.approverId) {
    change.record(
      { type: 'extension_approval_requested', to: extension.requestedDueDate, step: stepRef(opened, index), approverId: step.approverId, onBehalfOf: step.onBehalfOf },
      { pendingExtension },
      [tell(step.approverId, 'extension_requested')],
    );
  } else {
    change.record(
      { type: 'extension_approver_not_found', to: extension.requestedDueDate, step: stepRef(opened, index), waitingReason: step.waitingReason! },
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
function stepDeciderRefusal(state: RecommendationState, chain: ApprovalChain, actor: Actor, approving: boolean): string | null {
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
      (other, index) => index !== chain.current && other.approval && (involved.has(other.approval.by) || (other.approval.onBehalfOf !== null && involved.has(other.approval.onBehalfOf))),
    );
    if (earlier >= 0) return `step ${earlier + 1} of this chain has already been approved by or for the same person, and nobody may approve twice in one chain`;
  }
  return null;
}

/**
 * Approvals given to evidence or text that has since changed are outdated: they are set aside (kept in the step's
 * `outdated` list) and the chain goes back to the first outdated step, which is asked again.
 */
function outdateApprovals(change: Change, context: CommandContext, changed: ChangedMaterial): void {
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
      change.record({ type: 'approval_request_refreshed', approverId: current.approverId, onBehalfOf: current.onBehalfOf, changed }, {}, [tell(current.approverId, 'evidence_amended')]);
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

// ---------------------------------------------------------------------------------------------------------------
// Who may do what, when (shared by `decide`, `availableCommands` and `commandRefusal`)

const onlyAdministrator = 'only an administrator (corporate development) can do this';
const onlyOwnerOrAdministrator = 'only the owner or an administrator can do this';

const closableOtherwise = openStatuses;

/** Statuses before the self-certification letter, while the category can still change. */
const beforeSelfCertification: readonly LifecycleStatus[] = [
  'logged',
  'not_for_the_force',
  'assigned',
  'in_progress',
  'evidence_submitted',
  'awaiting_approval',
  'awaiting_self_certification',
  'reopened',
];

const hasOwner = (state: RecommendationState): boolean => state.ownerId !== null;

const hmicfrsOutcomeStatuses: Record<HmicfrsOutcome, readonly LifecycleStatus[]> = {
  signed_off: ['awaiting_hmicfrs_sign_off', 'reality_test_at_next_inspection', 'verification_visit_held'],
  not_accepted: ['awaiting_hmicfrs_sign_off', 'reality_test_at_next_inspection', 'verification_visit_held'],
  reality_test: ['awaiting_hmicfrs_sign_off'],
};

function hmicfrsOutcomeAllowed(state: RecommendationState, outcome: HmicfrsOutcome): boolean {
  if (hmicfrsOutcomeStatuses[outcome].includes(state.status)) return true;
  // A category 2 item the force closed itself can still be found wanting by HMICFRS.
  return outcome === 'not_accepted' && state.status === 'closed' && state.closure?.how === 'self_certified';
}

/**
 * Why this actor cannot issue this kind of command now, judged on the state alone (the command's own details are
 * checked by `decide`); null when they can.
 */
function guard(type: LifecycleCommandType, state: RecommendationState, actor: Actor): string | null {
  const status = state.status;
  const wrongStatus = (): string => statusClause(state);
  switch (type) {
    case 'markNotForTheForce':
      if (status !== 'logged') return `${wrongStatus()}; only a newly logged recommendation can be`;
      return isAdministrator(actor) ? null : onlyAdministrator;
    case 'reactivate':
      if (status !== 'not_for_the_force') return `${wrongStatus()}; only a recommendation marked not for the force can be`;
      return isAdministrator(actor) ? null : onlyAdministrator;
    case 'setCategory':
      if (!beforeSelfCertification.includes(status)) return `${wrongStatus()}, and the category is fixed once the item is self-certified or closed`;
      return isAdministrator(actor) ? null : onlyAdministrator;
    case 'closeNoActionRequired':
      if (!beforeSelfCertification.includes(status) || status === 'not_for_the_force') return wrongStatus();
      if (state.category !== 1) {
        return state.category === null
          ? 'its closure category has not been set; only category 1 items close as no action required'
          : `it is category ${state.category}; only category 1 items close as no action required`;
      }
      return isAdministrator(actor) ? null : onlyAdministrator;
    case 'assign':
      if (status !== 'logged' && status !== 'assigned' && status !== 'reopened') {
        return `${wrongStatus()}; to change the owner or lead, hand it over instead`;
      }
      return isAdministrator(actor) ? null : onlyAdministrator;
    case 'accept':
      if (status !== 'assigned' && status !== 'reopened') return wrongStatus();
      if (!hasOwner(state)) return 'it has no owner yet; an administrator must assign one first';
      return isOwnerOrAdministrator(state, actor) ? null : 'only the owner it is assigned to or an administrator can do this';
    case 'postUpdate':
      if (!(ownedStatuses.includes(status) || (status === 'reopened' && hasOwner(state)))) return wrongStatus();
      return isOwnerOrAdministrator(state, actor) ? null : onlyOwnerOrAdministrator;
    case 'flagAtRisk':
      if (!workingStatuses.includes(status) || !hasOwner(state)) return wrongStatus();
      if (state.atRisk) return 'it is already flagged at risk';
      return isOwnerOrAdministrator(state, actor) ? null : onlyOwnerOrAdministrator;
    case 'clearAtRisk':
      if (!state.atRisk) return 'it is not flagged at risk';
      return isOwnerOrAdministrator(state, actor) ? null : onlyOwnerOrAdministrator;
    case 'requestExtension':
      if (!workingStatuses.includes(status) || !hasOwner(state)) return `${wrongStatus()}; extensions are for work not yet evidenced`;
      if (state.pendingExtension) return `an extension to ${state.pendingExtension.requestedDueDate} is already waiting for a decision`;
      return isOwnerOrAdministrator(state, actor) ? null : onlyOwnerOrAdministrator;
    case 'decideExtension':
      if (!state.pendingExtension) return 'no extension has been requested';
      return stepDeciderRefusal(state, state.pendingExtension.chain, actor, true);
    case 'addPart':
      if (!workingStatuses.includes(status) && status !== 'logged' && status !== 'not_for_the_force') {
        return `${wrongStatus()}; parts can only be added before evidence is submitted`;
      }
      return isAdministrator(actor) ? null : onlyAdministrator;
    case 'updatePart':
      if (status !== 'in_progress') return `${wrongStatus()}; parts are progressed while the work is in progress`;
      if (state.parts.length === 0) return 'it has no parts';
      return isOwnerOrAdministrator(state, actor) ? null : onlyOwnerOrAdministrator;
    case 'amendText':
      if (status === 'closed') return wrongStatus();
      return isAdministrator(actor) ? null : onlyAdministrator;
    case 'submitEvidence':
      if (status !== 'in_progress') return wrongStatus();
      if (state.category === 1) return 'it is category 1 (no action required); an administrator closes it without evidence';
      if (openParts(state).length > 0) return describeOpenParts(state);
      return isOwnerOrAdministrator(state, actor) ? null : onlyOwnerOrAdministrator;
    case 'amendEvidence':
      if (status !== 'evidence_submitted' && status !== 'awaiting_approval') return `${wrongStatus()}; evidence can be changed only while it is being approved`;
      return isOwnerOrAdministrator(state, actor) ? null : onlyOwnerOrAdministrator;
    case 'approve':
    case 'reject':
      if (status === 'evidence_submitted') return stepDeciderRefusal(state, state.approval!, actor, type === 'approve');
      if (status !== 'awaiting_approval') return wrongStatus();
      return stepDeciderRefusal(state, state.approval!, actor, type === 'approve');
    case 'rerouteApproval': {
      const closureChainOpen = status === 'awaiting_approval' || status === 'evidence_submitted';
      if (!closureChainOpen && !state.pendingExtension) return 'no approval is waiting';
      return isAdministrator(actor) || actor.personId === null ? null : onlyAdministrator;
    }
    case 'selfCertify':
      if (status !== 'awaiting_self_certification') return `${wrongStatus()}; only approved evidence can be self-certified`;
      if (state.category === null) return 'its closure category has not been set';
      if (state.category === 1) return 'it is category 1 (no action required) and is closed without self-certification';
      return isAdministrator(actor) || actor.roles.includes('dcc') ? null : 'only the Deputy Chief Constable or an administrator can record the letter';
    case 'submitToHmicfrs':
      if (status !== 'self_certified') return wrongStatus();
      return actor.roles.includes('liaison_lead') ? null : 'only the force liaison lead can do this';
    case 'recordVerificationVisit':
      if (status !== 'awaiting_verification_visit') return wrongStatus();
      return actor.roles.includes('liaison_lead') || isAdministrator(actor) ? null : 'only the force liaison lead or an administrator can do this';
    case 'recordHmicfrsResponse':
      if (!hmicfrsOutcomes.some((outcome) => hmicfrsOutcomeAllowed(state, outcome))) return `${wrongStatus()}, so no response from HMICFRS is awaited`;
      return actor.roles.includes('liaison_lead') || isAdministrator(actor) ? null : 'only the force liaison lead or an administrator can do this';
    case 'markSuperseded':
    case 'markNoLongerRelevant':
      if (!closableOtherwise.includes(status)) return wrongStatus();
      return isAdministrator(actor) ? null : onlyAdministrator;
    case 'markBusinessAsUsual':
      if (!closableOtherwise.includes(status) || status === 'logged' || status === 'not_for_the_force') {
        return `${wrongStatus()}; only the force's own work can become business as usual`;
      }
      return isAdministrator(actor) ? null : onlyAdministrator;
    case 'reopen':
      if (status !== 'closed') return `${wrongStatus()}; only a closed recommendation can be reopened`;
      return isAdministrator(actor) ? null : onlyAdministrator;
    case 'reassign':
      if (!(ownedStatuses.includes(status) || (status === 'reopened' && hasOwner(state)))) return wrongStatus();
      return isAdministrator(actor) ? null : onlyAdministrator;
  }
}

/** Why `actor` cannot issue a command of this type now, as a sentence; null when they can. */
export function commandRefusal(state: RecommendationState, actor: Actor, type: LifecycleCommandType): string | null {
  const why = guard(type, state, actor);
  return why === null ? null : `${commandPhrases[type]}: ${why}`;
}

/** The commands this person may issue now (the buttons to show). The command's details are still checked by `decide`. */
export function availableCommands(state: RecommendationState, actor: Actor): LifecycleCommandType[] {
  return lifecycleCommandTypes.filter((type) => guard(type, state, actor) === null);
}

// ---------------------------------------------------------------------------------------------------------------
// decide

/** Checks a due date for assign/reactivate; null when it is usable. */
function dueDateProblem(dueDate: IsoDate, today: IsoDate): string | null {
  if (!isIsoDate(dueDate)) return 'the due date must be a real date (YYYY-MM-DD)';
  if (dueDate < today) return `the due date ${dueDate} is in the past`;
  return null;
}

function assignment(
  change: Change,
  command: { ownerId: string; leadId: string; dueDate: IsoDate },
  context: CommandContext,
  as: { type: 'owner_assigned' } | { type: 'reactivated'; reason: string },
  reason: string,
): void {
  const state = change.state;
  const dueDateHistory =
    state.dueDate === command.dueDate && state.dueDateHistory.length > 0
      ? state.dueDateHistory
      : [...state.dueDateHistory, { dueDate: command.dueDate, reason, approvedBy: context.actor.personId, decidedOn: context.today, kind: 'set' as const }];
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

function assignmentProblem(command: { ownerId: string; leadId: string; dueDate: IsoDate }, today: IsoDate): string | null {
  if (blank(command.ownerId)) return 'an owner must be chosen';
  if (blank(command.leadId)) return 'a lead must be chosen';
  if (command.ownerId === command.leadId) return 'the owner and the lead must be different people, because the lead approves the owner’s evidence';
  return dueDateProblem(command.dueDate, today);
}

function close(change: Change, how: ClosureHow, reason: string, context: CommandContext, supersededBy: string | null = null): void {
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

/**
 * Whether `context.actor` may issue `command` on `state` now, and if so the new state and the events that record
 * what changed. Pure: the input state is never modified; a refusal is a sentence an officer understands.
 */
export function decide(state: RecommendationState, command: LifecycleCommand, context: CommandContext): Decision {
  const why = guard(command.type, state, context.actor);
  if (why !== null) return refuse(`${commandPhrases[command.type]}: ${why}`);
  const no = (reason: string): Decision => refuse(`${commandPhrases[command.type]}: ${reason}`);
  const { actor, today } = context;
  const change = new Change(state, context.now);

  switch (command.type) {
    case 'markNotForTheForce': {
      if (blank(command.reason)) return refuse('a reason is needed to mark a recommendation not for the force');
      change.record({ type: 'marked_not_for_the_force', reason: command.reason.trim() }, { status: 'not_for_the_force', notForTheForceReason: command.reason.trim() });
      return change.done();
    }

    case 'reactivate': {
      if (blank(command.reason)) return no('a reason is needed to reactivate it');
      const problem = assignmentProblem(command, today);
      if (problem) return no(problem);
      assignment(change, command, context, { type: 'reactivated', reason: command.reason.trim() }, 'Due date set when reactivated');
      return change.done();
    }

    case 'setCategory': {
      if (!closureCategories.includes(command.category)) return no('the category must be 1, 2, 3 or 4');
      if (command.category === state.category) return no(`it is already category ${command.category} (${categoryWords[command.category]})`);
      change.record({ type: 'category_set', category: command.category }, { category: command.category });
      return change.done();
    }

    case 'closeNoActionRequired': {
      if (blank(command.reason)) return no('a reason is needed');
      close(change, 'no_action_required', command.reason.trim(), context);
      return change.done();
    }

    case 'assign': {
      const problem = assignmentProblem(command, today);
      if (problem) return no(problem);
      assignment(change, command, context, { type: 'owner_assigned' }, 'Due date set when assigned');
      return change.done();
    }

    case 'accept': {
      change.record({ type: 'owner_accepted', ownerId: state.ownerId!, by: actor.personId }, { status: 'in_progress' });
      return change.done();
    }

    case 'postUpdate': {
      if (blank(command.text)) return no('the update has no text');
      change.record({ type: 'progress_updated', text: command.text.trim() }, {
        latestUpdate: { text: command.text.trim(), by: actor.personId, on: today },
        updateCount: state.updateCount + 1,
      });
      return change.done();
    }

    case 'flagAtRisk': {
      if (blank(command.reason)) return no('a reason is needed');
      change.record({ type: 'flagged_at_risk', reason: command.reason.trim() }, {
        atRisk: { reason: command.reason.trim(), flaggedBy: actor.personId, flaggedOn: today },
      });
      return change.done();
    }

    case 'clearAtRisk': {
      change.record({ type: 'at_risk_cleared', reason: command.reason?.trim() || null }, { atRisk: null });
      return change.done();
    }

    case 'requestExtension': {
      if (blank(command.reason)) return no('a reason is needed');
      if (!isIsoDate(command.newDueDate)) return no('the new due date must be a real date (YYYY-MM-DD)');
      if (command.newDueDate <= state.dueDate!) return no(`the new due date must be later than the current one (${state.dueDate})`);
      if (command.newDueDate < today) return no(`the new due date ${command.newDueDate} is in the past`);
      const steps = extensionRoute(extensionsGranted(state)).map(emptyStep);
      const chain: ApprovalChain = { routeId: steps.length > 1 ? 'extension-lead-and-dcc' : 'extension-lead', startedOn: today, current: 0, steps };
      const firstStep = openStep(chain, 0, state, context).steps[0]!;
      if (!firstStep.approverId) return no(firstStep.waitingReason!);
      change.record({ type: 'extension_requested', from: state.dueDate, to: command.newDueDate, reason: command.reason.trim() }, {
        pendingExtension: { requestedDueDate: command.newDueDate, reason: command.reason.trim(), requestedBy: actor.personId, requestedOn: today, chain },
      });
      openExtensionStep(change, 0, context);
      return change.done();
    }

    case 'decideExtension': {
      const extension = state.pendingExtension!;
      const chain = extension.chain;
      if (!command.approved) {
        if (blank(command.reason)) return no('a reason is needed to refuse an extension');
        change.record(
          { type: 'extension_refused', to: extension.requestedDueDate, by: actor.personId!, reason: command.reason!.trim(), dueDateStays: state.dueDate },
          { pendingExtension: null },
          [tell(state.ownerId, 'extension_refused'), tell(extension.requestedBy, 'extension_refused')],
        );
        return change.done();
      }
      const approvedChain = withApproval(chain, state, actor, today, command.reason);
      if (approvedChain.current < approvedChain.steps.length) {
        change.record(
          { type: 'extension_step_approved', to: extension.requestedDueDate, step: stepRef(chain, chain.current), by: actor.personId! },
          { pendingExtension: { ...extension, chain: approvedChain } },
        );
        openExtensionStep(change, approvedChain.current, context);
        return change.done();
      }
      change.record(
        { type: 'extension_approved', from: state.dueDate, to: extension.requestedDueDate, by: actor.personId!, reason: extension.reason },
        {
          dueDate: extension.requestedDueDate,
          dueDateHistory: [
            ...state.dueDateHistory,
            { dueDate: extension.requestedDueDate, reason: extension.reason, approvedBy: actor.personId, decidedOn: today, kind: 'extension' },
          ],
          pendingExtension: null,
        },
        [tell(state.ownerId, 'extension_approved'), tell(extension.requestedBy, 'extension_approved'), tell(state.leadId, 'extension_approved')],
      );
      return change.done();
    }

    case 'addPart': {
      const reference = command.reference?.trim();
      if (!reference) return no('the part needs a reference, such as "4a"');
      if (blank(command.text)) return no('the part needs its text');
      if (state.parts.some((part) => part.reference === reference)) return no(`there is already a part ${reference}`);
      change.record({ type: 'part_added', reference }, {
        parts: [...state.parts, { reference, text: command.text.trim(), status: 'not_started' }],
      });
      return change.done();
    }

    case 'updatePart': {
      const part = state.parts.find((candidate) => candidate.reference === command.reference);
      if (!part) return no(`there is no part ${command.reference}; its parts are ${state.parts.map((known) => known.reference).join(', ')}`);
      if (!partStatuses.includes(command.status)) return no('a part is not started, in progress or complete');
      if (part.status === command.status) return no(`part ${part.reference} is already ${partStatusLabels[part.status].toLowerCase()}`);
      change.record({ type: 'part_progressed', reference: part.reference, from: part.status, to: command.status }, {
        parts: state.parts.map((existing) => (existing.reference === part.reference ? { ...existing, status: command.status } : existing)),
      });
      return change.done();
    }

    case 'amendText': {
      if (blank(command.text)) return no('the new text is empty');
      if (blank(command.reason)) return no('a reason is needed');
      const text = command.text.trim();
      if (command.partReference !== undefined) {
        const part = state.parts.find((candidate) => candidate.reference === command.partReference);
        if (!part) return no(`there is no part ${command.partReference}`);
        if (part.text === text) return no(`part ${part.reference} already has that text`);
        change.record({ type: 'text_amended', partReference: part.reference, reason: command.reason.trim() }, {
          parts: state.parts.map((existing) => (existing.reference === part.reference ? { ...existing, text } : existing)),
          textVersion: state.textVersion + 1,
        });
      } else {
        if (state.text === text) return no('the text is unchanged');
        change.record({ type: 'text_amended', partReference: null, reason: command.reason.trim() }, { text, textVersion: state.textVersion + 1 });
      }
      outdateApprovals(change, context, 'text');
      return change.done();
    }

    case 'submitEvidence': {
      if (blank(command.summary)) return no('describe the evidence (documents, links or notes)');
      const rules = context.routing?.rules ?? defaultRoutingRules;
      const route = chooseRoute(rules, { ...(context.routing?.item ?? {}), category: state.category });
      if (!route || route.steps.length === 0) return no('no approval route fits this recommendation; an administrator must check the routing rules');
      const chain: ApprovalChain = { routeId: route.id, startedOn: today, current: 0, steps: route.steps.map(emptyStep) };
      change.record(
        { type: 'evidence_submitted', by: actor.personId, evidence: command.summary.trim() },
        {
          evidence: { summary: command.summary.trim(), version: (state.evidence?.version ?? 0) + 1, submittedBy: actor.personId, submittedOn: today },
          atRisk: null,
        },
      );
      openClosureStep(change, chain, 0, context);
      return change.done();
    }

    case 'amendEvidence': {
      if (blank(command.summary)) return no('describe the evidence (documents, links or notes)');
      if (state.evidence && state.evidence.summary === command.summary.trim()) return no('the evidence is unchanged');
      change.record({ type: 'evidence_amended', evidence: command.summary.trim() }, {
        evidence: { summary: command.summary.trim(), version: (state.evidence?.version ?? 0) + 1, submittedBy: actor.personId, submittedOn: today },
      });
      outdateApprovals(change, context, 'evidence');
      return change.done();
    }

    case 'approve': {
      const chain = state.approval!;
      const approvedChain = withApproval(chain, state, actor, today, command.comment);
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
          [...activePeopleWithRole(context, 'administrator'), ...activePeopleWithRole(context, 'dcc')].map((id) => tell(id, 'ready_for_self_certification')),
        );
      }
      return change.done();
    }

    case 'reject': {
      if (blank(command.reasons)) return no('the owner must be told why: give the reasons');
      const chain = state.approval!;
      change.record(
        { type: 'approval_rejected', step: stepRef(chain, chain.current), by: actor.personId!, reasons: command.reasons.trim() },
        {
          status: 'in_progress',
          approval: null,
          lastRejection: { source: 'approver', by: actor.personId, on: today, reasons: command.reasons.trim() },
        },
        [tell(state.ownerId, 'evidence_rejected')],
      );
      return change.done();
    }

    case 'rerouteApproval': {
      const closureChainOpen = state.status === 'awaiting_approval' || state.status === 'evidence_submitted';
      if (closureChainOpen) openClosureStep(change, state.approval!, state.approval!.current, context);
      if (state.pendingExtension) openExtensionStep(change, state.pendingExtension.chain.current, context);
      return change.done();
    }

    case 'selfCertify': {
      if (blank(command.signatory)) return no('the letter must name who signed it');
      const signedOn = command.signedOn ?? today;
      if (!isIsoDate(signedOn)) return no('the date of the letter must be a real date (YYYY-MM-DD)');
      if (signedOn > today) return no(`the letter cannot be dated in the future (${signedOn})`);
      const selfCertification = {
        signatory: command.signatory.trim(),
        signatoryRole: command.signatoryRole?.trim() || null,
        letterReference: command.letterReference?.trim() || null,
        signedOn,
        recordedBy: actor.personId,
      };
      const category = state.category!;
      const next: LifecycleStatus = category === 2 ? 'closed' : category === 3 ? 'self_certified' : 'awaiting_verification_visit';
      if (next === 'closed') {
        change.record({ type: 'self_certified', signatory: selfCertification.signatory, signedOn, followUp: 'none' }, { selfCertification });
        close(change, 'self_certified', `Letter signed by ${selfCertification.signatory}`, context);
      } else {
        change.record(
          { type: 'self_certified', signatory: selfCertification.signatory, signedOn, followUp: category === 3 ? 'hmicfrs_sign_off' : 'verification_visit' },
          { selfCertification, status: next },
          activePeopleWithRole(context, 'liaison_lead').map((id) => tell(id, 'ready_for_hmicfrs_submission')),
        );
      }
      return change.done();
    }

    case 'submitToHmicfrs': {
      change.record({ type: 'submitted_to_hmicfrs', reference: command.reference?.trim() || null }, {
        status: 'awaiting_hmicfrs_sign_off',
        hmicfrs: {
          submittedOn: today,
          submittedBy: actor.personId,
          reference: command.reference?.trim() || null,
          realityTestAtNextInspection: false,
          visitedOn: null,
          visitNotes: null,
        },
      });
      return change.done();
    }

    case 'recordVerificationVisit': {
      if (!isIsoDate(command.visitedOn)) return no('the date of the visit must be a real date (YYYY-MM-DD)');
      if (command.visitedOn > today) return no(`the visit cannot be recorded before it happens (${command.visitedOn})`);
      const hmicfrs = state.hmicfrs ?? { submittedOn: null, submittedBy: null, reference: null, realityTestAtNextInspection: false, visitedOn: null, visitNotes: null };
      change.record({ type: 'verification_visit_recorded', visitedOn: command.visitedOn, notes: command.notes?.trim() || null }, {
        status: 'verification_visit_held',
        hmicfrs: { ...hmicfrs, visitedOn: command.visitedOn, visitNotes: command.notes?.trim() || null },
      });
      return change.done();
    }

    case 'recordHmicfrsResponse': {
      if (!hmicfrsOutcomes.includes(command.outcome)) return no('the response must be signed off, not accepted, or reality test at the next inspection');
      if (!hmicfrsOutcomeAllowed(state, command.outcome)) {
        const outcomeWords = { signed_off: 'a sign-off', not_accepted: 'a refusal', reality_test: 'a reality test' }[command.outcome];
        return no(`${outcomeWords} cannot be recorded when ${statusClause(state)}`);
      }
      switch (command.outcome) {
        case 'signed_off':
          close(change, 'signed_off_by_hmicfrs', command.reasons?.trim() || 'Signed off by HMICFRS', context);
          return change.done();
        case 'reality_test':
          change.record(
            { type: 'reality_test_at_next_inspection', reasons: command.reasons?.trim() || null },
            { status: 'reality_test_at_next_inspection', hmicfrs: { ...state.hmicfrs!, realityTestAtNextInspection: true } },
          );
          return change.done();
        case 'not_accepted':
          if (blank(command.reasons)) return no('the owner must be told why HMICFRS did not accept it: give the reasons');
          change.record(
            { type: 'hmicfrs_not_accepted', reasons: command.reasons!.trim() },
            {
              status: 'in_progress',
              closure: null,
              approval: null,
              selfCertification: null,
              hmicfrs: null,
              lastRejection: { source: 'hmicfrs', by: actor.personId, on: today, reasons: command.reasons!.trim() },
            },
            [tell(state.ownerId, 'hmicfrs_not_accepted'), tell(state.leadId, 'hmicfrs_not_accepted')],
          );
          return change.done();
      }
      return no('the response is not recognised');
    }

    case 'markSuperseded': {
      const by = command.supersededBy?.trim();
      if (!by) return no('name the item that supersedes it');
      if (by === state.recommendationId) return no('an item cannot supersede itself');
      close(change, 'superseded', command.reason?.trim() || `Superseded by ${by}`, context, by);
      return change.done();
    }

    case 'markNoLongerRelevant': {
      if (blank(command.reason)) return no('a reason is needed');
      close(change, 'no_longer_relevant', command.reason.trim(), context);
      return change.done();
    }

    case 'markBusinessAsUsual': {
      if (blank(command.reason)) return no('say how the work continues in normal management');
      close(change, 'business_as_usual', command.reason.trim(), context);
      return change.done();
    }

    case 'reopen': {
      if (blank(command.reason)) return no('a reason is needed to reopen a closed recommendation');
      change.record(
        { type: 'reopened', was: state.closure!.how, reason: command.reason.trim() },
        { status: 'reopened', closure: null, approval: null, selfCertification: null, hmicfrs: null, reopenCount: state.reopenCount + 1 },
        [tell(state.ownerId, 'item_reopened'), tell(state.leadId, 'item_reopened')],
      );
      return change.done();
    }

    case 'reassign':
      return reassign(state, command, context, change, no);
  }
}

function reassign(
  state: RecommendationState,
  command: { ownerId?: string; leadId?: string; reason: string },
  context: CommandContext,
  change: Change,
  no: (reason: string) => Decision,
): Decision {
  if (blank(command.reason)) return no('a reason is needed');
  const ownerId = command.ownerId?.trim() || state.ownerId!;
  const leadId = command.leadId?.trim() || state.leadId!;
  if (ownerId === state.ownerId && leadId === state.leadId) return no('name a new owner or a new lead');
  if (ownerId === leadId) return no('the owner and the lead must be different people, because the lead approves the owner’s evidence');
  if (ownerId !== state.ownerId) {
    for (const chain of [state.approval, state.pendingExtension?.chain]) {
      if (!chain) continue;
      const involved = chain.steps.some(
        (step, index) =>
          step.approval?.by === ownerId ||
          step.approval?.onBehalfOf === ownerId ||
          (index === chain.current && (step.approverId === ownerId || step.onBehalfOf === ownerId)),
      );
      if (involved) return no(`${ownerId} is approving it, and an approver may never approve an item they own`);
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
    if (closureChainOpen && chain && chain.steps[chain.current]?.step.kind === 'lead') openClosureStep(change, chain, chain.current, context);
    const extension = change.state.pendingExtension;
    if (extension && extension.chain.steps[extension.chain.current]?.step.kind === 'lead') openExtensionStep(change, extension.chain.current, context);
  }
  return change.done();
}
