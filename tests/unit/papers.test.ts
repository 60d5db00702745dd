import type { ItemAsAt } from '../../api/papers/model';
import { statusLine } from '../../api/papers/common';
import { addMonths, dueDateHistoryWords, endOfAsAtDay, londonDate, shortMonthYear } from '../../api/papers/dates';
import { buildOverview, categoryTable } from '../../api/papers/overview';
import { buildQuarterly, quarterlyGroupOf, summaryTable } from '../../api/papers/quarterly';
import type { RagStatus } from '../../domain/rag';
import { itemRag, schemeColour } from '../../api/papers/rag';
import { renderCsv } from '../../api/papers/render/csv';
import { pdfSafe } from '../../api/papers/render/pdf';
import { paperFilename, paperRequestProblem } from '../../api/papers/service';
import { buildTracker } from '../../api/papers/tracker';
import { paperDataAsAt } from '../fixtures/papers/fixture';
import { people, SAMPLE_AS_AT, SAMPLE_PREVIOUS, sample } from '../fixtures/papers/sample';

/** The papers' rules on plain data: no database, no rendering. */

function item(overrides: Partial<ItemAsAt>): ItemAsAt {
  return {
    id: overrides.reference ?? 'x',
    reportId: 'r',
    reference: '1',
    kind: 'recommendation',
    text: 'Text',
    addressedTo: '',
    forTheForce: true,
    department: null,
    loggedOn: '2020-01-01',
    status: 'in_progress',
    closure: null,
    category: 3,
    dueDate: null,
    dueDateHistory: [],
    latestUpdate: null,
    atRisk: null,
    ownerId: null,
    leadId: null,
    notForTheForceReason: null,
    ...overrides,
  };
}

const closedOn = (on: string): ItemAsAt['closure'] => ({ how: 'self_certified', on, reason: 'r', afterDueDate: false });

describe('dates as the papers use them', () => {
  it('ends an "as at" day at midnight in London, in winter and in summer', () => {
    expect(endOfAsAtDay('2021-01-31').toISOString()).toBe('2021-02-01T00:00:00.000Z');
    expect(endOfAsAtDay('2021-06-30').toISOString()).toBe('2021-06-30T23:00:00.000Z');
    // The clocks change: 28 March 2021 is 23 hours long, 31 October 2021 is 25.
    expect(endOfAsAtDay('2021-03-27').toISOString()).toBe('2021-03-28T00:00:00.000Z');
    expect(endOfAsAtDay('2021-03-28').toISOString()).toBe('2021-03-28T23:00:00.000Z');
    expect(endOfAsAtDay('2021-10-30').toISOString()).toBe('2021-10-30T23:00:00.000Z');
    expect(endOfAsAtDay('2021-10-31').toISOString()).toBe('2021-11-01T00:00:00.000Z');
    expect(londonDate(new Date('2021-06-30T23:30:00Z'))).toBe('2021-07-01');
  });

  it('adds calendar months, keeping to the end of shorter months', () => {
    expect(addMonths('2021-05-31', 1)).toBe('2021-06-30');
    expect(addMonths('2020-11-30', 3)).toBe('2021-02-28');
    expect(addMonths('2016-05-31', -3)).toBe('2016-02-29');
    expect(shortMonthYear('2018-11-05')).toBe('Nov 2018');
  });

  it('prints the whole due-date history as the seeds do', () => {
    const history = (...dates: string[]) => dates.map((dueDate) => ({ dueDate }));
    expect(dueDateHistoryWords(history('2020-09-30', '2021-01-31', '2021-04-30'))).toBe(
      'September 2020, extended to January 2021, now April 2021',
    );
    expect(dueDateHistoryWords(history('2020-09-30', '2021-01-31'))).toBe('September 2020, now January 2021');
    expect(dueDateHistoryWords(history('2020-09-30'))).toBe('September 2020');
    expect(dueDateHistoryWords(history('2020-09-01', '2020-09-30', '2020-12-31'))).toBe(
      '1 September 2020, extended to 30 September 2020, now December 2020',
    );
    expect(dueDateHistoryWords([])).toBe('No deadline set');
  });
});

