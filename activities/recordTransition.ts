import type { DataSource, EntityManager } from 'typeorm';
import type { Actor, LifecycleEvent, RecommendationState } from '../domain/lifecycle';
import { notificationsFor, type Notification } from '../domain/notifications';
import { AuditEvent, OutboundEmail, Person, Recommendation } from '../entities';
import { renderAssignmentEmail } from './emails/assignmentEmail';
import type { RenderedEmail } from './emails/renderedEmail';

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
      summary: event.summary,
      before: event.before,
      after: event.after,
      idempotencyKey: `${input.transitionId}:${index}`,
    })),
  );
  for (const event of input.events) {
    for (const notification of notificationsFor(event, after)) {
      const email = await renderNotification(tx, notification, input.recommendationId, links);
      if (!email) continue;
      await tx
        .createQueryBuilder()
        .insert()
        .into(OutboundEmail)
        .values({
          transitionId: input.transitionId,
          template: notification.template,
          recipientId: notification.recipientId,
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
  notification: Notification,
  recommendationId: string,
  links: EmailLinks,
): Promise<(RenderedEmail & { to: string }) | null> {
  const recipient = await tx.findOneBy(Person, { id: notification.recipientId });
  if (!recipient) return null;
  const recommendation = await tx.findOneOrFail(Recommendation, { where: { id: recommendationId }, relations: { report: true, lead: true } });
  const link = `${links.publicUrl}/recommendations/${recommendationId}`;
  switch (notification.template) {
    case 'assignment':
      return {
        to: recipient.email,
        ...renderAssignmentEmail({
          forceName: links.forceName,
          ownerName: recipient.name,
          leadName: recommendation.lead?.name ?? 'not yet named',
          reportTitle: recommendation.report.title,
          originator: recommendation.report.originator,
          reference: recommendation.reference,
          kind: recommendation.kind,
          text: recommendation.text,
          dueDate: recommendation.dueDate ?? '',
          link,
        }),
      };
  }
}
