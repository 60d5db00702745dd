import { In, Not, type EntityManager } from 'typeorm';
import { calendarDateInLondon } from '../domain/calendar';
import {
  closureHowPhrases,
  type Actor,
  type ApprovalChain,
  type LifecycleEvent,
  type LifecycleEventType,
  type PendingExtension,
  type RecommendationState,
} from '../domain/lifecycle';
import type { IsoDate } from '../domain/vocabulary';
import {
  ApprovalRequest,
  ApprovalStep,
  EvidenceSubmission,
  ExtensionRequest,
  HmicfrsResponse,
  HmicfrsSubmission,
  ItemLink,
  ProgressUpdate,
  Recommendation,
  RecommendationPart,
  SelfCertificationLetter,
} from '../entities';
import type { ApprovalRequestKind } from '../entities/ApprovalRequest';
import type { HmicfrsResponseOutcome } from '../entities/HmicfrsResponse';

/** One accepted transition, as the lifecycle tables need it. */
export interface ProjectedTransition {
  /** Every row a transition writes carries it, so writing it again changes nothing. */
  transitionId: string;
  recommendationId: string;
  actor: Actor;
  occurredAt: string;
  /** The command's type. */
  command: string;
  before: RecommendationState;
  after: RecommendationState;
  events: LifecycleEvent[];
}

/**
 * Keeps the lifecycle's queryable tables in step with one accepted transition, inside the transaction that records
 * it (activities/recordTransition.ts). The audit trail stays the source of truth; these rows are what it implies
 * about parts, updates, evidence, extensions, approvals, letters, HMICFRS and links.
 *
 * Every write is keyed on the transition id or on a natural key (upsert, or insert that ignores a conflict), so
 * projecting the same transition twice leaves the tables as once.
 */
export async function projectTransition(tx: EntityManager, input: ProjectedTransition): Promise<void> {
  for (const projection of projections) {
    if (projection.when(input)) await projection.write(tx, input);
  }
}

type Transition = ProjectedTransition;

