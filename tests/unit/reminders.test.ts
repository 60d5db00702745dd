import fc from 'fast-check';
import {
  decide,
  initialState,
  invariantViolations,
  type Actor,
  type Directory,
  type LifecycleCommand,
  type RecommendationState,
} from '../../domain/lifecycle';
import type { ClosureCategory } from '../../domain/vocabulary';
import { calendarDateInLondon } from '../../domain/calendar';
import { createWorkingCalendar, englandAndWalesCalendar } from '../../domain/workingDays';
import { isoDurationProblem, parseIsoDuration } from '../../domain/reminders/durations';
import { defaultReminderPolicy, reminderPolicyProblems, reminderPolicyWith, type ReminderPolicy } from '../../domain/reminders/policy';
import { hmicfrsWaitingSince, plannedNudges, type Nudge } from '../../domain/reminders/plan';
import { committeeUpdateRequests, isOpenForCommittee } from '../../domain/reminders/committee';
import { atRiskHorizon, ragStatus, toSchemeA, toSchemeB } from '../../domain/rag';

const calendar = englandAndWalesCalendar;

/** The earliest nudge still to come, as the workflow takes it from the plan. */
const firstPlanned = (...args: Parameters<typeof plannedNudges>): Nudge | null => plannedNudges(...args)[0] ?? null;
const policy = defaultReminderPolicy;

const directory: Directory = {
  people: [
    { id: 'admin', roles: ['administrator'] },
    { id: 'owen', roles: ['action_owner'] },
    { id: 'lena', roles: ['lead'] },
    { id: 'dora', roles: ['dcc'] },
    { id: 'liam', roles: ['liaison_lead'] },
  ],
  delegations: [],
};
const admin: Actor = { personId: 'admin', roles: ['administrator'] };
const owen: Actor = { personId: 'owen', roles: ['action_owner'] };
const lena: Actor = { personId: 'lena', roles: ['lead'] };
const dora: Actor = { personId: 'dora', roles: ['dcc'] };
const liam: Actor = { personId: 'liam', roles: ['liaison_lead'] };

/** Applies a command on a given day; it must be accepted and leave a sound state. */
function run(state: RecommendationState, command: LifecycleCommand, actor: Actor, today: string): RecommendationState {
  const decision = decide(state, command, { actor, today, directory });
  if (!decision.accepted) throw new Error(`expected ${command.type} to be accepted, but: ${decision.reason}`);
  expect(invariantViolations(decision.state)).toEqual([]);
  return decision.state;
}

/** Assigned on `assignedOn`, due `dueDate`, accepted by the owner the same day. */
function inProgress(dueDate: string, assignedOn = '2027-01-04', category: ClosureCategory = 2): RecommendationState {
  const assigned = run(initialState('rec-1', category), { type: 'assign', ownerId: 'owen', leadId: 'lena', dueDate }, admin, assignedOn);
  return run(assigned, { type: 'accept' }, owen, assignedOn);
}

const summary = (nudges: Nudge[]) => nudges.map((nudge) => `${nudge.at} ${nudge.kind} ${nudge.recipients} ${nudge.key}`);
const keysOf = (nudges: Nudge[]) => nudges.map((nudge) => nudge.key);

describe('ISO-8601 durations', () => {
  it('parses every designator, in order', () => {
    expect(parseIsoDuration('P1Y2M3W4DT5H6M7.5S')).toEqual({ years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7.5 });
    expect(parseIsoDuration('P3M')).toEqual({ years: 0, months: 3, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 });
    expect(parseIsoDuration('PT3M')).toEqual({ years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 3, seconds: 0 });
    expect(parseIsoDuration('PT5S').seconds).toBe(5);
    expect(parseIsoDuration('PT0,25S').seconds).toBe(0.25);
    expect(parseIsoDuration('P2W').weeks).toBe(2);
  });

  it.each([
    ['', /without spaces/],
    [' P1D', /without spaces/],
    ['P', /at least one number and unit/],
    ['PT', /"T" must be followed by hours, minutes or seconds/],
    ['3D', /must start with "P"/],
    ['p1d', /capitals, e.g. "P1D"/],
    ['-P1D', /cannot be signed/],
    ['P1', /every number needs a unit/],
    ['P1H', /hours and seconds belong after "T"/],
    ['PT1D', /years, weeks and days come before "T"/],
    ['P1.5D', /only the seconds may have a fraction/],
    ['PT1.2345S', /to the millisecond/],
    ['P1M1Y', /units in that order/],
    ['P1DT', /"T" must be followed/],
  ])('refuses %j with a message that says why', (text, message) => {
    expect(isoDurationProblem(text)).toMatch(message);
    expect(() => parseIsoDuration(text)).toThrow(message);
  });
});

