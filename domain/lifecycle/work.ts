import { z } from 'zod';
import { chooseRoute, defaultRoutingRules } from '../approvalRouting';
import {
  ownedStatuses,
  partStatuses,
  partStatusLabels,
  statusClause,
  workingStatuses,
  type ApprovalChain,
  type RecommendationState,
} from './states';
import { emptyStep, openClosureStep, outdateApprovals } from './approvalChains';
import { defineCommand } from './command';
import { optionalText, partReference, partSchema, reason, reasonField } from './fields';
import { blank, hasOwner, isAdministrator, isOwnerOrAdministrator, onlyAdministrator, onlyOwnerOrAdministrator } from './rules';

/** The owner's work: accepting, updates, the at-risk flag, parts, the text, and evidence. */

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

const evidenceSummary = reason('the summary of the evidence');
const evidenceNeeded = 'describe the evidence (documents, links or notes)';

export const accept = defineCommand({
  type: 'accept',
  schema: z.object({}),
  phrase: 'the recommendation cannot be accepted',
  independentOfDirectory: true,
  guard: (state, actor) => {
    if (state.status !== 'assigned' && state.status !== 'reopened') return statusClause(state);
    if (!hasOwner(state)) return 'it has no owner yet; an administrator must assign one first';
    return isOwnerOrAdministrator(state, actor) ? null : 'only the owner it is assigned to or an administrator can do this';
  },
  effect: (state, _command, context, change) => {
    change.record({ type: 'owner_accepted', ownerId: state.ownerId!, by: context.actor.personId }, { status: 'in_progress' });
  },
  form: { title: 'Accept this task', button: 'Accept', fields: [] },
});

export const postUpdate = defineCommand({
  type: 'postUpdate',
  schema: z.object({ text: reason('the update') }),
  phrase: 'a progress update cannot be posted',
  independentOfDirectory: true,
  guard: (state, actor) => {
    if (!(ownedStatuses.includes(state.status) || (state.status === 'reopened' && hasOwner(state)))) return statusClause(state);
    return isOwnerOrAdministrator(state, actor) ? null : onlyOwnerOrAdministrator;
  },
  effect: (state, command, context, change) => {
    if (blank(command.text)) return 'the update has no text';
    change.record(
      { type: 'progress_updated', text: command.text.trim() },
      {
        latestUpdate: { text: command.text.trim(), by: context.actor.personId, on: context.today },
        updateCount: state.updateCount + 1,
      },
    );
  },
  form: { title: 'Post a progress update', button: 'Post update', fields: [{ name: 'text', label: 'Progress update', kind: 'textarea' }] },
});

export const flagAtRisk = defineCommand({
  type: 'flagAtRisk',
  schema: z.object({ reason: reason('the reason') }),
  phrase: 'the recommendation cannot be flagged at risk',
  independentOfDirectory: true,
  guard: (state, actor) => {
    if (!workingStatuses.includes(state.status) || !hasOwner(state)) return statusClause(state);
    if (state.atRisk) return 'it is already flagged at risk';
    return isOwnerOrAdministrator(state, actor) ? null : onlyOwnerOrAdministrator;
  },
  effect: (_state, command, context, change) => {
    if (blank(command.reason)) return 'a reason is needed';
    change.record(
      { type: 'flagged_at_risk', reason: command.reason.trim() },
      {
        atRisk: { reason: command.reason.trim(), flaggedBy: context.actor.personId, flaggedOn: context.today },
      },
    );
  },
  form: { title: 'Flag at risk', button: 'Flag at risk', fields: [reasonField('Why the due date is at risk')] },
});

export const clearAtRisk = defineCommand({
  type: 'clearAtRisk',
  schema: z.object({ reason: optionalText }),
  phrase: 'the at-risk flag cannot be cleared',
  independentOfDirectory: true,
  guard: (state, actor) => {
    if (!state.atRisk) return 'it is not flagged at risk';
    return isOwnerOrAdministrator(state, actor) ? null : onlyOwnerOrAdministrator;
  },
  effect: (_state, command, _context, change) => {
    change.record({ type: 'at_risk_cleared', reason: command.reason?.trim() || null }, { atRisk: null });
  },
  form: {
    title: 'Clear the at-risk flag',
    button: 'Clear at-risk flag',
    fields: [{ name: 'reason', label: 'Reason (optional)', kind: 'textarea', optional: true }],
  },
});

export const addPart = defineCommand({
  type: 'addPart',
  schema: partSchema,
  phrase: 'a part cannot be added',
  independentOfDirectory: true,
  guard: (state, actor) => {
    if (!workingStatuses.includes(state.status) && state.status !== 'logged' && state.status !== 'not_for_the_force') {
      return `${statusClause(state)}; parts can only be added before evidence is submitted`;
    }
    return isAdministrator(actor) ? null : onlyAdministrator;
  },
  effect: (state, command, _context, change) => {
    const reference = command.reference?.trim();
    if (!reference) return 'the part needs a reference, such as "4a"';
    if (blank(command.text)) return 'the part needs its text';
    if (state.parts.some((part) => part.reference === reference)) return `there is already a part ${reference}`;
    change.record(
      { type: 'part_added', reference },
      {
        parts: [...state.parts, { reference, text: command.text.trim(), status: 'not_started' }],
      },
    );
  },
  form: {
    title: 'Add a part',
    button: 'Add part',
    fields: [
      { name: 'reference', label: 'Part reference', kind: 'text' },
      { name: 'text', label: 'Text of the part', kind: 'textarea' },
    ],
  },
});

