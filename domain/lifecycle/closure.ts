import { z } from 'zod';
import { isIsoDate } from '../vocabulary';
import { openStatuses, statusClause, type LifecycleStatus, type RecommendationState } from './states';
import { tell } from './change';
import type { Actor } from './context';
import { close } from './closing';
import { defineCommand } from './command';
import { dateHint, isoDate, optionalText, reason, reasonField } from './fields';
import { activePeopleWithRole, blank, isAdministrator, onlyAdministrator } from './rules';

/** After approval: the self-certification letter, HMICFRS's sign-off or visit, the other ways of closing, reopening. */

export const hmicfrsOutcomes = ['signed_off', 'not_accepted', 'reality_test'] as const;
export type HmicfrsOutcome = (typeof hmicfrsOutcomes)[number];

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

const onlyLiaisonLeadOrAdministrator = 'only the force liaison lead or an administrator can do this';

export const selfCertify = defineCommand({
  type: 'selfCertify',
  schema: z.object({
    signatory: z.string().trim().min(1, 'the signatory must be named').max(200),
    signatoryRole: z.string().trim().max(200).optional(),
    letterReference: z.string().trim().max(200).optional(),
    signedOn: isoDate.optional(),
  }),
  phrase: 'the recommendation cannot be self-certified',
  guard: (state, actor) => {
    if (state.status !== 'awaiting_self_certification') return `${statusClause(state)}; only approved evidence can be self-certified`;
    if (state.category === null) return 'its closure category has not been set';
    if (state.category === 1) return 'it is category 1 (no action required) and is closed without self-certification';
    return isAdministrator(actor) || actor.roles.includes('dcc')
      ? null
      : 'only the Deputy Chief Constable or an administrator can record the letter';
  },
  effect: (state, command, context, change) => {
    const { today } = context;
    if (blank(command.signatory)) return 'the letter must name who signed it';
    const signedOn = command.signedOn ?? today;
    if (!isIsoDate(signedOn)) return 'the date of the letter must be a real date (YYYY-MM-DD)';
    if (signedOn > today) return `the letter cannot be dated in the future (${signedOn})`;
    const selfCertification = {
      signatory: command.signatory.trim(),
      signatoryRole: command.signatoryRole?.trim() || null,
      letterReference: command.letterReference?.trim() || null,
      signedOn,
      recordedBy: context.actor.personId,
    };
    const category = state.category!;
    const next: LifecycleStatus = category === 2 ? 'closed' : category === 3 ? 'self_certified' : 'awaiting_verification_visit';
    if (next === 'closed') {
      change.record({ type: 'self_certified', signatory: selfCertification.signatory, signedOn, followUp: 'none' }, { selfCertification });
      close(change, 'self_certified', `Letter signed by ${selfCertification.signatory}`, context);
    } else {
      change.record(
        {
          type: 'self_certified',
          signatory: selfCertification.signatory,
          signedOn,
          followUp: category === 3 ? 'hmicfrs_sign_off' : 'verification_visit',
        },
        { selfCertification, status: next },
        activePeopleWithRole(context, 'liaison_lead').map((id) => tell(id, 'ready_for_hmicfrs_submission')),
      );
    }
  },
  form: {
    title: 'Record the self-certification letter',
    button: 'Record letter',
    fields: [
      { name: 'signatory', label: 'Who signed the letter', kind: 'text' },
      { name: 'signatoryRole', label: 'Their role (optional)', kind: 'text', optional: true },
      { name: 'letterReference', label: 'Letter reference (optional)', kind: 'text', optional: true },
      { name: 'signedOn', label: 'Signed on (optional)', kind: 'date', optional: true, hint: dateHint },
    ],
  },
});

export const submitToHmicfrs = defineCommand({
  type: 'submitToHmicfrs',
  schema: z.object({ reference: z.string().trim().max(200).optional() }),
  phrase: 'the recommendation cannot be submitted to HMICFRS',
  guard: (state, actor) => {
    if (state.status !== 'self_certified') return statusClause(state);
    return actor.roles.includes('liaison_lead') ? null : 'only the force liaison lead can do this';
  },
  effect: (_state, command, context, change) => {
    change.record(
      { type: 'submitted_to_hmicfrs', reference: command.reference?.trim() || null },
      {
        status: 'awaiting_hmicfrs_sign_off',
        hmicfrs: {
          submittedOn: context.today,
          submittedBy: context.actor.personId,
          reference: command.reference?.trim() || null,
          realityTestAtNextInspection: false,
          visitedOn: null,
          visitNotes: null,
        },
      },
    );
  },
  form: {
    title: 'Record submission to HMICFRS',
    button: 'Record submission',
    fields: [{ name: 'reference', label: 'Submission reference (optional)', kind: 'text', optional: true }],
  },
});

