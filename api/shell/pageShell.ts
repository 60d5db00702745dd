import type { Request, Response } from 'express';
import type { ApiDependencies } from '../dependencies';
import { actingPersonOf } from '../../platform/http/actor';
import { recommendationListQuery } from '../recommendations/listQuery';
import type { FormError } from '../../platform/web/html';
import { pageNavigation } from './navigation';
import { renderView } from '../../platform/web/views';

/** What every signed-in page shares: the service name, the navigation with its counts, and sending a rendered template. */
export function pageShell(deps: ApiDependencies) {
  const { recommendations, forceName } = deps;
  const serviceName = `${forceName} recommendation tracker`;

  const search = (req: Request, query: Partial<Record<string, unknown>>) => {
    const parsed = recommendationListQuery.parse({ limit: '200', ...query });
    return recommendations.search(parsed, actingPersonOf(req.identity!));
  };

  const nav = pageNavigation(deps);

  /** Renders `template` inside the shell; `current` is the navigation item to mark; `taskCount`, when the page has just counted My tasks. */
  async function send(req: Request, res: Response, template: string, context: { title: string; errors?: FormError[]; [key: string]: unknown }, options: { current?: string; status?: number; taskCount?: number } = {}): Promise<void> {
    const page = renderView(template, {
      ...context,
      serviceName,
      nav: await nav(req, options.current ?? '', options.taskCount),
      account: { name: req.identity!.person.name, csrfToken: req.identity!.session?.csrfToken ?? '' },
    });
    res
      .status(options.status ?? 200)
      .type('html')
      .send(page);
  }

  /** A page that only says something (platform/web/templates/message.njk). */
  const message = (req: Request, res: Response, status: number, title: string, paragraphs: string[], link?: { href: string; text: string; before?: string; after?: string }) =>
    send(req, res, 'message.njk', { title, paragraphs, link }, { status });

  const notFound = (req: Request, res: Response) =>
    message(req, res, 404, 'Page not found', ['There is no recommendation at this address.'], { href: '/recommendations', text: 'See all recommendations' });

  return { serviceName, search, send, message, notFound };
}

export type PageShell = ReturnType<typeof pageShell>;