describe('the reminder policy', () => {
  it('has the defaults of issue 5 and they are sound', () => {
    expect(policy.dueReminders).toEqual([{ workingDays: 28 }, { workingDays: 14 }, { workingDays: 7 }, { workingDays: 1 }]);
    expect(policy.offTargetDcc).toEqual({ workingDays: 5 });
    expect(policy.approvalChase).toEqual({ workingDays: 3 });
    expect(policy.approvalEscalation).toEqual({ workingDays: 5 });
    expect(reminderPolicyProblems(policy)).toEqual([]);
  });

  it('takes a force’s overrides over the defaults', () => {
    const force = reminderPolicyWith({ sendTime: '09:30', committee: { requestBefore: { workingDays: 20 } } });
    expect(force.sendTime).toBe('09:30');
    expect(force.committee).toEqual({
      requestBefore: { workingDays: 20 },
      deadlineBefore: { workingDays: 5 },
      chaseBeforeDeadline: { workingDays: 2 },
    });
    expect(force.dueReminders).toBe(policy.dueReminders);
  });

  it('says what is wrong with a bad policy, and refuses to plan with it', () => {
    const bad = {
      ...policy,
      sendTime: '8am',
      dueReminders: [{ workingDays: 7 }, { workingDays: 7 }, { workingDays: -1 }, { duration: 'P1' }],
      offTargetRepeat: { duration: 'PT0S' },
      approvalChase: { workingDays: 5 },
      approvalEscalation: { workingDays: 3 },
      committee: { requestBefore: { workingDays: 3 }, deadlineBefore: { workingDays: 5 }, chaseBeforeDeadline: { workingDays: 2 } },
    } as ReminderPolicy;
    expect(reminderPolicyProblems(bad)).toEqual([
      'the send time must be a 24-hour London time such as "08:00", not "8am"',
      'the due-date reminder 7 working days before is listed twice',
      'due-date reminder 3: working days must be a whole number, 0 or more (not -1)',
      'due-date reminder 4: "P1" is not an ISO-8601 duration: every number needs a unit (Y, M, W, D, or after "T": H, M, S)',
      'the off-target repeat interval must be longer than zero',
      'the approval escalation (3 working days) must come after the chase (5 working days)',
      'owners must be asked for committee updates (3 working days before the meeting) before they are chased (2 working days before a deadline 5 working days before it)',
    ]);
    expect(reminderPolicyProblems({ ...policy, offTarget: { workingDays: 1, duration: 'P1D' } as never })).toEqual([
      'the off-target notice must have exactly one of workingDays or duration, not workingDays, duration',
    ]);
    expect(() => plannedNudges(inProgress('2027-03-31'), bad, calendar, '2027-01-04T12:00:00Z')).toThrow(
      /the reminder policy cannot be used/,
    );
  });

  it('refuses a time that is not an ISO timestamp with a zone', () => {
    expect(() => plannedNudges(inProgress('2027-03-31'), policy, calendar, '2027-01-04 12:00')).toThrow(/not an ISO timestamp/);
    expect(() => plannedNudges(inProgress('2027-03-31'), policy, calendar, '2027-01-04T12:00:00')).toThrow(/not an ISO timestamp/);
  });
});

