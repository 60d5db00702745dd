import { roleLabels, roles, type Role } from './vocabulary';

/**
 * The rules of importing people from a file such as an HR export (api/imports/peopleImport.ts reads and applies it):
 * which columns mean what, how a role is written, and what a file must not say (the same email twice, a line manager
 * nobody knows). Whether a name or email is well formed is the people service's schema, checked once there.
 */

export const peopleImportColumns = ['Name', 'Email', 'Roles', 'Job title', 'Department', 'Line manager email'] as const;
export type PeopleImportColumn = (typeof peopleImportColumns)[number];

const headerWords: Record<PeopleImportColumn, string[]> = {
  Name: ['name', 'full name', 'employee name', 'display name', 'person'],
  Email: ['email', 'email address', 'e mail', 'work email', 'work email address'],
  Roles: ['roles', 'role', 'product role', 'product roles', 'tracker role', 'tracker roles'],
  'Job title': ['job title', 'position', 'rank', 'rank or title', 'post'],
  Department: ['department', 'dept', 'business unit', 'command', 'directorate'],
  'Line manager email': ['line manager email', 'line manager', 'manager email', 'manager', 'reports to', 'line manager email address'],
};

const headerKey = (header: string) =>
  header
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** Each header's column, or null for one the import does not use (an HR export has many). */
export function mapPeopleHeaders(headers: readonly string[]): {
  columns: (PeopleImportColumn | null)[];
  missing: PeopleImportColumn[];
} {
  const columns = headers.map((header) => {
    const key = headerKey(header);
    return peopleImportColumns.find((column) => headerWords[column].includes(key)) ?? null;
  });
  const missing = (['Email'] as const).filter((column) => !columns.includes(column));
  return { columns, missing };
}

/** Role words as people write them: the product's own names, their labels, and the short forms in DOMAIN.md. */
const roleWords = new Map<string, Role>([
  ...roles.flatMap((role) => [
    [headerKey(role), role] as const,
    [headerKey(roleLabels[role]), role] as const,
    [headerKey(roleLabels[role].replace(/\s*\(.*\)$/, '')), role] as const,
  ]),
  ['admin', 'administrator'],
  ['corporate development team', 'administrator'],
  ['strategic development', 'administrator'],
  ['owner', 'action_owner'],
  ['manager responsible', 'lead'],
  ['deputy chief constable', 'dcc'],
  ['liaison lead', 'liaison_lead'],
  ['committee member', 'viewer'],
  ['auditor', 'viewer'],
  ['read only', 'viewer'],
]);

/** A cell of roles, separated by commas, semicolons or line breaks: each role, or the words that are none. */
export function readRoles(cell: string): { roles: Role[]; unknown: string[] } {
  const found: Role[] = [];
  const unknown: string[] = [];
  for (const word of cell
    .split(/[,;\n|]/)
    .map((w) => w.trim())
    .filter(Boolean)) {
    const role = roleWords.get(headerKey(word));
    if (role) {
      if (!found.includes(role)) found.push(role);
    } else unknown.push(word);
  }
  return { roles: found, unknown };
}

/** One person as a row gives them; null where the cell is blank, which leaves an existing person's field as it is. */
export interface ImportedPerson {
  row: number;
  email: string;
  name: string | null;
  roles: Role[] | null;
  jobTitle: string | null;
  department: string | null;
  lineManagerEmail: string | null;
}

export interface PeopleImportProblem {
  row: number;
  column: PeopleImportColumn | null;
  message: string;
}

const blankToNull = (value: string | undefined) => {
  const text = (value ?? '').trim();
  return text ? text : null;
};

/** One row, by column; a row with no email cannot be matched with anyone, so it is a problem. */
export function readPersonRow(
  row: number,
  cells: Partial<Record<PeopleImportColumn, string>>,
): { person: ImportedPerson | null; problems: PeopleImportProblem[] } {
  const problems: PeopleImportProblem[] = [];
  const email = blankToNull(cells.Email)?.toLowerCase() ?? null;
  if (!email) problems.push({ row, column: 'Email', message: 'is empty: every person is matched by their email' });
  const roleCell = blankToNull(cells.Roles);
  let personRoles: Role[] | null = null;
  if (roleCell) {
    const read = readRoles(roleCell);
    for (const word of read.unknown)
      problems.push({
        row,
        column: 'Roles',
        message: `"${word}" is not a role: use ${roles.map((r) => roleLabels[r]).join('; ')}`,
      });
    personRoles = read.roles;
  }
  const lineManagerEmail = blankToNull(cells['Line manager email'])?.toLowerCase() ?? null;
  if (email && lineManagerEmail === email)
    problems.push({ row, column: 'Line manager email', message: 'is the person’s own email: nobody is their own line manager' });
  if (!email) return { person: null, problems };
  return {
    person: {
      row,
      email,
      name: blankToNull(cells.Name),
      roles: personRoles,
      jobTitle: blankToNull(cells['Job title']),
      department: blankToNull(cells.Department),
      lineManagerEmail,
    },
    problems,
  };
}

