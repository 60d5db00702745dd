import { z } from 'zod';
import { isoDate } from '../reports/schemas';

export const recommendationIdParams = z.object({ id: z.uuid({ message: 'must be a recommendation id (a UUID)' }) });

export const assignSchema = z
  .object({
    ownerId: z.uuid({ message: 'must be the id of a person (a UUID)' }),
    leadId: z.uuid({ message: 'must be the id of a person (a UUID)' }),
    dueDate: isoDate,
  })
  .strict();

export type AssignInput = z.output<typeof assignSchema>;
