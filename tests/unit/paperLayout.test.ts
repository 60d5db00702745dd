import {
  builtInPaperLayouts,
  checkPaperLayout,
  countColumnsToPrint,
  paperCounts,
  paperLayoutSchema,
  paperMonth,
  paperStandingOf,
  statusLineToPrint,
  type PaperLayout,
} from '../../domain/paperLayout';
import type { LifecycleStatus } from '../../domain/lifecycle/states';

/** The overview's layout rules (domain/paperLayout.ts): the two counting conventions, the date styles, the schema. */

const item = (status: LifecycleStatus, forTheForce = true) => ({ status, forTheForce });

describe('counting items for the paper', () => {
  const items = [
    item('in_progress'),
    item('assigned'),
    item('evidence_submitted'),
    item('self_certified'),
    item('awaiting_hmicfrs_sign_off'),
    item('reality_test_at_next_inspection'),
    item('closed'),
    item('in_progress', false),
    item('not_for_the_force'),
  ];

  it('counts those awaiting HMICFRS sign-off as outstanding until HMICFRS agrees (seed 001)', () => {
    expect(paperCounts(items, 'outstanding_until_signed_off')).toEqual({ outstanding: 6, awaitingSignOff: 3, closed: 1, total: 7 });
  });

  it('or in their own column and not as outstanding', () => {
    expect(paperCounts(items, 'awaiting_sign_off_apart')).toEqual({ outstanding: 3, awaitingSignOff: 3, closed: 1, total: 7 });
  });

  it('places every status: closed, awaiting sign-off (the self-certified statuses), or outstanding', () => {
    expect(paperStandingOf('closed')).toBe('closed');
    expect(paperStandingOf('awaiting_verification_visit')).toBe('awaiting_sign_off');
    expect(paperStandingOf('verification_visit_held')).toBe('awaiting_sign_off');
    expect(paperStandingOf('awaiting_self_certification')).toBe('outstanding');
    expect(paperStandingOf('logged')).toBe('outstanding');
  });

  it('adds a count column the section leaves out when a report has such items, so none goes uncounted', () => {
    const appendixB = builtInPaperLayouts.appendices.sections[1]!;
    const none = { outstanding: 0, awaitingSignOff: 2, closed: 1, total: 3 };
    expect(countColumnsToPrint(appendixB, [none], 'awaiting_sign_off_apart')).toEqual(['awaitingSignOff', 'closed']);
    expect(countColumnsToPrint(appendixB, [none, { ...none, outstanding: 1 }], 'awaiting_sign_off_apart')).toEqual([
      'outstanding',
      'awaitingSignOff',
      'closed',
    ]);
    // Counted as outstanding, those awaiting sign-off need no column of their own.
    const appendixA = builtInPaperLayouts.appendices.sections[0]!;
    expect(countColumnsToPrint(appendixA, [none], 'outstanding_until_signed_off')).toEqual(['outstanding', 'closed']);
    expect(countColumnsToPrint(appendixA, [none], 'awaiting_sign_off_apart')).toEqual(['outstanding', 'awaitingSignOff', 'closed']);
  });
});

describe("a report's status line", () => {
  const stated = (supersededByChange: boolean) => ({
    text: 'Evidence submitted to HMICFRS for review. Awaiting feedback.',
    supersededByChange,
  });
  const generated = 'This report makes 4 recommendations; all 4 are for the force; 1 complete, 3 in progress.';

  it("prints the force's words until one of the report's items changes status, then the line written from its items", () => {
    expect(statusLineToPrint('stated_while_current', stated(false), generated)).toBe(stated(false).text);
    expect(statusLineToPrint('stated_while_current', stated(true), generated)).toBe(generated);
    expect(statusLineToPrint('stated_while_current', null, generated)).toBe(generated);
  });

  it('or always the line written from its items, when the layout says so', () => {
    expect(statusLineToPrint('generated', stated(false), generated)).toBe(generated);
  });

  it("prints the force's words for a report without items under either rule, and says so when there are none", () => {
    expect(statusLineToPrint('generated', stated(true), null)).toBe(stated(true).text);
    expect(statusLineToPrint('stated_while_current', null, null)).toBe('Its items are not listed.');
  });

  it('is the force’s words in a layout saved before the choice existed', () => {
    const { statusLines: _, ...older } = builtInPaperLayouts.appendices;
    expect(paperLayoutSchema.parse(older).statusLines).toBe('stated_while_current');
  });
});

