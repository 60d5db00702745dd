import { defaultRoutingRules } from '../../domain/approvalRouting';
import { importedHistory, mapHeaders, personNameKey, readDate, readImportRow } from '../../domain/trackerImport';

describe('tracker import rules', () => {
  it("maps the template's columns and the seeds' usual headers, and reports unknown ones", () => {
    const { columns, problems } = mapHeaders([
      'Source title',
      'Source originator.',
      'Reference',
      'Action',
      'Target date',
      'Manager Responsible',
      'Colour of the sky',
    ]);
    expect(columns).toEqual(['Report title', 'Originator', 'Reference', 'Text', 'Due date', 'Lead email', null]);
    expect(problems).toEqual([
      {
        row: 1,
        column: null,
        message: 'the column "Colour of the sky" is not one the import knows; rename it to one of the template\'s columns',
      },
    ]);
    expect(mapHeaders(['Reference']).problems.map((p) => p.column)).toEqual(['Report title', 'Originator', 'Text']);
  });

  it('reads UK and ISO dates, and refuses impossible ones', () => {
    expect(readDate('31/07/2016')).toBe('2016-07-31');
    expect(readDate('7/4/2016')).toBe('2016-04-07');
    expect(readDate('2027-03-31')).toBe('2027-03-31');
    expect(readDate('31/02/2027')).toBeNull();
    expect(readDate('next spring')).toBeNull();
  });

  const row = {
    'Report title': 'Core Financials February 2016',
    Originator: 'Mazars',
    'Source kind': 'internal audit',
    Reference: 'Action 1',
    'Item kind': 'action',
    Text: 'Review and update map and desk instructions.',
    'Owner email': 'Sarah.Lindqvist@example.police.uk',
    'Lead email': 'andrew.pemberton@example.police.uk',
    'Due date': '31/07/2027',
    'Earlier due dates': '30/04/2027; 31/05/2027',
    Status: 'At risk',
    Category: '2',
  } as const;

  it('reads a row of a quarterly update into an item in progress with its due-date history', () => {
    const { item, problems } = readImportRow(5, row);
    expect(problems).toEqual([]);
    expect(item).toMatchObject({
      status: 'in_progress',
      kind: 'action',
      category: 2,
      ownerEmail: 'sarah.lindqvist@example.police.uk',
      dueDate: '2027-07-31',
      earlierDueDates: ['2027-04-30', '2027-05-31'],
    });
    expect(item!.report).toMatchObject({ kind: 'internal_audit', originator: 'Mazars' });
    const { state } = importedHistory('rec-1', item!, { ownerId: 'owner', leadId: 'lead' }, '2026-11-23');
    expect(state!.dueDateHistory.map((d) => [d.dueDate, d.kind])).toEqual([
      ['2027-04-30', 'set'],
      ['2027-05-31', 'extension'],
      ['2027-07-31', 'extension'],
    ]);
  });

  it('names every bad cell by row and column', () => {
    const { item, problems } = readImportRow(7, {
      ...row,
      'Due date': '31/02/2027',
      Status: 'Sort of done',
      Category: 'five',
      'Owner email': 'sarah@example',
    });
    expect(item).toBeNull();
    expect(problems).toEqual([
      { row: 7, column: 'Category', message: '"five" is not a closure category (1, 2, 3 or 4)' },
      expect.objectContaining({
        row: 7,
        column: 'Status',
        message: expect.stringContaining('"Sort of done" is not a status the import knows'),
      }),
      { row: 7, column: 'Owner email', message: '"sarah@example" is not an email address' },
      { row: 7, column: 'Due date', message: '"31/02/2027" is not a date (write 31/03/2027 or 2027-03-31)' },
    ]);
  });

  it('reads a person named without an email as a name to find (seed 004 names its managers), and refuses a cell that is neither', () => {
    const { item, problems } = readImportRow(4, { ...row, 'Owner email': ' Supt  Jane O’Neill-Smith ', 'Lead email': 'DCI Mark Allen' });
    expect(problems).toEqual([]);
    expect(item).toMatchObject({ ownerEmail: null, ownerName: 'Supt Jane O’Neill-Smith', leadEmail: null, leadName: 'DCI Mark Allen' });
    expect(personNameKey(' Supt  Jane O’Neill-Smith ')).toBe(personNameKey('supt jane o’neill-smith'));
    // Seed 004 prints ranks with a slash and roles in brackets: each is a name, looked up as written.
    expect(
      readImportRow(4, { ...row, 'Owner email': 'T/Ch Insp Andrew Goodall', 'Lead email': 'Maria Fox (Archive & Exhibits Manager)' }).item,
    ).toMatchObject({ ownerName: 'T/Ch Insp Andrew Goodall', leadName: 'Maria Fox (Archive & Exhibits Manager)' });
    expect(readImportRow(4, { ...row, 'Owner email': 'Team 4 (vacant)' }).problems).toEqual([
      { row: 4, column: 'Owner email', message: '"Team 4 (vacant)" is neither an email address nor a person\'s name' },
    ]);
  });

  it('needs an owner, a lead and a due date for work in progress', () => {
    const { problems } = readImportRow(3, { 'Report title': 'T', Originator: 'HMICFRS', Reference: '1', Text: 'x', Status: 'in progress' });
    expect(problems.map((p) => p.column)).toEqual(['Owner email', 'Lead email', 'Due date']);
  });

  it('logs an AMBER item that nobody holds yet, as a new report’s items are while being assessed (seed 003)', () => {
    const cells = { 'Report title': 'Witness for the prosecution', Originator: 'HMIC', Reference: '4', Text: 'x', Status: 'AMBER' };
    const { item, problems } = readImportRow(3, cells);
    expect(problems).toEqual([]);
    expect(item).toMatchObject({ status: 'logged', reportedStatus: 'AMBER', ownerEmail: null, dueDate: null });
    expect(importedHistory('r', item!, { ownerId: null, leadId: null }, '2026-11-23').state).toMatchObject({ status: 'logged' });
    // A colour on a row that names any of them still needs all three, as work in progress does.
    expect(readImportRow(3, { ...cells, 'Due date': '31/03/2016' }).problems.map((p) => p.column)).toEqual(['Owner email', 'Lead email']);
  });

  it('starts closed and not-for-the-force items in sound states', () => {
    const closed = readImportRow(2, {
      'Report title': 'T',
      Originator: 'HMICFRS',
      Reference: '1',
      Text: 'x',
      Status: 'Closed',
      Category: '2',
    }).item!;
    expect(importedHistory('r', closed, { ownerId: null, leadId: null }, '2026-11-23').state!.closure).toMatchObject({
      how: 'self_certified',
    });
    const signedOff = readImportRow(2, {
      'Report title': 'T',
      Originator: 'HMICFRS',
      Reference: '1',
      Text: 'x',
      Status: 'Complete',
      Category: '3',
    }).item!;
    expect(importedHistory('r', signedOff, { ownerId: null, leadId: null }, '2026-11-23').state!.closure).toMatchObject({
      how: 'signed_off_by_hmicfrs',
    });
    const unknown = readImportRow(2, { 'Report title': 'T', Originator: 'HMICFRS', Reference: '1', Text: 'x', Status: 'Closed' }).item!;
    expect(importedHistory('r', unknown, { ownerId: null, leadId: null }, '2026-11-23').problems[0]).toMatch(/needs its closure category/);
    const national = readImportRow(2, {
      'Report title': 'T',
      Originator: 'HMICFRS',
      Reference: '2',
      Text: 'x',
      'For the force': 'no',
      'Addressed to': 'NPCC',
    }).item!;
    expect(importedHistory('r', national, { ownerId: null, leadId: null }, '2026-11-23').state).toMatchObject({
      status: 'not_for_the_force',
      notForTheForceReason: 'Addressed to NPCC',
    });
  });
  describe('an item imported part-way through its life', () => {
    const base = {
      'Report title': 'Digital Forensics',
      Originator: 'HMICFRS',
      'Source kind': 'inspection',
      Reference: '1',
      Text: 'Develop a governance and oversight framework.',
      Category: '3',
      'Owner email': 'owner@example.police.uk',
      'Lead email': 'lead@example.police.uk',
      'Due date': '30/09/2023',
      'Earlier due dates': '31/03/2023',
      'Logged on': '12/12/2022',
      'Latest update': 'Framework drafted.',
      'Updated on': '01/06/2023',
    };
    const people = { ownerId: 'owner', leadId: 'lead' };
    const routing = {
      rules: defaultRoutingRules,
      people: [
        { id: 'lead', roles: ['lead' as const] },
        { id: 'dcc', roles: ['dcc' as const] },
      ],
      delegations: [],
    };
    const read = (cells: Record<string, string>) => readImportRow(2, { ...base, ...cells }).item!;

    it('waits at the approval step the tracker gives, the earlier steps approved, opened on its status date', () => {
      const { state, steps } = importedHistory(
        'r',
        read({ Status: 'Awaiting approval', 'Approval step': '2', 'Status since': '10/07/2023' }),
        people,
        '2026-11-23',
        routing,
      );
      expect(state).toMatchObject({ status: 'awaiting_approval', evidence: { submittedOn: '2023-07-10' } });
      expect(state!.approval).toMatchObject({
        routeId: 'hmicfrs-inspection',
        current: 1,
        steps: [
          { approverId: 'lead', approval: { by: 'lead', on: '2023-07-10' } },
          { approverId: 'dcc', openedOn: '2023-07-10', approval: null },
        ],
      });
      // Each part of the history on its own day, in date order.
      expect(steps.map((step) => [step.on, step.type])).toEqual([
        ['2022-12-12', 'recommendation_imported'],
        ['2023-03-31', 'imported_extension'],
        ['2023-06-01', 'imported_update'],
        ['2023-07-10', 'imported_status'],
      ]);
      expect(steps[0]!.change).toMatchObject({ status: 'in_progress', dueDate: '2023-03-31' });
    });

    it('reads "self-certified" by the category, and dates the letter and the submission to HMICFRS', () => {
      expect(
        importedHistory('r', read({ Status: 'Self-certified', 'Status since': '01/08/2023' }), people, '2026-11-23', routing).state,
      ).toMatchObject({ status: 'self_certified', selfCertification: { signedOn: '2023-08-01' } });
      expect(
        importedHistory('r', read({ Status: 'Self-certified', Category: '2', 'Status since': '01/08/2023' }), people, '2026-11-23', routing)
          .state,
      ).toMatchObject({ status: 'closed', closure: { how: 'self_certified', on: '2023-08-01' } });
      expect(
        importedHistory('r', read({ Status: 'Submitted to HMICFRS', 'Status since': '01/09/2023' }), people, '2026-11-23', routing).state,
      ).toMatchObject({ status: 'awaiting_hmicfrs_sign_off', hmicfrs: { submittedOn: '2023-09-01' }, approval: { current: 2 } });
    });

    it('says why it cannot be imported as the tracker says', () => {
      expect(
        importedHistory(
          'r',
          read({ Status: 'Awaiting approval', 'Approval step': '3', 'Status since': '10/07/2023' }),
          people,
          '2026-11-23',
          routing,
        ).problems,
      ).toEqual(['its approval route has 2 steps, so it cannot wait at step 3']);
      expect(
        importedHistory('r', read({ Status: 'Awaiting approval', 'Status since': '10/07/2023' }), people, '2026-11-23', {
          ...routing,
          people: [],
        }).problems[0],
      ).toMatch(/^step 1 of its approval route: no one can approve/);
      expect(
        importedHistory('r', read({ Status: 'In progress', 'Status since': '10/07/2027' }), people, '2026-11-23', routing).problems,
      ).toEqual(['its dates must not be after today (2027-07-10)']);
      expect(readImportRow(2, { ...base, Status: 'In progress', 'Approval step': '2' }).problems).toEqual([
        { row: 2, column: 'Approval step', message: 'only an item awaiting approval waits at an approval step' },
      ]);
    });
  });
});
