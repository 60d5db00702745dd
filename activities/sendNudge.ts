import type { DataSource, EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { calendarDateInLondon } from '../domain/calendar';
import { standIn, type Delegation } from '../domain/delegation';
import type { Nudge } from '../domain/reminders/plan';
import { figureCutoffs, figuresFrom, type FigureCutoffs } from '../domain/figures';
import { AuditEvent, DigestEntry, OutboundEmail, Person, Recommendation } from '../entities';
import { delegationColumns } from '../entities/Delegation';
import { recordAudit, type AuditEntry } from '../entities/auditTrail';
import { batched } from './batching';
import { dueDateCalendarEvent } from '../platform/email/dueDateCalendar';
import { itemWords, nudgeHeadline, renderNudgeEmail, routineNudges, type NudgeFacts } from './emails/nudgeEmail';
import type { EmailLinks } from './recordTransition';
import { figureRulesOf, loadReminderSettings } from '../entities/reminderSettings';
import type { OutboxSender } from './sendOutboundEmail';

export interface SendNudgeInput {
  recommendationId: string;
  nudge: Nudge;
  occurredAt: string;
}

/** The most nudges queued in one transaction, and how many such transactions may run at once. */
const NUDGE_BATCH = { maxBatch: 200, maxInFlight: 3 };

/**
 * Turns a nudge that fell due into email: escalations and approval chases go straight to the outbox; routine
 * reminders wait in each recipient's digest unless they chose to hear at once. Keyed by the nudge, so a retry
 * queues nothing twice; the audit trail says who was reminded of what. Nudges that fall due together in this worker
 * are queued together (see ./batching.ts). Resolves with the nudge's outbox rows still to send.
 */
export function nudgeQueue(dataSource: DataSource, links: EmailLinks): (input: SendNudgeInput) => Promise<OutboundEmail[]> {
  return batched((inputs: SendNudgeInput[]) => queueNudges(dataSource, inputs, links), NUDGE_BATCH);
}

/**
 * Queues a nudge and sends its emails at once, in the worker whose timer fired: one step instead of
 * two activities, for the thousands that can fall due together. Nothing is retried here: the outbox rows the SMTP
 * server did not take are returned, for the workflow to send with `sendOutboundEmails` and its backoff. A retry of
 * this step queues nothing twice and sends only rows still pending.
 */
export function sendNudgeNowActivity(queue: ReturnType<typeof nudgeQueue>, send: OutboxSender) {
  return async function sendNudgeNow(input: SendNudgeInput): Promise<{ outboxIds: string[] }> {
    const queued = await queue(input);
    const waiting = await send.sendPending(
      queued.map((row) => row.id),
      { justQueued: queued },
    );
    return { outboxIds: waiting.map((w) => w.id) };
  };
}

const nudgeKey = (input: SendNudgeInput) => `nudge:${input.recommendationId}:${input.nudge.key}`;

/** One transaction for many nudges: those already on the audit trail (a retry) only look up their pending rows. */
async function queueNudges(dataSource: DataSource, inputs: SendNudgeInput[], links: EmailLinks): Promise<OutboundEmail[][]> {
  const keys = inputs.map(nudgeKey);
  return dataSource.transaction(async (tx) => {
    const done = new Set(
      (await tx.find(AuditEvent, { select: { idempotencyKey: true }, where: { idempotencyKey: In(keys) } })).map(
        (event) => event.idempotencyKey,
      ),
    );
    const fresh = new Map<string, SendNudgeInput>();
    inputs.forEach((input, i) => {
      if (!done.has(keys[i]!)) fresh.set(keys[i]!, input);
    });
    if (fresh.size)
      await queueFresh(
        tx,
        [...fresh].sort(([a], [b]) => (a < b ? -1 : 1)),
        links,
      );
    const pending = await tx.find(OutboundEmail, { where: { transitionId: In(keys), status: 'pending' } });
    return keys.map((key) => pending.filter((row) => row.transitionId === key));
  });
}

async function queueFresh(tx: EntityManager, nudges: [string, SendNudgeInput][], links: EmailLinks): Promise<void> {
  const recommendations = new Map(
    (
      await tx.find(Recommendation, {
        where: { id: In([...new Set(nudges.map(([, input]) => input.recommendationId))]) },
        relations: { report: true, owner: true },
      })
    ).map((r) => [r.id, r]),
  );
  const settings = await loadReminderSettings(tx);
  const { policy, calendar } = figureRulesOf(settings);
  const cutoffs = new Map<string, FigureCutoffs>();
  const cutoffsOn = (today: string) => cutoffs.get(today) ?? cutoffs.set(today, figureCutoffs(today, policy, calendar)).get(today)!;
  const withRole = memoise(
    (role: string) => tx.query(`SELECT id FROM people WHERE active AND $1 = ANY(roles) ORDER BY name`, [role]) as Promise<{ id: string }[]>,
  );
  const planned = await Promise.all(
    nudges.map(async ([key, input]) => {
      const recommendation = recommendations.get(input.recommendationId);
      if (!recommendation) throw new Error(`recommendation ${input.recommendationId} not found for nudge ${input.nudge.key}`);
      const today = calendarDateInLondon(Date.parse(input.occurredAt));
      return { key, input, recommendation, today, recipientIds: await recipientIds(tx, recommendation, input.nudge, today, withRole) };
    }),
  );
  const allIds = [...new Set(planned.flatMap((p) => p.recipientIds))];
  const people = new Map((allIds.length ? await tx.find(Person, { where: { id: In(allIds), active: true } }) : []).map((p) => [p.id, p]));

  const outbox: Partial<OutboundEmail>[] = [];
  const digest: Partial<DigestEntry>[] = [];
  const audit: AuditEntry[] = [];
  for (const { key, input, recommendation, today, recipientIds: ids } of planned) {
    const { nudge } = input;
    const recipients = ids.flatMap((id) => people.get(id) ?? []).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const dueDate = nudge.dueDate ?? recommendation.dueDate;
    const base: Omit<NudgeFacts, 'recipientName'> = {
      forceName: links.forceName,
      reportTitle: recommendation.report.title,
      originator: recommendation.report.originator,
      reference: recommendation.reference,
      kind: recommendation.kind,
      text: recommendation.state.text ?? recommendation.text,
      dueDate,
      workingDaysToDue: dueDate ? calendar.workingDaysBetween(today, dueDate) : null,
      workingDaysOverdue: figuresFrom(
        { status: recommendation.status, dueDate, atRisk: recommendation.state.atRisk, forTheForce: recommendation.forTheForce },
        cutoffsOn(today),
        calendar,
      ).workingDaysOverdue,
      ownerName: recommendation.owner?.name ?? null,
      meeting: nudge.meeting ?? null,
      link: `${links.publicUrl}/recommendations/${recommendation.id}`,
    };
    for (const person of recipients) {
      if (routineNudges.has(nudge.kind) && person.digestPreference !== 'immediate') {
        digest.push({
          personId: person.id,
          recommendationId: recommendation.id,
          nudgeKey: key,
          kind: nudge.kind,
          line: `${nudgeHeadline(nudge.kind, base)}: ${itemWords(base)}`,
          link: base.link,
          dueDate,
        });
        continue;
      }
      const email = renderNudgeEmail(nudge.kind, { ...base, recipientName: person.name });
      outbox.push({
        transitionId: key,
        template: `nudge:${nudge.kind}`,
        recipientId: person.id,
        toAddress: person.email,
        recommendationId: recommendation.id,
        subject: email.subject,
        bodyText: email.text,
        bodyHtml: email.html,
        calendarEvent:
          nudge.kind === 'due_reminder' && dueDate
            ? dueDateCalendarEvent({
                recommendationId: recommendation.id,
                dueDate,
                summary: `Due: ${itemWords(base)}`,
                description: recommendation.reference,
                link: base.link,
                stampedAt: new Date(input.occurredAt),
              })
            : null,
      });
    }
    audit.push({
      actorId: null,
      actorLabel: 'Recommendation tracker (reminders)',
      entityType: 'recommendation',
      entityId: recommendation.id,
      recommendationId: recommendation.id,
      type: nudge.kind,
      summary: `${nudgeHeadline(nudge.kind, base)}: ${recipients.length ? recipients.map((p) => p.name).join(', ') : 'nobody to tell'} ${routineNudges.has(nudge.kind) ? 'reminded' : 'told'}`,
      after: { nudge: nudge.key, at: nudge.at, recipients: recipients.map((p) => p.id) },
      occurredAt: new Date(input.occurredAt),
      idempotencyKey: key,
    });
  }
  if (digest.length) await tx.createQueryBuilder().insert().into(DigestEntry).values(digest).orIgnore().execute();
  if (outbox.length) await tx.createQueryBuilder().insert().into(OutboundEmail).values(outbox).orIgnore().execute();
  await recordAudit(tx, ...audit);
}

function memoise<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const loaded = new Map<string, Promise<T>>();
  return (key) => {
    let value = loaded.get(key);
    if (!value) loaded.set(key, (value = load(key)));
    return value;
  };
}

