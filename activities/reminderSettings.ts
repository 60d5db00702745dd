import type { EntityManager } from 'typeorm';
import { defaultReminderPolicy, reminderPolicyWith, type ReminderPolicy } from '../domain/reminderPolicy';
import { ForceSetting } from '../entities';
import type { ReminderSettings } from '../workflows/messages';

export const REMINDER_SETTINGS_KEY = 'reminders';

/** The force's reminder settings as stored, or the defaults of docs/reminders.md while none are. */
export async function loadReminderSettings(manager: EntityManager): Promise<ReminderSettings> {
  const row = await manager.findOneBy(ForceSetting, { key: REMINDER_SETTINGS_KEY });
  const stored = (row?.value ?? {}) as Partial<ReminderSettings>;
  return {
    policy: stored.policy ? reminderPolicyWith(stored.policy as ReminderPolicy) : reminderPolicyWith({}, defaultReminderPolicy),
    closedDays: stored.closedDays ?? [],
    committeeMeetings: stored.committeeMeetings ?? [],
  };
}
