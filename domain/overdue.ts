import type { IsoDate } from './vocabulary';
import { addCalendarDays } from './calendar';
import type { WorkingCalendar } from './workingDays';

/**
 * When an item becomes overdue (off target): the working day after its due date. Due on a Friday, overdue from the
 * Monday (the Tuesday after a bank-holiday Monday); never on the due date itself. The figures (./figures.ts) and the
 * off-target reminders (./reminders/plan.ts) both start from here.
 */
export function overdueFrom(dueDate: IsoDate, calendar: WorkingCalendar): IsoDate {
  return calendar.nextWorkingDay(dueDate);
}

/**
 * The latest due date at which an item is overdue on `today`: overdueFrom(due) <= today exactly when the due date is
 * before the last working day on or before today (overdueFrom only moves later with the due date).
 */
export function lastOverdueDueDate(today: IsoDate, calendar: WorkingCalendar): IsoDate {
  return addCalendarDays(calendar.onOrBefore(today), -1);
}