describe('status colours (domain/rag.ts, as the papers print them)', () => {
  const asAt = '2021-03-31';
  const closure = (
    how: 'superseded' | 'self_certified' | 'signed_off_by_hmicfrs' | 'no_action_required',
    afterDueDate: boolean,
    on = '2020-06-01',
  ) => ({
    how,
    on,
    by: null,
    reason: 'r',
    supersededBy: how === 'superseded' ? 'x' : null,
    afterDueDate,
  });
  const cases: [string, Partial<ItemAsAt>, RagStatus, string, string][] = [
    ['addressed to a national body', { forTheForce: false, status: 'logged' }, 'not_for_the_force', 'WHITE', 'Not for the force'],
    ['marked not for the force', { status: 'not_for_the_force' }, 'not_for_the_force', 'WHITE', 'Not for the force'],
    ['superseded', { status: 'closed', closure: closure('superseded', false) }, 'closed', 'WHITE', 'Closed'],
    ['closed, no action required', { status: 'closed', closure: closure('no_action_required', false) }, 'closed', 'WHITE', 'Closed'],
    ['closed on time', { status: 'closed', closure: closure('self_certified', false) }, 'closed', 'GREEN', 'Closed'],
    ['closed late', { status: 'closed', closure: closure('signed_off_by_hmicfrs', true) }, 'closed', 'PURPLE', 'Closed'],
    [
      'with HMICFRS',
      { status: 'awaiting_hmicfrs_sign_off', dueDate: '2020-01-01' },
      'proposed_for_closure',
      'AMBER',
      'Proposed for closure',
    ],
    [
      'in the approval chain',
      { status: 'awaiting_approval', dueDate: '2020-01-01' },
      'proposed_for_closure',
      'AMBER',
      'Proposed for closure',
    ],
    ['past its due date', { dueDate: '2021-03-30' }, 'off_target', 'RED', 'Off target'],
    ['due on the day', { dueDate: '2021-03-31' }, 'at_risk', 'AMBER', 'At risk'],
    ['due within three months', { dueDate: '2021-06-30' }, 'at_risk', 'AMBER', 'At risk'],
    [
      'flagged at risk',
      { dueDate: '2022-01-01', atRisk: { reason: 'r', flaggedBy: null, flaggedOn: '2021-03-01' } },
      'at_risk',
      'AMBER',
      'At risk',
    ],
    ['due later', { dueDate: '2021-07-01' }, 'on_target', 'AMBER', 'On target'],
    ['logged, no date yet', { status: 'logged' }, 'on_target', 'AMBER', 'On target'],
  ];

  it.each(cases)('%s', (_name, overrides, rag, colourA, labelB) => {
    const subject = item(overrides);
    expect(itemRag(subject, asAt)).toBe(rag);
    expect(schemeColour('A', rag, subject, null).label).toBe(colourA);
    expect(schemeColour('B', rag, subject, null).label).toBe(labelB);
  });

  it('shows an item implemented on time since the last report as NEW GREEN in scheme A', () => {
    const closed = item({ status: 'closed', closure: closure('self_certified', false, '2021-02-01') });
    expect(schemeColour('A', 'closed', closed, '2020-12-31').label).toBe('NEW GREEN');
    expect(schemeColour('A', 'closed', closed, '2021-02-01').label).toBe('GREEN');
  });
});

describe('status lines', () => {
  it('reads as DOMAIN.md writes it', () => {
    const items = [
      ...Array.from({ length: 8 }, (_, index) => item({ reference: `n${index}`, forTheForce: false, status: 'logged' })),
      item({ reference: '1', status: 'closed', closure: { how: 'self_certified', on: '2021-01-01', reason: 'r', afterDueDate: false } }),
      item({ reference: '2' }),
    ];
    expect(statusLine(items)).toBe('This report makes 10 recommendations; 2 are for the force; 1 complete, 1 in progress.');
  });

  it('names mixed kinds, items awaiting sign-off, and reports with nothing for the force', () => {
    expect(
      statusLine([item({ kind: 'area_for_improvement' }), item({ status: 'awaiting_hmicfrs_sign_off' }), item({ status: 'closed' })]),
    ).toBe(
      'This report makes 3 items (2 recommendations, 1 area for improvement); all 3 are for the force; 1 complete, 1 self-certified, awaiting HMICFRS sign-off, 1 in progress.',
    );
    expect(statusLine([item({ forTheForce: false })])).toBe('This report makes 1 recommendation; none are for the force.');
    expect(statusLine([])).toBe('This report makes no recommendations.');
  });
});