export const recordVerificationVisit = defineCommand({
  type: 'recordVerificationVisit',
  schema: z.object({ visitedOn: isoDate, notes: optionalText }),
  phrase: 'the verification visit cannot be recorded',
  guard: (state, actor) => {
    if (state.status !== 'awaiting_verification_visit') return statusClause(state);
    return actor.roles.includes('liaison_lead') || isAdministrator(actor) ? null : onlyLiaisonLeadOrAdministrator;
  },
  effect: (state, command, context, change) => {
    if (!isIsoDate(command.visitedOn)) return 'the date of the visit must be a real date (YYYY-MM-DD)';
    if (command.visitedOn > context.today) return `the visit cannot be recorded before it happens (${command.visitedOn})`;
    const hmicfrs = state.hmicfrs ?? {
      submittedOn: null,
      submittedBy: null,
      reference: null,
      realityTestAtNextInspection: false,
      visitedOn: null,
      visitNotes: null,
    };
    change.record(
      { type: 'verification_visit_recorded', visitedOn: command.visitedOn, notes: command.notes?.trim() || null },
      {
        status: 'verification_visit_held',
        hmicfrs: { ...hmicfrs, visitedOn: command.visitedOn, visitNotes: command.notes?.trim() || null },
      },
    );
  },
  form: {
    title: 'Record the HMICFRS verification visit',
    button: 'Record visit',
    fields: [
      { name: 'visitedOn', label: 'Date of the visit', kind: 'date', hint: dateHint },
      { name: 'notes', label: 'Notes (optional)', kind: 'textarea', optional: true },
    ],
  },
});

const hmicfrsOutcomeOptions: Record<HmicfrsOutcome, string> = {
  signed_off: 'Signed off',
  not_accepted: 'Not accepted',
  reality_test: 'Will be reality-tested at the next inspection',
};

export const recordHmicfrsResponse = defineCommand({
  type: 'recordHmicfrsResponse',
  schema: z.object({ outcome: z.enum(hmicfrsOutcomes), reasons: optionalText }),
  phrase: "HMICFRS's response cannot be recorded",
  guard: (state, actor) => {
    if (!hmicfrsOutcomes.some((outcome) => hmicfrsOutcomeAllowed(state, outcome)))
      return `${statusClause(state)}, so no response from HMICFRS is awaited`;
    return actor.roles.includes('liaison_lead') || isAdministrator(actor) ? null : onlyLiaisonLeadOrAdministrator;
  },
  effect: (state, command, context, change) => {
    if (!hmicfrsOutcomes.includes(command.outcome))
      return 'the response must be signed off, not accepted, or reality test at the next inspection';
    if (!hmicfrsOutcomeAllowed(state, command.outcome)) {
      const outcomeWords = { signed_off: 'a sign-off', not_accepted: 'a refusal', reality_test: 'a reality test' }[command.outcome];
      return `${outcomeWords} cannot be recorded when ${statusClause(state)}`;
    }
    switch (command.outcome) {
      case 'signed_off':
        close(change, 'signed_off_by_hmicfrs', command.reasons?.trim() || 'Signed off by HMICFRS', context);
        return;
      case 'reality_test':
        change.record(
          { type: 'reality_test_at_next_inspection', reasons: command.reasons?.trim() || null },
          { status: 'reality_test_at_next_inspection', hmicfrs: { ...state.hmicfrs!, realityTestAtNextInspection: true } },
        );
        return;
      case 'not_accepted':
        if (blank(command.reasons)) return 'the owner must be told why HMICFRS did not accept it: give the reasons';
        change.record(
          { type: 'hmicfrs_not_accepted', reasons: command.reasons!.trim() },
          {
            status: 'in_progress',
            closure: null,
            approval: null,
            selfCertification: null,
            hmicfrs: null,
            lastRejection: { source: 'hmicfrs', by: context.actor.personId, on: context.today, reasons: command.reasons!.trim() },
          },
          [tell(state.ownerId, 'hmicfrs_not_accepted'), tell(state.leadId, 'hmicfrs_not_accepted')],
        );
        return;
    }
    return 'the response is not recognised';
  },
  form: {
    title: "Record HMICFRS's response",
    button: 'Record response',
    fields: [
      {
        name: 'outcome',
        label: 'What did HMICFRS say?',
        kind: 'choice',
        options: hmicfrsOutcomes.map((o) => ({ value: o, text: hmicfrsOutcomeOptions[o] })),
      },
      { name: 'reasons', label: 'Reasons (optional)', kind: 'textarea', optional: true },
    ],
  },
});