describe('due-date reminders and the off-target chain', () => {
  // Due Wednesday 31 March 2027, just after Easter (Good Friday 26, Easter Monday 29 March); clocks go forward on 28 March.
  const item = inProgress('2027-03-31');

  it('reminds the owner 28, 14, 7 and 1 working days before, at 08:00 London time, then chases when off target', () => {
    expect(summary(plannedNudges(item, policy, calendar, '2027-01-04T12:00:00Z'))).toEqual([
      '2027-02-17T08:00:00.000Z due_reminder owner due:2027-03-31:-28wd',
      '2027-03-09T08:00:00.000Z due_reminder owner due:2027-03-31:-14wd',
      '2027-03-18T08:00:00.000Z due_reminder owner due:2027-03-31:-7wd',
      '2027-03-30T07:00:00.000Z due_reminder owner due:2027-03-31:-1wd',
      '2027-04-01T07:00:00.000Z off_target owner_and_lead off_target:2027-03-31',
      '2027-04-08T07:00:00.000Z off_target_dcc dcc off_target_dcc:2027-03-31',
      '2027-04-15T07:00:00.000Z off_target_repeat owner_and_lead off_target_repeat:2027-03-31:1',
    ]);
    expect(plannedNudges(item, policy, calendar, '2027-01-04T12:00:00Z').every((nudge) => nudge.dueDate === '2027-03-31')).toBe(true);
  });

  it('plans only reminders still to come', () => {
    expect(firstPlanned(item, policy, calendar, '2027-03-10T09:00:00Z')?.key).toBe('due:2027-03-31:-7wd');
    // At the very moment a reminder is due it is no longer "to come": the workflow that slept until it sends it.
    expect(firstPlanned(item, policy, calendar, '2027-03-18T08:00:00.000Z')?.key).toBe('due:2027-03-31:-1wd');
    expect(firstPlanned(item, policy, calendar, '2027-03-18T07:59:59.999Z')?.key).toBe('due:2027-03-31:-7wd');
  });

  it('tells owner and lead the day after, the DCC five working days later, then repeats weekly over bank holidays', () => {
    // The workflow's loop: take the next nudge, sleep until it, send it, ask again.
    const sent: string[] = [];
    let now = '2027-03-31T12:00:00Z';
    for (let index = 0; index < 6; index += 1) {
      const nudge = firstPlanned(item, policy, calendar, now)!;
      sent.push(`${nudge.at} ${nudge.kind} ${nudge.recipients} ${nudge.key}`);
      now = nudge.at;
    }
    expect(sent).toEqual([
      '2027-04-01T07:00:00.000Z off_target owner_and_lead off_target:2027-03-31',
      '2027-04-08T07:00:00.000Z off_target_dcc dcc off_target_dcc:2027-03-31',
      '2027-04-15T07:00:00.000Z off_target_repeat owner_and_lead off_target_repeat:2027-03-31:1',
      '2027-04-22T07:00:00.000Z off_target_repeat owner_and_lead off_target_repeat:2027-03-31:2',
      '2027-04-29T07:00:00.000Z off_target_repeat owner_and_lead off_target_repeat:2027-03-31:3',
      // A working week on from Thursday 29 April, over the early May bank holiday (Monday 3 May).
      '2027-05-07T07:00:00.000Z off_target_repeat owner_and_lead off_target_repeat:2027-03-31:4',
    ]);
  });

  it('finds the next repeat of a chase that has run for years, with the same key whenever it is asked', () => {
    const later = firstPlanned(item, policy, calendar, '2030-06-12T10:00:00Z')!;
    expect(later.kind).toBe('off_target_repeat');
    expect(later.at > '2030-06-12T10:00:00Z').toBe(true);
    expect(Date.parse(later.at) - Date.parse('2030-06-12T10:00:00Z')).toBeLessThanOrEqual(10 * 86_400_000);
    const justBefore = new Date(Date.parse(later.at) - 1).toISOString();
    expect(firstPlanned(item, policy, calendar, justBefore)).toEqual(later);
    const repeat = Number(later.key.split(':').pop());
    // Counted afresh from the DCC's notice on 8 April 2027, the repeat lands on the same day.
    expect(calendar.addWorkingDays('2027-04-08', 5 * repeat)).toBe(later.at.slice(0, 10));
  });

  it('moves every reminder when an extension is approved while a reminder is pending', () => {
    const requested = run(
      item,
      { type: 'requestExtension', newDueDate: '2027-06-30', reason: 'Awaiting the new IT system' },
      owen,
      '2027-03-10',
    );
    // While the extension waits for the lead, the old reminders stand and the lead is chased to decide.
    expect(summary(plannedNudges(requested, policy, calendar, '2027-03-10T12:00:00Z')).slice(0, 4)).toEqual([
      '2027-03-15T08:00:00.000Z approval_chase approver extension:2027-03-10:2027-06-30:s1:lena:2027-03-10:chase',
      '2027-03-17T08:00:00.000Z approval_escalation next_approver extension:2027-03-10:2027-06-30:s1:lena:2027-03-10:escalate',
      '2027-03-18T08:00:00.000Z due_reminder owner due:2027-03-31:-7wd',
      '2027-03-30T07:00:00.000Z due_reminder owner due:2027-03-31:-1wd',
    ]);
    const extended = run(requested, { type: 'decideExtension', approved: true }, lena, '2027-03-11');
    const nudges = plannedNudges(extended, policy, calendar, '2027-03-11T12:00:00Z');
    expect(summary(nudges).slice(0, 4)).toEqual([
      // 28 working days before 30 June 2027 reaches back over the spring bank holiday (31 May).
      '2027-05-20T07:00:00.000Z due_reminder owner due:2027-06-30:-28wd',
      '2027-06-10T07:00:00.000Z due_reminder owner due:2027-06-30:-14wd',
      '2027-06-21T07:00:00.000Z due_reminder owner due:2027-06-30:-7wd',
      '2027-06-29T07:00:00.000Z due_reminder owner due:2027-06-30:-1wd',
    ]);
    expect(keysOf(nudges).filter((key) => key.includes('2027-03-31'))).toEqual([]);
    expect(nudges.every((nudge) => nudge.dueDate === '2027-06-30')).toBe(true);
  });

  it('handles a due date on a bank holiday', () => {
    // Due Monday 3 May 2027, the early May bank holiday.
    const onHoliday = inProgress('2027-05-03', '2027-04-01');
    expect(summary(plannedNudges(onHoliday, policy, calendar, '2027-04-01T12:00:00Z'))).toEqual([
      '2027-04-13T07:00:00.000Z due_reminder owner due:2027-05-03:-14wd',
      '2027-04-22T07:00:00.000Z due_reminder owner due:2027-05-03:-7wd',
      '2027-04-30T07:00:00.000Z due_reminder owner due:2027-05-03:-1wd',
      '2027-05-04T07:00:00.000Z off_target owner_and_lead off_target:2027-05-03',
      '2027-05-11T07:00:00.000Z off_target_dcc dcc off_target_dcc:2027-05-03',
      '2027-05-18T07:00:00.000Z off_target_repeat owner_and_lead off_target_repeat:2027-05-03:1',
    ]);
    expect(ragStatus(onHoliday, '2027-05-03')).toBe('at_risk');
    expect(ragStatus(onHoliday, '2027-05-04')).toBe('off_target');
  });

  it('goes off target after Christmas and tells the DCC after the New Year', () => {
    const christmasEve = inProgress('2027-12-24', '2027-12-01');
    const chain = plannedNudges(christmasEve, policy, calendar, '2027-12-24T12:00:00Z');
    expect(summary(chain)).toEqual([
      '2027-12-29T08:00:00.000Z off_target owner_and_lead off_target:2027-12-24',
      '2028-01-06T08:00:00.000Z off_target_dcc dcc off_target_dcc:2027-12-24',
      '2028-01-13T08:00:00.000Z off_target_repeat owner_and_lead off_target_repeat:2027-12-24:1',
    ]);
    // A force closed between Christmas and New Year pushes the chain on.
    const closedForce = createWorkingCalendar({ extraClosedDays: ['2027-12-29', '2027-12-30', '2027-12-31'] });
    expect(summary(plannedNudges(christmasEve, policy, closedForce, '2027-12-24T12:00:00Z')).slice(0, 2)).toEqual([
      '2028-01-04T08:00:00.000Z off_target owner_and_lead off_target:2027-12-24',
      '2028-01-11T08:00:00.000Z off_target_dcc dcc off_target_dcc:2027-12-24',
    ]);
  });

  it('stops chasing the owner once evidence is in, and resumes the same series if it is rejected', () => {
    const evidenced = run(item, { type: 'submitEvidence', summary: 'New policy published' }, owen, '2027-03-30');
    const whileApproving = plannedNudges(evidenced, policy, calendar, '2027-03-30T12:00:00Z');
    expect(whileApproving.map((nudge) => nudge.kind)).toEqual(['approval_chase', 'approval_escalation']);
    const rejected = run(evidenced, { type: 'reject', reasons: 'The policy is still a draft' }, lena, '2027-04-20');
    expect(summary(plannedNudges(rejected, policy, calendar, '2027-04-20T12:00:00Z'))).toEqual([
      '2027-04-22T07:00:00.000Z off_target_repeat owner_and_lead off_target_repeat:2027-03-31:2',
    ]);
  });

  it('plans nothing for closed items, items not for the force, logged items, or items waiting for self-certification', () => {
    const closed = run(item, { type: 'markNoLongerRelevant', reason: 'Superseded by national guidance' }, admin, '2027-03-10');
    expect(plannedNudges(closed, policy, calendar, '2027-03-10T12:00:00Z')).toEqual([]);
    expect(firstPlanned(closed, policy, calendar, '2027-03-10T12:00:00Z')).toBeNull();
    const notForUs = run(initialState('rec-2'), { type: 'markNotForTheForce', reason: 'For the Home Office' }, admin, '2027-03-10');
    expect(plannedNudges(notForUs, policy, calendar, '2027-03-10T12:00:00Z')).toEqual([]);
    expect(plannedNudges(initialState('rec-3'), policy, calendar, '2027-03-10T12:00:00Z')).toEqual([]);
    const evidenced = run(item, { type: 'submitEvidence', summary: 'Done' }, owen, '2027-03-10');
    const approved = run(run(evidenced, { type: 'approve' }, lena, '2027-03-11'), { type: 'approve' }, dora, '2027-03-12');
    expect(approved.status).toBe('awaiting_self_certification');
    expect(plannedNudges(approved, policy, calendar, '2027-03-12T12:00:00Z')).toEqual([]);
  });

  it('gives a reopened item fresh keys for the same due date', () => {
    const closed = run(item, { type: 'markBusinessAsUsual', reason: 'Now part of normal management' }, admin, '2027-03-10');
    const reopened = run(closed, { type: 'reopen', reason: 'The audit found gaps' }, admin, '2027-03-11');
    expect(keysOf(plannedNudges(reopened, policy, calendar, '2027-03-11T12:00:00Z')).slice(0, 2)).toEqual([
      'due:2027-03-31:-7wd#reopen1',
      'due:2027-03-31:-1wd#reopen1',
    ]);
  });
});

