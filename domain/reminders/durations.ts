/** ISO-8601 durations ("P3M", "P2W", "PT30S"), as reminder offsets are written. */

export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  /** May have up to three decimals. */
  seconds: number;
}

const durationPattern = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d+))?S)?)?$/;

/** Why `text` is not an ISO-8601 duration this product accepts, or null when it is one. */
export function isoDurationProblem(text: unknown): string | null {
  if (typeof text !== 'string') return `a duration must be a string such as "P3D" or "PT30S", not ${text === null ? 'null' : typeof text}`;
  const quoted = JSON.stringify(text);
  if (text.trim() !== text || text === '')
    return `${quoted} is not an ISO-8601 duration: it must be written without spaces, e.g. "P3D" or "PT30S"`;
  if (text.startsWith('-') || text.startsWith('+'))
    return `${quoted} is not allowed: durations here cannot be signed (the rule says whether it counts before or after)`;
  if (text !== text.toUpperCase())
    return `${quoted} is not an ISO-8601 duration: write the designators in capitals, e.g. "${text.toUpperCase()}"`;
  if (!text.startsWith('P')) return `${quoted} is not an ISO-8601 duration: it must start with "P", e.g. "P3D" or "PT30S"`;
  if (text === 'P') return `"P" is not an ISO-8601 duration: it needs at least one number and unit, e.g. "P3D"`;
  if (text.endsWith('T')) return `${quoted} is not an ISO-8601 duration: "T" must be followed by hours, minutes or seconds, e.g. "PT30S"`;
  const match = durationPattern.exec(text);
  if (!match) {
    const timePart = text.includes('T') ? text.slice(text.indexOf('T') + 1) : '';
    const datePart = text.includes('T') ? text.slice(1, text.indexOf('T')) : text.slice(1);
    if (/[HS]/.test(datePart)) return `${quoted} is not an ISO-8601 duration: hours and seconds belong after "T", e.g. "PT2H"`;
    if (/[YWD]/.test(timePart)) return `${quoted} is not an ISO-8601 duration: years, weeks and days come before "T", e.g. "P1DT2H"`;
    if (/\d$/.test(text)) return `${quoted} is not an ISO-8601 duration: every number needs a unit (Y, M, W, D, or after "T": H, M, S)`;
    if (/[.,]\d*[YMWDH]|[.,]\d*M/.test(text)) return `${quoted} is not accepted: only the seconds may have a fraction, e.g. "PT1.5S"`;
    return `${quoted} is not an ISO-8601 duration: use P[nY][nM][nW][nD][T[nH][nM][nS]] with the units in that order, e.g. "P1M2W", "PT30S"`;
  }
  if (match[8] !== undefined && match[8].length > 3)
    return `${quoted} is not accepted: seconds are kept to the millisecond (three decimals at most)`;
  const parts = match.slice(1, 8).map((value) => (value === undefined ? 0 : Number(value)));
  if (parts.some((value) => !Number.isSafeInteger(value))) return `${quoted} is too large`;
  return null;
}

/** Parses an ISO-8601 duration ("P1Y2M3W4DT5H6M7.5S"); throws a RangeError that says what is wrong. */
export function parseIsoDuration(text: string): IsoDuration {
  const problem = isoDurationProblem(text);
  if (problem) throw new RangeError(problem);
  const match = durationPattern.exec(text)!;
  const number = (index: number): number => (match[index] === undefined ? 0 : Number(match[index]));
  const fraction = match[8] === undefined ? 0 : Number(`0.${match[8]}`);
  return {
    years: number(1),
    months: number(2),
    weeks: number(3),
    days: number(4),
    hours: number(5),
    minutes: number(6),
    seconds: number(7) + fraction,
  };
}

export const hasTimePart = (duration: IsoDuration): boolean => duration.hours > 0 || duration.minutes > 0 || duration.seconds > 0;
export const timePartMs = (duration: IsoDuration): number =>
  Math.round((duration.hours * 3600 + duration.minutes * 60) * 1000 + duration.seconds * 1000);
export const isZeroDuration = (duration: IsoDuration): boolean =>
  duration.years + duration.months + duration.weeks + duration.days === 0 && timePartMs(duration) === 0;
