import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { actionLinkExpiry, createActionLinks } from '../platform/email/actionLinkTokens';
import type { ActionLinkAction } from '../entities/ActionLink';
import { ApplicationFailure } from '@temporalio/activity';
import {
  describeEvent,
  peopleNamedIn,
  type Actor,
  type LifecycleCommand,
  type LifecycleEvent,
  type NameOf,
  type RecommendationState,
} from '../domain/lifecycle';
import type { ItemKind } from '../domain/vocabulary';
import { recordAudit } from '../entities/auditTrail';
import { dueDateCalendarEvent } from '../platform/email/dueDateCalendar';
import { renderNotificationEmail } from './emails/notificationEmail';
import { commandFingerprint } from '../entities/commandFingerprint';
import { projectTransition, type ProjectedTransition } from './projectTransition';
import { reminderSettingsNewerThan } from '../entities/reminderSettings';
import type { ReminderSettings } from '../domain/reminders/policy';
import { PENDING_COLUMNS, type outboxSender, type PendingEmail } from './sendOutboundEmail';
import { emailBatchHoldSql } from '../entities/emailBatches';
import { inSpan } from '../platform/tracing/spans';

type OutboxSender = ReturnType<typeof outboxSender>;

export interface RecordTransitionInput {
  /** The request's idempotency key: the receipt's key, and (prefixed) the transition's id in every table. */
  commandId: string;
  recommendationId: string;
  /** The item's version the transition was decided against: written only if PostgreSQL still has it. */
  expectedVersion: number;
  actor: Actor;
  actorLabel: string;
  occurredAt: string;
  command: LifecycleCommand;
  before: RecommendationState;
  after: RecommendationState;
  events: LifecycleEvent[];
  /** The revision of the reminder settings the workflow holds: later settings come back with the outcome. */
  remindersRevision?: number;
  /** The batch of commands it belongs to: its emails wait for the batch (entities/emailBatches.ts). */
  emailBatch?: string;
}

/** The item as PostgreSQL holds it, with the emails it still owes. */
export interface RecordedItem {
  state: RecommendationState;
  version: number;
  pendingOutboxIds: string[];
}

/** The force's reminder settings, when they are later than those the workflow said it holds (it missed a change). */
export interface WithLaterReminders {
  reminders?: ReminderSettings;
}

export type RecordTransitionOutcome = WithLaterReminders &
  /** Written now. `finished`: those of its emails already dealt with (sent, or refused for good); the workflow sends the rest. */
  (
    | { outcome: 'recorded'; version: number; outboxIds: string[]; finished: string[] }
    /** This command was recorded before (a retry): nothing written; the record as it is now. */
    | { outcome: 'already_recorded'; record: RecordedItem }
    /** PostgreSQL is at another version than the one decided against: nothing written; the record, to decide again. */
    | { outcome: 'version_moved'; record: RecordedItem }
    /** The key was recorded for a different command. */
    | { outcome: 'key_reused'; recordedType: string }
  );

/** The id a command's rows carry in the lifecycle tables, the outbox and the audit trail. */
export const transitionIdOf = (commandId: string): string => `command:${commandId}`;

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

/** The item's record and the emails it still owes, for a workflow to adopt. */
export async function readRecordedItem(db: Pick<EntityManager, 'query'>, recommendationId: string): Promise<RecordedItem> {
  const [row] = (await db.query(
    `SELECT r.state, r.version,
            (SELECT coalesce(json_agg(o.id ORDER BY o.id), '[]') FROM outbound_emails o WHERE o.recommendation_id = r.id AND o.status = 'pending') AS "pendingOutboxIds"
       FROM recommendations r WHERE r.id = $1`,
    [recommendationId],
  )) as RecordedItem[];
  if (!row) throw ApplicationFailure.nonRetryable(`recommendation ${recommendationId} does not exist`, 'RecommendationMissing');
  return row;
}

