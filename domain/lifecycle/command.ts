import { z } from 'zod';
import type { Role } from '../vocabulary';
import type { RecommendationState } from './states';
import type { Change } from './change';
import type { Actor, CommandContext } from './context';

/** How one field of a command is asked for on a page (api/recommendations/commandForms.ts renders it). */
export type FormField<Name extends string = string> =
  | { name: Name; label: string; kind: 'text' | 'textarea' | 'date'; optional?: boolean; hint?: string }
  | { name: Name; label: string; kind: 'person'; role: Role; optional?: boolean }
  /** Another item of the force, chosen by its report and reference. */
  | { name: Name; label: string; kind: 'recommendation'; hint?: string; optional?: boolean }
  | {
      name: Name;
      label: string;
      kind: 'choice';
      options: { value: string; text: string }[];
      optional?: boolean;
      number?: boolean;
      boolean?: boolean;
    };

/** A command's form: its title, button, fields (each one of the schema's) and whether it warns. */
export interface CommandForm<Name extends string = string> {
  title: string;
  button: string;
  fields: FormField<Name>[];
  warning?: boolean;
}

/**
 * Why an effect refuses the command's details: a clause that follows the command's phrase ("<phrase>: <why>"),
 * or, for the one refusal worded before phrases existed, a whole sentence.
 */
export type Refusal = string | { sentence: string };

type Shape = z.core.$ZodShape;

/** The api body of a command: its type and its fields. */
export type CommandSchema<Type extends string, Fields extends Shape> = z.ZodObject<{ type: z.ZodLiteral<Type> } & Fields>;

/** A command as `decide` receives it. */
export type CommandOf<Type extends string, Fields extends Shape> = z.output<CommandSchema<Type, Fields>>;

/** Everything about one lifecycle command, as written in its group's file. */
export interface CommandDefinition<Type extends string, Fields extends Shape> {
  type: Type;
  /** The command's fields (not its `type`): the api's body, and what the form fields are named after. */
  schema: z.ZodObject<Fields>;
  /** What the command is, in the words of a refusal: "<phrase>: <why>". */
  phrase: string;
  /** True when its outcome never depends on the directory or routing rules, so callers need not read them. */
  independentOfDirectory?: boolean;
  /** Why this actor cannot issue it now, judged on the state alone; null when they can (the button is shown). */
  guard(state: RecommendationState, actor: Actor): string | null;
  /** Checks the command's details and records what it changes on `change`; returns a refusal instead when they fail. */
  effect(state: RecommendationState, command: CommandOf<Type, Fields>, context: CommandContext, change: Change): Refusal | void;
  form: CommandForm<keyof Fields & string>;
}

export interface CommandEntry<Type extends string, Fields extends Shape> extends CommandDefinition<Type, Fields> {
  /** The whole api body, `type` included. */
  commandSchema: CommandSchema<Type, Fields>;
}

export function defineCommand<const Type extends string, Fields extends Shape>(
  definition: CommandDefinition<Type, Fields>,
): CommandEntry<Type, Fields> {
  const commandSchema = z.object({ type: z.literal(definition.type), ...definition.schema.shape }) as unknown as CommandSchema<
    Type,
    Fields
  >;
  return { ...definition, commandSchema };
}
