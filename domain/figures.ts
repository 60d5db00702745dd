import type { IsoDate } from './vocabulary';
import { addCalendarDays, addCalendarMonths, epochDayOf } from './calendar';
import type { LifecycleStatus } from './lifecycle/states';
import { lastOverdueDueDate, overdueFrom } from './overdue';
import { proposedForClosureStatuses, workingStatuses } from './lifecycle/states';
import type { RagStatus } from './vocabulary';
import type { Offset } from './reminders/offsets';
import type { ReminderPolicy } from './reminders/policy';
import { parseIsoDuration } from './reminders/durations';
import { applyOffset } from './reminders/offsets';
import { defaultReminderPolicy } from './reminders/policy';
import type { WorkingCalendar } from './workingDays';
import { englandAndWalesCalendar } from './workingDays';

export { overdueFrom } from './overdue';

/**
 * The figures every surface shows of an item on a day — overdue (off target), at risk, due soon and the RAG status —
 * defined once, here, under the force's reminder policy and working calendar. Pages, list filters, the CSV, emails
 * and committee papers all read them from `itemFigures`; the list's SQL filters use `figureCutoffs`, the same dates
 * `itemFigures` compares against, so the two agree by construction.
 *
 *  - Overdue (off target): the work is still with the owner (assigned, in progress, reopened) and today is on or after
 *    the working day after the due date. Due on Friday: overdue from Monday (Tuesday after a bank-holiday Monday).
 *  - At risk: the work is still with the owner, it is not overdue, and the owner has flagged it at risk or it is due
 *    within the policy's at-risk window (`atRiskWithin`, three months by default).
 *  - Due soon: the work is still with the owner, it is not overdue, and its first due-date reminder has been sent
 *    (with the default policy, 28 working days before the due date); with no due-date reminders, due today or earlier.
 *  - Closed, not for the force, proposed for closure: as domain/rag.ts says; an item with the approvers or HMICFRS is
 *    neither overdue nor at risk, whatever its due date (the owner has done the work).
 * Items addressed to other bodies (`forTheForce: false`) are not the force's: none of these figures apply to them.
 */

/** What the figures read of an item: its lifecycle status and due date, the owner's flag, and whom it is for. */
export interface FigureSubject {
  status: LifecycleStatus;
  dueDate: IsoDate | null;
  /** The owner's at-risk flag, when there is one. */
  atRisk: object | null;
  /** False for items addressed to other bodies (default true). */
  forTheForce?: boolean;
}

export interface ItemFigures {
  rag: RagStatus;
  overdue: boolean;
  /** The first day it was overdue: the working day after the due date (null when not overdue). */
  overdueSince: IsoDate | null;
  /** Working days overdue, counting the first overdue day as 1; 0 when not overdue. */
  workingDaysOverdue: number;
  atRisk: boolean;
  /** The owner flagged it at risk (it may also be at risk by its due date). */
  flaggedAtRisk: boolean;
  dueSoon: boolean;
}

/**
 * For one day: the latest due date at which an item still with its owner is overdue, at risk by its date, or due
 * soon. Each figure holds for due dates on or before its cut-off, because each rule only moves later with the due
 * date; so a list filter can compare `due_date <= cutoff` in SQL and agree with `itemFigures` exactly.
 */
export interface FigureCutoffs {
  today: IsoDate;
  overdueDueBy: IsoDate;
  atRiskDueBy: IsoDate;
  dueSoonDueBy: IsoDate;
}

/**
 * The last due date that counts as "due within" the policy's at-risk window of `today` (three months by default:
 * 4 January to 4 April). A window in calendar terms is not moved onto a working day; it is a span, not a send date.
 */
export function atRiskHorizon(
  today: IsoDate,
  policy: ReminderPolicy = defaultReminderPolicy,
  calendar: WorkingCalendar = englandAndWalesCalendar,
): IsoDate {
  const window = policy.atRiskWithin;
  if ('duration' in window) {
    const duration = parseIsoDuration(window.duration);
    if (duration.hours === 0 && duration.minutes === 0 && duration.seconds === 0) {
      return addCalendarDays(addCalendarMonths(today, duration.years * 12 + duration.months), duration.weeks * 7 + duration.days);
    }
  }
  return applyOffset({ date: today }, window, 1, policy, calendar).date;
}

