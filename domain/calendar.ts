import type { IsoDate } from './vocabulary';

const londonDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date in England and Wales at an instant: what "today" means to a force. */
export function calendarDateInLondon(epochMs: number): IsoDate {
  return londonDate.format(new Date(epochMs));
}

const longDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });

/** "31 March 2027", as committee papers and emails print dates. */
export function formatLongDate(date: IsoDate): string {
  return longDate.format(new Date(`${date}T00:00:00Z`));
}
