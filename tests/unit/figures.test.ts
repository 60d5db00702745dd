import fc from 'fast-check';
import { nudgeHeadline } from '../../activities/emails/nudgeEmail';
import { addCalendarDays } from '../../domain/calendar';
import {
  atRiskHorizon,
  describePeriod,
  figureCutoffs,
  figuresFrom,
  firstReminderOn,
  itemFigures,
  overdueFrom,
  type FigureSubject,
} from '../../domain/figures';
import { workingStatuses, type LifecycleStatus } from '../../domain/lifecycle/states';
import { ragStatus } from '../../domain/rag';
import { defaultReminderPolicy, reminderPolicyProblems, reminderPolicyWith } from '../../domain/reminders/policy';
import { offTargetMoment, plannedNudges } from '../../domain/reminders/plan';
import { initialState, type RecommendationState } from '../../domain/lifecycle/states';
import { createWorkingCalendar, englandAndWalesCalendar } from '../../domain/workingDays';

/** Overdue, at risk, due soon and RAG defined once (domain/figures.ts), and the reminders and policy checks that rely on them. */

const calendar = englandAndWalesCalendar;
const policy = defaultReminderPolicy;
const working = (dueDate: string | null, atRisk: object | null = null, status: LifecycleStatus = 'in_progress'): FigureSubject => ({
  status,
  dueDate,
  atRisk,
});

describe('overdue starts the working day after the due date', () => {
  // Friday 4 December 2026; Christmas Day and Boxing Day 2026 are a Friday and a Saturday (substitute Monday 28th).
  it('is not overdue on the due date, nor over the weekend after a Friday, and is from the Monday', () => {
    expect(itemFigures(working('2026-12-04'), '2026-12-04')).toMatchObject({ overdue: false, atRisk: true, rag: 'at_risk' });
    expect(itemFigures(working('2026-12-04'), '2026-12-05')).toMatchObject({ overdue: false, atRisk: true, rag: 'at_risk' });
    expect(itemFigures(working('2026-12-04'), '2026-12-06').overdue).toBe(false);
    expect(itemFigures(working('2026-12-04'), '2026-12-07')).toMatchObject({
      overdue: true,
      overdueSince: '2026-12-07',
      workingDaysOverdue: 1,
      atRisk: false,
      rag: 'off_target',
    });
    expect(itemFigures(working('2026-12-04'), '2026-12-09').workingDaysOverdue).toBe(3);
    expect(ragStatus({ status: 'in_progress', dueDate: '2026-12-04', atRisk: null }, '2026-12-05')).toBe('at_risk');
  });

  it('skips bank holidays and the force’s own closure days', () => {
    expect(overdueFrom('2026-12-24', calendar)).toBe('2026-12-29');
    expect(itemFigures(working('2026-12-24'), '2026-12-28').overdue).toBe(false);
    expect(itemFigures(working('2026-12-24'), '2026-12-29').overdue).toBe(true);
    const closed = createWorkingCalendar({ extraClosedDays: ['2026-12-29', '2026-12-30'] });
    expect(itemFigures(working('2026-12-24'), '2026-12-30', policy, closed).overdue).toBe(false);
    expect(itemFigures(working('2026-12-24'), '2026-12-31', policy, closed)).toMatchObject({
      overdue: true,
      overdueSince: '2026-12-31',
      workingDaysOverdue: 1,
    });
  });

  it('is never overdue or at risk with the approvers, with HMICFRS, closed, logged, or not for the force', () => {
    for (const status of [
      'awaiting_approval',
      'evidence_submitted',
      'awaiting_hmicfrs_sign_off',
      'closed',
      'logged',
      'not_for_the_force',
    ] as const) {
      expect([status, itemFigures(working('2026-01-01', { reason: 'x' }, status), '2026-12-07')]).toMatchObject([
        status,
        { overdue: false, atRisk: false, dueSoon: false },
      ]);
    }
    expect(itemFigures({ ...working('2026-01-01'), forTheForce: false }, '2026-12-07')).toMatchObject({
      rag: 'not_for_the_force',
      overdue: false,
    });
    expect(itemFigures(working('2026-01-01', null, 'awaiting_approval'), '2026-12-07').rag).toBe('proposed_for_closure');
  });
});

