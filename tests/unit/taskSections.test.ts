import {
  availableCommands,
  initialState,
  type ApprovalChain,
  type LifecycleStatus,
  type RecommendationState,
} from '../../domain/lifecycle';
import type { Role } from '../../domain/vocabulary';
import type { TaskData, TaskItem } from '../../api/tasks/model';
import { taskSections, type TaskSection } from '../../api/tasks/sections';
import type { RecommendationListItem } from '../../api/recommendations/service';

const owner = { id: 'owner', name: 'Owen Owner' };
const lead = { id: 'lead', name: 'Nadia Haskins' };
const gone = { id: 'gone', name: 'Former Officer' };

const chain = (approverId: string | null): ApprovalChain => ({
  routeId: 'hmicfrs',
  startedOn: '2027-05-02',
  current: 0,
  steps: [
    {
      step: { kind: 'lead' },
      approverId,
      onBehalfOf: null,
      openedOn: approverId ? '2027-05-02' : null,
      waitingReason: approverId ? null : 'nobody holds the role',
      approval: null,
      outdated: [],
    },
  ],
});

/** An item in `status`, its commands for `who` judged by the lifecycle itself, as the queries give it. */
function task(
  id: string,
  status: LifecycleStatus,
  who: { id: string; roles: Role[] },
  extra: Partial<RecommendationState> & { overdue?: boolean; risky?: boolean; ownerActive?: boolean } = {},
): TaskItem {
  const { overdue = false, risky: atRisk = false, ownerActive = true, ...more } = extra;
  const assigned = status !== 'logged';
  const state: RecommendationState = {
    ...initialState(id, 3),
    status,
    ...(assigned ? { ownerId: owner.id, leadId: lead.id, dueDate: '2027-06-30' } : {}),
    ...more,
  };
  const item: RecommendationListItem = {
    id,
    reference: id,
    kind: 'recommendation',
    status,
    statusLabel: status,
    category: state.category,
    department: null,
    dueDate: state.dueDate,
    atRisk,
    flaggedAtRisk: false,
    overdue,
    workingDaysOverdue: overdue ? 3 : 0,
    dueSoon: false,
    rag: 'on_target',
    version: 1,
    updatedAt: '2027-05-01T10:00:00.000Z',
    report: { id: 'r', title: 'Custody', originator: 'HMICFRS', kind: 'inspection' },
    owner: state.ownerId ? (ownerActive ? owner : gone) : null,
    lead: state.leadId ? lead : null,
  };
  return { item, state, commands: availableCommands(state, { personId: who.id, roles: who.roles }), ownerActive, leadActive: true };
}

const sectionsOf = (
  who: { id: string; name: string; roles: Role[] },
  build: (w: typeof who) => TaskItem[],
  failedEmails: TaskData['failedEmails'] = [],
) => taskSections({ person: { ...who, delegatesFor: [] }, items: build(who), failedEmails });
const captions = (s: TaskSection | undefined) => s?.tables.map((t) => t.caption);
const section = (result: ReturnType<typeof taskSections>, id: TaskSection['id']) => result.sections.find((s) => s.id === id);

