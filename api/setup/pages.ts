import { Router, type Request, type RequestHandler, type Response } from 'express';
import { formToken, formTokenIsValid, setSessionCookie } from '../auth/authenticate';
import type { ApiDependencies } from '../dependencies';
import { ApiProblem } from '../../platform/http/problem';
import { AdministratorExists } from '../auth/firstAdministrator';
import type { FirstRun } from './firstRun';
import { formBody, formErrors, text } from '../../platform/web/forms';
import type { FormError } from '../../platform/web/html';
import { renderView } from '../../platform/web/views';

const labels = {
  code: 'The set-up code',
  name: 'The name',
  email: 'The email address',
  password: 'The password',
  confirm: 'The password typed again',
};

/**
 * The first-run page: while nobody administers the product, whoever has the set-up code printed at start creates the
 * first administrator and is signed in as them. Afterwards the page is gone (404), whatever code is sent.
 */
export function setupRoutes({ firstRun, auth, forceName }: ApiDependencies): Router {
  const router = Router();
  const serviceName = `${forceName} recommendation tracker`;
  const oidcName = auth.settings.oidc && auth.settings.adminEmails.length ? auth.settings.oidc.providerName : null;

  const closed = (res: Response) =>
    res
      .status(404)
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(
        renderView('message.njk', {
          title: 'Set-up is finished',
          serviceName,
          paragraphs: [
            'This product has an administrator, so there is nothing to set up here. Administrators add everyone else and can send them a link to choose a password.',
          ],
          link: { href: '/sign-in', text: 'Sign in' },
        }),
      );

  const page = (req: Request, res: Response, status: number, values: { name?: string; email?: string } = {}, errors?: FormError[]) =>
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(
        renderView('setup.njk', {
          title: 'Set up the first administrator',
          serviceName,
          formToken: formToken(req, res, auth),
          values,
          errors,
          fieldErrors: Object.fromEntries((errors ?? []).map((e) => [e.field, { text: e.message }])),
          oidcName,
        }),
      );

  router.get('/setup', async (req, res) => ((await firstRun.administered()) ? closed(res) : page(req, res, 200)));

  router.post('/setup', async (req, res) => {
    if (await firstRun.administered()) return closed(res);
    const body = formBody(req);
    const values = { name: text(body, 'name').slice(0, 200), email: text(body, 'email').slice(0, 320) };
    if (!formTokenIsValid(req, auth))
      return page(req, res, 403, values, [{ field: 'code', message: 'The form had expired. Please try again.' }]);
    const ipAddress = req.ip ?? 'unknown';
    try {
      const person = await firstRun.complete(
        {
          code: text(body, 'code'),
          name: text(body, 'name'),
          email: text(body, 'email'),
          password: text(body, 'password'),
          confirm: text(body, 'confirm'),
        },
        { ipAddress },
      );
      const { token } = await auth.startSession(person, 'password', { ipAddress, userAgent: req.get('user-agent') ?? null });
      setSessionCookie(req, res, auth, token);
      res.redirect(303, '/admin');
    } catch (error) {
      if (error instanceof AdministratorExists) return closed(res);
      if (!(error instanceof ApiProblem) || (error.status !== 400 && error.status !== 429)) throw error;
      res.set(error.headers);
      const errors =
        error.status === 429 ? [{ field: 'code', message: error.detail ?? error.title }] : formErrors(error, 'code', {}, labels);
      page(req, res, error.status, values, errors);
    }
  });
  return router;
}

/** While nobody administers the product, an anonymous browser asking for any other page is sent to /setup. */
export function firstRunGate(firstRun: FirstRun): RequestHandler {
  return async (req, res, next) => {
    if (req.identity || req.path.startsWith('/api/') || (req.method !== 'GET' && req.method !== 'HEAD') || (await firstRun.administered()))
      return next();
    res.redirect(303, '/setup');
  };
}