describe('at risk and due soon', () => {
  const today = '2026-12-07';

  it('is at risk within the force’s window (three months by default) or when flagged, and not once overdue', () => {
    expect(atRiskHorizon(today)).toBe('2027-03-07');
    expect(itemFigures(working('2027-03-07'), today).atRisk).toBe(true);
    expect(itemFigures(working('2027-03-08'), today).atRisk).toBe(false);
    expect(itemFigures(working('2028-01-01', { reason: 'Supplier late' }), today)).toMatchObject({ atRisk: true, flaggedAtRisk: true });
    expect(itemFigures(working('2026-11-01', { reason: 'Supplier late' }), today)).toMatchObject({
      atRisk: false,
      overdue: true,
      flaggedAtRisk: true,
    });
    const sixWeeks = reminderPolicyWith({ atRiskWithin: { duration: 'P6W' } });
    expect(itemFigures(working('2027-01-19'), today, sixWeeks).atRisk).toBe(false);
    expect(itemFigures(working('2027-01-18'), today, sixWeeks).atRisk).toBe(true);
  });

  it('is due soon once the first due-date reminder has gone (28 working days before, by default)', () => {
    expect(firstReminderOn('2027-01-20', policy, calendar)).toBe('2026-12-08');
    expect(itemFigures(working('2027-01-20'), today).dueSoon).toBe(false);
    expect(itemFigures(working('2027-01-19'), today).dueSoon).toBe(true);
    expect(itemFigures(working(today), today).dueSoon).toBe(true);
    const none = reminderPolicyWith({ dueReminders: [] });
    expect(itemFigures(working(today), today, none).dueSoon).toBe(true);
    expect(itemFigures(working(addCalendarDays(today, 1)), today, none).dueSoon).toBe(false);
  });

  it('describes the window in words', () => {
    expect(describePeriod({ duration: 'P3M' })).toBe('3 months');
    expect(describePeriod({ workingDays: 30 })).toBe('30 working days');
    expect(describePeriod({ duration: 'P1M2W' })).toBe('1 month and 2 weeks');
  });
});

