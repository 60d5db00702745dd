import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { actionLinkExpiry, createActionLinks } from '../api/actionLinks/tokens';
import type { ActionLinkAction } from '../entities/ActionLink';
import type { Actor, LifecycleEvent, RecommendationState } from '../domain/lifecycle';
import type { ItemKind } from '../domain/vocabulary';
import { recordAudit } from '../entities/auditTrail';
import { dueDateCalendarEvent } from './emails/dueDateCalendar';
import { renderNotificationEmail } from './emails/notificationEmail';
import { projectTransition } from './projectTransition';
import type { outboxSender, PendingEmail } from './sendOutboundEmail';

type OutboxSender = ReturnType<typeof outboxSender>;

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
  /** The transition's emails. */
  outboxIds: string[];
  /**
   * Those of them already dealt with (sent, or refused for good) when the activity answered: the workflow sends the
   * rest. Absent from results recorded before emails went out with their transition.
   */
  finished?: string[];
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
 *
 * Every command waits for this, so it takes few round trips and maps no entities: one read of everything the
 * writes need, then one statement per table (the projections add theirs).
 *
 * Once committed, the emails go out at once, through the outbox like any other: that spares each command an
 * activity and a workflow task. An email that cannot go now (the mail server is down, or does not answer within
 * seconds) is left to the workflow's email activity, which retries; after such a failure, emails skip this step for
 * a while, so commands are not held up by a mail server that is not answering.
 */
export function recordTransitionActivity(dataSource: DataSource, links: EmailLinks, sender?: OutboxSender) {
  let sendInlineAfter = 0;
  return async function recordTransition(input: RecordTransitionInput): Promise<RecordTransitionResult> {
    const { emails, justQueued } = await dataSource.transaction(async (tx) => {
      const facts = await readFacts(tx, input);
      if (!facts.alreadyRecorded) {
        const queued = await writeTransition(tx, input, facts, links);
        return { emails: queued.map((row) => ({ id: row.id, pending: true })), justQueued: queued };
      }
      const rows = (await tx.query(`SELECT id, status = 'pending' AS pending FROM outbound_emails WHERE transition_id = $1`, [input.transitionId])) as { id: string; pending: boolean }[];
      return { emails: rows, justQueued: undefined };
    });
    const outboxIds = emails.map((email) => email.id).sort(byOutboxOrder);
    let unsent = emails.filter((email) => email.pending).map((email) => email.id).sort(byOutboxOrder);
    if (sender && unsent.length > 0 && Date.now() >= sendInlineAfter) {
      const waiting = await sender.sendPending(unsent, { quick: { until: Date.now() + INLINE_EMAIL_BUDGET_MS }, justQueued });
      if (waiting.length > 0) sendInlineAfter = Date.now() + INLINE_EMAIL_PAUSE_MS;
      unsent = waiting.map((w) => w.id);
    }
    return { outboxIds, finished: outboxIds.filter((id) => !unsent.includes(id)) };
  };
}

/** After an email could not go out with its transition, how long the next ones leave it to the email activity. */
const INLINE_EMAIL_PAUSE_MS = 60_000;
/** No email is begun with its transition after this long; with the quick send's timeouts (mailer.ts), it bounds the wait. */
const INLINE_EMAIL_BUDGET_MS = 3_000;

/** A transition's emails share one instant, so a retry can only give them back in the same order by id. */
const byOutboxOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** What recording a transition reads: whether it is recorded already, the item as emails describe it, and the people it names. */
interface TransitionFacts {
  alreadyRecorded: boolean;
  item: { reference: string; kind: ItemKind; text: string; reportTitle: string; originator: string };
  people: Map<string, { id: string; name: string; email: string; active: boolean }>;
}

const notificationsOf = (input: RecordTransitionInput) => input.events.flatMap((event) => (event.notify ?? []).map((notification) => ({ event, notification })));

async function readFacts(tx: EntityManager, input: RecordTransitionInput): Promise<TransitionFacts> {
  const named = input.events.flatMap((event) => event.summary.match(uuidPattern) ?? []);
  const recipients = notificationsOf(input).map((n) => n.notification.personId);
  const ids = [...new Set([...named, ...recipients, input.after.ownerId, input.after.leadId].filter((id): id is string => !!id))];
  const [row] = (await tx.query(
    `SELECT EXISTS (SELECT 1 FROM audit_events WHERE idempotency_key = $1) AS "alreadyRecorded",
            (SELECT json_build_object('reference', r.reference, 'kind', r.kind, 'text', r.text, 'reportTitle', s.title, 'originator', s.originator)
               FROM recommendations r JOIN source_reports s ON s.id = r.report_id WHERE r.id = $2) AS item,
            (SELECT coalesce(json_agg(json_build_object('id', p.id, 'name', p.name, 'email', p.email, 'active', p.active)), '[]')
               FROM people p WHERE p.id = ANY($3::uuid[])) AS people`,
    [`${input.transitionId}:0`, input.recommendationId, ids],
  )) as { alreadyRecorded: boolean; item: TransitionFacts['item'] | null; people: { id: string; name: string; email: string; active: boolean }[] }[];
  if (!row!.item) throw new Error(`recommendation ${input.recommendationId} does not exist`);
  return { alreadyRecorded: row!.alreadyRecorded, item: row!.item, people: new Map(row!.people.map((p) => [p.id, p])) };
}

