import { initialState, type RecommendationState } from '../../domain/lifecycle';
import type { DashboardItem } from '../../api/dashboard/queries';
import { dashboardView, quarterStart } from '../../api/dashboard/view';
import type { RecommendationListItem } from '../../api/recommendations/service';

const today = '2027-05-12';
const listed = (id: string, over: Partial<RecommendationListItem> = {}): RecommendationListItem => ({
  id,
  reference: id,
  kind: 'recommendation',
  status: 'in_progress',
  statusLabel: 'In progress',
  category: 2,
  department: null,
  dueDate: '2027-01-01',
  atRisk: false,
  flaggedAtRisk: false,
  overdue: false,
  workingDaysOverdue: 0,
  dueSoon: false,
  rag: 'on_target',
  version: 1,
  updatedAt: '2027-05-01T10:00:00.000Z',
  report: { id: 'r', title: 'Custody', originator: 'HMICFRS', kind: 'inspection' },
  owner: null,
  lead: null,
  ...over,
});
const item = (id: string, state: Partial<RecommendationState>): DashboardItem => ({
  id,
  reference: id,
  kind: 'recommendation',
  status: state.status ?? 'in_progress',
  state: { ...initialState(id), ...state },
  report: { originator: 'HMICFRS', title: 'Custody' },
});
const cells = (rows: ({ text: string } | { html: string })[][]) =>
  rows.map((row) => row.map((c) => ('text' in c ? c.text : c.html.replace(/<[^>]+>/g, '').replace(/\s.*$/, ''))));

/** The dashboard's view model (api/dashboard/view.ts): the figures it is given, grouped and linked, never recomputed. */
describe('the dashboard view', () => {
  const lead = { id: 'lead-1', name: 'Nadia Haskins' };
  const view = dashboardView({
    today,
    overdue: [listed('1', { overdue: true, lead, department: 'Crime' }), listed('2', { overdue: true })],
    atRisk: [listed('3', { atRisk: true, lead, department: 'crime' })],
    all: [
      item('1', {}),
      item('4', {
        status: 'awaiting_approval',
        approval: {
          routeId: 'x',
          startedOn: '2027-05-02',
          current: 0,
          steps: [
            {
              step: { kind: 'role', role: 'lead' } as never,
              approverId: 'a',
              onBehalfOf: null,
              openedOn: '2027-05-02',
              waitingReason: null,
              approval: null,
              outdated: [],
            },
          ],
        },
      }),
      item('5', {
        status: 'closed',
        closure: { how: 'self_certified', on: '2027-04-03', by: null, reason: 'Letter', supersededBy: null, afterDueDate: false },
      }),
      item('6', {
        status: 'closed',
        closure: { how: 'self_certified', on: '2027-03-31', by: null, reason: 'Letter', supersededBy: null, afterDueDate: false },
      }),
    ],
    raised: [
      { id: '1', type: 'off_target_dcc', raisedAt: new Date('2027-05-02T09:00:00Z') },
      { id: '5', type: 'off_target_dcc', raisedAt: new Date('2027-01-02T09:00:00Z') },
      { id: '4', type: 'approval_escalation', raisedAt: new Date('2027-05-10T09:00:00Z') },
    ],
  });
  const table = (caption: string) => view.tables.find((t) => t.caption === caption)!;

  it('counts the headlines from the lists it is given, each linking to its list', () => {
    expect(view.headlines.map((h) => [h.count, h.href])).toEqual([
      [2, '/recommendations?overdue=true'],
      [1, '/recommendations?atRisk=true'],
      [1, '/recommendations?decisionWaiting=true'],
      [1, '/recommendations?closedSince=2027-04-01'],
    ]);
    expect(quarterStart(today)).toBe('2027-04-01');
  });

  it('groups by lead and department, ignoring case, with the "none" row last and a total that adds up', () => {
    expect(cells(table('Overdue and at-risk items by lead').rows)).toEqual([
      ['Nadia Haskins', '1', '1'],
      ['No lead', '1', '0'],
      ['Total', '2', '1'],
    ]);
    expect(cells(table('Overdue and at-risk items by department').rows)).toEqual([
      ['Crime', '1', '1'],
      ['No department', '1', '0'],
      ['Total', '2', '1'],
    ]);
    expect(view.chart.rows.map((r) => r.title)).toEqual(['Nadia Haskins', 'No lead']);
  });

  it('lists decisions waiting with their age, and only escalations that still stand', () => {
    expect(cells(table('Decisions waiting, longest first').rows)).toEqual([['Recommendation', 'HMICFRS: Custody', 'Approval', '10']]);
    // Item 5 is closed: its escalation no longer stands.
    expect(cells(table('Escalations raised, oldest first').rows).map((r) => [r[2], r[4]])).toEqual([
      ['Overdue: escalated to the DCC', '10'],
      ['Approval not decided: escalated to the next level', '2'],
    ]);
    expect(table('Closed this quarter').rows).toHaveLength(1);
  });
});