describe('approval chases', () => {
  // Evidence submitted on Monday 22 March 2027; Easter falls in the wait.
  const evidenced = run(
    inProgress('2027-06-30', '2027-03-01'),
    { type: 'submitEvidence', summary: 'Training delivered to all sergeants' },
    owen,
    '2027-03-22',
  );

  it('chases the approver after 3 working days and escalates after 5', () => {
    expect(evidenced.status).toBe('awaiting_approval');
    expect(plannedNudges(evidenced, policy, calendar, '2027-03-22T12:00:00Z')).toEqual([
      {
        at: '2027-03-25T08:00:00.000Z',
        kind: 'approval_chase',
        recipients: 'approver',
        key: 'approval:e1:s1:lena:2027-03-22:chase',
        approval: { chain: 'closure', step: 1, approverId: 'lena', openedOn: '2027-03-22' },
      },
      {
        at: '2027-03-31T07:00:00.000Z',
        kind: 'approval_escalation',
        recipients: 'next_approver',
        key: 'approval:e1:s1:lena:2027-03-22:escalate',
        approval: { chain: 'closure', step: 1, approverId: 'lena', openedOn: '2027-03-22' },
      },
    ]);
  });

  it('starts again for the next step from the day it opens', () => {
    const toDcc = run(evidenced, { type: 'approve' }, lena, '2027-03-24');
    expect(summary(plannedNudges(toDcc, policy, calendar, '2027-03-24T12:00:00Z'))).toEqual([
      '2027-03-31T07:00:00.000Z approval_chase approver approval:e1:s2:dora:2027-03-24:chase',
      '2027-04-02T07:00:00.000Z approval_escalation next_approver approval:e1:s2:dora:2027-03-24:escalate',
    ]);
  });

  it('counts in seconds when the policy says so, from the instant the step opened when the workflow knows it', () => {
    const fast = reminderPolicyWith({ approvalChase: { duration: 'PT5S' }, approvalEscalation: { duration: 'PT10S' } });
    expect(reminderPolicyProblems(fast)).toEqual([]);
    const anchors = { approvalStepOpenedAt: '2027-03-22T14:03:07.250Z' };
    expect(summary(plannedNudges(evidenced, fast, calendar, '2027-03-22T14:03:08Z', { anchors }))).toEqual([
      '2027-03-22T14:03:12.250Z approval_chase approver approval:e1:s1:lena:2027-03-22:chase',
      '2027-03-22T14:03:17.250Z approval_escalation next_approver approval:e1:s1:lena:2027-03-22:escalate',
    ]);
    // Without the instant, the step counts from the send time on the day it opened.
    expect(summary(plannedNudges(evidenced, fast, calendar, '2027-03-22T07:00:00Z'))).toEqual([
      '2027-03-22T08:00:05.000Z approval_chase approver approval:e1:s1:lena:2027-03-22:chase',
      '2027-03-22T08:00:10.000Z approval_escalation next_approver approval:e1:s1:lena:2027-03-22:escalate',
    ]);
    // An instant from another day belongs to another step and is ignored.
    const stale = { approvalStepOpenedAt: '2027-03-19T14:03:07.250Z' };
    expect(firstPlanned(evidenced, fast, calendar, '2027-03-22T07:00:00Z', { anchors: stale })?.at).toBe('2027-03-22T08:00:05.000Z');
  });
});

