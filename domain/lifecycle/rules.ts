import type { Role } from '../vocabulary';
import type { LifecycleStatus, RecommendationState } from './states';
import type { Actor, CommandContext } from './context';

/** Small judgements several command groups share: who the actor is to the item, and what counts as blank. */

export const onlyAdministrator = 'only an administrator (corporate development) can do this';
export const onlyOwnerOrAdministrator = 'only the owner or an administrator can do this';

export const isAdministrator = (actor: Actor): boolean => actor.roles.includes('administrator');
export const isOwner = (state: RecommendationState, actor: Actor): boolean => actor.personId !== null && actor.personId === state.ownerId;
export const isOwnerOrAdministrator = (state: RecommendationState, actor: Actor): boolean =>
  isOwner(state, actor) || isAdministrator(actor);
export const hasOwner = (state: RecommendationState): boolean => state.ownerId !== null;
export const blank = (text: string | undefined | null): boolean => !text || !text.trim();

export const activePeopleWithRole = (context: CommandContext, role: Role): string[] =>
  (context.directory?.people ?? []).filter((person) => person.active !== false && person.roles.includes(role)).map((person) => person.id);

/** Statuses before the self-certification letter, while the category can still change. */
export const beforeSelfCertification: readonly LifecycleStatus[] = [
  'logged',
  'not_for_the_force',
  'assigned',
  'in_progress',
  'evidence_submitted',
  'awaiting_approval',
  'awaiting_self_certification',
  'reopened',
];
