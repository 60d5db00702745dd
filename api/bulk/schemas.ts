import { z } from 'zod';
import { isoDate } from '../../domain/lifecycle/fields';
import type { BulkAction } from '../../domain/bulkActions';
import type { ClosureCategory } from '../../domain/vocabulary';

const text = (what: string) => z.string().trim().min(1, `${what} must not be empty`).max(2000, `${what} must be at most 2,000 characters`);

/** One action for several items (domain/bulkActions.ts); the people and dates it names are checked again per item. */
export const bulkActionSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('setCategory'), category: z.number().int().min(1, 'must be 1, 2, 3 or 4').max(4, 'must be 1, 2, 3 or 4') }),
    z.object({ kind: z.literal('markNotForTheForce'), reason: text('the reason') }),
    z.object({
      kind: z.literal('assign'),
      ownerId: z.uuid('must be a person id').optional(),
      leadId: z.uuid('must be a person id').optional(),
      dueDate: isoDate.optional(),
      reason: text('the reason').optional().describe('Recorded when work under way is handed over to a new owner or lead'),
    }),
  ])
  .superRefine((action, ctx) => {
    if (action.kind !== 'assign') return;
    if (!action.ownerId && !action.leadId && !action.dueDate)
      ctx.addIssue({ code: 'custom', path: ['ownerId'], message: 'choose an owner, a lead or a due date' });
    if (action.ownerId && action.ownerId === action.leadId)
      ctx.addIssue({ code: 'custom', path: ['leadId'], message: 'the lead must be someone other than the owner' });
  });

/** The checked action as the domain types it (the schema has checked the category is one of them). */
export const asBulkAction = (action: z.output<typeof bulkActionSchema>): BulkAction =>
  action.kind === 'setCategory' ? { kind: 'setCategory', category: action.category as ClosureCategory } : action;

/** The most items one bulk action takes. */
export const BULK_MAX_ITEMS = 200;

export const bulkRequestSchema = z.object({
  bulkId: z.uuid('must be a UUID').describe('Names this bulk action: sending it again with the same id changes nothing twice'),
  action: bulkActionSchema,
  items: z
    .array(
      z.object({
        id: z.uuid('must be a recommendation id'),
        version: z.number().int().min(0).optional().describe('The version the change was based on: an item changed since is refused'),
      }),
    )
    .min(1, 'choose at least one item')
    .max(BULK_MAX_ITEMS, `at most ${BULK_MAX_ITEMS} items at once`),
});
