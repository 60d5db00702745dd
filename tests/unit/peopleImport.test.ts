import {
  checkPeopleFile,
  managersFirst,
  mapPeopleHeaders,
  personChanges,
  readPersonRow,
  readRoles,
  type ImportedPerson,
} from '../../domain/peopleImport';

const person = (row: number, email: string, lineManagerEmail: string | null = null): ImportedPerson => ({
  row,
  email,
  name: `Person ${row}`,
  roles: ['action_owner'],
  jobTitle: null,
  department: null,
  lineManagerEmail,
});

describe('people import rules', () => {
  it("maps the template's columns and an HR export's usual headers, ignoring the columns it does not use", () => {
    expect(mapPeopleHeaders(['Full name', 'Work Email', 'Role', 'Position', 'Dept.', 'Line Manager', 'Payroll number']).columns).toEqual([
      'Name',
      'Email',
      'Roles',
      'Job title',
      'Department',
      'Line manager email',
      null,
    ]);
    expect(mapPeopleHeaders(['Name', 'Department']).missing).toEqual(['Email']);
  });

  it('reads roles by their names, labels and short forms, and names the words that are no role', () => {
    expect(readRoles('Lead / manager responsible; action_owner, DCC')).toEqual({ roles: ['lead', 'action_owner', 'dcc'], unknown: [] });
    expect(readRoles('Corporate development (administrator)\nAuditor')).toEqual({ roles: ['administrator', 'viewer'], unknown: [] });
    expect(readRoles('Owner, Chief Inspector')).toEqual({ roles: ['action_owner'], unknown: ['Chief Inspector'] });
  });

  it('reads a row, leaving blank cells as null so they change nothing, and refuses an unknown role by its column', () => {
    const read = readPersonRow(4, { Name: ' Tom Ellery ', Email: 'Tom.Ellery@Force.police.uk', Roles: 'Owner, Sergeant', Department: '' });
    expect(read.person).toEqual({
      row: 4,
      email: 'tom.ellery@force.police.uk',
      name: 'Tom Ellery',
      roles: ['action_owner'],
      jobTitle: null,
      department: null,
      lineManagerEmail: null,
    });
    expect(read.problems).toEqual([{ row: 4, column: 'Roles', message: expect.stringMatching(/^"Sergeant" is not a role: use /) }]);
  });

  it('needs an email to match the row with a person, and nobody manages themselves', () => {
    expect(readPersonRow(2, { Name: 'No Email' })).toEqual({
      person: null,
      problems: [{ row: 2, column: 'Email', message: 'is empty: every person is matched by their email' }],
    });
    expect(readPersonRow(3, { Email: 'a@x.uk', 'Line manager email': 'A@x.uk' }).problems).toEqual([
      { row: 3, column: 'Line manager email', message: 'is the person’s own email: nobody is their own line manager' },
    ]);
  });

  it('finds duplicate emails, line managers nobody knows, and line managers in a circle', () => {
    const rows = [
      person(2, 'a@x.uk', 'boss@x.uk'),
      person(3, 'b@x.uk', 'a@x.uk'),
      person(4, 'a@x.uk'),
      person(5, 'c@x.uk', 'gone@x.uk'),
      person(6, 'd@x.uk', 'e@x.uk'),
      person(7, 'e@x.uk', 'd@x.uk'),
    ];
    expect(checkPeopleFile(rows, new Set(['boss@x.uk']))).toEqual([
      { row: 4, column: 'Email', message: 'is also on row 2: one row per person' },
      { row: 5, column: 'Line manager email', message: 'gone@x.uk is neither in the file nor a person in the product' },
      expect.objectContaining({ row: 6, column: 'Line manager email', message: expect.stringContaining('go round in a circle') }),
      expect.objectContaining({ row: 7, column: 'Line manager email', message: expect.stringContaining('go round in a circle') }),
    ]);
  });

  it('orders line managers before the people who report to them', () => {
    const rows = [person(2, 'a@x.uk', 'b@x.uk'), person(3, 'b@x.uk', 'c@x.uk'), person(4, 'c@x.uk'), person(5, 'd@x.uk')];
    expect(managersFirst(rows).map((p) => p.email)).toEqual(['c@x.uk', 'b@x.uk', 'a@x.uk', 'd@x.uk']);
  });

  it('changes only the fields a row fills in and that differ: a blank never wipes a field', () => {
    const current = {
      name: 'Tom Ellery',
      roles: ['lead', 'action_owner'] as const,
      jobTitle: 'DI',
      department: 'Custody',
      lineManagerEmail: 'a@x.uk',
    };
    const same = { ...person(2, 'tom@x.uk'), name: 'Tom Ellery', roles: ['action_owner', 'lead'] as ImportedPerson['roles'] };
    expect(personChanges({ ...current, roles: [...current.roles] }, same)).toEqual({});
    expect(
      personChanges({ ...current, roles: [...current.roles] }, { ...same, department: 'Public Protection', lineManagerEmail: 'b@x.uk' }),
    ).toEqual({ department: 'Public Protection', lineManagerEmail: 'b@x.uk' });
    expect(personChanges({ ...current, roles: [...current.roles] }, { ...same, name: null, roles: null })).toEqual({});
  });
});
