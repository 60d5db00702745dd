import fs from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { formatLongDate } from '../../domain/calendar';
import { escapeHtml, type FormError, type NavItem } from './html';
import { statusTagClasses, statusTagHtml } from './statusTags';

const govukFrontend = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist');
const londonTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' });

/**
 * The page templates sit next to this module in the source tree; a build copies them beside the compiled module
 * (`npm run build`), and a build elsewhere (the benchmarks' .bench-build) still finds them in the source tree.
 */
function templatesDirectory(): string {
  const candidates = [path.join(__dirname, 'templates'), path.resolve(__dirname, '..', '..', '..', 'platform', 'web', 'templates')];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'layout.njk')));
  if (!found) throw new Error(`The page templates were not found (looked in ${candidates.join(', ')})`);
  return found;
}

let environment: nunjucks.Environment | undefined;

/**
 * One nunjucks environment for every page: our templates first, then GOV.UK Frontend's, so templates import its
 * macros as `govuk/components/<name>/macro.njk`. Autoescape is on: user text can only become markup through `| safe`.
 */
export function views(): nunjucks.Environment {
  if (environment) return environment;
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([templatesDirectory(), govukFrontend], { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addFilter('longDate', (d: string | null | undefined) => (d ? formatLongDate(d) : ''));
  env.addFilter('londonDateTime', (d: Date | string | null | undefined) => (d ? londonTime.format(new Date(d)) : ''));
  env.addGlobal('statusTagClasses', statusTagClasses);
  env.addGlobal('statusTag', (r: Parameters<typeof statusTagHtml>[0]) => new nunjucks.runtime.SafeString(statusTagHtml(r)));
  env.addGlobal('errorList', (errors: FormError[]) => errors.map((e) => ({ text: e.message, href: `#${e.field}` })));
  env.addGlobal('navigationItems', (nav: NavItem[]) =>
    nav.map((n) => ({
      href: n.href,
      current: n.current,
      html: escapeHtml(n.text) + (n.count !== undefined ? ` <span class="app-nav-count">${n.count}</span>` : ''),
    })),
  );
  environment = env;
  return env;
}

/** Renders `platform/web/templates/<name>` with the given context. */
export function renderView(name: string, context: object): string {
  return views().render(name, context);
}
