import { Router } from 'express';
import { actingPersonOf } from '../../platform/http/actor';
import { addDepartment, departmentSchema } from './departments';
import { parseInput } from '../../platform/http/problem';
import { Department } from '../../entities';
import { attempt, formBody, formErrors, text } from '../../platform/web/forms';
import type { AdminContext } from '../adminContext';

/** The force's departments: the list, and a form to add one. */
export function departmentPages({ deps, render, guard }: AdminContext): Router {
  const router = Router();
  router.use(guard('departments.manage'));
  const page = async (
    req: Parameters<AdminContext['render']>[0],
    res: Parameters<AdminContext['render']>[1],
    extra: object = {},
    status = 200,
  ) =>
    render(
      req,
      res,
      'departments.njk',
      {
        title: 'Departments',
        departments: await deps.dataSource.manager.find(Department, { order: { name: 'ASC' } }),
        done: req.query.done,
        ...extra,
      },
      status,
    );

  router.get('/', (req, res) => page(req, res));
  router.post('/', async (req, res) => {
    const name = text(formBody(req), 'name');
    const outcome = await attempt(
      () => addDepartment(deps.dataSource, parseInput(departmentSchema, { name }).name, actingPersonOf(req.identity!)),
      (problem) => formErrors(problem, 'name', {}, { name: 'Department name' }),
    );
    if (!outcome.ok) return page(req, res, { values: { name }, errors: outcome.errors }, outcome.status);
    res.redirect(303, '/admin/departments?done=added');
  });
  return router;
}