describe('durations for due dates and HMICFRS', () => {
  it('counts reminders in seconds before the due date’s send time', () => {
    const fast = reminderPolicyWith({ dueReminders: [{ duration: 'PT5S' }] });
    const due = inProgress('2027-03-31');
    expect(firstPlanned(due, fast, calendar, '2027-03-31T06:00:00Z')).toMatchObject({
      at: '2027-03-31T06:59:55.000Z',
      kind: 'due_reminder',
      key: 'due:2027-03-31:-PT5S',
    });
  });

  it('moves a calendar-period reminder back onto a working day', () => {
    // A week before Monday 5 April 2027 is Easter Monday; the reminder goes on the Thursday before Good Friday.
    const weekly = reminderPolicyWith({ dueReminders: [{ duration: 'P1W' }] });
    expect(firstPlanned(inProgress('2027-04-05'), weekly, calendar, '2027-01-04T12:00:00Z')?.at).toBe('2027-03-25T08:00:00.000Z');
  });

  function withHmicfrs(submittedOn: string): RecommendationState {
    const evidenced = run(inProgress('2027-04-30', '2027-03-01', 3), { type: 'submitEvidence', summary: 'Done' }, owen, '2027-03-22');
    const approved = run(run(evidenced, { type: 'approve' }, lena, '2027-03-23'), { type: 'approve' }, dora, '2027-03-24');
    const certified = run(approved, { type: 'selfCertify', signatory: 'Chief Constable' }, admin, '2027-03-25');
    return run(certified, { type: 'submitToHmicfrs', reference: 'Portal 1' }, liam, submittedOn);
  }

  it('tells the liaison lead when HMICFRS has not signed off within three months', () => {
    // Submitted Friday 28 May 2027: three months on is Saturday 28 August, then the summer bank holiday.
    const submitted = withHmicfrs('2027-05-28');
    expect(submitted.status).toBe('awaiting_hmicfrs_sign_off');
    expect(plannedNudges(submitted, policy, calendar, '2027-05-28T12:00:00Z')).toEqual([
      {
        at: '2027-08-31T07:00:00.000Z',
        kind: 'hmicfrs_chase',
        recipients: 'liaison_lead',
        key: 'hmicfrs:awaiting_hmicfrs_sign_off:2027-05-28:P3M',
      },
    ]);
    expect(ragStatus(submitted, '2027-09-01')).toBe('proposed_for_closure');
  });

  it('counts the wait from the submission, and not while the work is with the owner', () => {
    const older = withHmicfrs('2027-04-01');
    expect(hmicfrsWaitingSince(older)).toBe('2027-04-01');
    expect(plannedNudges(older, policy, calendar, '2027-04-01T12:00:00Z')).toEqual([
      {
        at: '2027-07-01T07:00:00.000Z',
        kind: 'hmicfrs_chase',
        recipients: 'liaison_lead',
        key: 'hmicfrs:awaiting_hmicfrs_sign_off:2027-04-01:P3M',
      },
    ]);
    const working = inProgress('2027-12-31');
    expect(hmicfrsWaitingSince(working)).toBeNull();
    expect(plannedNudges(working, policy, calendar, '2027-08-31T12:00:00Z').some((nudge) => nudge.kind === 'hmicfrs_chase')).toBe(false);
  });

  it('does not chase an item HMICFRS will reality-test at the next inspection', () => {
    const realityTest = run(withHmicfrs('2027-04-01'), { type: 'recordHmicfrsResponse', outcome: 'reality_test' }, liam, '2027-04-02');
    expect(plannedNudges(realityTest, policy, calendar, '2027-04-02T12:00:00Z')).toEqual([]);
  });
});