/** The day the first due-date reminder for an item due `dueDate` is sent (the due date itself when there are none). */
export function firstReminderOn(dueDate: IsoDate, policy: ReminderPolicy, calendar: WorkingCalendar): IsoDate {
  let first = dueDate;
  for (const offset of policy.dueReminders) {
    const on = applyOffset({ date: dueDate }, offset, -1, policy, calendar).date;
    if (on < first) first = on;
  }
  return first;
}

/** The last due date whose first reminder has been sent by `today` (that day moves later with the due date). */
function dueSoonHorizon(today: IsoDate, policy: ReminderPolicy, calendar: WorkingCalendar): IsoDate {
  const reached = (days: number) => firstReminderOn(addCalendarDays(today, days), policy, calendar) <= today;
  // Due today: its reminders (all on or before the due date) have been sent. Gallop, then halve, to the last such day.
  let low = 0;
  let high = 1;
  while (reached(high)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (reached(middle)) low = middle;
    else high = middle;
  }
  return addCalendarDays(today, low);
}

export function figureCutoffs(
  today: IsoDate,
  policy: ReminderPolicy = defaultReminderPolicy,
  calendar: WorkingCalendar = englandAndWalesCalendar,
): FigureCutoffs {
  epochDayOf(today);
  return {
    today,
    overdueDueBy: lastOverdueDueDate(today, calendar),
    atRiskDueBy: atRiskHorizon(today, policy, calendar),
    dueSoonDueBy: dueSoonHorizon(today, policy, calendar),
  };
}

const proposed = new Set<LifecycleStatus>(proposedForClosureStatuses);

/** The figures of an item on the cut-offs' day. */
export function figuresFrom(item: FigureSubject, cutoffs: FigureCutoffs, calendar: WorkingCalendar = englandAndWalesCalendar): ItemFigures {
  const forTheForce = item.forTheForce !== false && item.status !== 'not_for_the_force';
  const withOwner = forTheForce && workingStatuses.includes(item.status);
  const due = item.dueDate;
  const overdue = withOwner && due !== null && due <= cutoffs.overdueDueBy;
  const flaggedAtRisk = withOwner && item.atRisk !== null;
  const atRisk = withOwner && !overdue && (flaggedAtRisk || (due !== null && due <= cutoffs.atRiskDueBy));
  const dueSoon = withOwner && !overdue && due !== null && due <= cutoffs.dueSoonDueBy;
  const rag: RagStatus =
    item.status === 'closed'
      ? 'closed'
      : !forTheForce
        ? 'not_for_the_force'
        : proposed.has(item.status)
          ? 'proposed_for_closure'
          : overdue
            ? 'off_target'
            : atRisk
              ? 'at_risk'
              : 'on_target';
  return {
    rag,
    overdue,
    overdueSince: overdue ? overdueFrom(due!, calendar) : null,
    workingDaysOverdue: overdue ? calendar.workingDaysBetween(due!, cutoffs.today) : 0,
    atRisk,
    flaggedAtRisk,
    dueSoon,
  };
}

/** The figures of one item on `today`, under the force's policy and calendar. */
export function itemFigures(
  item: FigureSubject,
  today: IsoDate,
  policy: ReminderPolicy = defaultReminderPolicy,
  calendar: WorkingCalendar = englandAndWalesCalendar,
): ItemFigures {
  return figuresFrom(item, figureCutoffs(today, policy, calendar), calendar);
}

const unit = (count: number, one: string) => `${count} ${one}${count === 1 ? '' : 's'}`;

/** A period in words for readers of papers and pages: "3 months", "30 working days", "1 month and 2 weeks". */
export function describePeriod(offset: Offset): string {
  if ('workingDays' in offset) return unit(offset.workingDays, 'working day');
  const d = parseIsoDuration(offset.duration);
  const parts = (
    [
      [d.years, 'year'],
      [d.months, 'month'],
      [d.weeks, 'week'],
      [d.days, 'day'],
      [d.hours, 'hour'],
      [d.minutes, 'minute'],
      [d.seconds, 'second'],
    ] as const
  )
    .filter(([count]) => count > 0)
    .map(([count, one]) => unit(count, one));
  if (parts.length === 0) return 'no time';
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
