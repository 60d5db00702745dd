import { Router, type Request, type Response } from 'express';
import { actingPersonOf } from '../../platform/http/actor';
import { reminderSettingsSchema } from './reminderSettings';
import { parseInput } from '../../platform/http/problem';
import { describePeriod } from '../../domain/figures';
import { isoDurationProblem, parseIsoDuration } from '../../domain/reminders/durations';
import type { Offset } from '../../domain/reminders/offsets';
import type { ReminderPolicy } from '../../domain/reminders/policy';
import type { FormError } from '../../platform/web/html';
import { attempt, formBody, formErrors, splitList, text, type FormBody } from '../../platform/web/forms';
import type { AdminContext } from '../adminContext';

const labels: Record<string, string> = {
  sendTime: 'The send time',
  dueReminders: 'The due-date reminders',
  closedDays: 'The closure days',
  committeeMeetings: 'The committee dates',
};

const offsetText = (o: Offset) => ('workingDays' in o ? String(o.workingDays) : o.duration);

/**
 * The due-date reminders as the page's hint describes them: a whole number is working days; a calendar period is an
 * ISO 8601 duration of years, months, weeks or days ("P2W", "P1M"). Hours, minutes and seconds (which the API takes,
 * for tests) are refused here: a reminder goes at the send time on a working day, so they would mean nothing.
 */
export function dueRemindersFrom(value: string): { offsets: Offset[] } | { error: string } {
  const offsets: Offset[] = [];
  for (const entry of splitList(value)) {
    if (/^\d+$/.test(entry)) {
      offsets.push({ workingDays: Number(entry) });
      continue;
    }
    const quoted = `“${entry}”`;
    if (/^[+-]?\d+([.,]\d+)?$/.test(entry))
      return { error: `Enter the reminders as whole numbers of working days, 0 or more: ${quoted} is not one` };
    const problem = isoDurationProblem(entry);
    if (problem)
      return {
        error: `Enter each reminder as a whole number of working days (for example 7) or a calendar period such as P2W or P1M: ${quoted} is neither`,
      };
    const duration = parseIsoDuration(entry);
    if (duration.hours > 0 || duration.minutes > 0 || duration.seconds > 0) {
      return {
        error: `Enter each reminder in working days (for example 7) or as a calendar period of years, months, weeks or days (for example P2W): ${quoted} is in hours, minutes or seconds`,
      };
    }
    offsets.push({ duration: entry });
  }
  return { offsets };
}

/** One policy offset on the page: a field, what it is, and which way from its anchor it counts. */
interface OffsetField {
  field: string;
  label: string;
  get(policy: ReminderPolicy): Offset;
  /** How the field's hint says its unit, after the label. */
  hint: string;
}

const offsetFields: OffsetField[] = [
  {
    field: 'atRiskWithin',
    label: 'At-risk window',
    get: (p) => p.atRiskWithin,
    hint: 'An item due within this long and not yet evidenced is at risk.',
  },
  {
    field: 'offTarget',
    label: 'Off-target notice, after the due date',
    get: (p) => p.offTarget,
    hint: 'How long after the due date the owner and lead are told the item is off target. Never before the working day after the due date.',
  },
  {
    field: 'offTargetDcc',
    label: 'DCC told, after the off-target notice',
    get: (p) => p.offTargetDcc,
    hint: 'How long after the off-target notice the DCC is told. 0 tells the DCC at the same time.',
  },
  {
    field: 'offTargetRepeat',
    label: 'Off-target chase repeats every',
    get: (p) => p.offTargetRepeat,
    hint: 'How often the owner and lead are chased again until evidence is in, the item is closed or the date is extended.',
  },
  {
    field: 'approvalChase',
    label: 'Approver chased, after a step opens',
    get: (p) => p.approvalChase,
    hint: 'How long after an approval step opens the approver is reminded.',
  },
  {
    field: 'approvalEscalation',
    label: 'Approval escalated, after a step opens',
    get: (p) => p.approvalEscalation,
    hint: 'How long after an approval step opens the request is escalated. Must come after the approver is chased.',
  },
  {
    field: 'hmicfrsChase',
    label: 'HMICFRS sign-off chased, after submission',
    get: (p) => p.hmicfrsChase,
    hint: 'How long after an item goes to HMICFRS (category 4: after self-certification) the force liaison lead is told it is still waiting.',
  },
  {
    field: 'committeeRequestBefore',
    label: 'Update requested, before each meeting',
    get: (p) => p.committee.requestBefore,
    hint: 'How long before each committee meeting every owner of an open item is asked for an update.',
  },
  {
    field: 'committeeDeadlineBefore',
    label: 'Updates due, before each meeting',
    get: (p) => p.committee.deadlineBefore,
    hint: 'How long before the meeting updates are due. 0 means on the day of the meeting.',
  },
  {
    field: 'committeeChaseBeforeDeadline',
    label: 'Owners chased, before the update deadline',
    get: (p) => p.committee.chaseBeforeDeadline,
    hint: 'How long before that deadline owners with no update since the request are chased. Must come after the request.',
  },
];

