/**
 * Server-rendered HTML without a template engine: `html` escapes every interpolated value unless it is
 * already `SafeHtml` (the result of another `html` call), so user text can never become markup.
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

/** The page shell shared by every server-rendered page. */
export function page(options: { title: string; serviceName?: string; body: SafeHtml }): string {
  const service = options.serviceName ?? 'Recommendation tracker';
  return html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} – ${service}</title>
<style>
  body { font-family: Arial, Helvetica, sans-serif; margin: 0; color: #0b0c0c; line-height: 1.4; }
  header { background: #0b0c0c; color: #fff; padding: 12px 24px; }
  header a { color: #fff; font-weight: bold; text-decoration: none; font-size: 1.2rem; }
  main { max-width: 960px; margin: 0 auto; padding: 24px; }
  a { color: #1d70b8; } a:focus { outline: 3px solid #fd0; background: #fd0; color: #0b0c0c; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; border-bottom: 1px solid #b1b4b6; padding: 8px 12px 8px 0; vertical-align: top; }
  .tag { display: inline-block; padding: 2px 8px; background: #d2e2f1; color: #0c2d4a; font-weight: bold; }
  .hint { color: #505a5f; } pre { white-space: pre-wrap; background: #f3f2f1; padding: 12px; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 24px; } dt { font-weight: bold; } dd { margin: 0; }
</style>
</head>
<body>
<a href="#main" class="hint">Skip to main content</a>
<header><a href="/">${service}</a></header>
<main id="main">
${options.body}
</main>
</body>
</html>`.value;
}
