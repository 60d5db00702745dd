import { z } from 'zod';
import { hmicfrsOutcomes, partStatuses, type LifecycleCommand, type LifecycleCommandType } from '../../domain/lifecycle';
import { closureCategories } from '../../domain/vocabulary';
import { isoDate, newPartSchema } from '../reports/schemas';

/**
 * The body of every lifecycle command the api accepts, one zod schema per command of `domain/lifecycle.ts`,
 * so the api refuses malformed input (400, naming the field) before the lifecycle judges whether it is allowed (409).
 */
const personId = z.uuid({ message: 'must be the id of a person (a UUID)' });
const reason = (what: string) => z.string().trim().min(1, `${what} must not be empty`).max(5000, `${what} must be at most 5000 characters`);
const optionalText = z.string().trim().max(5000, 'must be at most 5000 characters').optional();
const reference = z.string().trim().min(1, 'must not be empty').max(40, 'must be at most 40 characters');

export const commandSchemas = {
  markNotForTheForce: z.object({ type: z.literal('markNotForTheForce'), reason: reason('the reason') }),
  reactivate: z.object({ type: z.literal('reactivate'), reason: reason('the reason'), ownerId: personId, leadId: personId, dueDate: isoDate }),
  setCategory: z.object({
    type: z.literal('setCategory'),
    category: z.number().refine((n): n is (typeof closureCategories)[number] => (closureCategories as readonly number[]).includes(n), { message: 'must be 1, 2, 3 or 4' }),
  }),
  closeNoActionRequired: z.object({ type: z.literal('closeNoActionRequired'), reason: reason('the reason') }),
  assign: z.object({ type: z.literal('assign'), ownerId: personId, leadId: personId, dueDate: isoDate }),
  accept: z.object({ type: z.literal('accept') }),
  postUpdate: z.object({ type: z.literal('postUpdate'), text: reason('the update') }),
  flagAtRisk: z.object({ type: z.literal('flagAtRisk'), reason: reason('the reason') }),
  clearAtRisk: z.object({ type: z.literal('clearAtRisk'), reason: optionalText }),
  requestExtension: z.object({ type: z.literal('requestExtension'), newDueDate: isoDate, reason: reason('the reason') }),
  decideExtension: z.object({ type: z.literal('decideExtension'), approved: z.boolean(), reason: optionalText }),
  addPart: z.object({ type: z.literal('addPart'), ...newPartSchema.shape }),
  updatePart: z.object({ type: z.literal('updatePart'), reference, status: z.enum(partStatuses) }),
  amendText: z.object({ type: z.literal('amendText'), text: z.string().trim().min(1, 'must not be empty').max(20_000), reason: reason('the reason'), partReference: reference.optional() }),
  submitEvidence: z.object({ type: z.literal('submitEvidence'), summary: reason('the summary of the evidence') }),
  amendEvidence: z.object({ type: z.literal('amendEvidence'), summary: reason('the summary of the evidence') }),
  approve: z.object({ type: z.literal('approve'), comment: optionalText }),
  reject: z.object({ type: z.literal('reject'), reasons: reason('the reasons') }),
  rerouteApproval: z.object({ type: z.literal('rerouteApproval') }),
  selfCertify: z.object({
    type: z.literal('selfCertify'),
    signatory: z.string().trim().min(1, 'the signatory must be named').max(200),
    signatoryRole: z.string().trim().max(200).optional(),
    letterReference: z.string().trim().max(200).optional(),
    signedOn: isoDate.optional(),
  }),
  submitToHmicfrs: z.object({ type: z.literal('submitToHmicfrs'), reference: z.string().trim().max(200).optional() }),
  recordVerificationVisit: z.object({ type: z.literal('recordVerificationVisit'), visitedOn: isoDate, notes: optionalText }),
  recordHmicfrsResponse: z.object({ type: z.literal('recordHmicfrsResponse'), outcome: z.enum(hmicfrsOutcomes), reasons: optionalText }),
  markSuperseded: z.object({ type: z.literal('markSuperseded'), supersededBy: z.uuid({ message: 'must be the id of another recommendation (a UUID)' }), reason: optionalText }),
  markNoLongerRelevant: z.object({ type: z.literal('markNoLongerRelevant'), reason: reason('the reason') }),
  markBusinessAsUsual: z.object({ type: z.literal('markBusinessAsUsual'), reason: reason('the reason') }),
  reopen: z.object({ type: z.literal('reopen'), reason: reason('the reason') }),
  reassign: z.object({ type: z.literal('reassign'), ownerId: personId.optional(), leadId: personId.optional(), reason: reason('the reason') }),
} satisfies { [T in LifecycleCommandType]: z.ZodType<Extract<LifecycleCommand, { type: T }>> };

const schemaList = Object.values(commandSchemas).map((schema) => schema.strict());

export const lifecycleCommandSchema = z.discriminatedUnion('type', schemaList as unknown as [(typeof schemaList)[number], ...(typeof schemaList)[number][]], {
  error: (issue) => (issue.code === 'invalid_union' ? `must be one of: ${Object.keys(commandSchemas).join(', ')}` : undefined),
});
