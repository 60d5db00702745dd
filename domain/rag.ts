import { ragStatuses, type IsoDate, type RagStatus } from './vocabulary';
import type { Closure, RecommendationState } from './lifecycle/states';
import type { ReminderPolicy } from './reminders/policy';
import { defaultReminderPolicy } from './reminders/policy';
import type { WorkingCalendar } from './workingDays';
import { englandAndWalesCalendar } from './workingDays';
import { itemFigures } from './figures';

export { atRiskHorizon } from './figures';

/**
 * One canonical status per item for committee lists (docs/papers.md, "Status colours (RAG) differ by force"),
 * and its mapping to each force's scheme.
 */
export { ragStatuses, type RagStatus };

/**
 * The canonical status of an item on `today`, as ./figures.ts defines it for every surface:
 *  - closed, not for the force: as the lifecycle says;
 *  - proposed for closure: evidence submitted and awaiting approval, self-certification or HMICFRS, even when the
 *    due date has passed (the owner has done the work; what remains is sign-off);
 *  - off target: the work is still with the owner and it is overdue (from the working day after the due date);
 *  - at risk: the work is still with the owner, it is not overdue, and the due date is within the at-risk window,
 *    or the owner has flagged it at risk;
 *  - on target: otherwise, including an item logged but not yet assigned (nothing is late yet).
 */
export function ragStatus(
  state: Pick<RecommendationState, 'status' | 'dueDate' | 'atRisk'>,
  today: IsoDate,
  policy: ReminderPolicy = defaultReminderPolicy,
  calendar: WorkingCalendar = englandAndWalesCalendar,
): RagStatus {
  return itemFigures(state, today, policy, calendar).rag;
}

// ---------------------------------------------------------------------------------------------------------------
// Scheme A (City of London style)

export const schemeAColours = ['GREEN', 'NEW GREEN', 'AMBER', 'RED', 'WHITE', 'PURPLE'] as const;
export type SchemeAColour = (typeof schemeAColours)[number];

/** The legend printed above a Scheme A tracker. */
export const schemeADefinitions: Record<SchemeAColour, string> = {
  GREEN: 'The recommendation is implemented',
  'NEW GREEN': 'The recommendation has been implemented since the last report',
  AMBER: 'The recommendation is subject to ongoing work and monitoring but is anticipated will be implemented',
  RED: 'The recommendation is beyond its deadline, or cannot or will not be implemented (rationale required)',
  WHITE: "The recommendation is not the force's responsibility to deliver, or is no longer relevant",
  PURPLE: 'The recommendation is implemented, but after the agreed deadline',
};

/**
 * Scheme A's colour for an item whose canonical status is `rag`:
 *  - WHITE: not for the force; or closed as no longer relevant, superseded, or no action required (nothing for the
 *    force to implement);
 *  - PURPLE: closed as implemented (self-certified, signed off, business as usual) after the due date; this wins
 *    over NEW GREEN, because lateness is what the colour exists to show;
 *  - NEW GREEN: closed as implemented on time, after `lastReportDate` (only when one is given);
 *  - GREEN: closed as implemented on time, before then;
 *  - RED: off target. ("Cannot or will not be implemented" has no state in the lifecycle; such items are closed as
 *    no longer relevant with a reason, and show WHITE.)
 *  - AMBER: on target, at risk, or proposed for closure (the work is done but not yet signed off).
 */
export function toSchemeA(
  rag: RagStatus,
  state: { closure: Pick<Closure, 'how' | 'on' | 'afterDueDate'> | null },
  lastReportDate?: IsoDate,
): SchemeAColour {
  switch (rag) {
    case 'not_for_the_force':
      return 'WHITE';
    case 'off_target':
      return 'RED';
    case 'on_target':
    case 'at_risk':
    case 'proposed_for_closure':
      return 'AMBER';
    case 'closed': {
      const closure = state.closure;
      if (!closure) return 'GREEN';
      if (closure.how === 'no_longer_relevant' || closure.how === 'superseded' || closure.how === 'no_action_required') return 'WHITE';
      if (closure.afterDueDate) return 'PURPLE';
      if (lastReportDate !== undefined && closure.on > lastReportDate) return 'NEW GREEN';
      return 'GREEN';
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Scheme B (Nottinghamshire style)

export const schemeBStatuses = ['On target', 'At risk', 'Off target', 'Proposed for closure', 'Closed'] as const;
export type SchemeBStatus = (typeof schemeBStatuses)[number];

/** Scheme B's status; null for items not for the force, which Scheme B papers do not list. */
export function toSchemeB(rag: RagStatus): SchemeBStatus | null {
  switch (rag) {
    case 'on_target':
      return 'On target';
    case 'at_risk':
      return 'At risk';
    case 'off_target':
      return 'Off target';
    case 'proposed_for_closure':
      return 'Proposed for closure';
    case 'closed':
      return 'Closed';
    case 'not_for_the_force':
      return null;
  }
}

/** The canonical status in words, as pages and the list's CSV print it (Scheme B's words, which name every status). */
export function ragLabel(rag: RagStatus): string {
  return toSchemeB(rag) ?? 'Not for the force';
}