describe('committee update requests', () => {
  it('asks owners 15 working days before each meeting and chases 2 working days before the deadline', () => {
    expect(committeeUpdateRequests(['2027-06-30', '2027-03-31', '2027-06-30'], policy, calendar)).toEqual([
      {
        meeting: '2027-03-31',
        requestOn: '2027-03-08',
        requestAt: '2027-03-08T08:00:00.000Z',
        deadline: '2027-03-22',
        chaseOn: '2027-03-18',
        chaseAt: '2027-03-18T08:00:00.000Z',
      },
      {
        meeting: '2027-06-30',
        requestOn: '2027-06-09',
        requestAt: '2027-06-09T07:00:00.000Z',
        deadline: '2027-06-23',
        chaseOn: '2027-06-21',
        chaseAt: '2027-06-21T07:00:00.000Z',
      },
    ]);
  });

  it('asks the owner of every open item, and chases only those who have not answered', () => {
    const item = inProgress('2027-12-31');
    const meetings = ['2027-03-31'];
    const committee = (state: RecommendationState, now: string) =>
      plannedNudges(state, policy, calendar, now, { committeeMeetings: meetings }).filter((nudge) => nudge.meeting);
    expect(summary(committee(item, '2027-03-01T12:00:00Z'))).toEqual([
      '2027-03-08T08:00:00.000Z committee_update_request owner committee:2027-03-31:request',
      '2027-03-18T08:00:00.000Z committee_update_chase owner committee:2027-03-31:chase',
    ]);
    const answered = run(item, { type: 'postUpdate', text: 'Training plan agreed' }, owen, '2027-03-09');
    expect(committee(answered, '2027-03-09T12:00:00Z')).toEqual([]);
    // An update from before the request does not count for this meeting.
    const early = run(item, { type: 'postUpdate', text: 'Started' }, owen, '2027-03-05');
    expect(committee(early, '2027-03-09T12:00:00Z').map((nudge) => nudge.kind)).toEqual(['committee_update_chase']);
  });

  it('counts items as open for the committee while they have an owner and are not closed', () => {
    const item = inProgress('2027-12-31');
    expect(isOpenForCommittee(item)).toBe(true);
    expect(isOpenForCommittee(run(item, { type: 'submitEvidence', summary: 'Done' }, owen, '2027-03-01'))).toBe(true);
    expect(isOpenForCommittee(initialState('rec-9'))).toBe(false);
    expect(isOpenForCommittee(run(item, { type: 'markNoLongerRelevant', reason: 'Withdrawn' }, admin, '2027-03-01'))).toBe(false);
  });
});

