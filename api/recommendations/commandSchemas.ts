import { z } from 'zod';
import { lifecycleCommands, type LifecycleCommandEntry, type LifecycleCommandType } from '../../domain/lifecycle';

/**
 * The body of every lifecycle command the api accepts: each command's schema, from its entry in domain/lifecycle/,
 * so the api refuses malformed input (400, naming the field) before the lifecycle judges whether it is allowed (409).
 */
export const commandSchemas = Object.fromEntries(lifecycleCommands.map((entry) => [entry.type, entry.commandSchema])) as {
  [T in LifecycleCommandType]: Extract<LifecycleCommandEntry['commandSchema'], z.ZodObject<{ type: z.ZodLiteral<T> }>>;
};

const schemaList = lifecycleCommands.map((entry) => entry.commandSchema.strict());

export const lifecycleCommandSchema = z.discriminatedUnion(
  'type',
  schemaList as unknown as [(typeof schemaList)[number], ...(typeof schemaList)[number][]],
  {
    error: (issue) => (issue.code === 'invalid_union' ? `must be one of: ${Object.keys(commandSchemas).join(', ')}` : undefined),
  },
);
