import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { loadReminderSettings, REMINDER_SETTINGS_KEY } from '../../entities/reminderSettings';
import { defaultReminderPolicy, reminderPolicyProblems, type ReminderPolicy } from '../../domain/reminders/policy';
import { calendarDateInLondon } from '../../domain/calendar';
import { createWorkingCalendar, workingCalendarProblems } from '../../domain/workingDays';
import { ForceSetting, Recommendation } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import type { ReminderSettings } from '../../workflows/messages';
import type { ActingPerson } from '../../platform/http/actor';
import type { RecommendationWorkflows } from '../recommendations/workflowGateway';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { ApiProblem } from '../../platform/http/problem';
import { isoDate } from '../../domain/lifecycle/fields';

const offset = z.union([
  z.object({ workingDays: z.number().int('must be a whole number of working days').min(0).max(400) }).strict(),
  z.object({ duration: z.string().min(2).max(40) }).strict(),
]);

export const reminderSettingsSchema = z
  .object({
    policy: z
      .object({
        sendTime: z.string(),
        dueReminders: z.array(offset).max(10),
        atRiskWithin: offset,
        offTarget: offset,
        offTargetDcc: offset,
        offTargetRepeat: offset,
        approvalChase: offset,
        approvalEscalation: offset,
        hmicfrsChase: offset,
        committee: z.object({ requestBefore: offset, deadlineBefore: offset, chaseBeforeDeadline: offset }).strict(),
      })
      .strict()
      .optional(),
    closedDays: z.array(isoDate).max(200).optional(),
    committeeMeetings: z.array(isoDate).max(100).optional(),
  })
  .strict();

/** The force's reminder policy, closure days and committee dates; a change reschedules every open item at once. */
export class ReminderSettingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflows: RecommendationWorkflows,
    private readonly log: { warn(obj: object, msg: string): void },
  ) {}

  get(): Promise<ReminderSettings> {
    return loadReminderSettings(this.dataSource.manager);
  }

  async update(input: z.output<typeof reminderSettingsSchema>, by: ActingPerson): Promise<ReminderSettings> {
    const next = await this.dataSource.transaction(async (tx) => {
      // One change at a time, so each gets its own revision.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('force_settings:${REMINDER_SETTINGS_KEY}'))`);
      const current = await loadReminderSettings(tx);
      const next: ReminderSettings = {
        policy: (input.policy as ReminderPolicy | undefined) ?? current.policy,
        closedDays: input.closedDays ?? current.closedDays,
        committeeMeetings: input.committeeMeetings ?? current.committeeMeetings,
        revision: (current.revision ?? 0) + 1,
      };
      const calendarProblems = workingCalendarProblems({ extraClosedDays: next.closedDays });
      // On the force's own calendar, from today: each reminder must come before the escalation it leads to.
      const checkOn = calendarProblems.length
        ? undefined
        : { calendar: createWorkingCalendar({ extraClosedDays: next.closedDays }), from: calendarDateInLondon(Date.now()) };
      const problems = [...reminderPolicyProblems(next.policy, checkOn), ...calendarProblems];
      if (problems.length)
        throw new ApiProblem(
          400,
          'The reminder settings have problems',
          problems.join('; '),
          problems.map((message) => ({ field: 'body', message })),
        );
      await tx.save(ForceSetting, { key: REMINDER_SETTINGS_KEY, value: next });
      await recordAudit(tx, {
        actorId: by.actor.personId,
        actorLabel: by.label,
        entityType: 'force_setting',
        entityId: REMINDER_SETTINGS_KEY,
        type: 'reminder_settings_changed',
        summary: 'Changed the reminder policy, closure days or committee dates',
        before: current,
        after: next,
      });
      return next;
    });
    // The digest workflow hands the settings to every open item, whatever its state. Should this signal be lost, it
    // sees the new revision at its next slot; and an item's next command brings it the settings in force anyway.
    const signalled = await this.workflows.reminderSettingsChanged(next.revision!).catch((error: unknown) => {
      this.log.warn({ err: error }, 'could not tell the digest workflow that the reminder settings changed');
      return true;
    });
    if (!signalled) await this.signalEveryOpenItem(next);
    return next;
  }

  /** Without a digest workflow (no worker has run yet), the api signals each item itself. */
  private async signalEveryOpenItem(settings: ReminderSettings): Promise<void> {
    const open = await this.dataSource.manager
      .createQueryBuilder(Recommendation, 'r')
      .select('r.id', 'id')
      .where(`r.status <> 'closed'`)
      .getRawMany<{ id: string }>();
    for (let i = 0; i < open.length; i += 20) {
      await Promise.all(
        open
          .slice(i, i + 20)
          .map(({ id }) =>
            this.workflows
              .remindersChanged(id, settings)
              .catch((error: unknown) => this.log.warn({ err: error, recommendationId: id }, 'could not reschedule reminders')),
          ),
      );
    }
  }
}

const offsetDoc = z.union([z.object({ workingDays: z.number() }), z.object({ duration: z.string() })]);
const settingsResponse = z
  .looseObject({
    settings: z.looseObject({
      policy: z.looseObject({ sendTime: z.string(), dueReminders: z.array(offsetDoc) }),
      closedDays: z.array(z.string()),
      committeeMeetings: z.array(z.string()),
      revision: z.number().optional().describe('Raised by one at every change; each item’s workflow says which revision it follows'),
    }),
  })
  .meta({ id: 'ReminderSettings' });

export function reminderSettingsFeature({ reminderSettings }: { reminderSettings: ReminderSettingsService }): Feature {
  return {
    mountPath: '/api/settings/reminders',
    tag: 'Reminder settings',
    description:
      'The force’s reminder policy (offsets in working days or ISO-8601 durations), its own closure days and its committee dates.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/',
        summary: 'The reminder settings in force, and the defaults',
        access: 'settings.read',
        responses: { 200: { description: 'Settings', schema: settingsResponse } },
        async handle({ res }) {
          res.json({
            settings: await reminderSettings.get(),
            defaults: { policy: defaultReminderPolicy, closedDays: [], committeeMeetings: [] },
          });
        },
      }),
      endpoint({
        method: 'put',
        path: '/',
        summary: 'Change the reminder settings; every open item is rescheduled at once',
        access: 'settings.manage',
        body: reminderSettingsSchema,
        responses: { 200: { description: 'Saved', schema: settingsResponse } },
        async handle({ res, body, by }) {
          res.json({ settings: await reminderSettings.update(body, by) });
        },
      }),
    ],
  };
}
