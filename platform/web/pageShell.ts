import type { Request, Response } from 'express';
import type { FormError } from './html';
import { pageNavigation, type NavigationDependencies } from './navigation';
import { renderView } from './views';

/** What the page frame needs of the product: its name, and what the navigation shows (./navigation.ts). */
export interface PageShellDependencies extends NavigationDependencies {
  forceName: string;
}

/** What every signed-in page shares: the service name, the navigation with its counts, and sending a rendered template. */
export function pageShell(deps: PageShellDependencies) {
  const { forceName } = deps;
  const serviceName = `${forceName} recommendation tracker`;

  const nav = pageNavigation(deps);

  /** Renders `template` inside the shell; `current` is the navigation item to mark; `taskCount`, when the page has just counted My tasks. */
  async function send(
    req: Request,
    res: Response,
    template: string,
    context: { title: string; errors?: FormError[]; [key: string]: unknown },
    options: { current?: string; status?: number; taskCount?: number } = {},
  ): Promise<void> {
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
  const message = (
    req: Request,
    res: Response,
    status: number,
    title: string,
    paragraphs: string[],
    link?: { href: string; text: string; before?: string; after?: string },
  ) => send(req, res, 'message.njk', { title, paragraphs, link }, { status });

  const notFound = (req: Request, res: Response) =>
    message(req, res, 404, 'Page not found', ['There is no recommendation at this address.'], {
      href: '/recommendations',
      text: 'See all recommendations',
    });

  return { serviceName, send, message, notFound };
}

export type PageShell = ReturnType<typeof pageShell>;
