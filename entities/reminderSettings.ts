import type { EntityManager } from 'typeorm';
import { defaultReminderPolicy, reminderPolicyWith, type ReminderPolicy } from '../domain/reminders/policy';
import { createWorkingCalendar, type WorkingCalendar } from '../domain/workingDays';
import { ForceSetting } from './';
import type { ReminderSettings } from '../domain/reminders/policy';

export const REMINDER_SETTINGS_KEY = 'reminders';

/** The settings a stored value holds, with the defaults of docs/reminders.md for whatever it does not say. */
export function reminderSettingsFrom(value: unknown): ReminderSettings {
  const stored = (value ?? {}) as Partial<ReminderSettings>;
  return {
    policy: stored.policy ? reminderPolicyWith(stored.policy as ReminderPolicy) : reminderPolicyWith({}, defaultReminderPolicy),
    closedDays: stored.closedDays ?? [],
    committeeMeetings: stored.committeeMeetings ?? [],
    revision: stored.revision ?? 0,
  };
}

/** The force's reminder settings as stored, or the defaults of docs/reminders.md while none are. */
export async function loadReminderSettings(manager: EntityManager): Promise<ReminderSettings> {
  const row = await manager.findOneBy(ForceSetting, { key: REMINDER_SETTINGS_KEY });
  return reminderSettingsFrom(row?.value);
}

/**
 * The stored settings when they are a later revision than `revision` (what a workflow holds), else undefined: how a
 * workflow that missed a change picks it up from its next activity.
 */
export async function reminderSettingsNewerThan(
  manager: EntityManager,
  revision: number | undefined,
): Promise<ReminderSettings | undefined> {
  const settings = await loadReminderSettings(manager);
  return (settings.revision ?? 0) > (revision ?? -1) ? settings : undefined;
}

/** What the figures of an item (domain/figures.ts) are computed under: the force's policy and working calendar. */
export interface FigureRules {
  policy: ReminderPolicy;
  calendar: WorkingCalendar;
}

export function figureRulesOf(settings: ReminderSettings): FigureRules {
  return { policy: settings.policy, calendar: createWorkingCalendar({ extraClosedDays: settings.closedDays }) };
}
