import type { IsoDate } from '../../domain/vocabulary';

/**
 * A GOV.UK date input (day, month and year boxes named `<name>-day`…) read back: the date, or the error message the
 * Design System words for it ("… must include a month", "… must be a real date"). `label` starts the message.
 */

export const dateParts = ['day', 'month', 'year'] as const;
export type DateParts = Record<(typeof dateParts)[number], string>;

export type DateInput =
  { parts: DateParts; empty: true } | { parts: DateParts; empty: false; date: IsoDate } | { parts: DateParts; empty: false; error: string };

export function readDateInput(values: Record<string, unknown>, name: string, label: string): DateInput {
  const parts = Object.fromEntries(
    dateParts.map((p) => [p, typeof values[`${name}-${p}`] === 'string' ? (values[`${name}-${p}`] as string).trim() : '']),
  ) as DateParts;
  const missing = dateParts.filter((p) => parts[p] === '');
  if (missing.length === 3) return { parts, empty: true };
  if (missing.length) return { parts, empty: false, error: `${label} must include a ${missing.join(' and a ')}` };
  if (!dateParts.every((p) => /^\d+$/.test(parts[p])) || parts.year.length !== 4)
    return { parts, empty: false, error: `${label} must be a real date, in numbers: for example, 31 3 2026` };
  const [day, month, year] = [Number(parts.day), Number(parts.month), Number(parts.year)];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || probe.getUTCDate() !== day || probe.getUTCMonth() !== month - 1)
    return { parts, empty: false, error: `${label} must be a real date: ${parts.day} ${parts.month} ${parts.year} does not exist` };
  return { parts, empty: false, date: `${parts.year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` as IsoDate };
}

/** The three boxes of a date input for the template, showing what was typed (or `date`), marked when in error. */
export function dateItems(parts: DateParts, hasError: boolean) {
  return dateParts.map((p) => ({
    name: p,
    value: parts[p],
    classes: `${p === 'year' ? 'govuk-input--width-4' : 'govuk-input--width-2'}${hasError ? ' govuk-input--error' : ''}`,
  }));
}

export function partsOf(date: IsoDate): DateParts {
  return { day: String(Number(date.slice(8, 10))), month: String(Number(date.slice(5, 7))), year: date.slice(0, 4) };
}
