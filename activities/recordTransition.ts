import { createHash } from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { actionLinkExpiry, createActionLink } from '../api/actionLinks/tokens';
import type { ActionLinkAction } from '../entities/ActionLink';
import type { Actor, LifecycleEvent, RecommendationState } from '../domain/lifecycle';
import { AuditEvent, OutboundEmail, Person, Recommendation } from '../entities';
import { recordAudit } from '../entities/auditTrail';
import { dueDateCalendarEvent } from './emails/dueDateCalendar';
import { renderNotificationEmail } from './emails/notificationEmail';
import { projectTransition } from './projectTransition';

export interface RecordTransitionInput {
  transitionId: string;
  recommendationId: string;
  actor: Actor;
  actorLabel: string;
  occurredAt: string;
  command: string;
  before: RecommendationState;
  after: RecommendationState;
  events: LifecycleEvent[];
}

export interface RecordTransitionResult {
  outboxIds: string[];
}

export interface EmailLinks {
  publicUrl: string;
  forceName: string;
  /** Signs one-click approve/reject links for approval emails; without it, emails link to the item only. */
  actionLinks?: { secret: string; days: number };
}

/** Emails that ask someone to decide carry one-click links for the decision (each works once, for that person). */
const decisionLinks: Partial<Record<string, { action: ActionLinkAction; label: string }[]>> = {
  approval_requested: [
    { action: 'approve', label: 'Approve' },
    { action: 'reject', label: 'Reject, with reasons' },
  ],
  approval_outdated: [
    { action: 'approve', label: 'Approve again' },
    { action: 'reject', label: 'Reject, with reasons' },
  ],
  extension_requested: [
    { action: 'approveExtension', label: 'Approve the extension' },
    { action: 'refuseExtension', label: 'Refuse the extension' },
  ],
};

/** The same transition, person and action always give the same link id, so a retried activity makes no second link. */
function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Writes one accepted transition: the recommendation row, its audit events and the emails it causes, in
 * one transaction. Keyed by the transition id, so a retry after a crash finds its own work and writes nothing twice.
 */
export function recordTransitionActivity(dataSource: DataSource, links: EmailLinks) {
  return async function recordTransition(input: RecordTransitionInput): Promise<RecordTransitionResult> {
    return dataSource.transaction(async (tx) => {
      const alreadyRecorded = await tx.existsBy(AuditEvent, { idempotencyKey: `${input.transitionId}:0` });
      if (!alreadyRecorded) {
        await writeTransition(tx, input, links);
      }
      const outbox = await tx.find(OutboundEmail, { where: { transitionId: input.transitionId, status: 'pending' }, order: { createdAt: 'ASC' } });
      return { outboxIds: outbox.map((row) => row.id) };
    });
  };
}

async function writeTransition(tx: EntityManager, input: RecordTransitionInput, links: EmailLinks): Promise<void> {
  const { after } = input;
  await tx.update(Recommendation, { id: input.recommendationId }, {
    state: after,
    status: after.status,
    ownerId: after.ownerId,
    leadId: after.leadId,
    dueDate: after.dueDate,
    category: after.category,
    version: () => 'version + 1',
  });
  const occurredAt = new Date(input.occurredAt);
  const names = await namesOf(tx, input.events.map((event) => event.summary));
  await recordAudit(
    tx,
    ...input.events.map((event, index) => ({
      occurredAt,
      actorId: input.actor.personId,
      actorLabel: input.actorLabel,
      entityType: 'recommendation' as const,
      entityId: input.recommendationId,
      recommendationId: input.recommendationId,
      type: event.type,
      summary: withNames(event.summary, names),
      before: event.before,
      after: event.after,
      idempotencyKey: `${input.transitionId}:${index}`,
    })),
  );
  await projectTransition(tx, input);
  await queueNotifications(tx, input, names, links);
}

/** Emails that set a due date carry it as a calendar entry. */
const datedTemplates = new Set<string>(['assigned_to_you', 'extension_approved']);

/** Renders and queues every email the transition's events ask for, reading the item and the recipients once. */
async function queueNotifications(tx: EntityManager, input: RecordTransitionInput, names: Map<string, string>, links: EmailLinks): Promise<void> {
  const notifications = input.events.flatMap((event) => (event.notify ?? []).map((notification) => ({ event, notification })));
  if (notifications.length === 0) return;
  const [recommendation, recipients] = await Promise.all([
    tx.findOneOrFail(Recommendation, { where: { id: input.recommendationId }, relations: { report: true, owner: true, lead: true } }),
    tx.findBy(Person, { id: In([...new Set(notifications.map((n) => n.notification.personId))]), active: true }),
  ]);
  const recipientsById = new Map(recipients.map((person) => [person.id, person]));
  const rows = [];
  for (const { event, notification } of notifications) {
    const recipient = recipientsById.get(notification.personId);
    if (!recipient) continue;
    const decisions = [];
    if (links.actionLinks) {
      for (const { action, label } of decisionLinks[notification.template] ?? []) {
        const link = await createActionLink(
          tx,
          {
            id: stableUuid(`${input.transitionId}:${recipient.id}:${action}`),
            personId: recipient.id,
            recommendationId: input.recommendationId,
            action,
            expiresAt: actionLinkExpiry(new Date(input.occurredAt), links.actionLinks.days),
          },
          links.actionLinks.secret,
        );
        decisions.push({ label, url: `${links.publicUrl}${link.path}` });
      }
    }
    const email = renderNotificationEmail(notification.template, {
      forceName: links.forceName,
      recipientName: recipient.name,
      ownerName: recommendation.owner?.name ?? null,
      leadName: recommendation.lead?.name ?? null,
      reportTitle: recommendation.report.title,
      originator: recommendation.report.originator,
      reference: recommendation.reference,
      kind: recommendation.kind,
      text: recommendation.state.text ?? recommendation.text,
      dueDate: recommendation.dueDate,
      whatHappened: withNames(event.summary, names),
      link: `${links.publicUrl}/recommendations/${input.recommendationId}`,
      decisions,
    });
    rows.push(
      {
        transitionId: input.transitionId,
        template: notification.template,
        recipientId: recipient.id,
        toAddress: recipient.email,
        recommendationId: input.recommendationId,
        subject: email.subject,
        bodyText: email.text,
        bodyHtml: email.html,
        calendarEvent:
          datedTemplates.has(notification.template) && recommendation.dueDate
            ? dueDateCalendarEvent({ recommendationId: recommendation.id, dueDate: recommendation.dueDate, summary: `Due: ${email.subject.split(': ').slice(1).join(': ')}`, description: recommendation.reference, link: `${links.publicUrl}/recommendations/${input.recommendationId}`, stampedAt: new Date(input.occurredAt) })
            : null,
      },
    );
  }
  if (rows.length > 0) await tx.createQueryBuilder().insert().into(OutboundEmail).values(rows).orIgnore().execute();
}

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The lifecycle speaks of people by id; people reading the trail or an email want names, as they were then. */
async function namesOf(tx: EntityManager, sentences: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(sentences.flatMap((sentence) => sentence.match(uuidPattern) ?? []))];
  if (ids.length === 0) return new Map();
  const people = await tx.findBy(Person, { id: In(ids) });
  return new Map(people.map((p) => [p.id, p.name]));
}

const withNames = (sentence: string, names: Map<string, string>): string => sentence.replace(uuidPattern, (id) => names.get(id) ?? id);
