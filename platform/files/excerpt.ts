/** How much of a text an answer quotes. */
export const EXCERPT_CHARS = 200;

/** At most `max` characters of a text, with "…" when cut (never half of a surrogate pair). */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}…`;
}