/** My tasks' sections (api/tasks/sections.ts): each role's tasks, as the lifecycle's guards say. */
describe('My tasks sections', () => {
  it("gives the owner their three groups, empty or not, by today's figures", () => {
    const result = sectionsOf({ ...owner, roles: ['action_owner'] }, (w) => [
      task('1', 'in_progress', w, { overdue: true }),
      task('2', 'assigned', w, { risky: true }),
      task('3', 'awaiting_approval', w, { approval: chain(lead.id) }),
    ]);
    expect(result.sections.map((s) => s.id)).toEqual(['owner']);
    expect(captions(section(result, 'owner'))).toEqual(['Overdue (1)', 'Due soon or at risk (1)', 'Under way or waiting for approval (1)']);
    // Waiting for approval is not the owner's to do.
    expect(result.total).toBe(2);
  });

  it('gives a lead their portfolio (overdue, at risk, waiting for them) and the decisions, each item counted once', () => {
    const result = sectionsOf({ ...lead, roles: ['lead'] }, (w) => [
      task('1', 'in_progress', w, { overdue: true }),
      task('2', 'in_progress', w, { risky: true }),
      task('3', 'awaiting_approval', w, {
        approval: chain(lead.id),
        evidence: { summary: 'Done', version: 1, submittedBy: owner.id, submittedOn: '2027-05-02' },
      }),
      task('4', 'in_progress', w),
    ]);
    expect(result.sections.map((s) => s.id)).toEqual(['lead', 'decisions']);
    expect(captions(section(result, 'lead'))).toEqual(['Overdue (1)', 'At risk (1)', 'Waiting for you (1)']);
    expect(captions(section(result, 'decisions'))).toEqual(['Approvals and extensions waiting for your decision, oldest first (1)']);
    expect(JSON.stringify(section(result, 'decisions')!.tables[0]!.rows)).toContain('/approvals/3');
    expect(result.total).toBe(3);
  });

  it('says briefly when a lead has nothing waiting', () => {
    const result = sectionsOf({ ...lead, roles: ['lead'] }, () => []);
    expect(section(result, 'lead')).toMatchObject({ tables: [], empty: 'Nothing you lead is overdue, at risk or waiting for you.' });
    expect(section(result, 'decisions')).toMatchObject({ tables: [], empty: 'Nothing is waiting for your decision.' });
    expect(result.total).toBe(0);
  });

  it('gives the liaison lead what to submit, what awaits HMICFRS and the reality tests', () => {
    const liaison = { id: 'liaison', name: 'Lia Liaison', roles: ['liaison_lead'] as Role[] };
    const certified = {
      selfCertification: { signatory: 'DCC', signatoryRole: null, letterReference: null, signedOn: '2027-04-01', recordedBy: null },
    };
    const submitted = (reality: boolean) => ({
      ...certified,
      hmicfrs: {
        submittedOn: '2027-04-02',
        submittedBy: 'liaison',
        reference: null,
        realityTestAtNextInspection: reality,
        visitedOn: null,
        visitNotes: null,
      },
    });
    const result = sectionsOf(liaison, (w) => [
      task('1', 'self_certified', w, certified),
      task('2', 'awaiting_hmicfrs_sign_off', w, submitted(false)),
      task('3', 'reality_test_at_next_inspection', w, submitted(true)),
      task('4', 'in_progress', w),
    ]);
    expect(result.sections.map((s) => s.id)).toEqual(['hmicfrs']);
    expect(captions(section(result, 'hmicfrs'))).toEqual([
      'To submit to HMICFRS (1)',
      'Awaiting HMICFRS: record its response or visit (1)',
      'To be reality-tested at the next inspection (1)',
    ]);
    expect(result.total).toBe(3);
  });

  it('gives an administrator triage, assignment, approvals with nobody to decide, people to reassign and failed emails', () => {
    const admin = { id: 'admin', name: 'Ada Admin', roles: ['administrator'] as Role[] };
    const result = sectionsOf(
      admin,
      (w) => [
        task('1', 'logged', w, { category: null }),
        task('2', 'logged', w),
        task('3', 'evidence_submitted', w, {
          approval: chain(null),
          evidence: { summary: 'Done', version: 1, submittedBy: owner.id, submittedOn: '2027-05-02' },
        }),
        task('4', 'in_progress', w, { ownerActive: false }),
      ],
      [
        {
          id: 'e1',
          toAddress: 'nobody@example.police.uk',
          subject: 'Task assigned',
          recommendationId: '4',
          createdAt: new Date('2027-05-03T09:00:00Z'),
          lastError: '550 no such user',
        },
      ],
    );
    expect(result.sections.map((s) => s.id)).toEqual(['administration']);
    expect(captions(section(result, 'administration'))).toEqual([
      'To triage: for the force or not, and its category (1)',
      'Not yet assigned (1)',
      'Approvals with nobody to decide them (1)',
      'People no longer active whose items need a new owner or lead (1)',
      'Emails that could not be sent (last 30 days) (1)',
    ]);
    expect(JSON.stringify(section(result, 'administration')!.tables[3]!.rows)).toContain('/recommendations?owner=gone');
    expect(result.total).toBe(5);
  });
});
