import type { RouteStep } from '../approvalRouting';
import { describeStep } from '../approvalRouting';
import type { ClosureHow, PartStatus } from './states';
import { closureHowPhrases, partStatusLabels } from './states';
import type { ClosureCategory, IsoDate } from '../vocabulary';
import { closureCategoryLabels } from '../vocabulary';

/**
 * What the lifecycle records, as facts: one member per kind of event `decide` emits. Projections read these fields;
 * the sentences people read (audit trail, emails) are written from them by `describeEvent`, and nothing parses a
 * sentence. Person fields hold person ids; everything here is plain JSON, as it crosses Temporal as activity input.
 */

/** A step of an approval chain: its place in the chain (from 1) and what kind of approver takes it. */
export interface StepRef {
  number: number;
  of: number;
  step: RouteStep;
}

/** A change of owner or lead, as person ids. */
export interface Handover {
  from: string;
  to: string;
}

/** What changed under an approval, so that it is asked again. */
export type ChangedMaterial = 'text' | 'evidence';

/** After the self-certification letter: nothing (category 2 closes at once), HMICFRS's sign-off, or its verification visit. */
export type SelfCertificationFollowUp = 'none' | 'hmicfrs_sign_off' | 'verification_visit';

export type LifecycleEventData =
  | { type: 'marked_not_for_the_force'; reason: string }
  | { type: 'reactivated'; ownerId: string; leadId: string; dueDate: IsoDate; reason: string; withdrawnExtensionTo: IsoDate | null }
  | { type: 'owner_assigned'; ownerId: string; leadId: string; dueDate: IsoDate; withdrawnExtensionTo: IsoDate | null }
  | { type: 'category_set'; category: ClosureCategory }
  | { type: 'closed'; how: ClosureHow; reason: string; supersededBy: string | null }
  | { type: 'owner_accepted'; ownerId: string; by: string | null }
  | { type: 'progress_updated'; text: string }
  | { type: 'flagged_at_risk'; reason: string }
  | { type: 'at_risk_cleared'; reason: string | null }
  | { type: 'extension_requested'; from: IsoDate | null; to: IsoDate; reason: string }
  | { type: 'extension_approval_requested'; to: IsoDate; step: StepRef; approverId: string; onBehalfOf: string | null }
  | { type: 'extension_approver_not_found'; to: IsoDate; step: StepRef; waitingReason: string }
  | { type: 'extension_step_approved'; to: IsoDate; step: StepRef; by: string }
  | { type: 'extension_approved'; from: IsoDate | null; to: IsoDate; by: string; reason: string }
  | { type: 'extension_refused'; to: IsoDate; by: string; reason: string; dueDateStays: IsoDate | null }
  | { type: 'part_added'; reference: string }
  | { type: 'part_progressed'; reference: string; from: PartStatus; to: PartStatus }
  | { type: 'text_amended'; partReference: string | null; reason: string }
  | { type: 'evidence_submitted'; by: string | null; evidence: string }
  | { type: 'evidence_amended'; evidence: string }
  | { type: 'approval_requested'; step: StepRef; approverId: string; onBehalfOf: string | null }
  | { type: 'approver_not_found'; step: StepRef; waitingReason: string }
  | { type: 'approval_request_refreshed'; approverId: string; onBehalfOf: string | null; changed: ChangedMaterial }
  | { type: 'approvals_outdated'; count: number; changed: ChangedMaterial; askedAgainFrom: number }
  | { type: 'approval_given'; step: StepRef; by: string; onBehalfOf: string | null; comment: string | null }
  | { type: 'approval_chain_completed' }
  | { type: 'approval_rejected'; step: StepRef; by: string; reasons: string }
  | { type: 'self_certified'; signatory: string; signedOn: IsoDate; followUp: SelfCertificationFollowUp }
  | { type: 'submitted_to_hmicfrs'; reference: string | null }
  | { type: 'verification_visit_recorded'; visitedOn: IsoDate; notes: string | null }
  | { type: 'reality_test_at_next_inspection'; reasons: string | null }
  | { type: 'hmicfrs_not_accepted'; reasons: string }
  | { type: 'reopened'; was: ClosureHow; reason: string }
  | { type: 'handed_over'; owner: Handover | null; lead: Handover | null; reason: string };

export type LifecycleEventType = LifecycleEventData['type'];
export type LifecycleEventOf<T extends LifecycleEventType> = Extract<LifecycleEventData, { type: T }>;

/** A person's name for a sentence, from their id. */
export type NameOf = (personId: string) => string;

const stepWords = (ref: StepRef): string => `step ${ref.number} of ${ref.of}, ${describeStep(ref.step)}`;

const askedWords = (asked: { approverId: string; onBehalfOf: string | null }, nameOf: NameOf): string =>
  asked.onBehalfOf ? `${nameOf(asked.approverId)} (standing in for ${nameOf(asked.onBehalfOf)})` : nameOf(asked.approverId);

const changedWords: Record<ChangedMaterial, string> = { text: 'the text changed', evidence: 'the evidence changed' };

const withdrawnWords = (to: IsoDate | null): string => (to ? `; the request to extend to ${to} is withdrawn` : '');

const partStatusWords = (status: PartStatus): string => partStatusLabels[status].toLowerCase();

const followUpWords: Record<SelfCertificationFollowUp, string> = {
  none: '',
  hmicfrs_sign_off: '; to be submitted to HMICFRS for sign-off',
  verification_visit: '; HMICFRS will visit to verify',
};

type Describers = { [T in LifecycleEventType]: (event: LifecycleEventOf<T>, nameOf: NameOf) => string };

