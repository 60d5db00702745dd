/**
 * HTML built in TypeScript, for emails and the few table cells pages prepare with markup: `html` escapes every
 * interpolated value unless it is already `SafeHtml` (the result of another `html` call), so user text can never
 * become markup. Pages render through nunjucks templates (platform/web/views.ts, platform/web/templates/).
 */

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (value instanceof SafeHtml) return value.value;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

export interface NavItem {
  href: string;
  text: string;
  count?: number;
  current?: boolean;
}

/** One problem on a form: the field's id (the error summary links to it) and what is wrong, in plain words. */
export interface FormError {
  field: string;
  message: string;
}