const unitWords = 'a number of working days, like 5, or a calendar period, like P2W (2 weeks) or P3M (3 months)';
const unitHint =
  'A whole number is working days (weekends, bank holidays and closure days skipped); a calendar period is written P2W (2 weeks), P1M (1 month) or P10D (10 days) and lands on a working day.';

/**
 * One offset as the page's hint describes it: a whole number is working days, or an ISO 8601 period of years,
 * months, weeks or days. One in hours, minutes or seconds (the API takes them, for tests) is kept only as it was.
 */
export function offsetFrom(value: string, label: string, current: Offset): { offset: Offset } | { error: string } {
  const entry = value.trim();
  if (/^\d+$/.test(entry)) return { offset: { workingDays: Number(entry) } };
  const refuse = (why?: string) => ({ error: `${label}: enter ${unitWords}.${why ? ` “${entry}” ${why}.` : ''}` });
  if (entry === '') return refuse();
  if (/^[+-]?\d+([.,]\d+)?$/.test(entry)) return refuse('is not a whole number of 0 or more');
  if (isoDurationProblem(entry)) return refuse('is neither');
  const duration = parseIsoDuration(entry);
  if ((duration.hours > 0 || duration.minutes > 0 || duration.seconds > 0) && !('duration' in current && current.duration === entry))
    return refuse('is in hours, minutes or seconds');
  return { offset: { duration: entry } };
}

