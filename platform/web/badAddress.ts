import type { ErrorRequestHandler } from 'express';
import { pageShell, type PageShellDependencies } from './pageShell';
import { renderView } from './views';

const TITLE = 'Page not found';
const EXPLANATION =
  'There is nothing at this address: part of it is not valid (it may have been cut short or altered). Check it, or start again from the list.';

/**
 * A page address Express cannot decode (a percent-encoded part that is not UTF-8, such as /recommendations/%ff%fe) is
 * a page that is not there: a 404 page, never a 500. The api answers the same error itself, as problem+json.
 */
export function badPageAddress(deps: PageShellDependencies): ErrorRequestHandler {
  const shell = pageShell(deps);
  return async (error, req, res, next) => {
    if (!(error instanceof URIError) || req.path.startsWith('/api/') || res.headersSent) return next(error);
    if (req.identity) {
      await shell.message(req, res, 404, TITLE, [EXPLANATION], { href: '/recommendations', text: 'See all recommendations' });
      return;
    }
    res
      .status(404)
      .type('html')
      .send(
        renderView('message.njk', {
          title: TITLE,
          serviceName: shell.serviceName,
          paragraphs: [EXPLANATION],
          link: { href: '/sign-in', text: 'Go to sign in' },
        }),
      );
  };
}