/** Writes the transition; returns the emails it queued. */
async function writeTransition(tx: EntityManager, input: RecordTransitionInput, facts: TransitionFacts, links: EmailLinks): Promise<PendingEmail[]> {
  const { after } = input;
  await tx.query(
    `UPDATE recommendations SET state = $2, status = $3, owner_id = $4, lead_id = $5, due_date = $6, category = $7, version = version + 1, updated_at = CURRENT_TIMESTAMP WHERE id = $1`,
    [input.recommendationId, JSON.stringify(after), after.status, after.ownerId, after.leadId, after.dueDate, after.category],
  );
  const occurredAt = new Date(input.occurredAt);
  const names = new Map([...facts.people.values()].map((p) => [p.id, p.name]));
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
  return queueNotifications(tx, input, facts, names, links);
}

/** Emails that set a due date carry it as a calendar entry. */
const datedTemplates = new Set<string>(['assigned_to_you', 'extension_approved']);

const outboxColumns = ['transition_id', 'template', 'recipient_id', 'to_address', 'recommendation_id', 'subject', 'body_text', 'body_html', 'calendar_event'];

/** Renders and queues every email the transition's events ask for; the decision links of them all go in one statement. */
async function queueNotifications(tx: EntityManager, input: RecordTransitionInput, facts: TransitionFacts, names: Map<string, string>, links: EmailLinks): Promise<PendingEmail[]> {
  const { after } = input;
  const itemLink = `${links.publicUrl}/recommendations/${input.recommendationId}`;
  // Someone asked to decide lands on the approval page, which puts everything to scrutinise on one screen.
  const decisionPage = `${links.publicUrl}/approvals/${input.recommendationId}`;
  const emails = notificationsOf(input).flatMap(({ event, notification }) => {
    const recipient = facts.people.get(notification.personId);
    return recipient?.active ? [{ event, notification, recipient }] : [];
  });
  if (emails.length === 0) return [];
  const offered = emails.map(({ notification, recipient }) => (links.actionLinks ? (decisionLinks[notification.template] ?? []) : []).map((decision) => ({ ...decision, recipient })));
  const signed = links.actionLinks
    ? await createActionLinks(
        tx,
        offered.flat().map(({ action, recipient }) => ({
          id: stableUuid(`${input.transitionId}:${recipient.id}:${action}`),
          personId: recipient.id,
          recommendationId: input.recommendationId,
          action,
          expiresAt: actionLinkExpiry(new Date(input.occurredAt), links.actionLinks!.days),
        })),
        links.actionLinks.secret,
      )
    : [];
  const values: unknown[] = [];
  const rows = emails.map(({ event, notification, recipient }, index) => {
    const decisions = offered[index]!.map(({ label }) => ({ label, url: `${links.publicUrl}${signed.shift()!.path}` }));
    const email = renderNotificationEmail(notification.template, {
      forceName: links.forceName,
      recipientName: recipient.name,
      ownerName: (after.ownerId && facts.people.get(after.ownerId)?.name) || null,
      leadName: (after.leadId && facts.people.get(after.leadId)?.name) || null,
      reportTitle: facts.item.reportTitle,
      originator: facts.item.originator,
      reference: facts.item.reference,
      kind: facts.item.kind,
      text: after.text ?? facts.item.text,
      dueDate: after.dueDate,
      whatHappened: withNames(event.summary, names),
      link: decisionLinks[notification.template] ? decisionPage : itemLink,
      decisions,
    });
    const calendarEvent =
      datedTemplates.has(notification.template) && after.dueDate
        ? dueDateCalendarEvent({ recommendationId: input.recommendationId, dueDate: after.dueDate, summary: `Due: ${email.subject.split(': ').slice(1).join(': ')}`, description: facts.item.reference, link: itemLink, stampedAt: new Date(input.occurredAt) })
        : null;
    const row = [input.transitionId, notification.template, recipient.id, recipient.email, input.recommendationId, email.subject, email.text, email.html, calendarEvent];
    return `(${row.map((value) => `$${values.push(value)}`).join(', ')})`;
  });
  return (await tx.query(
    `INSERT INTO outbound_emails (${outboxColumns.join(', ')}) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING
     RETURNING id, template, to_address AS "toAddress", recommendation_id AS "recommendationId", subject, body_text AS "bodyText", body_html AS "bodyHtml", calendar_event AS "calendarEvent"`,
    values,
  )) as PendingEmail[];
}

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

const withNames = (sentence: string, names: Map<string, string>): string => sentence.replace(uuidPattern, (id) => names.get(id) ?? id);
