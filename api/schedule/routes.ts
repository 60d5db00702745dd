import { Router } from 'express';
import { z } from 'zod';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { actingPersonOf } from '../../platform/http/actor';
import { ApiProblem } from '../../platform/http/problem';
import { escapeHtml } from '../../platform/web/html';
import { nudgeKinds } from '../../domain/reminders/plan';
import type { ApiDependencies } from '../dependencies';
import type { PageShell } from '../../platform/web/pageShell';
import { recommendationIdParams } from '../../platform/http/params';
import { itemSchedule } from './service';

const scheduleSchema = z
  .object({
    recommendationId: z.string(),
    name: z.string(),
    caption: z.string(),
    status: z.string(),
    dueDate: z.string().nullable(),
    workflow: z
      .object({ settingsRevision: z.number().nullable(), sendTime: z.string().nullable() })
      .nullable()
      .describe('The reminder settings the item’s workflow follows; null when it has no running workflow'),
    planned: z
      .array(
        z.object({
          at: z.string().describe('When it is planned (UTC)'),
          kind: z.enum(nudgeKinds),
          what: z.string(),
          why: z.string(),
          to: z.array(z.string()),
          routine: z.boolean().describe('Routine reminders wait for the person’s digest unless they chose to hear at once'),
          key: z.string(),
        }),
      )
      .describe('What the item’s workflow plans next, earliest first, as its own query answers'),
    waitingForDigest: z.array(z.object({ to: z.string(), line: z.string(), since: z.string() })),
    sent: z.array(
      z.object({
        outboxId: z.string(),
        subject: z.string(),
        to: z.string(),
        status: z.string(),
        queuedAt: z.string(),
        sentAt: z.string().nullable(),
        digest: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'ReminderSchedule' });

/** An item's reminders and escalations: what its workflow plans next, and what was sent. */
export function scheduleFeature({ recommendations, dataSource }: ApiDependencies): Feature {
  return {
    mountPath: '/api/recommendations',
    tag: 'Recommendations',
    description: 'Items of source reports: their reminder and escalation schedule.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/:id/schedule',
        summary: 'The item’s reminders and escalations: planned next (from its workflow), waiting for a digest, and sent',
        access: 'recommendations.read',
        params: recommendationIdParams,
        responses: { 200: { description: 'The schedule', schema: scheduleSchema } },
        async handle({ res, params, by }) {
          const view = await recommendations.get(params.id, by);
          if (!view) throw ApiProblem.notFound('The recommendation');
          res.json(await itemSchedule({ dataSource, recommendations }, view));
        },
      }),
    ],
  };
}

const idParams = z.object({ id: z.uuid() });
const londonTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' });
const when = (iso: string) => londonTime.format(new Date(iso));

/** The schedule as a page, linked from the item's page next to its due date. */
export function schedulePageRoutes(deps: ApiDependencies, shell: PageShell): Router {
  const { recommendations, dataSource } = deps;
  const router = Router();
  router.get('/recommendations/:id/schedule', async (req, res) => {
    const parsed = idParams.safeParse(req.params);
    const view = parsed.success ? await recommendations.get(parsed.data.id, actingPersonOf(req.identity!)) : null;
    if (!view) return shell.notFound(req, res);
    const schedule = await itemSchedule({ dataSource, recommendations }, view);
    const mailbox = deps.mailbox && process.env.NODE_ENV !== 'production';
    await shell.send(req, res, 'schedule.njk', {
      title: `Reminders: ${schedule.name}`,
      schedule,
      dueDate: schedule.dueDate,
      plannedRows: schedule.planned.map((p) => [
        { text: when(p.at) },
        { text: p.what + (p.routine ? ' (in the daily or weekly reminder email, unless they chose to hear at once)' : '') },
        { text: p.to.join(', ') },
        { text: p.why },
      ]),
      waitingRows: schedule.waitingForDigest.map((w) => [{ text: when(w.since) }, { text: w.to }, { text: w.line }]),
      sentRows: schedule.sent.map((s) => [
        { text: s.sentAt ? when(s.sentAt) : `${s.status === 'failed' ? 'Failed' : 'Not sent yet'} (queued ${when(s.queuedAt)})` },
        { text: s.to },
        mailbox
          ? { html: `<a class="govuk-link" href="/dev/mailbox/outbox/${s.outboxId}">${escapeHtml(s.subject)}</a>` }
          : { text: s.subject },
      ]),
    });
  });
  return router;
}