export const updatePart = defineCommand({
  type: 'updatePart',
  schema: z.object({ reference: partReference, status: z.enum(partStatuses) }),
  phrase: 'the part cannot be updated',
  independentOfDirectory: true,
  guard: (state, actor) => {
    if (state.status !== 'in_progress') return `${statusClause(state)}; parts are progressed while the work is in progress`;
    if (state.parts.length === 0) return 'it has no parts';
    return isOwnerOrAdministrator(state, actor) ? null : onlyOwnerOrAdministrator;
  },
  effect: (state, command, _context, change) => {
    const part = state.parts.find((candidate) => candidate.reference === command.reference);
    if (!part) return `there is no part ${command.reference}; its parts are ${state.parts.map((known) => known.reference).join(', ')}`;
    if (!partStatuses.includes(command.status)) return 'a part is not started, in progress or complete';
    if (part.status === command.status) return `part ${part.reference} is already ${partStatusLabels[part.status].toLowerCase()}`;
    change.record(
      { type: 'part_progressed', reference: part.reference, from: part.status, to: command.status },
      {
        parts: state.parts.map((existing) => (existing.reference === part.reference ? { ...existing, status: command.status } : existing)),
      },
    );
  },
  form: {
    title: 'Update a part',
    button: 'Update part',
    fields: [
      { name: 'reference', label: 'Part reference', kind: 'text' },
      { name: 'status', label: 'Status', kind: 'choice', options: partStatuses.map((s) => ({ value: s, text: s.replace(/_/g, ' ') })) },
    ],
  },
});

export const amendText = defineCommand({
  type: 'amendText',
  schema: z.object({
    text: z.string().trim().min(1, 'must not be empty').max(20_000),
    reason: reason('the reason'),
    partReference: partReference.optional(),
  }),
  phrase: 'the text cannot be changed',
  guard: (state, actor) => {
    if (state.status === 'closed') return statusClause(state);
    return isAdministrator(actor) ? null : onlyAdministrator;
  },
  effect: (state, command, context, change) => {
    if (blank(command.text)) return 'the new text is empty';
    if (blank(command.reason)) return 'a reason is needed';
    const text = command.text.trim();
    if (command.partReference !== undefined) {
      const part = state.parts.find((candidate) => candidate.reference === command.partReference);
      if (!part) return `there is no part ${command.partReference}`;
      if (part.text === text) return `part ${part.reference} already has that text`;
      change.record(
        { type: 'text_amended', partReference: part.reference, reason: command.reason.trim() },
        {
          parts: state.parts.map((existing) => (existing.reference === part.reference ? { ...existing, text } : existing)),
          textVersion: state.textVersion + 1,
        },
      );
    } else {
      if (state.text === text) return 'the text is unchanged';
      change.record(
        { type: 'text_amended', partReference: null, reason: command.reason.trim() },
        { text, textVersion: state.textVersion + 1 },
      );
    }
    outdateApprovals(change, context, 'text');
  },
  form: {
    title: 'Change the text',
    button: 'Change text',
    fields: [{ name: 'text', label: 'New text', kind: 'textarea' }, reasonField()],
  },
});

export const submitEvidence = defineCommand({
  type: 'submitEvidence',
  schema: z.object({ summary: evidenceSummary }),
  phrase: 'evidence cannot be submitted',
  guard: (state, actor) => {
    if (state.status !== 'in_progress') return statusClause(state);
    if (state.category === 1) return 'it is category 1 (no action required); an administrator closes it without evidence';
    if (openParts(state).length > 0) return describeOpenParts(state);
    return isOwnerOrAdministrator(state, actor) ? null : onlyOwnerOrAdministrator;
  },
  effect: (state, command, context, change) => {
    if (blank(command.summary)) return evidenceNeeded;
    const rules = context.routing?.rules ?? defaultRoutingRules;
    const route = chooseRoute(rules, { ...(context.routing?.item ?? {}), category: state.category });
    if (!route || route.steps.length === 0)
      return 'no approval route fits this recommendation; an administrator must check the routing rules';
    const chain: ApprovalChain = { routeId: route.id, startedOn: context.today, current: 0, steps: route.steps.map(emptyStep) };
    const by = context.actor.personId;
    change.record(
      { type: 'evidence_submitted', by, evidence: command.summary.trim() },
      {
        evidence: {
          summary: command.summary.trim(),
          version: (state.evidence?.version ?? 0) + 1,
          submittedBy: by,
          submittedOn: context.today,
        },
        atRisk: null,
      },
    );
    openClosureStep(change, chain, 0, context);
  },
  form: {
    title: 'Submit evidence',
    button: 'Submit evidence',
    fields: [{ name: 'summary', label: 'Summary of the evidence that the work is done', kind: 'textarea' }],
  },
});

export const amendEvidence = defineCommand({
  type: 'amendEvidence',
  schema: z.object({ summary: evidenceSummary }),
  phrase: 'the evidence cannot be changed',
  guard: (state, actor) => {
    if (state.status !== 'evidence_submitted' && state.status !== 'awaiting_approval')
      return `${statusClause(state)}; evidence can be changed only while it is being approved`;
    return isOwnerOrAdministrator(state, actor) ? null : onlyOwnerOrAdministrator;
  },
  effect: (state, command, context, change) => {
    if (blank(command.summary)) return evidenceNeeded;
    if (state.evidence && state.evidence.summary === command.summary.trim()) return 'the evidence is unchanged';
    change.record(
      { type: 'evidence_amended', evidence: command.summary.trim() },
      {
        evidence: {
          summary: command.summary.trim(),
          version: (state.evidence?.version ?? 0) + 1,
          submittedBy: context.actor.personId,
          submittedOn: context.today,
        },
      },
    );
    outdateApprovals(change, context, 'evidence');
  },
  form: {
    title: 'Change the evidence',
    button: 'Change evidence',
    fields: [{ name: 'summary', label: 'Summary of the evidence', kind: 'textarea' }],
  },
});
