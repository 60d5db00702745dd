import type { z } from 'zod';
import type { RecommendationState } from './states';
import { Change } from './change';
import type { CommandDefinition, CommandForm, Refusal } from './command';
import type { Actor, CommandContext, Decision } from './context';
import { approve, reject, rerouteApproval } from './approval';
import {
  markBusinessAsUsual,
  markNoLongerRelevant,
  markSuperseded,
  recordHmicfrsResponse,
  recordVerificationVisit,
  reopen,
  selfCertify,
  submitToHmicfrs,
} from './closure';
import { decideExtension, requestExtension } from './extension';
import { assign, closeNoActionRequired, markNotForTheForce, reactivate, reassign, setCategory } from './intake';
import { accept, addPart, amendEvidence, amendText, clearAtRisk, flagAtRisk, postUpdate, submitEvidence, updatePart } from './work';

export * from './states';
export * from './statusGroups';
export * from './events';
export type { Person, RouteStep, RoutingItem, RoutingRule } from '../approvalRouting';
export type { Delegation } from '../delegation';
export * from './context';
export { hmicfrsOutcomes, type HmicfrsOutcome } from './closure';
export type { CommandForm, FormField } from './command';

/**
 * The lifecycle of one recommendation (docs/lifecycle.md, "The lifecycle of one item"), as pure functions.
 * Each command is one entry (`defineCommand` in intake, work, extension, approval or closure): its schema, the
 * phrase of its refusals, its guard, its effect and its form. `decide` is the one place that says whether a
 * command is allowed and what it changes; the workflow's update validators, its handlers and the api all call it.
 * `availableCommands` says which buttons a person should see. Nothing here reads the clock or does I/O: time
 * comes in `context.today`.
 *
 *   logged ─triage─▶ not for the force ─reactivate─▶ assigned
 *   logged ─assign─▶ assigned ─accept─▶ in progress ─submit evidence─▶ awaiting approval (step by step)
 *     ─all approve─▶ awaiting self-certification ─letter─▶ category 2: closed
 *                                                        category 3: self-certified ─submit─▶ awaiting HMICFRS sign-off
 *                                                        category 4: awaiting verification visit ─visit─▶ visit held
 *   rejections and HMICFRS "not accepted" go back to in progress; closed ─reopen─▶ reopened ─accept─▶ in progress
 */

/** Every command, in the order buttons are offered (and the api lists them). */
const entries = [
  markNotForTheForce,
  reactivate,
  setCategory,
  closeNoActionRequired,
  assign,
  accept,
  postUpdate,
  flagAtRisk,
  clearAtRisk,
  requestExtension,
  decideExtension,
  addPart,
  updatePart,
  amendText,
  submitEvidence,
  amendEvidence,
  approve,
  reject,
  rerouteApproval,
  selfCertify,
  submitToHmicfrs,
  recordVerificationVisit,
  recordHmicfrsResponse,
  markSuperseded,
  markNoLongerRelevant,
  markBusinessAsUsual,
  reopen,
  reassign,
] as const;

type Entry = (typeof entries)[number];

/** A lifecycle command as `decide` receives it, inferred from the commands' schemas. */
export type LifecycleCommand = z.output<Entry['commandSchema']>;
export type LifecycleCommandType = Entry['type'];

/** An entry with its command's type forgotten, so that `decide` can call any of them. */
export interface LifecycleCommandEntry extends Omit<CommandDefinition<LifecycleCommandType, z.core.$ZodShape>, 'type' | 'effect' | 'form'> {
  type: LifecycleCommandType;
  effect(state: RecommendationState, command: LifecycleCommand, context: CommandContext, change: Change): Refusal | void;
  form: CommandForm;
  commandSchema: Entry['commandSchema'];
}

// Each entry's effect takes only its own command and `decide` hands it only that one, which the compiler cannot follow.
export const lifecycleCommands: readonly LifecycleCommandEntry[] = entries as unknown as readonly LifecycleCommandEntry[];

const entryByType = new Map<string, LifecycleCommandEntry>(lifecycleCommands.map((entry) => [entry.type, entry]));

/** The entry of a command type (its schema, phrase, guard, effect and form). */
export function lifecycleCommand<T extends LifecycleCommandType>(type: T): LifecycleCommandEntry & { type: T } {
  return entryByType.get(type) as LifecycleCommandEntry & { type: T };
}

/** Every command type, in the order buttons are offered. */
export const lifecycleCommandTypes: LifecycleCommandType[] = lifecycleCommands.map((entry) => entry.type);

/**
 * Commands whose outcome never depends on the directory or the routing rules, so callers need not read them
 * (the property tests check it). Everything else may open an approval step or tell the people holding a role.
 */
export const commandsIndependentOfDirectory: ReadonlySet<LifecycleCommandType> = new Set(
  lifecycleCommands.filter((entry) => entry.independentOfDirectory).map((entry) => entry.type),
);

const refuse = (reason: string): Decision => ({ accepted: false, reason });

/** Why `actor` cannot issue a command of this type now, as a sentence; null when they can. */
export function commandRefusal(state: RecommendationState, actor: Actor, type: LifecycleCommandType): string | null {
  const entry = lifecycleCommand(type);
  const why = entry.guard(state, actor);
  return why === null ? null : `${entry.phrase}: ${why}`;
}

/** The commands this person may issue now (the buttons to show). The command's details are still checked by `decide`. */
export function availableCommands(state: RecommendationState, actor: Actor): LifecycleCommandType[] {
  return lifecycleCommands.filter((entry) => entry.guard(state, actor) === null).map((entry) => entry.type);
}

/**
 * Whether `context.actor` may issue `command` on `state` now, and if so the new state and the events that record
 * what changed. Pure: the input state is never modified; a refusal is a sentence an officer understands.
 */
export function decide(state: RecommendationState, command: LifecycleCommand, context: CommandContext): Decision {
  const entry = entryByType.get(command.type);
  if (!entry) return refuse(`the command ${String(command.type)} is not recognised`);
  const why = entry.guard(state, context.actor);
  if (why !== null) return refuse(`${entry.phrase}: ${why}`);
  const change = new Change(state, context.now);
  const refusal = entry.effect(state, command, context, change);
  if (refusal === undefined) return change.done();
  return refuse(typeof refusal === 'string' ? `${entry.phrase}: ${refusal}` : refusal.sentence);
}