describe('the cut-offs the list’s SQL compares with say what each item’s own rule says', () => {
  const day = 86_400_000;
  const dates = fc
    .integer({ min: Date.UTC(2025, 0, 1) / day, max: Date.UTC(2029, 11, 31) / day })
    .map((n) => new Date(n * day).toISOString().slice(0, 10));
  const offsets = fc.oneof(
    fc.integer({ min: 0, max: 60 }).map((n) => ({ workingDays: n })),
    fc.constantFrom('P1D', 'P2W', 'P1M', 'P3M', 'P1M10D', 'PT5S', 'P1DT2H').map((duration) => ({ duration })),
  );
  const windows = fc.oneof(
    fc.integer({ min: 1, max: 90 }).map((n) => ({ workingDays: n })),
    fc.constantFrom('P3M', 'P6W', 'P10D', 'PT1H').map((duration) => ({ duration })),
  );

  it('for any day, due date, policy and closure days', () => {
    fc.assert(
      fc.property(
        dates,
        fc.integer({ min: -120, max: 200 }),
        fc.array(offsets, { maxLength: 4 }),
        windows,
        fc.array(fc.integer({ min: -30, max: 30 }), { maxLength: 6 }),
        fc.boolean(),
        (today, dueIn, reminders, window, closures, flagged) => {
          const labels = new Set(reminders.map((r) => JSON.stringify(r)));
          const forcePolicy = reminderPolicyWith({
            dueReminders: [...labels].map((r) => JSON.parse(r) as (typeof reminders)[number]),
            atRiskWithin: window,
          });
          const forceCalendar = createWorkingCalendar({ extraClosedDays: closures.map((n) => addCalendarDays(today, n)) });
          const due = addCalendarDays(today, dueIn);
          const figures = figuresFrom(
            working(due, flagged ? { reason: 'r' } : null),
            figureCutoffs(today, forcePolicy, forceCalendar),
            forceCalendar,
          );
          const overdue = overdueFrom(due, forceCalendar) <= today;
          expect(figures.overdue).toBe(overdue);
          expect(figures.atRisk).toBe(!overdue && (flagged || due <= atRiskHorizon(today, forcePolicy, forceCalendar)));
          expect(figures.dueSoon).toBe(!overdue && firstReminderOn(due, forcePolicy, forceCalendar) <= today);
          expect(figures.workingDaysOverdue > 0).toBe(overdue);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the off-target reminders follow the same rule', () => {
  const inProgress = (dueDate: string): RecommendationState => ({
    ...initialState('rec-1', 2),
    status: 'in_progress',
    ownerId: 'owen',
    leadId: 'lena',
    dueDate,
  });

  it('never tells anyone an item is off target on its due date, whatever the offset', () => {
    // The policy of the bug: off target five minutes after the send time. Due Monday 7 December 2026.
    const quick = reminderPolicyWith({ offTarget: { duration: 'PT5M' }, offTargetDcc: { duration: 'PT5M' } });
    const nudges = plannedNudges(inProgress('2026-12-07'), quick, calendar, '2026-12-07T06:00:00Z');
    const offTarget = nudges.find((nudge) => nudge.kind === 'off_target')!;
    expect(offTarget.at).toBe('2026-12-08T08:00:00.000Z');
    expect(nudges.find((nudge) => nudge.kind === 'off_target_dcc')!.at).toBe('2026-12-08T08:05:00.000Z');
    // Due on a Friday: the first overdue day is the Monday.
    expect(offTargetMoment('2026-12-04', quick, calendar).date).toBe('2026-12-07');
    expect(offTargetMoment('2026-12-04', policy, calendar).date).toBe('2026-12-07');
  });

  it('sends off-target notices only on days the item is overdue', () => {
    const day = 86_400_000;
    fc.assert(
      fc.property(
        fc
          .integer({ min: Date.UTC(2026, 0, 1) / day, max: Date.UTC(2029, 11, 31) / day })
          .map((n) => new Date(n * day).toISOString().slice(0, 10)),
        fc.constantFrom<Record<string, string | number>>(
          { workingDays: 1 },
          { workingDays: 3 },
          { duration: 'P1D' },
          { duration: 'PT5M' },
          { duration: 'PT12H' },
          { duration: 'P1W' },
        ),
        (due, offTarget) => {
          const forcePolicy = reminderPolicyWith({ offTarget: offTarget as { workingDays: number } });
          for (const nudge of plannedNudges(inProgress(due), forcePolicy, calendar, `${addCalendarDays(due, -40)}T12:00:00Z`)) {
            if (!nudge.kind.startsWith('off_target')) continue;
            const sentOn = new Date(nudge.at).toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
            expect(itemFigures(working(due), sentOn, forcePolicy).overdue).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('words the email from the figures: how long overdue, and the due date', () => {
    const facts = { workingDaysToDue: -1, dueDate: '2026-12-04', meeting: null };
    expect(nudgeHeadline('off_target', { ...facts, workingDaysOverdue: 1 })).toBe('Overdue by 1 working day (due 4 December 2026)');
    expect(nudgeHeadline('off_target_dcc', { ...facts, workingDaysOverdue: 5 })).toBe(
      'Escalated to you: overdue by 5 working days (due 4 December 2026)',
    );
    expect(nudgeHeadline('off_target_repeat', { ...facts, workingDaysOverdue: 10 })).toBe(
      'Still overdue by 10 working days (due 4 December 2026)',
    );
    expect(nudgeHeadline('off_target', { ...facts, workingDaysOverdue: 0 })).toBe('Due 4 December 2026');
  });
});

describe('the policy check on the force’s calendar', () => {
  const on = { calendar, from: '2026-12-07' };

  it('refuses a chase that would come after (or with) the escalation it leads to, on some day, and says when', () => {
    // Four working days against a week: fine in most weeks (the rough check passes it), but not over Christmas.
    const mixed = reminderPolicyWith({ approvalChase: { workingDays: 4 }, approvalEscalation: { duration: 'P7D' } });
    expect(reminderPolicyProblems(mixed)).toEqual([]);
    expect(reminderPolicyProblems(mixed, on)).toEqual([
      'the approval escalation (P7D) must come after the chase (4 working days): for a step opened on 21 December 2026 the escalation would be sent on 29 December 2026, at the same time as the chase (29 December 2026)',
    ]);
    const closures = reminderPolicyProblems(
      reminderPolicyWith({ approvalChase: { workingDays: 3 }, approvalEscalation: { duration: 'P7D' } }),
      {
        calendar: createWorkingCalendar({ bankHolidays: [], extraClosedDays: ['2027-06-07', '2027-06-08', '2027-06-09'] }),
        from: '2026-12-07',
      },
    );
    expect(closures).toEqual([
      'the approval escalation (P7D) must come after the chase (3 working days): for a step opened on 2 June 2027 the escalation would be sent on 10 June 2027, at the same time as the chase (10 June 2027)',
    ]);
    const sameDay = reminderPolicyWith({ approvalChase: { duration: 'P1D' }, approvalEscalation: { duration: 'P2D' } });
    expect(reminderPolicyProblems(sameDay, on)[0]).toMatch(
      /^the approval escalation \(P2D\) must come after the chase \(P1D\): for a step opened on .* at the same time as the chase/,
    );
    expect(reminderPolicyProblems(defaultReminderPolicy, on)).toEqual([]);
    expect(
      reminderPolicyProblems(reminderPolicyWith({ approvalChase: { duration: 'PT5S' }, approvalEscalation: { duration: 'PT10S' } }), on),
    ).toEqual([]);
  });

  it('checks committee requests against their chases on the force’s closure days too', () => {
    const tight = reminderPolicyWith({
      committee: { requestBefore: { duration: 'P10D' }, deadlineBefore: { workingDays: 5 }, chaseBeforeDeadline: { workingDays: 1 } },
    });
    expect(reminderPolicyProblems(tight)).toEqual([]);
    expect(reminderPolicyProblems(tight, on)[0]).toMatch(
      /^owners must be asked for committee updates \(P10D before the meeting\) before they are chased .*: for a meeting on /,
    );
  });
});

test('working statuses are the ones the list filters count', () => {
  expect(workingStatuses).toEqual(['assigned', 'in_progress', 'reopened']);
});