describe('date styles', () => {
  it.each([
    ['sept', '2019-09-01', 'Sept 2019'],
    ['sept', '2019-07-30', 'Jul 2019'],
    ['short', '2019-09-01', 'Sep 2019'],
    ['short', '2018-11-05', 'Nov 2018'],
    ['numeric', '2019-09-01', '09/2019'],
    ['numeric', '2021-12-31', '12/2021'],
  ] as const)('%s prints %s as %s', (style, date, printed) => {
    expect(paperMonth(date, style)).toBe(printed);
  });
});

describe('the layout schema', () => {
  const copy = (): PaperLayout => structuredClone(builtInPaperLayouts.appendices);

  it('accepts both built-in layouts, and trims text', () => {
    for (const layout of Object.values(builtInPaperLayouts)) expect(paperLayoutSchema.parse(layout)).toEqual(layout);
    const layout = copy();
    layout.sections[0]!.heading = '  Appendix A  ';
    expect(checkPaperLayout(layout)).toMatchObject({ ok: true, layout: { sections: [{ heading: 'Appendix A' }, {}, {}] } });
  });

  it('keeps the columns in the order given: the order they print in', () => {
    const layout = copy();
    layout.sections[0]!.columns = [
      { key: 'total', heading: 'Total' },
      { key: 'title', heading: 'Title' },
      { key: 'date', heading: 'Date' },
    ];
    layout.sections[2]!.style = 'report_blocks';
    layout.sections[2]!.columns = [
      { key: 'state', heading: 'State' },
      { key: 'reference', heading: 'Ref' },
    ];
    const checked = checkPaperLayout(layout);
    expect(checked.ok && checked.layout.sections.map((s) => s.columns.map((c) => c.key))).toEqual([
      ['total', 'title', 'date'],
      ['date', 'title', 'status', 'recommendations', 'awaitingSignOff', 'closed'],
      ['state', 'reference'],
    ]);
  });

  it('names each bad field and why', () => {
    const layout = copy() as unknown as Record<string, unknown> & PaperLayout;
    layout.dateStyle = 'September' as never;
    layout.categories['2'].label = ' ';
    layout.sections[0]!.columns.push({ key: 'reference', heading: 'Ref' });
    layout.sections[1]!.sources = [];
    layout.sections[2]!.emptyText = 'x'.repeat(301);
    const result = checkPaperLayout(layout);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { path: ['dateStyle'], message: 'must be one of sept, short, numeric' },
        { path: ['categories', '2', 'label'], message: 'Enter the category label' },
        {
          path: ['sections', 0, 'columns', 6, 'key'],
          message:
            'reference is not a column of one table, a row per report: choose from date, title, status, recommendations, outstanding, awaitingSignOff, closed, total',
        },
        { path: ['sections', 1, 'sources'], message: 'Choose at least one kind of report' },
        { path: ['sections', 2, 'emptyText'], message: 'The text for a section with no reports must be 300 characters or fewer' },
      ]),
    );
  });

  it('refuses a layout in which some reports or items would be in no section', () => {
    const layout = copy();
    layout.sections[1]!.categories = ['3'];
    const result = checkPaperLayout(layout);
    expect(result).toEqual({
      ok: false,
      problems: [
        { path: ['sections'], message: 'Inspections of category 4 are in no section: add category 4 to a section that takes them' },
        { path: ['sections'], message: 'Inspections of no category yet are in no section: add “not yet set” to a section that takes them' },
        {
          path: ['sections'],
          message: 'Joint thematic inspections of category 4 are in no section: add category 4 to a section that takes them',
        },
        {
          path: ['sections'],
          message: 'Joint thematic inspections of no category yet are in no section: add “not yet set” to a section that takes them',
        },
      ],
    });
  });

  it('refuses unknown fields, the same column twice, and an empty layout', () => {
    const layout = { ...copy(), colour: 'red' };
    expect(checkPaperLayout(layout)).toMatchObject({ ok: false, problems: [{ path: [], message: 'unknown field(s): colour' }] });
    const twice = copy();
    twice.sections[0]!.columns.push({ key: 'date', heading: 'Published' });
    expect(checkPaperLayout(twice)).toMatchObject({
      ok: false,
      problems: [{ path: ['sections', 0, 'columns'], message: 'must not have the same column twice' }],
    });
    expect(checkPaperLayout({ ...copy(), sections: [] })).toMatchObject({
      ok: false,
      problems: expect.arrayContaining([{ path: ['sections'], message: 'Add at least one section' }]),
    });
  });
});
