import { impliedCounts, reconcile, type StatedReport } from '../../domain/reconciliation';
import {
  inheritedStatus,
  isCategoryRow,
  isReportRow,
  planReportStatus,
  readCategoryRow,
  readImportRow,
  readReportRow,
  statusCloses,
} from '../../domain/trackerImport';

const none = { outstanding: null, closed: null, total: null };

const report = (overrides: Partial<StatedReport>): StatedReport => ({
  row: 2,
  title: 'Roads Policing',
  statusLine: 'Evidence submitted to HMICFRS for review. Awaiting feedback.',
  lineCloses: false,
  stated: none,
  rows: { listed: 2, outstanding: 2, closed: 0 },
  ...overrides,
});

describe('what rows imply', () => {
  it('counts the force’s own items, closed when closed and outstanding otherwise', () => {
    expect(
      impliedCounts([
        { status: 'in_progress', forTheForce: true },
        { status: 'self_certified', forTheForce: true },
        { status: 'closed', forTheForce: true },
        { status: 'not_for_the_force', forTheForce: true },
        { status: 'closed', forTheForce: false },
      ]),
    ).toEqual({ listed: 3, outstanding: 2, closed: 1 });
  });
});

describe('the reconciliation report', () => {
  it('finds nothing where the stated figures are what the rows give', () => {
    expect(reconcile([report({ stated: { outstanding: 2, closed: 0, total: 2 } })], [])).toEqual([]);
    // A report listed without items and no counts: nothing stated, nothing to compare.
    expect(reconcile([report({ lineCloses: true, rows: { listed: 0, outstanding: 0, closed: 0 } })], [])).toEqual([]);
  });

  it('gives a report’s stated count against its rows, both numbers', () => {
    expect(reconcile([report({ stated: { outstanding: 4, closed: 1, total: null } })], [])).toEqual([
      {
        row: 2,
        scope: 'report',
        where: 'Roads Policing',
        figure: 'outstanding',
        stated: '4',
        implied: '2',
        message: 'states 4 outstanding; its rows give 2',
      },
      {
        row: 2,
        scope: 'report',
        where: 'Roads Policing',
        figure: 'closed',
        stated: '1',
        implied: '0',
        message: 'states 1 closed; its rows give 0',
      },
    ]);
  });

  it('gives stated figures that do not add up', () => {
    const [finding] = reconcile(
      [report({ stated: { outstanding: 2, closed: 1, total: 2 }, rows: { listed: 2, outstanding: 2, closed: 0 } })],
      [],
    ).filter((f) => f.message.includes('make'));
    expect(finding).toMatchObject({ figure: 'total', stated: '2', implied: '3' });
  });

  it('gives a status line that says closed with an item outstanding, and one that says open with every item closed', () => {
    expect(
      reconcile(
        [report({ lineCloses: true, statusLine: 'HMICFRS have agreed closure.', rows: { listed: 2, outstanding: 1, closed: 1 } })],
        [],
      ),
    ).toEqual([expect.objectContaining({ figure: 'status line', stated: 'HMICFRS have agreed closure.', implied: '1 outstanding' })]);
    expect(reconcile([report({ rows: { listed: 2, outstanding: 0, closed: 2 } })], [])).toEqual([
      expect.objectContaining({ figure: 'status line', implied: '2 closed, none outstanding' }),
    ]);
  });

  it('gives a category total against the sum of the rows of its reports', () => {
    expect(
      reconcile(
        [],
        [{ row: 9, category: 3, stated: { outstanding: 10, closed: null, total: 12 }, rows: { listed: 12, outstanding: 11, closed: 1 } }],
      ),
    ).toEqual([
      {
        row: 9,
        scope: 'category',
        where: 'Category 3',
        figure: 'outstanding',
        stated: '10',
        implied: '11',
        message: 'states 10 outstanding; the rows of its reports give 11',
      },
    ]);
  });
});

