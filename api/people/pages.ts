import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { newPersonSchema, personChangesSchema, setPasswordSchema } from './schemas';
import { ApiProblem, parseInput } from '../../platform/http/problem';
import { roleLabels, roles } from '../../domain/vocabulary';
import { Department, Person } from '../../entities';
import type { FormError } from '../../platform/web/html';
import { attempt, formBody, formErrors, list, text, type FormBody } from '../../platform/web/forms';
import type { AdminContext } from '../adminContext';

const labels: Record<string, string> = {
  name: 'Name',
  email: 'Email address',
  roles: 'Roles',
  jobTitle: 'Job title',
  department: 'Department',
  lineManagerId: 'Line manager',
  password: 'The password',
};
const idParams = z.object({ personId: z.uuid({ message: 'must be the id of a person' }) });
const roleChoices = roles.map((r) => ({ value: r, text: roleLabels[r] }));

const personForm = (body: FormBody) => ({
  name: text(body, 'name'),
  email: text(body, 'email'),
  roles: list(body, 'roles'),
  jobTitle: text(body, 'jobTitle'),
  department: text(body, 'department'),
  // Absent (a form without the field): left as it is; the empty choice: no line manager.
  lineManagerId: 'lineManagerId' in body ? text(body, 'lineManagerId') || null : undefined,
});