/** Who a nudge is for, today; escalations follow active delegations to whoever stands in. */
async function recipientIds(
  tx: EntityManager,
  recommendation: Recommendation,
  nudge: Nudge,
  today: string,
  withRole: (role: string) => Promise<{ id: string }[]>,
): Promise<string[]> {
  let ids: (string | null)[] = [];
  let followDelegations = false;
  switch (nudge.recipients) {
    case 'owner':
      ids = [recommendation.ownerId];
      break;
    case 'owner_and_lead':
      ids = [recommendation.ownerId, recommendation.leadId];
      break;
    case 'approver':
      ids = [nudge.approval?.approverId ?? null];
      break;
    case 'dcc':
      ids = (await withRole('dcc')).map((r) => r.id);
      followDelegations = true;
      break;
    case 'next_approver': {
      // The next level up from the waiting approver: the DCC, or corporate development when the DCC is the one waiting.
      const dccs = (await withRole('dcc')).map((r) => r.id).filter((id) => id !== nudge.approval?.approverId);
      ids = dccs.length ? dccs : (await withRole('administrator')).map((r) => r.id);
      followDelegations = true;
      break;
    }
    case 'liaison_lead':
      ids = (await withRole('liaison_lead')).map((r) => r.id);
      break;
  }
  let wanted = [...new Set(ids.filter((id): id is string => !!id))];
  if (followDelegations && wanted.length) {
    const delegations = (await tx.query(`SELECT ${delegationColumns} FROM delegations WHERE from_person_id = ANY($1::uuid[])`, [
      wanted,
    ])) as Delegation[];
    wanted = [...new Set(wanted.map((id) => standIn(id, delegations, today)))];
  }
  return wanted;
}