describe('report and category rows', () => {
  const reportCells = {
    'Report title': 'Digital Forensics',
    Originator: 'HMICFRS',
    'Published on': '01/12/2022',
    Status: 'Updates submitted to ACC Griffin for sign off.',
    'Stated outstanding': '3',
    'Stated closed': '0',
  };

  it('reads a report row’s status line and stated counts', () => {
    expect(isReportRow(reportCells)).toBe(true);
    const { report: read, problems } = readReportRow(4, reportCells);
    expect(problems).toEqual([]);
    expect(read).toMatchObject({
      statusLine: 'Updates submitted to ACC Griffin for sign off.',
      stated: { outstanding: 3, closed: 0, total: null },
    });
  });

  it('names a stated count that is not a whole number, and one on an item row', () => {
    expect(readReportRow(4, { ...reportCells, 'Stated closed': 'two' }).problems).toEqual([
      { row: 4, column: 'Stated closed', message: '"two" is not a count (a whole number, 0 or more, or blank)' },
    ]);
    expect(readImportRow(5, { ...reportCells, Reference: '1', Text: 'Do it', Status: 'logged' }).problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ column: 'Stated outstanding', message: expect.stringContaining('report’s own row') }),
      ]),
    );
  });

  it('reads a category row, and names a category that is none', () => {
    const cells = { Category: 'Category 3', 'Stated outstanding': '93', 'Stated closed': '9' };
    expect(isCategoryRow(cells)).toBe(true);
    expect(isCategoryRow({ Category: '3' })).toBe(false);
    expect(readCategoryRow(7, cells)).toEqual({
      total: { row: 7, category: 3, stated: { outstanding: 93, closed: 9, total: null } },
      problems: [],
    });
    expect(readCategoryRow(7, { ...cells, Category: '5' }).problems).toEqual([
      { row: 7, column: 'Category', message: '"5" is not a closure category (1, 2, 3 or 4)' },
    ]);
  });
});

describe('a report’s status line applied to its items', () => {
  it('applies an open line to every item when as many are stated outstanding, or none are stated', () => {
    expect(planReportStatus(false, { outstanding: 3, closed: 0, total: null }, [5, 6, 7], 0)).toMatchObject({
      ambiguous: false,
      items: [5, 6, 7].map((row) => ({ row, choice: 'outstanding' })),
    });
    expect(planReportStatus(true, none, [5, 6], 0)).toMatchObject({
      ambiguous: false,
      items: [{ choice: 'closed' }, { choice: 'closed' }],
    });
  });

  it('asks per item when 3 of 4 are outstanding, proposing the first three listed', () => {
    const plan = planReportStatus(false, { outstanding: 3, closed: 1, total: 4 }, [5, 6, 7, 8], 0);
    expect(plan.ambiguous).toBe(true);
    expect(plan.why).toBe('3 are stated outstanding of 4 listed; the tracker does not say which');
    expect(plan.items.map((item) => item.proposed)).toEqual(['outstanding', 'outstanding', 'outstanding', 'closed']);
    const chosen = planReportStatus(false, { outstanding: 3, closed: 1, total: 4 }, [5, 6, 7, 8], 0, new Map([[5, 'closed' as const]]));
    expect(chosen.items.map((item) => [item.choice, item.chosen])).toEqual([
      ['closed', true],
      ['outstanding', false],
      ['outstanding', false],
      ['closed', false],
    ]);
  });

  it('counts items with a status of their own first, and asks when a closed line has items stated outstanding', () => {
    expect(planReportStatus(false, { outstanding: 2, closed: null, total: null }, [6], 1).ambiguous).toBe(false);
    const plan = planReportStatus(true, { outstanding: 1, closed: 1, total: null }, [5, 6], 0);
    expect(plan).toMatchObject({ ambiguous: true, items: [{ proposed: 'outstanding' }, { proposed: 'closed' }] });
    expect(plan.why).toContain('the status line says closed, but 1 is stated outstanding');
  });

  it('reads an item against its line with the line, or with the choice made', () => {
    expect(statusCloses('signed off')).toBe(true);
    expect(statusCloses('self-certified')).toBe(false);
    expect(statusCloses('submitted to hmicfrs')).toBe(false);
    expect(inheritedStatus('Awaiting feedback.', false, 'outstanding')).toBe('Awaiting feedback.');
    expect(inheritedStatus('Awaiting feedback.', false, 'closed')).toBe('closed');
    expect(inheritedStatus('Closure agreed.', true, 'outstanding')).toBe('in progress');
  });
});