/** Closing otherwise than through the letter: open to an administrator from any open status. */
function closableOtherwise(state: RecommendationState, actor: Actor): string | null {
  if (!openStatuses.includes(state.status)) return statusClause(state);
  return isAdministrator(actor) ? null : onlyAdministrator;
}

export const markSuperseded = defineCommand({
  type: 'markSuperseded',
  schema: z.object({ supersededBy: z.uuid({ message: 'must be the id of another recommendation (a UUID)' }), reason: optionalText }),
  phrase: 'the recommendation cannot be marked superseded',
  guard: closableOtherwise,
  effect: (state, command, context, change) => {
    const by = command.supersededBy?.trim();
    if (!by) return 'name the item that supersedes it';
    if (by === state.recommendationId) return 'an item cannot supersede itself';
    close(change, 'superseded', command.reason?.trim() || `Superseded by ${by}`, context, by);
  },
  form: {
    title: 'Mark superseded',
    button: 'Mark superseded',
    warning: true,
    fields: [
      {
        name: 'supersededBy',
        label: 'The recommendation that supersedes it',
        kind: 'recommendation',
        hint: 'Listed by report, then reference.',
      },
      { name: 'reason', label: 'Reason (optional)', kind: 'textarea', optional: true },
    ],
  },
});

export const markNoLongerRelevant = defineCommand({
  type: 'markNoLongerRelevant',
  schema: z.object({ reason: reason('the reason') }),
  phrase: 'the recommendation cannot be closed as no longer relevant',
  guard: closableOtherwise,
  effect: (_state, command, context, change) => {
    if (blank(command.reason)) return 'a reason is needed';
    close(change, 'no_longer_relevant', command.reason.trim(), context);
  },
  form: { title: 'Close: no longer relevant', button: 'Close as no longer relevant', warning: true, fields: [reasonField()] },
});

export const markBusinessAsUsual = defineCommand({
  type: 'markBusinessAsUsual',
  schema: z.object({ reason: reason('the reason') }),
  phrase: 'the recommendation cannot be closed as business as usual',
  guard: (state, actor) => {
    if (!openStatuses.includes(state.status) || state.status === 'logged' || state.status === 'not_for_the_force') {
      return `${statusClause(state)}; only the force's own work can become business as usual`;
    }
    return isAdministrator(actor) ? null : onlyAdministrator;
  },
  effect: (_state, command, context, change) => {
    if (blank(command.reason)) return 'say how the work continues in normal management';
    close(change, 'business_as_usual', command.reason.trim(), context);
  },
  form: { title: 'Close: now business as usual', button: 'Close as business as usual', warning: true, fields: [reasonField()] },
});

export const reopen = defineCommand({
  type: 'reopen',
  schema: z.object({ reason: reason('the reason') }),
  phrase: 'the recommendation cannot be reopened',
  guard: (state, actor) => {
    if (state.status !== 'closed') return `${statusClause(state)}; only a closed recommendation can be reopened`;
    return isAdministrator(actor) ? null : onlyAdministrator;
  },
  effect: (state, command, _context, change) => {
    if (blank(command.reason)) return 'a reason is needed to reopen a closed recommendation';
    change.record(
      { type: 'reopened', was: state.closure!.how, reason: command.reason.trim() },
      { status: 'reopened', closure: null, approval: null, selfCertification: null, hmicfrs: null, reopenCount: state.reopenCount + 1 },
      [tell(state.ownerId, 'item_reopened'), tell(state.leadId, 'item_reopened')],
    );
  },
  form: { title: 'Reopen', button: 'Reopen', warning: true, fields: [reasonField('Why it is reopened')] },
});
