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

/** The GOV.UK error summary: shown at the top of a page whose form has problems, each linking to its field. */
export function errorSummary(errors: FormError[] | undefined): SafeHtml {
  if (!errors || errors.length === 0) return html``;
  return html`<div class="govuk-error-summary" data-module="govuk-error-summary" role="alert" tabindex="-1">
<h2 class="govuk-error-summary__title">There is a problem</h2>
<div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">
${errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a></li>`)}
</ul></div></div>`;
}

/**
 * The page shell shared by every server-rendered page: GOV.UK Frontend's styles (served from /govuk and /assets),
 * skip link, header with the force's service name, optional navigation, and the main content. No JavaScript is needed.
 */
export function page(options: { title: string; serviceName?: string; body: SafeHtml; nav?: NavItem[]; errors?: FormError[]; account?: { name: string; csrfToken: string } }): string {
  const service = options.serviceName ?? 'Recommendation tracker';
  const hasErrors = !!options.errors && options.errors.length > 0;
  return html`<!doctype html>
<html lang="en-GB" class="govuk-template">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>${hasErrors ? 'Error: ' : ''}${options.title} – ${service}</title>
<link rel="stylesheet" href="/govuk/govuk-frontend.min.css">
<style>
  .tag { display: inline-block; padding: 2px 8px; background: #d2e2f1; color: #0c2d4a; font-weight: bold; }
  .hint { color: #505a5f; } pre { white-space: pre-wrap; background: #f3f2f1; padding: 12px; }
  .app-nav-count { display: inline-block; min-width: 1.5em; margin-left: 4px; padding: 0 4px; background: #0b0c0c; color: #fff; text-align: center; border-radius: 2px; }
  .app-sign-out { margin-left: auto; padding: 8px 0; }
  .app-header-name { font-size: 1.5rem; font-weight: 700; margin-left: 0; }
  .govuk-header__logo { padding: 10px 0; }
  .app-command { border-top: 1px solid #b1b4b6; padding-top: 15px; }
</style>
</head>
<body class="govuk-template__body">
<a href="#main-content" class="govuk-skip-link">Skip to main content</a>
<header class="govuk-header">
<div class="govuk-header__container govuk-width-container">
<div class="govuk-header__logo"><a href="/" class="govuk-header__homepage-link"><span class="govuk-header__product-name app-header-name">${service}</span></a></div>
</div>
</header>
${
  options.nav && options.nav.length
    ? html`<section aria-label="Service information" class="govuk-service-navigation"><div class="govuk-width-container"><div class="govuk-service-navigation__container">
<nav aria-label="Menu" class="govuk-service-navigation__wrapper"><ul class="govuk-service-navigation__list">
${options.nav.map(
  (n) => html`<li class="govuk-service-navigation__item${n.current ? ' govuk-service-navigation__item--active' : ''}"><a class="govuk-service-navigation__link" href="${n.href}"${n.current ? html` aria-current="page"` : ''}>${n.current ? html`<strong class="govuk-service-navigation__active-fallback">${n.text}</strong>` : n.text}${n.count !== undefined ? html` <span class="app-nav-count">${n.count}</span>` : ''}</a></li>`,
)}
</ul></nav>
${options.account ? html`<form method="post" action="/sign-out" class="app-sign-out"><input type="hidden" name="_csrf" value="${options.account.csrfToken}"><button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">Sign out<span class="govuk-visually-hidden"> ${options.account.name}</span></button></form>` : ''}
</div></div></section>`
    : ''
}
<div class="govuk-width-container">
<main class="govuk-main-wrapper" id="main-content">
${errorSummary(options.errors)}
${options.body}
</main>
</div>
</body>
</html>`.value;
}
