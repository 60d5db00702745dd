/**
 * How a person hears of routine reminders (due-date reminders, committee update requests and chases): each at once,
 * or gathered into a daily or weekly digest. Escalations and approval chases always go at once, whatever is chosen.
 */
export const digestPreferences = ['immediate', 'daily', 'weekly'] as const;
export type DigestPreference = (typeof digestPreferences)[number];

/** The choice as a person reads it on their account page. */
export const digestPreferenceWords: Record<DigestPreference, { label: string; hint: string }> = {
  immediate: { label: 'Each reminder as it comes', hint: 'One email for every routine reminder, at the time it is due' },
  daily: { label: 'A daily digest', hint: 'One email each working day listing the routine reminders of that day' },
  weekly: { label: 'A weekly digest', hint: 'One email on the first working day of each week listing the routine reminders of the week' },
};

/** The preference as the audit trail says it: "now receives routine reminders …". */
export const digestPreferencePhrase = (preference: DigestPreference): string =>
  preference === 'immediate' ? 'as they come' : `in a ${preference} digest`;