/** One sentence per kind of event; the keys are also the list of every kind. */
const describers: Describers = {
  marked_not_for_the_force: (e) => e.reason,
  reactivated: (e) => `Reactivated and assigned, due ${e.dueDate}: ${e.reason}${withdrawnWords(e.withdrawnExtensionTo)}`,
  owner_assigned: (e, nameOf) =>
    `Assigned to ${nameOf(e.ownerId)} with ${nameOf(e.leadId)} as lead, due ${e.dueDate}${withdrawnWords(e.withdrawnExtensionTo)}`,
  category_set: (e) => `Closure category set: ${closureCategoryLabels[e.category]}`,
  closed: (e) => `Closed: ${closureHowPhrases[e.how]}${e.supersededBy ? ` by ${e.supersededBy}` : ''} (${e.reason})`,
  owner_accepted: (e, nameOf) =>
    `Accepted by ${nameOf(e.ownerId)}${e.by === e.ownerId ? '' : ` (recorded by ${e.by === null ? 'the system' : nameOf(e.by)})`}`,
  progress_updated: (e) => e.text,
  flagged_at_risk: (e) => `Flagged at risk: ${e.reason}`,
  at_risk_cleared: (e) => (e.reason ? `No longer at risk: ${e.reason}` : 'No longer at risk'),
  extension_requested: (e) => `Extension requested from ${e.from} to ${e.to}: ${e.reason}`,
  extension_approval_requested: (e, nameOf) => `Extension to ${e.to} put to ${askedWords(e, nameOf)} (${stepWords(e.step)})`,
  extension_approver_not_found: (e) => `Extension to ${e.to} is waiting for an approver (${stepWords(e.step)}): ${e.waitingReason}`,
  extension_step_approved: (e, nameOf) => `Extension to ${e.to} approved by ${nameOf(e.by)} (${stepWords(e.step)})`,
  extension_approved: (e, nameOf) => `Due date extended from ${e.from} to ${e.to}, approved by ${nameOf(e.by)}: ${e.reason}`,
  extension_refused: (e, nameOf) => `Extension to ${e.to} refused by ${nameOf(e.by)}: ${e.reason}; the due date stays ${e.dueDateStays}`,
  part_added: (e) => `Part ${e.reference} added`,
  part_progressed: (e) => `Part ${e.reference}: ${partStatusWords(e.from)} → ${partStatusWords(e.to)}`,
  text_amended: (e) => (e.partReference !== null ? `Text of part ${e.partReference} changed: ${e.reason}` : `Text changed: ${e.reason}`),
  evidence_submitted: (e, nameOf) => `Evidence submitted by ${e.by === null ? 'the system' : nameOf(e.by)}: ${e.evidence}`,
  evidence_amended: (e) => `Evidence changed: ${e.evidence}`,
  approval_requested: (e, nameOf) => `Approval requested from ${askedWords(e, nameOf)} (${stepWords(e.step)})`,
  approver_not_found: (e) => `Waiting for an approver (${stepWords(e.step)}): ${e.waitingReason}`,
  approval_request_refreshed: (e, nameOf) => `${askedWords(e, nameOf)} is asked to look at the change: ${changedWords[e.changed]}`,
  approvals_outdated: (e) =>
    `${e.count} approval${e.count === 1 ? '' : 's'} outdated because ${changedWords[e.changed]}; step ${e.askedAgainFrom} is asked again`,
  approval_given: (e, nameOf) =>
    `Approved by ${nameOf(e.by)}${e.onBehalfOf ? ` for ${nameOf(e.onBehalfOf)}` : ''} (${stepWords(e.step)})${e.comment ? `: ${e.comment}` : ''}`,
  approval_chain_completed: () => 'Every approver has approved; the self-certification letter can now be signed',
  approval_rejected: (e, nameOf) => `Rejected by ${nameOf(e.by)} (${stepWords(e.step)}): ${e.reasons}`,
  self_certified: (e) => `Self-certified: letter signed by ${e.signatory} on ${e.signedOn}${followUpWords[e.followUp]}`,
  submitted_to_hmicfrs: (e) => `Submitted to HMICFRS for sign-off${e.reference ? ` (${e.reference})` : ''}`,
  verification_visit_recorded: (e) => `HMICFRS verification visit on ${e.visitedOn}${e.notes ? `: ${e.notes}` : ''}`,
  reality_test_at_next_inspection: (e) => `HMICFRS will reality-test it at the next inspection${e.reasons ? `: ${e.reasons}` : ''}`,
  hmicfrs_not_accepted: (e) => `HMICFRS did not accept it: ${e.reasons}`,
  reopened: (e) => `Reopened (was ${closureHowPhrases[e.was]}): ${e.reason}`,
  handed_over: (e, nameOf) => {
    const changes = [
      e.owner ? `owner ${nameOf(e.owner.from)} → ${nameOf(e.owner.to)}` : null,
      e.lead ? `lead ${nameOf(e.lead.from)} → ${nameOf(e.lead.to)}` : null,
    ].filter((text): text is string => text !== null);
    return `Handed over (${changes.join(', ')}): ${e.reason}`;
  },
};

/** Every kind of event the lifecycle records. */
export const lifecycleEventTypes = Object.keys(describers) as LifecycleEventType[];

/** The event as one sentence for people (audit trail, emails), with each person named by `nameOf`. */
export function describeEvent(event: LifecycleEventData, nameOf: NameOf): string {
  const describe = describers[event.type] as (event: LifecycleEventData, nameOf: NameOf) => string;
  return describe(event, nameOf);
}

/** The ids of the people the event's sentence names, in order: exactly those `describeEvent` asks `nameOf` about. */
export function peopleNamedIn(event: LifecycleEventData): string[] {
  const ids: string[] = [];
  describeEvent(event, (id) => {
    ids.push(id);
    return id;
  });
  return ids;
}
