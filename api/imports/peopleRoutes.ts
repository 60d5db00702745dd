import { z } from 'zod';
import { peopleImportColumns, peopleTemplateRows } from '../../domain/peopleImport';
import { csvText } from '../../platform/csv';
import type { ApiDependencies } from '../dependencies';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { MAX_IMPORT_BYTES } from './limits';
import { importContentTypes, requestFile } from './requestFile';

const peoplePreviewSchema = z
  .object({
    rows: z.array(
      z.object({
        row: z.number(),
        name: z.string(),
        email: z.string(),
        action: z.enum(['create', 'update', 'unchanged']),
        changes: z.array(z.string()).describe('the fields the row changes: name, roles, job title, department, line manager'),
      }),
    ),
    problems: z.array(
      z.object({
        row: z.number(),
        column: z.string().nullable(),
        value: z.string().optional().describe('The beginning of the cell the problem is about (at most 60 characters)'),
        message: z.string(),
      }),
    ),
    newDepartments: z.array(z.string()).describe('Departments the file names that the force does not have yet: importing adds them'),
    notes: z.array(z.string()),
    counts: z.object({ create: z.number(), update: z.number(), unchanged: z.number() }),
    passwordEmails: z
      .object({ sent: z.number(), notSent: z.array(z.string()) })
      .optional()
      .describe('With sendPasswordEmails=true: set-password emails sent to the new people, and whom they could not reach'),
  })
  .meta({ id: 'PeopleImportPreview' });

/** The text of the people template: its columns and two example rows. */
export const peopleTemplateCsv = () => csvText([peopleImportColumns, ...peopleTemplateRows]);

/** Importing the force's people (CSV or Excel, e.g. an HR export): a dry run first, then one transaction. */
export function peopleImportFeature({ peopleImport }: ApiDependencies): Feature {
  return {
    mountPath: '/api/people/import',
    tag: 'People',
    description: 'The force’s people in, from a CSV or Excel file such as an HR export, matched by email.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/template.csv',
        summary: 'The people import template: its columns and two example rows',
        access: 'people.manage',
        responses: { 200: { description: 'The template', contentType: 'text/csv' } },
        async handle({ res }) {
          res.type('text/csv').attachment('people-import-template.csv').send(peopleTemplateCsv());
        },
      }),
      endpoint({
        method: 'post',
        path: '/',
        summary: 'Check a file of people (dryRun=true: nothing changes), or import it in one transaction when it has no problems',
        description:
          'Matched by email: a new email adds a person, a known one updates only the fields its row fills in (a blank cell leaves the field as it is), each change with an audit event. Departments the file names become departments. New people get no email unless sendPasswordEmails=true, when each is sent a set-password link after the import.',
        access: 'people.manage',
        query: z
          .object({
            dryRun: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true'),
            sendPasswordEmails: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
          })
          .strict(),
        rawBody: { contentTypes: importContentTypes, maxBytes: () => MAX_IMPORT_BYTES },
        responses: {
          200: { description: 'What the file holds and what importing it does (or did)', schema: peoplePreviewSchema },
          413: { description: 'The file is larger than 10 MB, or passes a limit of the tracker import. Nothing was imported.' },
          422: { description: 'The file has problems (dryRun=false), named by row and column. Nothing was imported.' },
        },
        async handle({ req, res, query, by }) {
          const { file, contentType } = requestFile(req);
          res.json(
            query.dryRun === 'true'
              ? await peopleImport.preview(file, contentType)
              : await peopleImport.import(file, contentType, by, { sendPasswordEmails: query.sendPasswordEmails === 'true' }),
          );
        },
      }),
    ],
  };
}