describe('the committee overview', () => {
  const data = paperDataAsAt(sample, SAMPLE_AS_AT);
  const paper = buildOverview(data, { scheme: 'B', previousCommittee: SAMPLE_PREVIOUS });

  it('counts the force’s inspection items by category, outstanding and closed and how', () => {
    const row = (category: number) => paper.main.categoryTable.find((r) => r.category === category)!;
    expect(row(2)).toMatchObject({
      outstanding: 0,
      awaitingSignOff: 0,
      closedSelfCertified: 1,
      closedSignedOff: 0,
      closedOtherwise: 0,
      total: 1,
    });
    expect(row(3)).toMatchObject({
      outstanding: 2,
      awaitingSignOff: 2,
      closedSelfCertified: 0,
      closedSignedOff: 1,
      closedOtherwise: 0,
      total: 5,
    });
    expect(paper.main.totals).toMatchObject({ outstanding: 2, awaitingSignOff: 2, closed: 2, total: 6 });
    // Super-complaints are in the appendix, audits nowhere in this paper.
    expect(paper.appendix.totals).toMatchObject({ outstanding: 1, total: 1 });
    expect(paper.main.reports.map((r) => r.title)).toEqual(['Child Protection – Demo Constabulary', 'Roads Policing: Not optional']);
    expect(paper.appendix.reports.map((r) => r.title)).toEqual(['Police data sharing for immigration purposes']);
  });

  it('lists each report’s items still to report on, leaving out those reported complete at the previous committee', () => {
    const [childProtection, roads] = paper.main.reports;
    expect(childProtection).toMatchObject({ date: 'Jun 2019', outstanding: 1, closed: 1 });
    // Recommendation 2 closed in June 2020, before the previous committee: counted, not listed.
    expect(childProtection!.groups.flatMap((g) => g.items.map((i) => i.reference))).toEqual(['3']);
    expect(roads).toMatchObject({
      outstanding: 3,
      closed: 1,
      statusLine:
        'This report makes 5 items (3 recommendations, 2 areas for improvement); 4 are for the force; 1 complete, 1 self-certified, awaiting HMICFRS sign-off, 2 in progress.',
    });
    expect(roads!.groups.map((g) => [g.category, g.items.map((i) => `${i.reference} ${i.state}`)])).toEqual([
      [2, ['11 Closed (self-certified)']],
      [3, ['6 In progress', '14 Submitted to HMICFRS, awaiting sign-off', '15 In progress']],
    ]);
    expect(roads!.groups[0]!.items[0]!.newlyClosed).toBe(true);
  });

  it('drops a report once everything in it was reported complete', () => {
    const later = buildOverview(paperDataAsAt(sample, '2021-09-30'), { scheme: 'B', previousCommittee: '2021-06-30' });
    const earlierAllClosed = later.main.reports.find((r) => r.title === 'Child Protection – Demo Constabulary');
    expect(earlierAllClosed).toBeDefined(); // recommendation 3 is still with HMICFRS
    const onlyClosed = buildOverview(
      paperDataAsAt({ ...sample, reports: [sample.reports[0]!].map((r) => ({ ...r, items: [r.items[0]!] })) }, SAMPLE_AS_AT),
      {
        scheme: 'B',
        previousCommittee: SAMPLE_PREVIOUS,
      },
    );
    expect(onlyClosed.main.reports).toEqual([]);
    expect(onlyClosed.main.totals).toMatchObject({ closed: 1, total: 1 });
  });

  it('is computed as at an earlier date from the same history', () => {
    const earlier = buildOverview(paperDataAsAt(sample, SAMPLE_PREVIOUS), { scheme: 'B' });
    expect(earlier.appendix.reports).toEqual([]); // the super-complaint was logged in January 2021
    expect(earlier.main.totals).toMatchObject({ outstanding: 4, awaitingSignOff: 1, closed: 1, total: 6 });
  });

  it('counts the category table the same way for any set of items', () => {
    const { rows, totals } = categoryTable([
      item({ category: null }),
      item({ category: 1, status: 'closed', closure: { how: 'no_action_required', on: '2020-01-01', reason: 'r', afterDueDate: false } }),
    ]);
    expect(rows.map((r) => [r.category, r.total])).toEqual([
      [1, 1],
      [2, 0],
      [3, 0],
      [4, 0],
      [null, 1],
    ]);
    expect(totals).toMatchObject({ outstanding: 1, closedOtherwise: 1, total: 2 });
  });
});

