import type { RecommendationView } from '../../api/recommendations/service';
import { initialState } from '../../domain/lifecycle/states';
import { earlierRejections, evidenceRows, progressUpdates } from '../../api/recommendations/scrutiny';
import { fileSize } from '../../platform/web/fileSize';

const names: Record<string, string> = { lead: 'Nadia Haskins', owner: 'Tom Ellery', dcc: 'Simon Hartley' };
const nameOf = (id: string | null) => (id ? (names[id] ?? 'Someone') : 'The system');

function viewWith(history: { type: string; before?: object; after: object }[]): RecommendationView {
  return {
    id: '7b0c2f0e-0000-4000-8000-000000000001',
    reference: '4a',
    kind: 'recommendation',
    text: 'Text',
    addressedTo: '',
    forTheForce: true,
    category: 3,
    department: null,
    status: 'in_progress',
    statusLabel: 'In progress',
    reportedStatus: null,
    reportedOwner: null,
    reportedLead: null,
    dueDate: null,
    version: 1,
    report: { id: 'r', title: 'Report', originator: 'HMICFRS', kind: 'inspection', publishedOn: '2026-01-01' },
    owner: null,
    lead: null,
    state: initialState('7b0c2f0e-0000-4000-8000-000000000001', 3),
    figures: {
      rag: 'on_target',
      overdue: false,
      overdueSince: null,
      workingDaysOverdue: 0,
      atRisk: false,
      flaggedAtRisk: false,
      dueSoon: false,
    },
    availableCommands: [],
    history: history.map((h, i) => ({
      occurredAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
      actor: 'x',
      type: h.type,
      summary: h.type,
      before: h.before ?? null,
      after: h.after,
    })),
  };
}

describe('the scrutiny content', () => {
  it('gives file sizes in the unit people read', () => {
    expect(fileSize(512)).toBe('512 bytes');
    expect(fileSize(3 * 1024)).toBe('3 KB');
    expect(fileSize(Math.round(2.4 * 1024 * 1024))).toBe('2.4 MB');
    expect(fileSize(null)).toBe('');
  });

  it('lists every rejection newest first, with what the approvers before it said in that round', () => {
    const step = (by: string, comment: string | null) => ({
      step: { kind: 'lead' },
      approverId: by,
      onBehalfOf: null,
      openedOn: '2026-02-01',
      waitingReason: null,
      approval: { by, onBehalfOf: null, on: '2026-02-02', evidenceVersion: 1, textVersion: 1, comment },
      outdated: [],
    });
    const view = viewWith([
      { type: 'progress_updated', after: { latestUpdate: { text: 'Drafted', by: 'owner', on: '2026-01-10' } } },
      {
        type: 'approval_rejected',
        before: { approval: { routeId: 'r', startedOn: '2026-02-01', current: 0, steps: [] } },
        after: { lastRejection: { source: 'approver', by: 'lead', on: '2026-02-03', reasons: 'Not signed' } },
      },
      { type: 'progress_updated', after: { latestUpdate: { text: 'Signed', by: 'owner', on: '2026-02-10' } } },
      {
        type: 'approval_rejected',
        before: { approval: { routeId: 'r', startedOn: '2026-03-01', current: 1, steps: [step('lead', 'Good'), step('dcc', null)] } },
        after: { lastRejection: { source: 'approver', by: 'dcc', on: '2026-03-05', reasons: 'No dates' } },
      },
      {
        type: 'hmicfrs_not_accepted',
        after: { lastRejection: { source: 'hmicfrs', by: 'owner', on: '2026-05-01', reasons: 'Not embedded' } },
      },
      { type: 'evidence_submitted', after: { lastRejection: null } },
    ]);
    expect(earlierRejections(view, nameOf)).toEqual([
      { by: 'HMICFRS', on: '1 May 2026', reasons: 'Not embedded', approvals: [] },
      {
        by: 'Simon Hartley',
        on: '5 March 2026',
        reasons: 'No dates',
        approvals: ['Nadia Haskins approved on 2 February 2026: Good', 'Simon Hartley approved on 2 February 2026'],
      },
      { by: 'Nadia Haskins', on: '3 February 2026', reasons: 'Not signed', approvals: [] },
    ]);
    expect(progressUpdates(view, nameOf)).toEqual([
      { text: 'Signed', by: 'Tom Ellery', on: '10 February 2026' },
      { text: 'Drafted', by: 'Tom Ellery', on: '10 January 2026' },
    ]);
  });

  it('links files to their download when signed in, and only http(s) links; every text is escaped', () => {
    const base = {
      recommendationId: 'rec',
      contentType: null,
      sizeBytes: null,
      sha256: null,
      addedBy: null,
      addedByLabel: 'Tom <b>',
      addedAt: new Date('2026-01-01T12:00:00Z'),
      url: null,
      note: null,
    };
    const items = [
      { ...base, id: 'f1', kind: 'file' as const, title: 'a<b>.pdf', sizeBytes: 2048 },
      { ...base, id: 'l1', kind: 'link' as const, title: 'Bad', url: 'javascript:alert(1)' },
      { ...base, id: 'l2', kind: 'link' as const, title: 'Good', url: 'https://intranet.example/x?a=1&b=2' },
    ];
    const rows = evidenceRows(items, { recommendationId: 'rec', downloadable: true });
    expect(rows[0]![0]).toEqual({ html: '<a class="govuk-link" href="/recommendations/rec/evidence/f1/download">a&lt;b&gt;.pdf</a>' });
    expect(rows[0]![1]).toEqual({ text: 'File, 2 KB' });
    expect(rows[1]![0]).toEqual({ text: 'Bad' });
    expect(rows[2]![0]).toEqual({
      html: '<a class="govuk-link" href="https://intranet.example/x?a=1&amp;b=2" rel="noreferrer noopener">Good</a>',
    });
    expect(evidenceRows(items, { recommendationId: 'rec', downloadable: false })[0]![0]).toEqual({ text: 'a<b>.pdf' });
  });
});