describe('RAG status', () => {
  const today = '2027-01-04';

  it('is on target, at risk within three months (or when flagged), and off target once the due date has passed', () => {
    expect(atRiskHorizon(today)).toBe('2027-04-04');
    expect(ragStatus(inProgress('2027-12-31'), today)).toBe('on_target');
    expect(ragStatus(inProgress('2027-04-05'), today)).toBe('on_target');
    expect(ragStatus(inProgress('2027-04-04'), today)).toBe('at_risk');
    expect(ragStatus(inProgress('2027-01-04'), today)).toBe('at_risk');
    expect(ragStatus(inProgress('2027-01-04'), '2027-01-05')).toBe('off_target');
    const flagged = run(inProgress('2027-12-31'), { type: 'flagAtRisk', reason: 'Budget not agreed' }, owen, today);
    expect(ragStatus(flagged, today)).toBe('at_risk');
    const assigned = run(initialState('rec-1'), { type: 'assign', ownerId: 'owen', leadId: 'lena', dueDate: '2027-12-31' }, admin, today);
    expect(ragStatus(assigned, today)).toBe('on_target');
  });

  it('uses the force’s at-risk window', () => {
    const sixWeeks = reminderPolicyWith({ atRiskWithin: { workingDays: 30 } });
    expect(ragStatus(inProgress('2027-03-31'), today, sixWeeks, calendar)).toBe('on_target');
    expect(ragStatus(inProgress('2027-02-15'), today, sixWeeks, calendar)).toBe('at_risk');
  });

  it('maps every canonical status to both schemes', () => {
    const late = inProgress('2027-01-04');
    const evidenced = run(late, { type: 'submitEvidence', summary: 'Done' }, owen, '2027-02-01');
    const approved = run(run(evidenced, { type: 'approve' }, lena, '2027-02-02'), { type: 'approve' }, dora, '2027-02-03');
    const closedLate = run(approved, { type: 'selfCertify', signatory: 'CC' }, admin, '2027-02-04');
    const onTime = inProgress('2027-12-31');
    const closedOnTime = run(
      run(
        run(run(onTime, { type: 'submitEvidence', summary: 'Done' }, owen, '2027-02-01'), { type: 'approve' }, lena, '2027-02-02'),
        { type: 'approve' },
        dora,
        '2027-02-03',
      ),
      { type: 'selfCertify', signatory: 'CC' },
      admin,
      '2027-02-04',
    );
    const irrelevant = run(onTime, { type: 'markNoLongerRelevant', reason: 'Withdrawn by HMICFRS' }, admin, '2027-02-04');
    const notForUs = run(initialState('rec-2'), { type: 'markNotForTheForce', reason: 'For the College of Policing' }, admin, today);
    const flagged = run(inProgress('2027-12-31'), { type: 'flagAtRisk', reason: 'Budget' }, owen, today);

    const on = '2027-02-10';
    const rows = (
      [
        ['logged', initialState('rec-3')],
        ['on target', onTime],
        ['at risk', flagged],
        ['off target', late],
        ['proposed for closure (past its due date)', evidenced],
        ['closed on time', closedOnTime],
        ['closed late', closedLate],
        ['no longer relevant', irrelevant],
        ['not for the force', notForUs],
      ] as const
    ).map(([name, state]) => {
      const rag = ragStatus(state, on);
      return [name, rag, toSchemeA(rag, state), toSchemeA(rag, state, '2027-01-31'), toSchemeB(rag)];
    });
    expect(rows).toEqual([
      ['logged', 'on_target', 'AMBER', 'AMBER', 'On target'],
      ['on target', 'on_target', 'AMBER', 'AMBER', 'On target'],
      ['at risk', 'at_risk', 'AMBER', 'AMBER', 'At risk'],
      ['off target', 'off_target', 'RED', 'RED', 'Off target'],
      ['proposed for closure (past its due date)', 'proposed_for_closure', 'AMBER', 'AMBER', 'Proposed for closure'],
      ['closed on time', 'closed', 'GREEN', 'NEW GREEN', 'Closed'],
      ['closed late', 'closed', 'PURPLE', 'PURPLE', 'Closed'],
      ['no longer relevant', 'closed', 'WHITE', 'WHITE', 'Closed'],
      ['not for the force', 'not_for_the_force', 'WHITE', 'WHITE', null],
    ]);
    // Closed before the last report: plain GREEN again.
    expect(toSchemeA('closed', closedOnTime, '2027-02-04')).toBe('GREEN');
  });
});