describe('the quarterly action update', () => {
  const paper = buildQuarterly(paperDataAsAt(sample, SAMPLE_AS_AT), paperDataAsAt(sample, SAMPLE_PREVIOUS), {
    previousQuarter: SAMPLE_PREVIOUS,
    quarterBeforeThat: '2020-09-30',
    scheme: 'B',
  });

  it('summarises this quarter against the last, with the trend', () => {
    expect(paper.summary.map((row) => [row.label, row.current, row.previous, row.trend])).toEqual([
      ['Action(s) off target', 1, 1, '↔'],
      ['Action(s) at risk of being off target', 1, 1, '↔'],
      ['Action(s) proposed for closure', 2, 3, '↓'],
      ['New action(s)', 2, 0, '↑'],
      ['Total closed action(s)', 2, 0, '↑'],
      ['Total actions', 8, 5, '↑'],
    ]);
  });

  it('lists the actions in their groups with what seed 004 prints', () => {
    const group = (name: string) => paper.groups.find((g) => g.group === name)!.actions;
    expect(group('off_target').map((a) => a.reference)).toEqual(['15']);
    expect(group('closed').map((a) => a.reference)).toEqual(['11', '4.2']);
    expect(group('new').map((a) => a.reference)).toEqual(['1', '4.1']);
    expect(group('at_risk')[0]).toMatchObject({
      targetDate: '30/04/2021',
      managerResponsible: people.lead.name,
      sourceOriginator: 'HMICFRS',
      sourceTitle: 'Roads Policing: Not optional',
      latestUpdate: 'Update Tom Ellery 10/02/2021: Awaiting dates for the regional meetings.',
    });
    expect(group('at_risk')[0]!.status.label).toBe('At risk');
  });

  it('puts each item in one group, in the order closed, proposed, off target, new, at risk, on target', () => {
    const quarterStart = '2021-01-01';
    expect(
      quarterlyGroupOf(item({ status: 'closed', closure: closedOn('2021-02-01'), loggedOn: '2021-01-15' }), '2021-03-31', quarterStart),
    ).toBe('closed');
    expect(quarterlyGroupOf(item({ status: 'closed', closure: closedOn('2020-12-01') }), '2021-03-31', quarterStart)).toBeNull();
    expect(
      quarterlyGroupOf(item({ status: 'awaiting_approval', dueDate: '2021-01-02', loggedOn: '2021-02-01' }), '2021-03-31', quarterStart),
    ).toBe('proposed_for_closure');
    expect(quarterlyGroupOf(item({ dueDate: '2021-03-01', loggedOn: '2021-02-01' }), '2021-03-31', quarterStart)).toBe('off_target');
    expect(quarterlyGroupOf(item({ dueDate: '2021-04-01', loggedOn: '2021-02-01' }), '2021-03-31', quarterStart)).toBe('new');
    expect(quarterlyGroupOf(item({ dueDate: '2021-04-01' }), '2021-03-31', quarterStart)).toBe('at_risk');
    expect(quarterlyGroupOf(item({ dueDate: '2022-04-01' }), '2021-03-31', quarterStart)).toBe('on_target');
    expect(quarterlyGroupOf(item({ forTheForce: false }), '2021-03-31', quarterStart)).toBeNull();
  });

  it('shows no change as ↔', () => {
    const zero = { off_target: 0, at_risk: 0, proposed_for_closure: 0, new: 0, closed: 0, on_target: 0 };
    expect(summaryTable(zero, zero)[0]!.trend).toBe('↔');
  });
});

