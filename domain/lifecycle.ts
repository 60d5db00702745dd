import type { ClosureCategory, IsoDate, Role } from './vocabulary';
import { isIsoDate } from './vocabulary';

/**
 * The lifecycle of one recommendation (../shared/DOMAIN.md, "The lifecycle of one item"), as pure functions.
 * `decide` is the one place that says whether a command is allowed and what it changes; the workflow's
 * update validators, the workflow's handlers and the api all call it.
 */

export const lifecycleStatuses = ['logged', 'not_for_the_force', 'assigned', 'in_progress', 'closed'] as const;
export type LifecycleStatus = (typeof lifecycleStatuses)[number];

export const lifecycleStatusLabels: Record<LifecycleStatus, string> = {
  logged: 'Logged',
  not_for_the_force: 'Not for the force',
  assigned: 'Assigned',
  in_progress: 'In progress',
  closed: 'Closed',
};

export interface RecommendationState {
  recommendationId: string;
  status: LifecycleStatus;
  category: ClosureCategory | null;
  ownerId: string | null;
  leadId: string | null;
  dueDate: IsoDate | null;
}

/** Who issues a command. `personId` is null for the system itself (timers, imports). */
export interface Actor {
  personId: string | null;
  roles: Role[];
}

export interface CommandContext {
  actor: Actor;
  today: IsoDate;
}

export type LifecycleCommand =
  | { type: 'assign'; ownerId: string; leadId: string; dueDate: IsoDate }
  | { type: 'markNotForTheForce'; reason: string };

export type LifecycleCommandType = LifecycleCommand['type'];

/** What happened, as recorded in the audit trail: before/after hold only the fields that changed. */
export interface LifecycleEvent {
  type: string;
  summary: string;
  before: Partial<RecommendationState>;
  after: Partial<RecommendationState>;
}

export type Decision =
  | { accepted: true; state: RecommendationState; events: LifecycleEvent[] }
  | { accepted: false; reason: string };

export function initialState(recommendationId: string, category: ClosureCategory | null = null): RecommendationState {
  return { recommendationId, status: 'logged', category, ownerId: null, leadId: null, dueDate: null };
}

const refuse = (reason: string): Decision => ({ accepted: false, reason });

export function decide(state: RecommendationState, command: LifecycleCommand, context: CommandContext): Decision {
  switch (command.type) {
    case 'assign': {
      if (state.status !== 'logged' && state.status !== 'assigned') {
        return refuse(`an owner cannot be assigned: the recommendation is ${lifecycleStatusLabels[state.status].toLowerCase()}`);
      }
      if (!command.ownerId) return refuse('an owner must be chosen');
      if (!command.leadId) return refuse('a lead must be chosen');
      if (!isIsoDate(command.dueDate)) return refuse('the due date must be a real date (YYYY-MM-DD)');
      if (command.dueDate < context.today) return refuse(`the due date ${command.dueDate} is in the past`);
      const after = { status: 'assigned' as const, ownerId: command.ownerId, leadId: command.leadId, dueDate: command.dueDate };
      return {
        accepted: true,
        state: { ...state, ...after },
        events: [
          {
            type: 'owner_assigned',
            summary: `Assigned to an owner, due ${command.dueDate}`,
            before: { status: state.status, ownerId: state.ownerId, leadId: state.leadId, dueDate: state.dueDate },
            after,
          },
        ],
      };
    }
    case 'markNotForTheForce': {
      if (state.status !== 'logged') {
        return refuse(`only a newly logged recommendation can be marked not for the force; this one is ${lifecycleStatusLabels[state.status].toLowerCase()}`);
      }
      if (!command.reason.trim()) return refuse('a reason is needed to mark a recommendation not for the force');
      return {
        accepted: true,
        state: { ...state, status: 'not_for_the_force' },
        events: [{ type: 'marked_not_for_the_force', summary: command.reason.trim(), before: { status: state.status }, after: { status: 'not_for_the_force' } }],
      };
    }
  }
}