/**
 * The file as a whole: an email on two rows, a line manager who is neither in the file nor a person in the product
 * (`knownEmails`, lower-case).
 */
export function checkPeopleFile(people: readonly ImportedPerson[], knownEmails: ReadonlySet<string>): PeopleImportProblem[] {
  const problems: PeopleImportProblem[] = [];
  const firstRow = new Map<string, number>();
  for (const person of people) {
    const first = firstRow.get(person.email);
    if (first !== undefined) problems.push({ row: person.row, column: 'Email', message: `is also on row ${first}: one row per person` });
    else firstRow.set(person.email, person.row);
  }
  const managerOf = new Map(people.map((p) => [p.email, p.lineManagerEmail]));
  const inCircle = new Set<string>();
  for (const person of people) {
    // Following line managers through the file from this person must end, not come back to them.
    const seen = new Set<string>([person.email]);
    for (let next = managerOf.get(person.email); next && managerOf.has(next); next = managerOf.get(next)) {
      if (next === person.email) {
        inCircle.add(person.email);
        break;
      }
      if (seen.has(next)) break;
      seen.add(next);
    }
  }
  for (const person of people) {
    if (inCircle.has(person.email) && person.lineManagerEmail !== person.email)
      problems.push({
        row: person.row,
        column: 'Line manager email',
        message: `line managers go round in a circle back to ${person.email}: someone in it must report outside it`,
      });
    const manager = person.lineManagerEmail;
    if (manager && manager !== person.email && !firstRow.has(manager) && !knownEmails.has(manager))
      problems.push({
        row: person.row,
        column: 'Line manager email',
        message: `${manager} is neither in the file nor a person in the product`,
      });
  }
  return problems;
}

/** The rows in an order where each line manager in the file comes before the people who report to them. */
export function managersFirst<T extends ImportedPerson>(people: readonly T[]): T[] {
  const byEmail = new Map(people.map((p) => [p.email, p]));
  const ordered: T[] = [];
  const placed = new Set<string>();
  const place = (person: T, depth: number) => {
    if (placed.has(person.email)) return;
    const manager = person.lineManagerEmail ? byEmail.get(person.lineManagerEmail) : undefined;
    if (manager && manager !== person && depth < people.length) place(manager, depth + 1);
    if (placed.has(person.email)) return;
    placed.add(person.email);
    ordered.push(person);
  };
  for (const person of people) place(person, 0);
  return ordered;
}

/** What a person's record holds that a row can change. */
export interface PersonFields {
  name: string;
  roles: Role[];
  jobTitle: string;
  department: string;
  lineManagerEmail: string | null;
}

/** The fields a row changes: only those it fills in and that differ; a blank cell never wipes a field. */
export function personChanges(current: PersonFields, row: ImportedPerson): Partial<PersonFields> {
  const changes: Partial<PersonFields> = {};
  if (row.name !== null && row.name !== current.name) changes.name = row.name;
  if (row.roles !== null && [...row.roles].sort().join() !== [...current.roles].sort().join()) changes.roles = row.roles;
  if (row.jobTitle !== null && row.jobTitle !== current.jobTitle) changes.jobTitle = row.jobTitle;
  if (row.department !== null && row.department !== current.department) changes.department = row.department;
  if (row.lineManagerEmail !== null && row.lineManagerEmail !== current.lineManagerEmail) changes.lineManagerEmail = row.lineManagerEmail;
  return changes;
}

/** The template's example rows: a lead and the owner who reports to them. */
export const peopleTemplateRows: readonly (readonly string[])[] = [
  ['Nadia Haskins', 'nadia.haskins@example.police.uk', 'Lead / manager responsible', 'Superintendent', 'Public Protection', ''],
  [
    'Tom Ellery',
    'tom.ellery@example.police.uk',
    'Action owner',
    'Detective Inspector',
    'Public Protection',
    'nadia.haskins@example.police.uk',
  ],
];
