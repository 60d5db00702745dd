import { Router, type Request, type Response } from 'express';
import { actingPersonOf } from '../../platform/http/actor';
import { reminderSettingsSchema } from './reminderSettings';
import { parseInput } from '../../platform/http/problem';
import { describePeriod } from '../../domain/figures';
import { isoDurationProblem, parseIsoDuration } from '../../domain/reminders/durations';
import type { Offset } from '../../domain/reminders/offsets';
import type { FormError } from '../../platform/web/html';
import { attempt, formBody, formErrors, splitList, text, type FormBody } from '../../platform/web/forms';
import type { AdminContext } from './adminContext';

const labels: Record<string, string> = { sendTime: 'The send time', dueReminders: 'The due-date reminders', closedDays: 'The closure days', committeeMeetings: 'The committee dates' };

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
    if (/^[+-]?\d+([.,]\d+)?$/.test(entry)) return { error: `Enter the reminders as whole numbers of working days, 0 or more: ${quoted} is not one` };
    const problem = isoDurationProblem(entry);
    if (problem) return { error: `Enter each reminder as a whole number of working days (for example 7) or a calendar period such as P2W or P1M: ${quoted} is neither` };
    const duration = parseIsoDuration(entry);
    if (duration.hours > 0 || duration.minutes > 0 || duration.seconds > 0) {
      return { error: `Enter each reminder in working days (for example 7) or as a calendar period of years, months, weeks or days (for example P2W): ${quoted} is in hours, minutes or seconds` };
    }
    offsets.push({ duration: entry });
  }
  return { offsets };
}

/** The reminder policy's problems name what they are about; this sends each to its field. */
const fieldOfMessage = (message: string): string =>
  /send time/i.test(message) ? 'sendTime' : /due-date reminder|reminder/i.test(message) ? 'dueReminders' : /committee/i.test(message) ? 'committeeMeetings' : /clos|holiday|date/i.test(message) ? 'closedDays' : 'sendTime';

/** The reminder policy's everyday settings, the force's own closure days, and committee dates. */
export function settingsPages({ deps, render, guard }: AdminContext): Router {
  const router = Router();
  router.use(guard('settings.manage'));

  async function page(req: Request, res: Response, values?: Record<string, string>, errors?: FormError[], status = 200) {
    const settings = await deps.reminderSettings.get();
    const current = {
      sendTime: settings.policy.sendTime,
      dueReminders: settings.policy.dueReminders.map(offsetText).join(', '),
      closedDays: settings.closedDays.join('\n'),
      committeeMeetings: settings.committeeMeetings.join('\n'),
    };
    await render(req, res, 'settings.njk', { title: 'Reminder policy and committee dates', values: values ?? current, policy: settings.policy, atRiskWithin: describePeriod(settings.policy.atRiskWithin), done: req.query.done, errors }, status);
  }

  router.get('/', (req, res) => page(req, res));
  router.post('/', async (req, res) => {
    const body: FormBody = formBody(req);
    const values = Object.fromEntries(['sendTime', 'dueReminders', 'closedDays', 'committeeMeetings'].map((f) => [f, text(body, f)]));
    const reminders = dueRemindersFrom(values.dueReminders!);
    if ('error' in reminders) return page(req, res, values, [{ field: 'dueReminders', message: reminders.error }], 400);
    const outcome = await attempt(
      async () => {
        const { policy } = await deps.reminderSettings.get();
        const input = parseInput(reminderSettingsSchema, {
          policy: { ...policy, sendTime: values.sendTime!.trim(), dueReminders: reminders.offsets },
          closedDays: splitList(values.closedDays!),
          committeeMeetings: splitList(values.committeeMeetings!),
        });
        return deps.reminderSettings.update(input, actingPersonOf(req.identity!));
      },
      (problem) =>
        problem.errors.some((e) => e.field !== 'body')
          ? formErrors(problem, 'sendTime', { 'policy.sendTime': 'sendTime', 'policy.dueReminders': 'dueReminders', closedDays: 'closedDays', committeeMeetings: 'committeeMeetings' }, labels)
          : problem.errors.map((e) => ({ field: fieldOfMessage(e.message), message: e.message.charAt(0).toUpperCase() + e.message.slice(1) })),
    );
    if (!outcome.ok) return page(req, res, values, outcome.errors, outcome.status);
    res.redirect(303, '/admin/settings?done=saved');
  });
  return router;
}
