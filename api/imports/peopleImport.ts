import type { DataSource, EntityManager } from 'typeorm';
import {
  checkPeopleFile,
  managersFirst,
  mapPeopleHeaders,
  personChanges,
  readPersonRow,
  type ImportedPerson,
  type PeopleImportColumn,
  type PeopleImportProblem,
  type PersonFields,
} from '../../domain/peopleImport';
import { Department, Person } from '../../entities';
import type { ActingPerson } from '../../platform/http/actor';
import { excerpt } from '../../platform/files/excerpt';
import { ApiProblem } from '../../platform/http/problem';
import { addDepartmentIn } from '../people/departments';
import { newPersonSchema, type NewPerson } from '../people/schemas';
import type { PeopleService } from '../people/service';
import { defaultImportLimits, type ImportLimits } from './limits';
import type { RowAction } from './service';
import { readUploadedRows } from './uploadedRows';

/** A problem as answered: with the beginning of the cell it is about. */
export type PeopleProblem = PeopleImportProblem & { value?: string };

export interface PeopleImportPreview {
  rows: { row: number; name: string; email: string; action: RowAction; changes: string[] }[];
  problems: PeopleProblem[];
  /** Departments the file names that the force does not have yet: importing adds them. */
  newDepartments: string[];
  notes: string[];
  counts: Record<RowAction, number>;
  /** After an import that asked for them: set-password emails sent, and to whom one could not be sent. */
  passwordEmails?: { sent: number; notSent: string[] };
}

/** Emails people a link to choose their password (api/auth's password-link service, handed in by the wiring). */
export interface PasswordLinkSender {
  send(personId: string, by: { id: string | null; label: string }): Promise<{ sentTo: string }>;
}

interface PlannedPerson {
  person: ImportedPerson;
  action: RowAction;
  existing: Person | null;
  changes: Partial<PersonFields>;
}

/** How the people service's schema names a field, as the file's column. */
const columnOfField: Record<string, PeopleImportColumn> = {
  name: 'Name',
  email: 'Email',
  roles: 'Roles',
  jobTitle: 'Job title',
  department: 'Department',
};

const MAX_LISTED = 1_000;

/**
 * Imports the force's people from a file such as an HR export: a dry run lists every row's problems by row and
 * column and changes nothing; the import is one transaction through the people service (its rules and audit events),
 * matched by email, so importing the same file again changes nothing and a blank cell never wipes a field.
 */
