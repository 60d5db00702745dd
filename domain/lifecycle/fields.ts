import { z } from 'zod';
import { isIsoDate } from '../vocabulary';
import type { FormField } from './command';

/**
 * The zod pieces commands' schemas are built from, so the api refuses malformed input (400, naming the field)
 * before the lifecycle judges whether a command is allowed (409). The messages are part of the api.
 */
export const personId = z.uuid({ message: 'must be the id of a person (a UUID)' });
export const reason = (what: string) =>
  z.string().trim().min(1, `${what} must not be empty`).max(5000, `${what} must be at most 5000 characters`);
export const optionalText = z.string().trim().max(5000, 'must be at most 5000 characters').optional();
export const isoDate = z.string().refine(isIsoDate, { message: 'must be a real date written YYYY-MM-DD' });
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
export const partReference = text(40);
/** A part of an item, as logged with the item or added later (addPart). */
export const partSchema = z.object({ reference: text(40), text: text(5000) });

/** The hint under every date a form asks for. */
export const dateHint = 'For example, 31 3 2027';

/** The form field most commands ask for: why. */
export const reasonField = (label = 'Reason'): FormField<'reason'> => ({ name: 'reason', label, kind: 'textarea' });
