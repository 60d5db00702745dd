import type { IsoDate } from '../vocabulary';
import { epochDayOf } from '../calendar';
import type { RecommendationState } from '../lifecycle/states';
import type { WorkingCalendar } from '../workingDays';
import { applyOffset, type Anchor, type Offset, type SendTime } from './offsets';

/** Owners' progress updates before each committee meeting: when they are asked and chased, and for which items. */

export interface CommitteePolicy {
  /** How long before each meeting every owner of an open item is asked for a progress update. */
  requestBefore: Offset;
  /** How long before the meeting updates must be in, so the papers can be prepared. */
  deadlineBefore: Offset;
  /** How long before that deadline owners who have not sent an update are chased. */
  chaseBeforeDeadline: Offset;
}

/** Statuses with nothing to chase at all. */
export const quietStatuses = new Set<RecommendationState['status']>(['logged', 'not_for_the_force', 'closed']);

const isoOf = (ms: number): string => new Date(ms).toISOString();

/** One committee meeting's round of update requests. */
export interface CommitteeRound {
  meeting: IsoDate;
  /** When owners are asked for an update (date, and the ISO timestamp to send at). */
  requestOn: IsoDate;
  requestAt: string;
  /** The last day for updates to count for this meeting's papers. */
  deadline: IsoDate;
  /** When owners who have not sent an update since the request are chased. */
  chaseOn: IsoDate;
  chaseAt: string;
}

/**
 * For each meeting (sorted, duplicates dropped), when owners are asked for updates, the deadline and when they are
 * chased. Offsets count back from the meeting (and the chase from the deadline); a date-only duration lands on the
 * working day on or before. A request whose chase would not come after it (meetings too close to each other for the
 * policy) still gets its own dates; `reminderPolicyProblems` warns about policies where that always happens.
 */
export function committeeUpdateRequests(
  meetings: readonly IsoDate[],
  policy: SendTime & { committee: CommitteePolicy },
  calendar: WorkingCalendar,
): CommitteeRound[] {
  const unique = [...new Set(meetings)].sort();
  return unique.map((meeting) => {
    epochDayOf(meeting);
    const anchor: Anchor = { date: meeting };
    const request = applyOffset(anchor, policy.committee.requestBefore, -1, policy, calendar);
    const deadline = applyOffset(anchor, policy.committee.deadlineBefore, -1, policy, calendar);
    const chase = applyOffset(deadline, policy.committee.chaseBeforeDeadline, -1, policy, calendar);
    return {
      meeting,
      requestOn: request.date,
      requestAt: isoOf(request.atMs),
      deadline: deadline.date,
      chaseOn: chase.date,
      chaseAt: isoOf(chase.atMs),
    };
  });
}

/**
 * Whether the owner of an item is asked for a committee update: every open item with an owner (docs/reminders.md: "every
 * owner of an open item"), including those awaiting approval or HMICFRS, because the papers print a latest update
 * for each of them. Not for logged items (no owner yet), items not for the force, or closed items.
 */
export function isOpenForCommittee(state: RecommendationState): boolean {
  return !quietStatuses.has(state.status) && state.ownerId !== null;
}
