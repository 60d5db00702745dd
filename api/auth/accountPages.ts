import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { formToken, formTokenIsValid } from './authenticate';
import { linkRefusal } from './passwordLinks';
import type { ApiDependencies } from '../dependencies';
import { changeOwnPasswordSchema, newPassword } from '../people/schemas';
import { ApiProblem, parseInput } from '../../platform/http/problem';
import { attempt, formBody, formErrors, text } from '../../platform/web/forms';
import type { FormError } from '../../platform/web/html';
import { pageShell } from '../../platform/web/pageShell';
import { renderView } from '../../platform/web/views';
import { digestPreferences, digestPreferenceWords, type DigestPreference } from '../../domain/reminders/digestPreference';
import { roleLabels } from '../../domain/vocabulary';
import { Person } from '../../entities';

/**
 * Choosing a password through an emailed set-password link (before sign-in: the form carries its own token, like
 * sign-in's). Opening the link changes nothing; only submitting the form sets the password, once.
 */
export function setPasswordRoutes({ passwordLinks, forceName, auth }: ApiDependencies): Router {
  const router = Router();
  const serviceName = `${forceName} recommendation tracker`;

  async function page(req: Request, res: Response, errors?: FormError[], status = 200) {
    const reading = await passwordLinks.read(String(req.params.token));
    if (!reading.ok) {
      return res
        .status(410)
        .type('html')
        .send(renderView('setPassword.njk', { title: 'This link no longer works', serviceName, refusal: linkRefusal[reading.reason] }));
    }
    res
      .status(status)
      .type('html')
      .send(
        renderView('setPassword.njk', {
          title: 'Choose your password',
          serviceName,
          person: reading.person,
          formToken: formToken(req, res, auth),
          errors,
          fieldErrors: Object.fromEntries((errors ?? []).map((e) => [e.field, { text: e.message }])),
        }),
      );
  }

  router.get('/set-password/:token', (req, res) => page(req, res));
  router.post('/set-password/:token', async (req, res) => {
    if (!formTokenIsValid(req, auth))
      return page(req, res, [{ field: 'password', message: 'The form had expired. Please try again.' }], 403);
    const body = formBody(req);
    const outcome = await attempt(
      async () => {
        const { password } = parseInput(z.object({ password: newPassword }), { password: text(body, 'password') });
        if (password !== text(body, 'confirm'))
          throw ApiProblem.invalid([{ field: 'confirm', message: 'must be the same as the password' }]);
        return passwordLinks.use(String(req.params.token), password, { ipAddress: req.ip ?? 'unknown' }, 'password');
      },
      (problem) => formErrors(problem, 'password', {}, { password: 'Your password', confirm: 'The confirmation' }),
    );
    if (!outcome.ok) return page(req, res, outcome.errors, outcome.status);
    res.type('html').send(renderView('setPassword.njk', { title: 'Your password is set', serviceName, done: true }));
  });
  return router;
}

/** A signed-in person changes their own password (the current one first); their other sessions end. */
export function changePasswordRoutes(deps: ApiDependencies): Router {
  const router = Router();
  const shell = pageShell(deps);
  const labels = { currentPassword: 'Your current password', newPassword: 'The new password' };

  async function page(req: Request, res: Response, errors?: FormError[], status = 200) {
    const fieldErrors = Object.fromEntries((errors ?? []).map((e) => [e.field, { text: e.message }]));
    await shell.send(
      req,
      res,
      'changePassword.njk',
      { title: 'Change your password', errors, fieldErrors, csrfToken: req.identity!.session?.csrfToken ?? '', done: req.query.done },
      { current: '/account', status },
    );
  }

  router.get('/account/password', (req, res) => page(req, res));
  router.post('/account/password', async (req, res) => {
    const body = formBody(req);
    const outcome = await attempt(
      async () => {
        const input = parseInput(changeOwnPasswordSchema, {
          currentPassword: text(body, 'currentPassword'),
          newPassword: text(body, 'newPassword'),
        });
        return deps.auth.changeOwnPassword(req.identity!, input.currentPassword, input.newPassword);
      },
      (problem) => formErrors(problem, 'currentPassword', {}, labels),
    );
    if (!outcome.ok) return page(req, res, outcome.errors, outcome.status);
    res.redirect(303, '/account/password?done=changed');
  });
  return router;
}

const preferenceSchema = z.object({ digestPreference: z.enum(digestPreferences, { message: 'must be one of the three choices' }) });

/**
 * A signed-in person's own account (/account): who they are, how routine reminders reach them (each at once, or a
 * daily or weekly digest; escalations always at once), and the way to change their password. The choice is saved
 * through the same PeopleService call as PUT /api/people/:id/digest-preference, audited, and read by the next reminder.
 */
export function accountRoutes(deps: ApiDependencies): Router {
  const router = Router();
  const shell = pageShell(deps);

  async function page(req: Request, res: Response, errors?: FormError[], status = 200) {
    const person = await deps.dataSource.manager.findOneByOrFail(Person, { id: req.identity!.person.id });
    const chosen: DigestPreference = person.digestPreference;
    await shell.send(
      req,
      res,
      'account.njk',
      {
        title: 'Your account',
        errors,
        fieldErrors: Object.fromEntries((errors ?? []).map((e) => [e.field, { text: e.message }])),
        csrfToken: req.identity!.session?.csrfToken ?? '',
        details: [
          { key: { text: 'Name' }, value: { text: person.name } },
          { key: { text: 'Email' }, value: { text: person.email } },
          { key: { text: 'Roles' }, value: { text: person.roles.map((r) => roleLabels[r]).join(', ') || 'None' } },
          ...(person.department ? [{ key: { text: 'Department' }, value: { text: person.department } }] : []),
        ],
        preferenceItems: digestPreferences.map((value) => ({
          value,
          text: digestPreferenceWords[value].label,
          hint: { text: digestPreferenceWords[value].hint },
          checked: value === chosen,
        })),
        saved:
          req.query.saved === 'notifications'
            ? `Saved: routine reminders now reach you as ${digestPreferenceWords[chosen].label.toLowerCase()}.`
            : null,
        passwordHref: req.identity!.via === 'session' ? '/account/password' : null,
      },
      { current: '/account', status },
    );
  }

  router.get('/account', (req, res) => page(req, res));
  router.post('/account/notifications', async (req, res) => {
    const body = formBody(req);
    const me = req.identity!.person;
    const outcome = await attempt(
      async () => {
        const { digestPreference } = parseInput(preferenceSchema, { digestPreference: text(body, 'digestPreference') });
        return deps.people.setDigestPreference(me.id, digestPreference, { id: me.id, label: me.name });
      },
      (problem) => formErrors(problem, 'digestPreference', {}, { digestPreference: 'How reminders reach you' }),
    );
    if (!outcome.ok) return page(req, res, outcome.errors, outcome.status);
    res.redirect(303, '/account?saved=notifications');
  });
  return router;
}