/** The reminder policy's problems name what they are about; this sends each to its field (first match wins). */
const fieldPatterns: [RegExp, string][] = [
  [/^the send time/i, 'sendTime'],
  [/due-date reminder/i, 'dueReminders'],
  [/at-risk/i, 'atRiskWithin'],
  [/DCC's off-target/i, 'offTargetDcc'],
  [/off-target repeat/i, 'offTargetRepeat'],
  [/off-target notice/i, 'offTarget'],
  [/approval escalation/i, 'approvalEscalation'],
  [/approval chase/i, 'approvalChase'],
  [/HMICFRS/i, 'hmicfrsChase'],
  [/committee update request/i, 'committeeRequestBefore'],
  [/committee update deadline/i, 'committeeDeadlineBefore'],
  [/committee update chase|asked for committee updates/i, 'committeeChaseBeforeDeadline'],
  [/committee/i, 'committeeMeetings'],
  [/clos|holiday|date/i, 'closedDays'],
];
const fieldOfMessage = (message: string): string => fieldPatterns.find(([pattern]) => pattern.test(message))?.[1] ?? 'sendTime';

const textFields = ['sendTime', 'dueReminders', ...offsetFields.map((f) => f.field), 'closedDays', 'committeeMeetings'];

/** The whole reminder policy, the force's own closure days, and committee dates. */
export function settingsPages({ deps, render, guard }: AdminContext): Router {
  const router = Router();
  router.use(guard('settings.manage'));

  async function page(req: Request, res: Response, values?: Record<string, string>, errors?: FormError[], status = 200) {
    const settings = await deps.reminderSettings.get();
    const current: Record<string, string> = {
      sendTime: settings.policy.sendTime,
      dueReminders: settings.policy.dueReminders.map(offsetText).join(', '),
      ...Object.fromEntries(offsetFields.map((f) => [f.field, offsetText(f.get(settings.policy))])),
      closedDays: settings.closedDays.join('\n'),
      committeeMeetings: settings.committeeMeetings.join('\n'),
    };
    const fields = Object.fromEntries(offsetFields.map((f) => [f.field, { label: f.label, hint: `${f.hint} ${unitHint}` }]));
    await render(
      req,
      res,
      'settings.njk',
      {
        title: 'Reminder policy and committee dates',
        values: values ?? current,
        fields,
        policy: settings.policy,
        atRiskWithin: describePeriod(settings.policy.atRiskWithin),
        done: req.query.done,
        errors,
      },
      status,
    );
  }

  router.get('/', (req, res) => page(req, res));
  router.post('/', async (req, res) => {
    const body: FormBody = formBody(req);
    const { policy } = await deps.reminderSettings.get();
    // A form that does not carry an offset (a client of the older, shorter form) keeps it as it is.
    const kept = (f: string) => (body[f] === undefined ? offsetFields.find((o) => o.field === f) : undefined);
    const values = Object.fromEntries(textFields.map((f) => [f, kept(f) ? offsetText(kept(f)!.get(policy)) : text(body, f)]));
    const errors: FormError[] = [];
    const reminders = dueRemindersFrom(values.dueReminders!);
    if ('error' in reminders) errors.push({ field: 'dueReminders', message: reminders.error });
    const offsets: Record<string, Offset> = {};
    for (const f of offsetFields) {
      const parsed = offsetFrom(values[f.field]!, f.label, f.get(policy));
      if ('error' in parsed) errors.push({ field: f.field, message: parsed.error });
      else offsets[f.field] = parsed.offset;
    }
    if (errors.length || 'error' in reminders) return page(req, res, values, errors, 400);
    const outcome = await attempt(
      async () => {
        const input = parseInput(reminderSettingsSchema, {
          policy: {
            ...policy,
            sendTime: values.sendTime!.trim(),
            dueReminders: reminders.offsets,
            atRiskWithin: offsets.atRiskWithin,
            offTarget: offsets.offTarget,
            offTargetDcc: offsets.offTargetDcc,
            offTargetRepeat: offsets.offTargetRepeat,
            approvalChase: offsets.approvalChase,
            approvalEscalation: offsets.approvalEscalation,
            hmicfrsChase: offsets.hmicfrsChase,
            committee: {
              requestBefore: offsets.committeeRequestBefore,
              deadlineBefore: offsets.committeeDeadlineBefore,
              chaseBeforeDeadline: offsets.committeeChaseBeforeDeadline,
            },
          },
          closedDays: splitList(values.closedDays!),
          committeeMeetings: splitList(values.committeeMeetings!),
        });
        return deps.reminderSettings.update(input, actingPersonOf(req.identity!));
      },
      (problem) =>
        problem.errors.some((e) => e.field !== 'body')
          ? formErrors(problem, 'sendTime', schemaFields, labels)
          : problem.errors.map((e) => ({
              field: fieldOfMessage(e.message),
              message: e.message.charAt(0).toUpperCase() + e.message.slice(1),
            })),
    );
    if (!outcome.ok) return page(req, res, values, outcome.errors, outcome.status);
    res.redirect(303, '/admin/settings?done=saved');
  });
  return router;
}

const schemaFields: Record<string, string> = {
  'policy.sendTime': 'sendTime',
  'policy.dueReminders': 'dueReminders',
  ...Object.fromEntries(offsetFields.filter((f) => !f.field.startsWith('committee')).map((f) => [`policy.${f.field}`, f.field])),
  'policy.committee.requestBefore': 'committeeRequestBefore',
  'policy.committee.deadlineBefore': 'committeeDeadlineBefore',
  'policy.committee.chaseBeforeDeadline': 'committeeChaseBeforeDeadline',
  closedDays: 'closedDays',
  committeeMeetings: 'committeeMeetings',
};