interface Projection {
  table: string;
  when: (t: Transition) => boolean;
  write: (tx: EntityManager, t: Transition) => Promise<void>;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const changed =
  (...fields: Array<keyof RecommendationState>) =>
  (t: Transition): boolean =>
    fields.some((field) => !same(t.before[field], t.after[field]));
const commandIs =
  (...commands: string[]) =>
  (t: Transition): boolean =>
    commands.includes(t.command);
const hasEvent = (t: Transition, type: LifecycleEventType): boolean => t.events.some((event) => event.type === type);
const eventOf = <T extends LifecycleEventType>(t: Transition, type: T): Extract<LifecycleEvent, { type: T }> | undefined =>
  t.events.find((event): event is Extract<LifecycleEvent, { type: T }> => event.type === type);

/** The day the transition happened, as the lifecycle counts days (England and Wales). */
const today = (t: Transition): IsoDate => calendarDateInLondon(Date.parse(t.occurredAt));

/** Order matters: extension requests before the approval requests that point at them, requests before their steps. */
const projections: Projection[] = [
  { table: 'recommendation_parts', when: changed('parts'), write: syncParts },
  { table: 'progress_updates', when: commandIs('postUpdate'), write: recordProgressUpdate },
  { table: 'evidence_submissions', when: changed('evidence'), write: recordEvidence },
  { table: 'extension_requests', when: changed('pendingExtension'), write: syncExtensionRequest },
  { table: 'approval_requests', when: changed('approval', 'pendingExtension'), write: syncApprovalRequests },
  { table: 'approval_steps', when: changed('approval', 'pendingExtension'), write: syncApprovalSteps },
  { table: 'self_certification_letters', when: commandIs('selfCertify'), write: recordSelfCertification },
  { table: 'hmicfrs_submissions', when: commandIs('submitToHmicfrs'), write: recordHmicfrsSubmission },
  { table: 'hmicfrs_responses', when: commandIs('recordHmicfrsResponse', 'recordVerificationVisit'), write: recordHmicfrsResponse },
  { table: 'item_links', when: changed('closure'), write: syncItemLinks },
];

// ---------------------------------------------------------------------------------------------------------------
// recommendation_parts: the item's parts exactly as `after.parts` lists them.

async function syncParts(tx: EntityManager, t: Transition): Promise<void> {
  const parts = t.after.parts;
  if (parts.length > 0) {
    await tx
      .createQueryBuilder()
      .insert()
      .into(RecommendationPart)
      .values(
        parts.map((part, position) => ({
          recommendationId: t.recommendationId,
          reference: part.reference,
          text: part.text,
          status: part.status,
          position,
        })),
      )
      .orUpdate(['text', 'status', 'position'], ['recommendation_id', 'reference'])
      .execute();
  }
  await tx.delete(RecommendationPart, { recommendationId: t.recommendationId, reference: Not(In(parts.map((part) => part.reference))) });
}

// ---------------------------------------------------------------------------------------------------------------
// progress_updates, evidence_submissions, self_certification_letters, hmicfrs_submissions: one row per event.

async function insertOnce<T>(tx: EntityManager, entity: new () => T, values: object): Promise<void> {
  await tx.createQueryBuilder().insert().into(entity).values(values).orIgnore().execute();
}

async function recordProgressUpdate(tx: EntityManager, t: Transition): Promise<void> {
  const update = t.after.latestUpdate;
  if (!update) return;
  await insertOnce(tx, ProgressUpdate, {
    recommendationId: t.recommendationId,
    text: update.text,
    authorId: update.by,
    postedOn: update.on,
    transitionId: t.transitionId,
  });
}

async function recordEvidence(tx: EntityManager, t: Transition): Promise<void> {
  const evidence = t.after.evidence;
  if (!evidence) return;
  await insertOnce(tx, EvidenceSubmission, {
    recommendationId: t.recommendationId,
    version: evidence.version,
    kind: hasEvent(t, 'evidence_amended') ? 'amended' : 'submitted',
    summary: evidence.summary,
    submittedBy: evidence.submittedBy,
    submittedOn: evidence.submittedOn,
    transitionId: t.transitionId,
  });
}

async function recordSelfCertification(tx: EntityManager, t: Transition): Promise<void> {
  const letter = t.after.selfCertification;
  if (!letter) return;
  await insertOnce(tx, SelfCertificationLetter, {
    recommendationId: t.recommendationId,
    signatory: letter.signatory,
    signatoryRole: letter.signatoryRole,
    letterReference: letter.letterReference,
    signedOn: letter.signedOn,
    recordedBy: letter.recordedBy,
    transitionId: t.transitionId,
  });
}

async function recordHmicfrsSubmission(tx: EntityManager, t: Transition): Promise<void> {
  const submission = t.after.hmicfrs;
  if (!submission?.submittedOn) return;
  await insertOnce(tx, HmicfrsSubmission, {
    recommendationId: t.recommendationId,
    submittedOn: submission.submittedOn,
    submittedBy: submission.submittedBy,
    reference: submission.reference,
    transitionId: t.transitionId,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// hmicfrs_responses: what HMICFRS said, read from the event the lifecycle recorded.

/** The response an event records, with HMICFRS's reasons (or the visit's notes); null when it records none. */
function hmicfrsResponse(
  event: LifecycleEvent,
): { outcome: HmicfrsResponseOutcome; reasons: string | null; visitedOn: IsoDate | null } | null {
  switch (event.type) {
    case 'closed':
      return { outcome: 'signed_off', reasons: event.reason, visitedOn: null };
    case 'hmicfrs_not_accepted':
      return { outcome: 'not_accepted', reasons: event.reasons, visitedOn: null };
    case 'reality_test_at_next_inspection':
      return { outcome: 'reality_test', reasons: event.reasons, visitedOn: null };
    case 'verification_visit_recorded':
      return { outcome: 'verification_visit', reasons: event.notes, visitedOn: event.visitedOn };
    default:
      return null;
  }
}

async function recordHmicfrsResponse(tx: EntityManager, t: Transition): Promise<void> {
  for (const event of t.events) {
    const response = hmicfrsResponse(event);
    if (!response) continue;
    await insertOnce(tx, HmicfrsResponse, {
      recommendationId: t.recommendationId,
      ...response,
      recordedOn: today(t),
      recordedBy: t.actor.personId,
      transitionId: t.transitionId,
    });
    return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// extension_requests: opened when `pendingExtension` appears, closed when it goes.

type ExtensionOutcome = 'approved' | 'refused' | 'lapsed';

const sameExtension = (a: PendingExtension | null, b: PendingExtension | null): boolean =>
  a !== null &&
  b !== null &&
  a.requestedOn === b.requestedOn &&
  a.requestedDueDate === b.requestedDueDate &&
  a.reason === b.reason &&
  a.requestedBy === b.requestedBy;

function extensionOutcome(t: Transition): ExtensionOutcome {
  if (hasEvent(t, 'extension_approved')) return 'approved';
  if (hasEvent(t, 'extension_refused')) return 'refused';
  return 'lapsed';
}

/** Why the extension was refused, as the refusal gave it. */
const refusalReason = (t: Transition): string | null => eventOf(t, 'extension_refused')?.reason ?? null;

function lapseReason(t: Transition): string {
  if (t.after.closure) return `Withdrawn: the item was closed (${closureHowPhrases[t.after.closure.how]})`;
  if (hasEvent(t, 'owner_assigned')) return `Withdrawn: the item was assigned again, due ${t.after.dueDate}`;
  if (hasEvent(t, 'reactivated')) return `Withdrawn: the item was reactivated, due ${t.after.dueDate}`;
  return 'Withdrawn';
}

async function findExtensionRequest(
  tx: EntityManager,
  recommendationId: string,
  extension: PendingExtension,
): Promise<ExtensionRequest | null> {
  return tx.findOne(ExtensionRequest, {
    where: { recommendationId, requestedOn: extension.requestedOn, requestedDueDate: extension.requestedDueDate },
    order: { createdAt: 'DESC' },
  });
}

async function openExtensionRequest(
  tx: EntityManager,
  t: Transition,
  extension: PendingExtension,
  openedTransitionId: string,
): Promise<ExtensionRequest> {
  await insertOnce(tx, ExtensionRequest, {
    recommendationId: t.recommendationId,
    previousDueDate: t.before.dueDate,
    requestedDueDate: extension.requestedDueDate,
    reason: extension.reason,
    requestedBy: extension.requestedBy,
    requestedOn: extension.requestedOn,
    status: 'pending',
    openedTransitionId,
  });
  return tx.findOneByOrFail(ExtensionRequest, { openedTransitionId });
}

async function syncExtensionRequest(tx: EntityManager, t: Transition): Promise<void> {
  const before = t.before.pendingExtension;
  const after = t.after.pendingExtension;
  if (sameExtension(before, after)) return;
  if (before) {
    // A request recorded before these tables existed is written now, from what the state remembers of it.
    const row =
      (await findExtensionRequest(tx, t.recommendationId, before)) ??
      (await openExtensionRequest(tx, t, before, `${t.transitionId}:earlier`));
    const outcome = extensionOutcome(t);
    const granted = t.after.dueDateHistory[t.after.dueDateHistory.length - 1];
    await tx.update(
      ExtensionRequest,
      { id: row.id },
      {
        status: outcome,
        decidedOn: outcome === 'approved' && granted ? granted.decidedOn : today(t),
        decidedBy: outcome === 'approved' && granted ? granted.approvedBy : t.actor.personId,
        decisionReason: outcome === 'approved' ? null : outcome === 'refused' ? refusalReason(t) : lapseReason(t),
        closedTransitionId: t.transitionId,
      },
    );
  }
  if (after) await openExtensionRequest(tx, t, after, t.transitionId);
}

// ---------------------------------------------------------------------------------------------------------------
// approval_requests and approval_steps: the closure chain and the pending extension's chain.

const approvalKinds: ApprovalRequestKind[] = ['closure', 'extension'];

const chainOf = (state: RecommendationState, kind: ApprovalRequestKind): ApprovalChain | null =>
  kind === 'closure' ? state.approval : (state.pendingExtension?.chain ?? null);

/** The lifecycle never swaps one chain for another in a single step, but a chain's identity is checked all the same. */
const sameChain = (a: ApprovalChain | null, b: ApprovalChain | null): boolean =>
  a !== null &&
  b !== null &&
  a.routeId === b.routeId &&
  a.startedOn === b.startedOn &&
  same(
    a.steps.map((s) => s.step),
    b.steps.map((s) => s.step),
  );

const complete = (chain: ApprovalChain): boolean => chain.current >= chain.steps.length;

/** The latest request for this chain (a chain is known by its route and the day it started). Plain queries: every approval runs these. */
async function findApprovalRequest(
  tx: EntityManager,
  t: Transition,
  kind: ApprovalRequestKind,
  chain: ApprovalChain,
): Promise<{ id: string } | null> {
  const [row] = (await tx.query(
    `SELECT id FROM approval_requests WHERE recommendation_id = $1 AND kind = $2 AND route_id = $3 AND started_on = $4 ORDER BY created_at DESC LIMIT 1`,
    [t.recommendationId, kind, chain.routeId, chain.startedOn],
  )) as { id: string }[];
  return row ?? null;
}

async function openApprovalRequest(
  tx: EntityManager,
  t: Transition,
  kind: ApprovalRequestKind,
  chain: ApprovalChain,
  state: RecommendationState,
  openedTransitionId: string,
): Promise<{ id: string }> {
  const extension =
    kind === 'extension' && state.pendingExtension ? await findExtensionRequest(tx, t.recommendationId, state.pendingExtension) : null;
  const [row] = (await tx.query(
    `WITH opened AS (
       INSERT INTO approval_requests (recommendation_id, kind, extension_request_id, route_id, started_on, status, opened_transition_id)
       VALUES ($1, $2, $3, $4, $5, 'open', $6) ON CONFLICT DO NOTHING RETURNING id)
     SELECT id FROM opened UNION ALL SELECT id FROM approval_requests WHERE opened_transition_id = $6 AND kind = $2 LIMIT 1`,
    [t.recommendationId, kind, extension?.id ?? null, chain.routeId, chain.startedOn, openedTransitionId],
  )) as { id: string }[];
  return row!;
}

/** How a chain that is no longer in the state ended; null when its request already says so. */
function chainEnd(t: Transition, kind: ApprovalRequestKind, chain: ApprovalChain): Partial<ApprovalRequest> | null {
  if (kind === 'extension') {
    const outcome = extensionOutcome(t);
    if (outcome === 'approved')
      return { status: 'approved', finishedOn: t.after.dueDateHistory[t.after.dueDateHistory.length - 1]?.decidedOn ?? today(t) };
    return { status: outcome === 'refused' ? 'rejected' : 'cancelled', finishedOn: today(t) };
  }
  if (complete(chain)) return hasEvent(t, 'hmicfrs_not_accepted') || hasEvent(t, 'reopened') ? { status: 'outdated' } : null;
  if (hasEvent(t, 'approval_rejected')) return { status: 'rejected', finishedOn: t.after.lastRejection?.on ?? today(t) };
  return { status: 'cancelled', finishedOn: today(t) };
}

const lastApproval = (chain: ApprovalChain): IsoDate | null => chain.steps[chain.steps.length - 1]?.approval?.on ?? null;

async function syncApprovalRequests(tx: EntityManager, t: Transition): Promise<void> {
  for (const kind of approvalKinds) {
    const before = chainOf(t.before, kind);
    const after = chainOf(t.after, kind);
    if (same(before, after)) continue;
    const continuing = sameChain(before, after);
    if (before && !continuing) {
      const request =
        (await findApprovalRequest(tx, t, kind, before)) ??
        (await openApprovalRequest(tx, t, kind, before, t.before, `${t.transitionId}:earlier`));
      const end = chainEnd(t, kind, before);
      if (end) await tx.update(ApprovalRequest, { id: request.id }, end);
    }
    if (after) {
      const request =
        (continuing ? await findApprovalRequest(tx, t, kind, after) : null) ??
        (await openApprovalRequest(tx, t, kind, after, t.after, continuing ? `${t.transitionId}:earlier` : t.transitionId));
      if (complete(after))
        await tx.update(ApprovalRequest, { id: request.id }, { status: 'approved', finishedOn: lastApproval(after) ?? today(t) });
    }
  }
}

/**
 * Every asking of every step of the chain as it now stands: each outdated approval is a finished round, and the
 * step's present state is the round after them.
 */
async function writeSteps(tx: EntityManager, requestId: string, chain: ApprovalChain): Promise<void> {
  const outdated = chain.steps.flatMap((step, position) =>
    step.outdated.map((approval, index) => ({
      approvalRequestId: requestId,
      position,
      round: index + 1,
      step: step.step,
      approverId: approval.by,
      onBehalfOf: approval.onBehalfOf,
      decision: 'outdated' as const,
      decidedBy: approval.by,
      decidedOn: approval.on,
      comment: approval.comment,
    })),
  );
  if (outdated.length > 0) {
    await tx
      .createQueryBuilder()
      .insert()
      .into(ApprovalStep)
      .values(outdated)
      .orUpdate(['decision', 'decided_by', 'decided_on', 'comment'], ['approval_request_id', 'position', 'round'])
      .execute();
  }
  const current = chain.steps.map((step, position) => ({
    approvalRequestId: requestId,
    position,
    round: step.outdated.length + 1,
    step: step.step,
    approverId: step.approverId,
    onBehalfOf: step.onBehalfOf,
    openedOn: step.openedOn,
    waitingReason: step.waitingReason,
    decision: step.approval ? ('approved' as const) : null,
    decidedBy: step.approval?.by ?? null,
    decidedOn: step.approval?.on ?? null,
    comment: step.approval?.comment ?? null,
  }));
  await tx
    .createQueryBuilder()
    .insert()
    .into(ApprovalStep)
    .values(current)
    .orUpdate(
      ['step', 'approver_id', 'on_behalf_of', 'opened_on', 'waiting_reason', 'decision', 'decided_by', 'decided_on', 'comment'],
      ['approval_request_id', 'position', 'round'],
    )
    .execute();
}

/** The decision on the open step of a chain that the transition ended, when the state no longer shows it. */
function lastDecision(t: Transition, kind: ApprovalRequestKind, chain: ApprovalChain): Partial<ApprovalStep> | null {
  if (kind === 'closure') {
    const rejection = t.after.lastRejection;
    if (!hasEvent(t, 'approval_rejected') || !rejection) return null;
    return { decision: 'rejected', decidedBy: rejection.by, decidedOn: rejection.on, comment: rejection.reasons };
  }
  const outcome = extensionOutcome(t);
  if (outcome === 'approved') {
    const granted = t.after.dueDateHistory[t.after.dueDateHistory.length - 1];
    return {
      decision: 'approved',
      decidedBy: granted?.approvedBy ?? t.actor.personId,
      decidedOn: granted?.decidedOn ?? today(t),
      comment: null,
    };
  }
  if (outcome === 'refused') return { decision: 'rejected', decidedBy: t.actor.personId, decidedOn: today(t), comment: refusalReason(t) };
  return null;
}

async function syncApprovalSteps(tx: EntityManager, t: Transition): Promise<void> {
  for (const kind of approvalKinds) {
    const before = chainOf(t.before, kind);
    const after = chainOf(t.after, kind);
    if (same(before, after)) continue;
    if (before && !sameChain(before, after) && !complete(before)) {
      const request = await findApprovalRequest(tx, t, kind, before);
      const decision = lastDecision(t, kind, before);
      const open = before.steps[before.current];
      if (request && decision && open) {
        // A request first seen now gets its steps as they stood, then the decision that ended it.
        await writeSteps(tx, request.id, before);
        await tx.update(
          ApprovalStep,
          { approvalRequestId: request.id, position: before.current, round: open.outdated.length + 1 },
          decision,
        );
      }
    }
    if (after) {
      const request = await findApprovalRequest(tx, t, kind, after);
      if (request) await writeSteps(tx, request.id, after);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// item_links: "superseded by" another item the product tracks.

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function syncItemLinks(tx: EntityManager, t: Transition): Promise<void> {
  const was = t.before.closure?.supersededBy ?? null;
  const now = t.after.closure?.supersededBy ?? null;
  if (was && was !== now && uuid.test(was)) {
    await tx.delete(ItemLink, { fromRecommendationId: t.recommendationId, toRecommendationId: was, kind: 'superseded_by' });
  }
  // The lifecycle accepts any words for what superseded an item; only an item tracked here can be linked.
  if (now && uuid.test(now) && (await tx.existsBy(Recommendation, { id: now }))) {
    await insertOnce(tx, ItemLink, {
      fromRecommendationId: t.recommendationId,
      toRecommendationId: now,
      kind: 'superseded_by',
      createdOn: t.after.closure!.on,
      transitionId: t.transitionId,
    });
  }
}