describe('nudge properties', () => {
  const day = 86_400_000;
  const dueDates = fc
    .integer({ min: Date.UTC(2027, 0, 4) / day, max: Date.UTC(2029, 11, 31) / day })
    .map((n) => new Date(n * day).toISOString().slice(0, 10));
  const instants = fc.integer({ min: Date.UTC(2026, 11, 1), max: Date.UTC(2030, 5, 1) }).map((ms) => new Date(ms).toISOString());

  it('plans nudges after now, in order, with unique keys, on working days, reminders before the due date and chases after it', () => {
    fc.assert(
      fc.property(dueDates, instants, (dueDate, now) => {
        const nudges = plannedNudges(inProgress(dueDate), policy, calendar, now);
        expect(new Set(keysOf(nudges)).size).toBe(nudges.length);
        nudges.forEach((nudge, index) => {
          expect(Date.parse(nudge.at)).toBeGreaterThan(Date.parse(now));
          if (index > 0) expect(nudge.at >= nudges[index - 1]!.at).toBe(true);
          const sentOn = calendarDateInLondon(Date.parse(nudge.at));
          expect(calendar.isWorkingDay(sentOn)).toBe(true);
          if (nudge.kind === 'due_reminder') expect(sentOn < dueDate).toBe(true);
          else expect(sentOn > dueDate).toBe(true);
        });
        // The chase never ends while the item is open: there is always a next nudge.
        expect(nudges.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});