export class PeopleImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly people: PeopleService,
    private readonly passwordLinks: PasswordLinkSender,
    private readonly limits: ImportLimits = defaultImportLimits,
  ) {}

  async preview(file: Buffer, contentType: string): Promise<PeopleImportPreview> {
    return summarise(await this.plan(file, contentType, this.dataSource.manager));
  }

  async import(
    file: Buffer,
    contentType: string,
    by: ActingPerson,
    options: { sendPasswordEmails?: boolean } = {},
  ): Promise<PeopleImportPreview> {
    const actor = { id: by.actor.personId, label: `${by.label} (people import)` };
    const created: { id: string; email: string }[] = [];
    const preview = await this.dataSource.transaction(async (tx) => {
      // Planned again inside the transaction that writes it: what is written is what this file says now.
      const planned = await this.plan(file, contentType, tx);
      const answer = summarise(planned);
      if (answer.problems.length) {
        throw new ApiProblem(
          422,
          'The file has problems; nothing was imported',
          answer.problems
            .slice(0, 20)
            .map((p) => `row ${p.row}${p.column ? `, ${p.column}` : ''}: ${p.message}`)
            .join('; '),
          answer.problems.map((p) => ({ field: `row ${p.row}${p.column ? `: ${p.column}` : ''}`, message: p.message })),
        );
      }
      for (const name of planned.newDepartments) await addDepartmentIn(tx, name, actor, ' (people import)');
      const idOf = new Map(planned.known.map((p) => [p.email, p.id]));
      for (const { person, action, existing, changes } of planned.plan) {
        if (action === 'create') {
          const input: NewPerson = {
            name: person.name!,
            email: person.email,
            roles: person.roles!,
            jobTitle: person.jobTitle ?? '',
            department: person.department ?? '',
            lineManagerId: person.lineManagerEmail ? idOf.get(person.lineManagerEmail)! : null,
          };
          const saved = await this.people.createIn(tx, input, actor);
          idOf.set(saved.email, saved.id);
          created.push({ id: saved.id, email: saved.email });
        } else if (action === 'update' && existing) {
          const { lineManagerEmail, ...rest } = changes;
          const locked = await this.people.lockedPerson(tx, existing.id);
          await this.people.updateIn(
            tx,
            locked,
            { ...rest, ...(lineManagerEmail ? { lineManagerId: idOf.get(lineManagerEmail)! } : {}) },
            actor,
            ` (people import, row ${person.row})`,
          );
        }
      }
      return answer;
    });
    if (!options.sendPasswordEmails) return preview;
    // After the commit: an email must never go for a person whose import was rolled back.
    const notSent: string[] = [];
    let sent = 0;
    for (const { id, email } of created) {
      try {
        await this.passwordLinks.send(id, actor);
        sent++;
      } catch {
        notSent.push(email);
      }
    }
    return { ...preview, passwordEmails: { sent, notSent } };
  }

  private async plan(
    file: Buffer,
    contentType: string,
    manager: EntityManager,
  ): Promise<{ plan: PlannedPerson[]; problems: PeopleProblem[]; newDepartments: string[]; notes: string[]; known: Person[] }> {
    const rows = await readUploadedRows(file, contentType, this.limits);
    const headers = rows[0]?.row === 1 ? rows[0].cells : [];
    const body = rows[0]?.row === 1 ? rows.slice(1) : rows;
    const { columns, missing } = mapPeopleHeaders(headers);
    const problems: PeopleProblem[] = [];
    const notes: string[] = [];
    for (const column of missing)
      problems.push({ row: 1, column: null, message: `the header row has no "${column}" column (see the template)` });
    if (!body.length) problems.push({ row: 1, column: null, message: 'the file has no rows under its header' });
    const people: ImportedPerson[] = [];
    const cellsOf = new Map<number, Partial<Record<PeopleImportColumn, string>>>();
    if (!missing.length) {
      for (const { row, cells } of body) {
        const byColumn: Partial<Record<PeopleImportColumn, string>> = {};
        columns.forEach((column, i) => {
          if (column && !byColumn[column]) byColumn[column] = cells[i] ?? '';
        });
        cellsOf.set(row, byColumn);
        const read = readPersonRow(row, byColumn);
        problems.push(...read.problems);
        if (read.person) people.push(read.person);
      }
    }
    const emails = [...new Set(people.flatMap((p) => [p.email, p.lineManagerEmail]).filter((e): e is string => !!e))];
    const known = emails.length ? await manager.createQueryBuilder(Person, 'p').where('p.email = ANY(:emails)', { emails }).getMany() : [];
    const byEmail = new Map(known.map((p) => [p.email, p]));
    problems.push(...checkPeopleFile(people, new Set(byEmail.keys())));
    const managerIds = [...new Set(known.map((p) => p.lineManagerId).filter((id): id is string => !!id))];
    const managerEmails = new Map(
      (managerIds.length ? await manager.createQueryBuilder(Person, 'p').where('p.id = ANY(:ids)', { ids: managerIds }).getMany() : []).map(
        (p) => [p.id, p.email],
      ),
    );

    // A department written in another case is the force's own one, not a new one.
    const departments = new Map((await manager.find(Department)).map((d) => [d.name.toLowerCase(), d.name]));
    const newDepartments = new Map<string, string>();
    for (const person of people) {
      if (!person.department) continue;
      const name = departments.get(person.department.toLowerCase()) ?? newDepartments.get(person.department.toLowerCase());
      if (name) person.department = name;
      else newDepartments.set(person.department.toLowerCase(), person.department);
    }

    const plan: PlannedPerson[] = [];
    const seen = new Set<string>();
    for (const person of managersFirst(people)) {
      if (seen.has(person.email)) continue;
      seen.add(person.email);
      const existing = byEmail.get(person.email) ?? null;
      const current: PersonFields | null = existing && {
        name: existing.name,
        roles: existing.roles,
        jobTitle: existing.jobTitle,
        department: existing.department,
        lineManagerEmail: existing.lineManagerId ? (managerEmails.get(existing.lineManagerId) ?? null) : null,
      };
      if (!existing) {
        if (!person.name) problems.push({ row: person.row, column: 'Name', message: 'is empty: a new person needs a name' });
        if (!person.roles?.length && !problems.some((p) => p.row === person.row && p.column === 'Roles'))
          problems.push({ row: person.row, column: 'Roles', message: 'is empty: a new person needs at least one role' });
      } else if (!existing.active) {
        notes.push(`row ${person.row}: ${existing.name} is deactivated; the import updates their details but does not reactivate them`);
      }
      const changes = current ? personChanges(current, person) : {};
      // The people service's own rules for every field (a well-formed email, lengths), as the person will be.
      const checked = newPersonSchema.safeParse({
        name: person.name ?? current?.name ?? 'x',
        email: person.email,
        roles: person.roles?.length ? person.roles : (current?.roles ?? ['viewer']),
        jobTitle: person.jobTitle ?? current?.jobTitle ?? '',
        department: person.department ?? current?.department ?? '',
      });
      if (!checked.success) {
        for (const issue of checked.error.issues) {
          const column = columnOfField[String(issue.path[0])] ?? null;
          problems.push({ row: person.row, column, message: issue.message });
        }
      }
      plan.push({ person, action: !existing ? 'create' : Object.keys(changes).length ? 'update' : 'unchanged', existing, changes });
    }
    const quoted = problems.map((p) => {
      const value = p.column ? cellsOf.get(p.row)?.[p.column]?.trim() : undefined;
      return value ? { ...p, value: excerpt(value, 60) } : p;
    });
    return {
      plan: plan.sort((a, b) => a.person.row - b.person.row),
      problems: quoted.sort((a, b) => a.row - b.row),
      newDepartments: [...newDepartments.values()],
      notes,
      known,
    };
  }
}

/** The fields a row changes, as the file's columns name them. */
const changeWords: Record<keyof PersonFields, string> = {
  name: 'name',
  roles: 'roles',
  jobTitle: 'job title',
  department: 'department',
  lineManagerEmail: 'line manager',
};

function summarise({
  plan,
  problems,
  newDepartments,
  notes,
}: {
  plan: PlannedPerson[];
  problems: PeopleProblem[];
  newDepartments: string[];
  notes: string[];
}): PeopleImportPreview {
  const counts: Record<RowAction, number> = { create: 0, update: 0, unchanged: 0 };
  for (const p of plan) counts[p.action]++;
  return {
    rows: plan.map((p) => ({
      row: p.person.row,
      name: excerpt(p.person.name ?? p.existing?.name ?? ''),
      email: excerpt(p.person.email),
      action: p.action,
      changes: Object.keys(p.changes).map((key) => changeWords[key as keyof PersonFields]),
    })),
    problems: problems.slice(0, MAX_LISTED),
    newDepartments,
    notes: [
      ...(problems.length > MAX_LISTED
        ? [`${MAX_LISTED} of the file's ${problems.length} problems are listed; fix them and check the file again to see the rest`]
        : []),
      ...notes.slice(0, MAX_LISTED),
    ],
    counts,
  };
}
