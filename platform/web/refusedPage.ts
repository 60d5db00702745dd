import type { ErrorRequestHandler } from 'express';
import { ApiProblem } from '../http/problem';
import { pageShell, type PageShellDependencies } from './pageShell';

/**
 * A page a signed-in person may not open gets a GOV.UK page saying what they can do instead, never the internal
 * permission the refusal names (that stays in the audit trail). The api keeps answering problem+json.
 */
export function refusedPage(deps: PageShellDependencies): ErrorRequestHandler {
  const shell = pageShell(deps);
  return async (error, req, res, next) => {
    const isPageRefusal = error instanceof ApiProblem && error.status === 403 && !req.path.startsWith('/api/');
    if (!isPageRefusal || !req.identity || res.headersSent || !req.accepts('html')) return next(error);
    await shell.send(req, res, 'refused.njk', { title: 'You cannot open this page', name: req.identity.person.name }, { status: 403 });
  };
}
