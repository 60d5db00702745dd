import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { ActingPerson } from '../../platform/http/actor';
import { Department } from '../../entities';
import { addDepartmentIn } from '../people/departments';
import type { ApiDependencies } from '../dependencies';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { departmentSchema as departmentResponse, listOf } from '../../platform/http/schemas';
import { ApiProblem } from '../../platform/http/problem';

export const departmentSchema = z
  .object({ name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters') })
  .strict();

/** Adds a department; the name must be new. */
export async function addDepartment(dataSource: DataSource, name: string, by: ActingPerson): Promise<Department> {
  return dataSource.transaction((tx) => addDepartmentIn(tx, name, { id: by.actor.personId, label: by.label }));
}

export function departmentsFeature({ dataSource }: ApiDependencies): Feature {
  return {
    mountPath: '/api/departments',
    tag: 'Departments',
    description: 'The force’s departments, used by routing rules and lists.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/',
        summary: 'All departments by name',
        access: 'departments.read',
        responses: { 200: { description: 'Departments', schema: listOf(departmentResponse, 'DepartmentList') } },
        async handle({ res }) {
          res.json({ items: await dataSource.manager.find(Department, { order: { name: 'ASC' } }) });
        },
      }),
      endpoint({
        method: 'post',
        path: '/',
        summary: 'Add a department',
        access: 'departments.manage',
        body: departmentSchema,
        responses: { 201: { description: 'Added', schema: departmentResponse } },
        async handle({ res, body: { name }, by }) {
          const saved = await addDepartment(dataSource, name, by);
          res.status(201).json(saved);
        },
      }),
    ],
  };
}
