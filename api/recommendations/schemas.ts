import { z } from 'zod';
import { isoDate } from '../../domain/lifecycle/fields';

export const assignSchema = z
  .object({
    ownerId: z.uuid({ message: 'must be the id of a person (a UUID)' }),
    leadId: z.uuid({ message: 'must be the id of a person (a UUID)' }),
    dueDate: isoDate,
  })
  .strict();

export type AssignInput = z.output<typeof assignSchema>;
