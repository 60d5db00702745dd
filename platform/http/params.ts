import { z } from 'zod';

/** `:id` of a recommendation, for the routes of every feature that hangs off one (its own, evidence, schedule). */
export const recommendationIdParams = z.object({ id: z.uuid({ message: 'must be a recommendation id (a UUID)' }) });

/** `:id` of an import of a tracker (its reconciliation report). */
export const importIdParams = z.object({ id: z.uuid({ message: 'must be an import id (a UUID)' }) });