/** The activity a workflow calls to catch up with PostgreSQL. */
export function readRecordActivity(dataSource: DataSource) {
  return async function readRecord(input: {
    recommendationId: string;
    remindersRevision?: number;
  }): Promise<RecordedItem & WithLaterReminders> {
    const record = await readRecordedItem(dataSource.manager, input.recommendationId);
    return { ...record, reminders: await reminderSettingsNewerThan(dataSource.manager, input.remindersRevision) };
  };
}

/**
 * Writes one accepted transition: the recommendation row (compare-and-set on its version), its audit events, the
 * lifecycle tables, the emails it causes and the command's receipt, in one transaction. Keyed by the command's key:
 * a retry finds its receipt and writes nothing twice; a transition decided against a version PostgreSQL no longer
 * has writes nothing and hands back the record, so the workflow decides again on what is really there.
 *
 * Once committed, the emails go out at once, through the outbox like any other: that spares each command an
 * activity and a workflow task. An email that cannot go now (the mail server is down, or does not answer within
 * seconds) is left to the workflow's email activity, which retries; after such a failure, emails skip this step for
 * a while, so commands are not held up by a mail server that is not answering.
 */
export function recordTransitionActivity(dataSource: DataSource, links: EmailLinks, sender?: OutboxSender) {
  let sendInlineAfter = 0;
  return async function recordTransition(input: RecordTransitionInput): Promise<RecordTransitionOutcome> {
    const outcome = await record(input);
    return outcome.outcome === 'key_reused'
      ? outcome
      : { ...outcome, reminders: await reminderSettingsNewerThan(dataSource.manager, input.remindersRevision) };
  };
  async function record(input: RecordTransitionInput): Promise<RecordTransitionOutcome> {
    const fingerprint = commandFingerprint(input.recommendationId, input.actor.personId, input.command);
    const written = await inSpan(
      'recordTransition transaction',
      { 'recommendation.id': input.recommendationId, 'command.type': input.command.type, 'command.key': input.commandId },
      (span) =>
        dataSource
          .transaction(async (tx): Promise<RecordTransitionOutcome | { queued: PendingEmail[]; version: number }> => {
            const facts = await readFacts(tx, input);
            if (facts.receipt) {
              if (facts.receipt.fingerprint !== fingerprint) return { outcome: 'key_reused', recordedType: facts.receipt.commandType };
              return { outcome: 'already_recorded', record: await readRecordedItem(tx, input.recommendationId) };
            }
            const version = await compareAndSet(tx, input);
            if (version === null) return { outcome: 'version_moved', record: await readRecordedItem(tx, input.recommendationId) };
            const queued = await writeTransition(tx, input, facts, links);
            await tx.query(
              `INSERT INTO command_receipts (key, recommendation_id, command_type, fingerprint, version_after, actor_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
              [
                input.commandId,
                input.recommendationId,
                input.command.type,
                fingerprint,
                version,
                input.actor.personId,
                new Date(input.occurredAt),
              ],
            );
            return { queued, version };
          })
          .then((result) => {
            span.setAttribute('outcome', 'outcome' in result ? result.outcome : 'recorded');
            return result;
          }),
    );
    if ('outcome' in written) return written;
    const outboxIds = written.queued.map((email) => email.id).sort(byOutboxOrder);
    // A batch's emails wait for the batch: the workflow's email activity sends them once it closes.
    const now = written.queued.filter((email) => !email.batchId);
    let unsent = outboxIds;
    if (sender && now.length > 0 && Date.now() >= sendInlineAfter) {
      const waiting = await sender.sendPending(now.map((email) => email.id).sort(byOutboxOrder), {
        quick: { until: Date.now() + INLINE_EMAIL_BUDGET_MS },
        justQueued: now,
      });
      if (waiting.length > 0) sendInlineAfter = Date.now() + INLINE_EMAIL_PAUSE_MS;
      const done = new Set(now.map((email) => email.id).filter((id) => !waiting.some((w) => w.id === id)));
      unsent = outboxIds.filter((id) => !done.has(id));
    }
    return { outcome: 'recorded', version: written.version, outboxIds, finished: outboxIds.filter((id) => !unsent.includes(id)) };
  }
}

/** Moves the row on only from the version the transition was decided against; the new version, or null if it moved. */
async function compareAndSet(tx: EntityManager, input: RecordTransitionInput): Promise<number | null> {
  const { after } = input;
  const rows = (await tx.query(
    `UPDATE recommendations SET state = $3, status = $4, owner_id = $5, lead_id = $6, due_date = $7, category = $8, version = version + 1, updated_at = CURRENT_TIMESTAMP
      WHERE id = $1 AND version = $2 RETURNING version`,
    [
      input.recommendationId,
      input.expectedVersion,
      JSON.stringify(after),
      after.status,
      after.ownerId,
      after.leadId,
      after.dueDate,
      after.category,
    ],
  )) as [{ version: number }[], number] | { version: number }[];
  const returned = Array.isArray(rows[0]) ? (rows[0] as { version: number }[]) : (rows as { version: number }[]);
  return returned[0]?.version ?? null;
}

/** After an email could not go out with its transition, how long the next ones leave it to the email activity. */
const INLINE_EMAIL_PAUSE_MS = 60_000;
/** No email is begun with its transition after this long: the command's answer waits at most this for its emails, which go on in the background. */
const INLINE_EMAIL_BUDGET_MS = 3_000;

/** A transition's emails share one instant, so a retry can only give them back in the same order by id. */
const byOutboxOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** What recording a transition reads: its receipt if it was recorded already, the item as emails describe it, and the people it names. */
interface TransitionFacts {
  receipt: { fingerprint: string; commandType: string } | null;
  item: { reference: string; kind: ItemKind; text: string; reportTitle: string; originator: string };
  people: Map<string, { id: string; name: string; email: string; active: boolean }>;
}

const notificationsOf = (input: RecordTransitionInput) =>
  input.events.flatMap((event) => (event.notify ?? []).map((notification) => ({ event, notification })));

async function readFacts(tx: EntityManager, input: RecordTransitionInput): Promise<TransitionFacts> {
  const named = input.events.flatMap(peopleNamedIn);
  const recipients = notificationsOf(input).map((n) => n.notification.personId);
  const ids = [...new Set([...named, ...recipients, input.after.ownerId, input.after.leadId].filter((id): id is string => !!id))];
  const [row] = (await tx.query(
    `SELECT (SELECT json_build_object('fingerprint', c.fingerprint, 'commandType', c.command_type) FROM command_receipts c WHERE c.key = $1) AS receipt,
            (SELECT json_build_object('reference', r.reference, 'kind', r.kind, 'text', r.text, 'reportTitle', s.title, 'originator', s.originator)
               FROM recommendations r JOIN source_reports s ON s.id = r.report_id WHERE r.id = $2) AS item,
            (SELECT coalesce(json_agg(json_build_object('id', p.id, 'name', p.name, 'email', p.email, 'active', p.active)), '[]')
               FROM people p WHERE p.id = ANY($3::uuid[])) AS people`,
    [input.commandId, input.recommendationId, ids],
  )) as {
    receipt: TransitionFacts['receipt'];
    item: TransitionFacts['item'] | null;
    people: { id: string; name: string; email: string; active: boolean }[];
  }[];
  if (!row!.item) throw ApplicationFailure.nonRetryable(`recommendation ${input.recommendationId} does not exist`, 'RecommendationMissing');
  return { receipt: row!.receipt, item: row!.item, people: new Map(row!.people.map((p) => [p.id, p])) };
}

/** The transition as the lifecycle tables record it. */
export const projectedTransition = (input: RecordTransitionInput): ProjectedTransition => ({
  transitionId: transitionIdOf(input.commandId),
  recommendationId: input.recommendationId,
  actor: input.actor,
  occurredAt: input.occurredAt,
  command: input.command.type,
  before: input.before,
  after: input.after,
  events: input.events,
});

/** Writes the transition's audit events, lifecycle tables and emails (the row itself is already moved on); returns the emails it queued. */
async function writeTransition(
  tx: EntityManager,
  input: RecordTransitionInput,
  facts: TransitionFacts,
  links: EmailLinks,
): Promise<PendingEmail[]> {
  const transitionId = transitionIdOf(input.commandId);
  const occurredAt = new Date(input.occurredAt);
  const names = new Map([...facts.people.values()].map((p) => [p.id, p.name]));
  const nameOf = (personId: string): string => names.get(personId) ?? personId;
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
      summary: describeEvent(event, nameOf),
      before: event.before,
      after: event.after,
      idempotencyKey: `${transitionId}:${index}`,
    })),
  );
  await projectTransition(tx, projectedTransition(input));
  return queueNotifications(tx, input, facts, nameOf, links);
}

/** Emails that set a due date carry it as a calendar entry. */
const datedTemplates = new Set<string>(['assigned_to_you', 'extension_approved']);

const outboxColumns = [
  'transition_id',
  'template',
  'recipient_id',
  'to_address',
  'recommendation_id',
  'subject',
  'body_text',
  'body_html',
  'calendar_event',
  'batch_id',
];

/** Renders and queues every email the transition's events ask for; the decision links of them all go in one statement. */
async function queueNotifications(
  tx: EntityManager,
  input: RecordTransitionInput,
  facts: TransitionFacts,
  nameOf: NameOf,
  links: EmailLinks,
): Promise<PendingEmail[]> {
  const { after } = input;
  const transitionId = transitionIdOf(input.commandId);
  const itemLink = `${links.publicUrl}/recommendations/${input.recommendationId}`;
  // Someone asked to decide lands on the approval page, which puts everything to scrutinise on one screen.
  const decisionPage = `${links.publicUrl}/approvals/${input.recommendationId}`;
  const emails = notificationsOf(input).flatMap(({ event, notification }) => {
    const recipient = facts.people.get(notification.personId);
    return recipient?.active ? [{ event, notification, recipient }] : [];
  });
  if (emails.length === 0) return [];
  const offered = emails.map(({ notification, recipient }) =>
    (links.actionLinks ? (decisionLinks[notification.template] ?? []) : []).map((decision) => ({ ...decision, recipient })),
  );
  const signed = links.actionLinks
    ? await createActionLinks(
        tx,
        offered.flat().map(({ action, recipient }) => ({
          id: stableUuid(`${transitionId}:${recipient.id}:${action}`),
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
      whatHappened: describeEvent(event, nameOf),
      link: decisionLinks[notification.template] ? decisionPage : itemLink,
      decisions,
    });
    const calendarEvent =
      datedTemplates.has(notification.template) && after.dueDate
        ? dueDateCalendarEvent({
            recommendationId: input.recommendationId,
            dueDate: after.dueDate,
            summary: `Due: ${email.subject.split(': ').slice(1).join(': ')}`,
            description: facts.item.reference,
            link: itemLink,
            stampedAt: new Date(input.occurredAt),
          })
        : null;
    const row = [
      transitionId,
      notification.template,
      recipient.id,
      recipient.email,
      input.recommendationId,
      email.subject,
      email.text,
      email.html,
      calendarEvent,
      input.emailBatch ?? null,
    ];
    return `(${row.map((value) => `$${values.push(value)}`).join(', ')}, ${input.emailBatch ? emailBatchHoldSql : 'NULL'})`;
  });
  // Each command of a batch keeps the whole batch held a little longer (entities/emailBatches.ts).
  if (input.emailBatch) {
    await tx.query(
      `UPDATE outbound_emails SET hold_until = ${emailBatchHoldSql} WHERE batch_id = $1 AND status = 'pending' AND hold_until IS NOT NULL`,
      [input.emailBatch],
    );
  }
  return (await tx.query(
    `INSERT INTO outbound_emails (${outboxColumns.join(', ')}, hold_until) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING
     RETURNING id, ${PENDING_COLUMNS}`,
    values,
  )) as PendingEmail[];
}
