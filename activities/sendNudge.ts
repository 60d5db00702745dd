import type { DataSource, EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { calendarDateInLondon } from '../domain/calendar';
import type { Nudge } from '../domain/reminderPolicy';
import { createWorkingCalendar } from '../domain/workingDays';
import { AuditEvent, Delegation, DigestEntry, OutboundEmail, Person, Recommendation } from '../entities';
import { recordAudit } from '../entities/auditTrail';
import { dueDateCalendarEvent } from './emails/dueDateCalendar';
import { itemWords, nudgeHeadline, renderNudgeEmail, routineNudges, type NudgeFacts } from './emails/nudgeEmail';
import type { EmailLinks } from './recordTransition';
import { loadReminderSettings } from './reminderSettings';

export interface SendNudgeInput {
  recommendationId: string;
  nudge: Nudge;
  occurredAt: string;
}

/**
 * Turns a nudge that fell due into email: escalations and approval chases go straight to the outbox; routine
 * reminders wait in each recipient's digest unless they chose to hear at once. Keyed by the nudge, so a retry
 * queues nothing twice; the audit trail says who was reminded of what.
 */
export function sendNudgeActivity(dataSource: DataSource, links: EmailLinks) {
  return async function sendNudge(input: SendNudgeInput): Promise<{ outboxIds: string[] }> {
    const key = `nudge:${input.recommendationId}:${input.nudge.key}`;
    return dataSource.transaction(async (tx) => {
      if (!(await tx.existsBy(AuditEvent, { idempotencyKey: key }))) await queueNudge(tx, input, key, links);
      const outbox = await tx.find(OutboundEmail, { where: { transitionId: key, status: 'pending' } });
      return { outboxIds: outbox.map((row) => row.id) };
    });
  };
}

async function queueNudge(tx: EntityManager, input: SendNudgeInput, key: string, links: EmailLinks): Promise<void> {
  const { nudge } = input;
  const recommendation = await tx.findOneOrFail(Recommendation, { where: { id: input.recommendationId }, relations: { report: true, owner: true } });
  const today = calendarDateInLondon(Date.parse(input.occurredAt));
  const settings = await loadReminderSettings(tx);
  const calendar = createWorkingCalendar({ extraClosedDays: settings.closedDays });
  const recipients = await resolveRecipients(tx, recommendation, nudge, today);
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
    ownerName: recommendation.owner?.name ?? null,
    meeting: nudge.meeting ?? null,
    link: `${links.publicUrl}/recommendations/${recommendation.id}`,
  };
  for (const person of recipients) {
    if (routineNudges.has(nudge.kind) && person.digestPreference !== 'immediate') {
      await tx
        .createQueryBuilder()
        .insert()
        .into(DigestEntry)
        .values({ personId: person.id, recommendationId: recommendation.id, nudgeKey: key, kind: nudge.kind, line: `${nudgeHeadline(nudge.kind, base)}: ${itemWords(base)}`, link: base.link, dueDate })
        .orIgnore()
        .execute();
      continue;
    }
    const email = renderNudgeEmail(nudge.kind, { ...base, recipientName: person.name });
    await tx
      .createQueryBuilder()
      .insert()
      .into(OutboundEmail)
      .values({
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
            ? dueDateCalendarEvent({ recommendationId: recommendation.id, dueDate, summary: `Due: ${itemWords(base)}`, description: recommendation.reference, link: base.link, stampedAt: new Date(input.occurredAt) })
            : null,
      })
      .orIgnore()
      .execute();
  }
  await recordAudit(tx, {
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

/** The people a nudge is for, today; escalations follow active delegations to whoever stands in. */
async function resolveRecipients(tx: EntityManager, recommendation: Recommendation, nudge: Nudge, today: string): Promise<Person[]> {
  const withRole = async (role: string) => (await tx.query(`SELECT id FROM people WHERE active AND $1 = ANY(roles) ORDER BY name`, [role])) as { id: string }[];
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
    const active = await tx
      .createQueryBuilder(Delegation, 'd')
      .where('d.from_person_id IN (:...ids) AND d.starts_on <= :today AND d.ends_on >= :today', { ids: wanted, today })
      .getMany();
    wanted = [...new Set(wanted.map((id) => active.find((d) => d.fromPersonId === id)?.toPersonId ?? id))];
  }
  if (!wanted.length) return [];
  return tx.find(Person, { where: { id: In(wanted), active: true }, order: { name: 'ASC' } });
}