/** People, their roles and accounts: add, edit, deactivate and reactivate, set a password or email a set-password link. */
export function peoplePages({ deps, render, guard }: AdminContext): Router {
  const router = Router();
  const { dataSource, people, auth, passwordLinks } = deps;
  router.use(guard('people.manage'));
  const by = (req: Request) => ({ id: req.identity!.person.id, label: req.identity!.person.name });
  /** The force's departments, and the person's own even if it is not (yet) one of them: saving must not drop it. */
  const departments = async (current?: string | null) => {
    const names = (await dataSource.manager.find(Department, { order: { name: 'ASC' } })).map((d) => d.name);
    return current && !names.includes(current) ? [...names, current].sort((a, b) => a.localeCompare(b)) : names;
  };
  /** Whom a person may report to: the active people but themselves, and their current manager even if deactivated. */
  const managers = async (person?: Person) => {
    const rows = await dataSource.manager.find(Person, { where: { active: true }, order: { name: 'ASC' } });
    const current =
      person?.lineManagerId && !rows.some((p) => p.id === person.lineManagerId)
        ? await dataSource.manager.findOneBy(Person, { id: person.lineManagerId })
        : null;
    return [...rows, ...(current ? [current] : [])]
      .filter((p) => p.id !== person?.id)
      .map((p) => ({ value: p.id, text: p.jobTitle ? `${p.name}, ${p.jobTitle}` : p.name }));
  };

  router.get('/', async (req, res) => {
    const status = req.query.status === 'deactivated' ? 'deactivated' : 'active';
    const rows = await dataSource.manager.find(Person, { where: { active: status === 'active' }, order: { name: 'ASC' } });
    await render(req, res, 'people.njk', {
      title: status === 'active' ? 'People' : 'Deactivated people',
      status,
      people: rows,
      roleLabels,
    });
  });

  const newPage = async (req: Request, res: Response, values: object, errors?: FormError[], status = 200) =>
    render(
      req,
      res,
      'personNew.njk',
      { title: 'Add a person', values, errors, roleChoices, departments: await departments(), managers: await managers() },
      status,
    );

  router.get('/new', async (req, res) => newPage(req, res, { roles: [] }));
  router.post('/new', async (req, res) => {
    const values = personForm(formBody(req));
    const outcome = await attempt(
      () => people.create(parseInput(newPersonSchema, values), by(req)),
      (problem) => formErrors(problem, 'name', {}, labels),
    );
    if (!outcome.ok) return newPage(req, res, values, outcome.errors, outcome.status);
    res.redirect(303, `/admin/people/${outcome.value.id}?done=added`);
  });

  async function personPage(
    req: Request,
    res: Response,
    options: { values?: object; errors?: FormError[]; status?: number; form?: 'details' | 'password' } = {},
  ) {
    const { personId } = parseInput(idParams, req.params, 'params');
    const person = await dataSource.manager.findOneBy(Person, { id: personId });
    if (!person) throw ApiProblem.notFound('The person');
    const openItems = await people.openItemCount(dataSource.manager, person.id);
    const hasPassword = await dataSource.manager
      .query(`SELECT 1 FROM local_accounts WHERE person_id = $1`, [person.id])
      .then((rows: unknown[]) => rows.length > 0);
    const values = options.values ?? { ...person };
    await render(
      req,
      res,
      'person.njk',
      {
        title: person.name,
        person,
        values,
        errors: options.errors,
        form: options.form,
        roleChoices,
        roleLabels,
        departments: await departments(person.department),
        managers: await managers(person),
        openItems,
        hasPassword,
        lineManager: person.lineManagerId ? await dataSource.manager.findOneBy(Person, { id: person.lineManagerId }) : null,
        done: req.query.done,
        isSelf: person.id === req.identity!.person.id,
      },
      options.status,
    );
  }

  router.get('/:personId', (req, res) => personPage(req, res));

  router.post('/:personId', async (req, res) => {
    const { personId } = parseInput(idParams, req.params, 'params');
    const body = formBody(req);
    const values = { ...personForm(body), version: text(body, 'version') };
    const outcome = await attempt(
      () => people.update(personId, parseInput(personChangesSchema, personForm(body)), text(body, 'version') || undefined, by(req)),
      (problem) =>
        problem.status === 412
          ? [
              {
                field: 'name',
                message: 'Someone else changed this person while you were editing. Their changes are shown below: make yours again.',
              },
            ]
          : formErrors(problem, 'name', {}, labels),
    );
    if (!outcome.ok) {
      const stale = outcome.status === 412;
      return personPage(req, res, { values: stale ? undefined : values, errors: outcome.errors, status: outcome.status, form: 'details' });
    }
    res.redirect(303, `/admin/people/${personId}?done=changed`);
  });

  router.post('/:personId/deactivate', async (req, res) => {
    const { personId } = parseInput(idParams, req.params, 'params');
    const outcome = await attempt(
      () => people.deactivate(personId, text(formBody(req), 'reason').trim().slice(0, 500), by(req)),
      (problem) => formErrors(problem, 'deactivate'),
    );
    if (!outcome.ok) return personPage(req, res, { errors: outcome.errors, status: outcome.status });
    res.redirect(303, `/admin/people/${personId}?done=deactivated`);
  });

  router.post('/:personId/reactivate', async (req, res) => {
    const { personId } = parseInput(idParams, req.params, 'params');
    await people.reactivate(personId, by(req));
    res.redirect(303, `/admin/people/${personId}?done=reactivated`);
  });

  router.post('/:personId/password', async (req, res) => {
    const { personId } = parseInput(idParams, req.params, 'params');
    const outcome = await attempt(
      async () =>
        auth.resetPassword(personId, parseInput(setPasswordSchema, { password: text(formBody(req), 'password') }).password, {
          ...by(req),
          sessionId: req.identity!.session?.id,
        }),
      (problem) => formErrors(problem, 'password', {}, labels),
    );
    if (!outcome.ok) return personPage(req, res, { errors: outcome.errors, status: outcome.status, form: 'password' });
    res.redirect(303, `/admin/people/${personId}?done=password`);
  });

  router.post('/:personId/password-link', async (req, res) => {
    const { personId } = parseInput(idParams, req.params, 'params');
    const outcome = await attempt(
      () => passwordLinks.send(personId, by(req)),
      (problem) => formErrors(problem, 'password-link'),
    );
    if (!outcome.ok) return personPage(req, res, { errors: outcome.errors, status: outcome.status });
    res.redirect(303, `/admin/people/${personId}?done=link`);
  });

  return router;
}
