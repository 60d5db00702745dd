import type { DataSource, EntityManager } from 'typeorm';
import type { Actor, LifecycleEvent, LifecycleNotification, RecommendationState } from '../domain/lifecycle';
import { AuditEvent, OutboundEmail, Person, Recommendation } from '../entities';
import { renderNotificationEmail } from './emails/notificationEmail';
import type { RenderedEmail } from './emails/renderedEmail';
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
  const summaries = await Promise.all(input.events.map((event) => namePeople(tx, event.summary)));
  await tx.insert(
    AuditEvent,
    input.events.map((event, index) => ({
      occurredAt,
      actorId: input.actor.personId,
      actorLabel: input.actorLabel,
      entityType: 'recommendation' as const,
      entityId: input.recommendationId,
      recommendationId: input.recommendationId,
      type: event.type,
      summary: summaries[index]!,
      before: event.before,
      after: event.after,
      idempotencyKey: `${input.transitionId}:${index}`,
    })),
  );
  await projectTransition(tx, input);
  for (const event of input.events) {
    for (const notification of event.notify ?? []) {
      const email = await renderNotification(tx, notification, event, input.recommendationId, links);
      if (!email) continue;
      await tx
        .createQueryBuilder()
        .insert()
        .into(OutboundEmail)
        .values({
          transitionId: input.transitionId,
          template: notification.template,
          recipientId: notification.personId,
          toAddress: email.to,
          recommendationId: input.recommendationId,
          subject: email.subject,
          bodyText: email.text,
          bodyHtml: email.html,
        })
        .orIgnore()
        .execute();
    }
  }
}

async function renderNotification(
  tx: EntityManager,
  notification: LifecycleNotification,
  event: LifecycleEvent,
  recommendationId: string,
  links: EmailLinks,
): Promise<(RenderedEmail & { to: string }) | null> {
  const recipient = await tx.findOneBy(Person, { id: notification.personId });
  if (!recipient || !recipient.active) return null;
  const recommendation = await tx.findOneOrFail(Recommendation, { where: { id: recommendationId }, relations: { report: true, owner: true, lead: true } });
  return {
    to: recipient.email,
    ...renderNotificationEmail(notification.template, {
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
      whatHappened: await namePeople(tx, event.summary),
      link: `${links.publicUrl}/recommendations/${recommendationId}`,
    }),
  };
}

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The lifecycle speaks of people by id; people reading an email want names. */
export async function namePeople(tx: EntityManager, sentence: string): Promise<string> {
  const ids = [...new Set(sentence.match(uuidPattern) ?? [])];
  if (ids.length === 0) return sentence;
  const people = await tx.findBy(Person, ids.map((id) => ({ id })));
  const names = new Map(people.map((p) => [p.id, p.name]));
  return sentence.replace(uuidPattern, (id) => names.get(id) ?? id);
}