describe('the per-report tracker', () => {
  const paper = buildTracker(paperDataAsAt(sample, SAMPLE_AS_AT), { scheme: 'A', previousReport: SAMPLE_PREVIOUS });
  const roads = paper.reports.find((r) => r.title === 'Roads Policing: Not optional')!;

  it('prints every item with its colour, whole due-date history and latest comment', () => {
    expect(roads.summary).toBe(
      'This report makes 5 items (3 recommendations, 2 areas for improvement); 4 are for the force; 1 complete, 1 self-certified, awaiting HMICFRS sign-off, 2 in progress.',
    );
    expect(roads.items.map((i) => [i.reference, i.kind, i.colour.label, i.dueDates, i.comment])).toEqual([
      [
        '6',
        'Recommendation',
        'AMBER',
        'September 2020, extended to January 2021, now April 2021',
        'Awaiting dates for the regional meetings. (Tom Ellery, 10/02/2021)',
      ],
      ['8', 'Recommendation', 'WHITE', '', 'This action is for the Department for Transport'],
      ['11', 'Recommendation', 'PURPLE', 'December 2020', 'Training booked for November. (Tom Ellery, 01/10/2020)'],
      // Self-certified and with HMICFRS: proposed for closure, AMBER until HMICFRS signs it off (domain/rag.ts).
      ['14', 'Area for improvement', 'AMBER', 'October 2020', 'Submitted to HMICFRS, awaiting sign-off'],
      ['15', 'Area for improvement', 'RED', 'November 2020', 'Data-sharing agreement still with the partners. (Tom Ellery, 20/11/2020)'],
    ]);
  });

  it('lists the newest reports first, or only the report asked for', () => {
    expect(paper.reports.map((r) => r.publishedOn)).toEqual(['2021-01-08', '2020-12-17', '2020-07-15', '2019-06-01']);
    const one = buildTracker(paperDataAsAt(sample, SAMPLE_AS_AT), { scheme: 'B', reportId: roads.id });
    expect(one.reports.map((r) => r.title)).toEqual(['Roads Policing: Not optional']);
    expect(one.reports[0]!.items.map((i) => i.colour.label)).toEqual([
      'At risk',
      'Not for the force',
      'Closed',
      'Proposed for closure',
      'Off target',
    ]);
  });
});

describe('requests, files and formats', () => {
  it('refuses a spreadsheet of the overview, naming the field and why', () => {
    expect(paperRequestProblem({ kind: 'overview', asAt: '2023-10-01', format: 'xlsx', scheme: 'B' })).toEqual({
      field: 'format',
      message: expect.stringContaining('the overview paper comes as html, docx, pdf'),
    });
    expect(paperRequestProblem({ kind: 'quarterly', asAt: '2023-10-01', format: 'csv', scheme: 'B' })).toBeNull();
    expect(
      paperRequestProblem({ kind: 'quarterly', asAt: '2023-10-01', format: 'csv', scheme: 'B', previousCommittee: '2023-10-01' })?.field,
    ).toBe('previousCommittee');
    expect(paperRequestProblem({ kind: 'overview', asAt: '2023-10-01', format: 'pdf', scheme: 'B', reportId: 'x' })?.field).toBe(
      'reportId',
    );
    expect(paperFilename({ kind: 'overview', asAt: '2023-10-01', scheme: 'B' }, 'docx')).toBe(
      'committee-overview-2023-10-01-scheme-b.docx',
    );
  });

  it('writes CSV that spreadsheet programs read as text', () => {
    const csv = renderCsv({
      name: 's',
      columns: [
        { title: 'A', width: 1 },
        { title: 'B', width: 1 },
      ],
      rows: [
        ['=SUM(A1)', 'say "hi", twice\nthen stop'],
        [3, '-1'],
      ],
    });
    expect(csv).toBe('\uFEFFA,B\r\n\'=SUM(A1),"say ""hi"", twice\nthen stop"\r\n3,\'-1\r\n');
  });

  it('spells out characters the standard PDF fonts cannot show', () => {
    expect(pdfSafe('Up ↑ – ‘quoted’ • £5 ✓')).toBe('Up Up – ‘quoted’ • £5 ?');
  });
});
