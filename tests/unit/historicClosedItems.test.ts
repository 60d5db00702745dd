import { importedHistory, readImportRow } from '../../domain/trackerImport';

/** Items closed years ago come in without a live owner, lead or approver chain; who they were stays as text. */
describe('a long-closed item in an imported tracker', () => {
  const row = {
    'Report title': 'Crime data integrity',
    Originator: 'HMICFRS',
    Reference: '3',
    Text: 'Forces should audit crime recording.',
    Category: '2',
    Status: 'Closed',
    'Owner email': 'DI Mark Allen (retired)',
    'Lead email': 'Supt Jane Smith',
    'Due date': '31/03/2017',
    'Earlier due dates': '31/12/2016',
    'Logged on': '01/09/2016',
    'Status since': '30/06/2017',
  };

  it('is read with its people as written, not as email addresses it must have', () => {
    const { item, problems } = readImportRow(2, row);
    expect(problems).toEqual([]);
    expect(item).toMatchObject({
      status: 'closed',
      ownerEmail: null,
      leadEmail: null,
      ownerAsWritten: 'DI Mark Allen (retired)',
      leadAsWritten: 'Supt Jane Smith',
      // Looked up when the file is checked: the one active person of that name, if there is one; else text.
      ownerName: 'DI Mark Allen (retired)',
      leadName: 'Supt Jane Smith',
    });
    // An open item still needs its people: a name is looked up when the file is checked, a remark is refused.
    expect(readImportRow(2, { ...row, Status: 'In progress', 'Owner email': 'DI Mark Allen, retired 2019' }).problems).toEqual([
      { row: 2, column: 'Owner email', message: '"DI Mark Allen, retired 2019" is neither an email address nor a person\'s name' },
    ]);
    expect(readImportRow(2, { ...row, Status: 'In progress', 'Owner email': 'DI Mark Allen' }).item).toMatchObject({
      ownerName: 'DI Mark Allen',
      leadName: 'Supt Jane Smith',
    });
  });

  it('closes on its own date without an owner, lead or approval chain, and still says it closed late', () => {
    const { item } = readImportRow(2, row);
    const { state, steps, problems } = importedHistory('r', item!, { ownerId: null, leadId: null }, '2026-12-07');
    expect(problems).toEqual([]);
    expect(state).toMatchObject({
      status: 'closed',
      ownerId: null,
      leadId: null,
      dueDate: null,
      approval: null,
      closure: { how: 'self_certified', on: '2017-06-30', afterDueDate: true },
    });
    expect(steps.map((step) => [step.on, step.type])).toEqual([
      ['2016-09-01', 'recommendation_imported'],
      ['2017-06-30', 'imported_status'],
    ]);
  });

  it('keeps its people when they are in the product', () => {
    const { item } = readImportRow(2, {
      ...row,
      'Owner email': 'mark.allen@example.police.uk',
      'Lead email': 'jane.smith@example.police.uk',
    });
    const { state } = importedHistory('r', item!, { ownerId: 'o', leadId: 'l' }, '2026-12-07');
    expect(state).toMatchObject({ status: 'closed', ownerId: 'o', leadId: 'l', dueDate: '2017-03-31' });
  });
});
