import { layOut } from '../../api/papers/service';
import type { ItemAsAt, PaperData, ReportAsAt } from '../../api/papers/model';
import { buildOverview } from '../../api/papers/overview';
import { buildTracker } from '../../api/papers/tracker';
import { documentLines } from '../../api/papers/layout';
import { readReportRow, isReportRow } from '../../domain/trackerImport';

/** Reports a force lists with a status line and no items (seed 001, super-complaint appendices). */

const report = (overrides: Partial<ReportAsAt>): ReportAsAt => ({
  id: 'r',
  title: 'T',
  originator: 'HMICFRS',
  kind: 'inspection',
  scope: 'force',
  publishedOn: '2019-09-01',
  loggedOn: '2019-10-01',
  ...overrides,
});
const item: ItemAsAt = {
  id: 'i1',
  reportId: 'listed',
  reference: '1',
  kind: 'recommendation',
  text: 'Train investigators',
  addressedTo: '',
  forTheForce: true,
  department: null,
  loggedOn: '2019-10-01',
  status: 'in_progress',
  closure: null,
  category: 2,
  dueDate: null,
  dueDateHistory: [],
  latestUpdate: null,
  atRisk: null,
  ownerId: null,
  leadId: null,
  notForTheForceReason: null,
};
const data: PaperData = {
  asAt: '2021-03-31',
  reports: [
    report({
      id: 'bare',
      title: 'Stalking and harassment',
      statedStatus: { text: 'HMICFRS have agreed closure of these recommendations.', supersededByChange: false },
    }),
    report({ id: 'quiet', title: 'Custody', publishedOn: '2019-11-01' }),
    report({ id: 'listed', title: 'Roads policing', publishedOn: '2020-07-15' }),
    report({
      id: 'sc',
      title: 'Police data sharing',
      kind: 'super_complaint',
      statedStatus: { text: 'All recommendations closed', supersededByChange: false },
    }),
  ],
  items: [item],
  people: {},
};

describe('a report listed without its items', () => {
  it('is in the overview with its stated status and blank counts, not invented rows, also after the previous committee', () => {
    const paper = buildOverview(data, { scheme: 'B', previousCommittee: '2020-12-31' });
    expect(paper.main.reports.map((r) => [r.title, r.statusLine, r.outstanding, r.closed, r.groups.length])).toEqual([
      ['Stalking and harassment', 'HMICFRS have agreed closure of these recommendations.', null, null, 0],
      ['Custody', 'Its items are not listed.', null, null, 0],
      ['Roads policing', expect.stringContaining('This report makes 1 recommendation'), 1, 0, 1],
    ]);
    expect(paper.appendix.reports.map((r) => [r.statusLine, r.outstanding])).toEqual([['All recommendations closed', null]]);
    // The category table counts only the items listed.
    expect(paper.main.totals.total).toBe(1);
    const lines = documentLines(layOut(paper, 'Demo Constabulary'));
    const at = lines.indexOf('Status – HMICFRS have agreed closure of these recommendations.');
    expect(lines[at + 1]).toBe('Total number outstanding: –. Total number closed: –.');
  });

  it('is in the tracker with its stated status and no rows', () => {
    const paper = buildTracker(data, { scheme: 'A' });
    expect(paper.reports.find((r) => r.id === 'bare')).toMatchObject({
      summary: 'HMICFRS have agreed closure of these recommendations.',
      items: [],
    });
  });

  it('is read from a tracker row with a report but no reference or text, logged on its own date', () => {
    const cells = {
      'Report title': 'Stalking and harassment',
      Originator: 'HMICFRS',
      'Published on': '05/09/2019',
      Status: 'HMICFRS have agreed closure of these recommendations.',
      'Logged on': '01/10/2019',
    };
    expect(isReportRow(cells)).toBe(true);
    expect(isReportRow({ ...cells, Reference: '1' })).toBe(false);
    expect(readReportRow(4, cells)).toEqual({
      report: {
        row: 4,
        report: { title: 'Stalking and harassment', originator: 'HMICFRS', kind: 'inspection', scope: 'force', publishedOn: '2019-09-05' },
        statusLine: cells.Status,
        stated: { outstanding: null, closed: null, total: null },
        loggedOn: '2019-10-01',
      },
      problems: [],
    });
    expect(readReportRow(4, { ...cells, 'Logged on': '' }).report!.loggedOn).toBe('2019-09-05');
    expect(readReportRow(5, { ...cells, 'Published on': '' }).problems).toEqual([
      { row: 5, column: 'Published on', message: 'a report row needs its publication date' },
    ]);
  });
});
