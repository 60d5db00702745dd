import { QueryFailedError, type DataSource } from 'typeorm';
import { calendarDateInLondon, formatLongDate } from '../../domain/calendar';
import { COMMENT_MAX_LENGTH, itemParticipantIds, mentionedEmails } from '../../domain/comments';
import { isDelegationActive, type Delegation } from '../../domain/delegation';
import { itemLabel, type Role } from '../../domain/vocabulary';
import type { RecommendationState } from '../../domain/lifecycle';
import { Comment, OutboundEmail, Person } from '../../entities';
import { delegationColumns } from '../../entities/Delegation';
import { recordAudit } from '../../entities/auditTrail';
import type { Mailer } from '../../platform/email/mailer';
import { framedEmail, quoted } from '../../platform/email/renderedEmail';
import type { ActingPerson } from '../../platform/http/actor';
import { ApiProblem, type FieldProblem } from '../../platform/http/problem';
import { html } from '../../platform/web/html';
import { outboxSender, type OutboxSender } from '../../activities/sendOutboundEmail';

/** What a thread needs of the item it is on (the item page's view has it all). */
export interface CommentedItem {
  id: string;
  kind: string;
  reference: string;
  report: { originator: string; title: string };
  state: RecommendationState;
}

/** How long posting a comment waits for the mail server before answering. */
const INLINE_EMAIL_WAIT_MS = 3000;

/** What an entry of the thread is: a person's comment, or a reason the lifecycle recorded when it turned something down. */
export const threadEntryKinds = ['comment', 'approval_rejected', 'extension_refused', 'hmicfrs_not_accepted'] as const;
export type ThreadEntryKind = (typeof threadEntryKinds)[number];

export interface ThreadEntry {
  id: string;
  kind: ThreadEntryKind;
  /** When (ISO 8601). */
  at: string;
  /** Who, as they were named at the time. */
  by: string;
  /** For the lifecycle's entries, what was turned down: "Evidence rejected (step 1 of 2)"; null for a comment. */
  heading: string | null;
  text: string;
  /** The names of the people told by email (comments only). */
  notified: string[];
}

/** Someone who takes part in an item, as the Notify list offers them. */
export interface Participant {
  id: string;
  name: string;
  email: string;
  /** Their part, in words: "owner", "lead", "approver", "administrator"… */
  part: string;
}

export interface CommentInput {
  text: string;
  notify?: string[];
}

interface SystemRow {
  id: string;
  at: Date;
  type: Exclude<ThreadEntryKind, 'comment'>;
  actorLabel: string;
  rejection: { reasons: string; source: 'approver' | 'hmicfrs' } | null;
  refusalReason: string | null;
  requestedDueDate: string | null;
}

/** The roles that make someone take part in every item, as the Notify list says them. */
const everyItemRoles: Partial<Record<Role, string>> = { liaison_lead: 'force liaison lead', administrator: 'administrator' };

/**
 * An item's comments (api/comments/): the thread between its owner, lead and approvers, with the reasons the
 * lifecycle recorded when evidence was rejected, an extension refused or HMICFRS did not accept the item. Those are
 * read from the audit trail's typed state (`lastRejection`) and the extension requests the lifecycle projected,
 * never from the sentences written about them. Posting a comment writes it, its audit event and an email for each
 * person to tell (through the outbox) in one transaction, keyed so that sending it again posts nothing more.
 */
export class CommentService {
  private readonly sender: OutboxSender;

  constructor(
    private readonly dataSource: DataSource,
    mailer: Mailer,
    private readonly links: { publicUrl: string; forceName: string },
  ) {
    this.sender = outboxSender(dataSource, mailer, new URL(links.publicUrl).hostname);
  }

  /** The comments and the lifecycle's reasons, oldest first. */
  async thread(recommendationId: string): Promise<ThreadEntry[]> {
    const [comments, system] = await Promise.all([
      this.dataSource.manager.find(Comment, { where: { recommendationId }, order: { createdAt: 'ASC', id: 'ASC' } }),
      this.dataSource.query(
        `SELECT e.id, e.occurred_at AS "at", e.type, e.actor_label AS "actorLabel", e.after->'lastRejection' AS rejection,
                x.decision_reason AS "refusalReason", to_char(x.requested_due_date, 'YYYY-MM-DD') AS "requestedDueDate"
           FROM audit_events e
           LEFT JOIN extension_requests x
             ON e.type = 'extension_refused' AND x.status = 'refused' AND x.closed_transition_id = regexp_replace(e.idempotency_key, ':[0-9]+$', '')
          WHERE e.recommendation_id = $1 AND e.entity_type = 'recommendation'
            AND e.type IN ('approval_rejected', 'extension_refused', 'hmicfrs_not_accepted')
          ORDER BY e.occurred_at, e.id`,
        [recommendationId],
      ) as Promise<SystemRow[]>,
    ]);
    const notifiedIds = [...new Set(comments.flatMap((c) => c.notified))];
    const names = new Map(
      notifiedIds.length
        ? (
            (await this.dataSource.query(`SELECT id, name FROM people WHERE id = ANY($1::uuid[])`, [notifiedIds])) as {
              id: string;
              name: string;
            }[]
          ).map((p) => [p.id, p.name])
        : [],
    );
    const entries: ThreadEntry[] = [
      ...comments.map((c) => ({
        id: c.id,
        kind: 'comment' as const,
        at: c.createdAt.toISOString(),
        by: c.authorName,
        heading: null,
        text: c.text,
        notified: c.notified.map((id) => names.get(id) ?? 'Someone no longer here'),
      })),
      ...system.map((row) => systemEntry(row)),
    ];
    return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  /** Everyone taking part in the item today, active, by name. */
  async participants(view: CommentedItem): Promise<Participant[]> {
    const earlier = (await this.dataSource.query(
      `SELECT s.approver_id AS "approverId", s.on_behalf_of AS "onBehalfOf", s.decided_by AS "decidedBy"
         FROM approval_steps s JOIN approval_requests a ON a.id = s.approval_request_id WHERE a.recommendation_id = $1`,
      [view.id],
    )) as { approverId: string | null; onBehalfOf: string | null; decidedBy: string | null }[];
    const named = itemParticipantIds(
      view.state,
      earlier.flatMap((s) => [s.approverId, s.onBehalfOf, s.decidedBy].filter((id): id is string => id !== null)),
    );
    const today = calendarDateInLondon(Date.now());
    const delegations = named.length
      ? ((await this.dataSource.query(`SELECT ${delegationColumns} FROM delegations WHERE from_person_id = ANY($1::uuid[])`, [
          named,
        ])) as Delegation[])
      : [];
    const delegates = delegations.filter((d) => isDelegationActive(d, today)).map((d) => d.toId);
    const people = (await this.dataSource.query(
      `SELECT id, name, email, roles FROM people WHERE active AND (id = ANY($1::uuid[]) OR roles && ARRAY['liaison_lead', 'administrator']::text[]) ORDER BY name, id`,
      [[...named, ...delegates]],
    )) as { id: string; name: string; email: string; roles: Role[] }[];
    const partOf = (p: (typeof people)[number]): string => {
      if (p.id === view.state.ownerId) return 'owner';
      if (p.id === view.state.leadId) return 'lead';
      if (named.includes(p.id)) return 'approver';
      if (delegates.includes(p.id)) return 'standing in for an approver';
      return p.roles.flatMap((r) => everyItemRoles[r] ?? []).join(', ');
    };
    return people.map((p) => ({ id: p.id, name: p.name, email: p.email, part: partOf(p) }));
  }

  /** Whether this person takes part in the item (the permission table's `participant` relation). */
  async takesPart(view: CommentedItem, personId: string): Promise<boolean> {
    return (await this.participants(view)).some((p) => p.id === personId);
  }

  /**
   * Posts a comment and tells the people chosen and those @mentioned by email (never the author). A key already
   * used for the same comment answers with it (`created: false`), sending nothing again; used for another, 422.
   */
  async post(
    view: CommentedItem,
    by: ActingPerson,
    input: CommentInput,
    idempotencyKey: string,
  ): Promise<{ entry: ThreadEntry; created: boolean }> {
    const authorId = by.actor.personId;
    if (!authorId) throw ApiProblem.refused('only a person can comment');
    const text = input.text.trim();
    const existing = await this.dataSource.manager.findOneBy(Comment, { idempotencyKey });
    if (existing) return { entry: await this.sameRequest(existing, view.id, authorId, text), created: false };

    const problems: FieldProblem[] = [];
    if (!text) problems.push({ field: 'body.text', message: 'must not be empty: write the comment' });
    else if (text.length > COMMENT_MAX_LENGTH)
      problems.push({
        field: 'body.text',
        message: `must be at most ${COMMENT_MAX_LENGTH.toLocaleString('en-GB')} characters (it has ${text.length.toLocaleString('en-GB')})`,
      });
    const participants = await this.participants(view);
    (input.notify ?? []).forEach((id, i) => {
      if (!participants.some((p) => p.id === id))
        problems.push({ field: `body.notify[${i}]`, message: 'must be someone taking part in the item (one of the Notify list)' });
    });
    const emails = mentionedEmails(text);
    const mentioned = emails.length
      ? await this.dataSource.manager.find(Person, { where: emails.map((email) => ({ email, active: true })) })
      : [];
    const unknown = emails.filter((email) => !mentioned.some((p) => p.email === email));
    if (unknown.length)
      problems.push({
        field: 'body.text',
        message: `mentions ${unknown.map((e) => `@${e}`).join(', ')}, but nobody active in the force has that email address`,
      });
    if (problems.length) throw ApiProblem.invalid(problems);

    const told = new Map<string, { id: string; name: string; email: string }>();
    for (const p of [...participants.filter((x) => input.notify?.includes(x.id)), ...mentioned])
      if (p.id !== authorId) told.set(p.id, { id: p.id, name: p.name, email: p.email });
    let saved: { comment: Comment; rows: OutboundEmail[] };
    try {
      saved = await this.dataSource.transaction(async (tx) => {
        const comment = await tx.save(
          tx.create(Comment, {
            recommendationId: view.id,
            authorId,
            authorName: by.label,
            text,
            notified: [...told.keys()],
            idempotencyKey,
          }),
        );
        const rows = await Promise.all(
          [...told.values()].map((person) => tx.save(tx.create(OutboundEmail, this.email(view, comment, person)))),
        );
        await recordAudit(tx, {
          actorId: authorId,
          actorLabel: by.label,
          entityType: 'recommendation',
          entityId: view.id,
          recommendationId: view.id,
          type: 'comment_added',
          summary: `Comment by ${by.label}${told.size ? ` (told ${[...told.values()].map((p) => p.name).join(', ')})` : ''}: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`,
          after: { commentId: comment.id, notified: [...told.keys()] },
          idempotencyKey: `comment:${comment.id}`,
        });
        return { comment, rows };
      });
    } catch (error) {
      // The same key sent twice at once: the other request posted it.
      const raced =
        error instanceof QueryFailedError && (error as QueryFailedError & { code?: string }).code === '23505'
          ? await this.dataSource.manager.findOneBy(Comment, { idempotencyKey })
          : null;
      if (!raced) throw error;
      return { entry: await this.sameRequest(raced, view.id, authorId, text), created: false };
    }
    // Sent as a command's emails are: claimed first, so the item's workflow (which sends an item's pending rows when it
    // reads its record) never sends one at the same time. A refused address is marked failed; a row the mail server
    // has not taken within the wait stays pending for the workflow to send with its backoff.
    await this.sender.sendPending(
      saved.rows.map((row) => row.id),
      { quick: { until: Date.now() + INLINE_EMAIL_WAIT_MS }, justQueued: saved.rows },
    );
    const { comment } = saved;
    return {
      entry: {
        id: comment.id,
        kind: 'comment',
        at: comment.createdAt.toISOString(),
        by: comment.authorName,
        heading: null,
        text: comment.text,
        notified: [...told.values()].map((p) => p.name),
      },
      created: true,
    };
  }

  private async sameRequest(comment: Comment, recommendationId: string, authorId: string, text: string): Promise<ThreadEntry> {
    if (comment.recommendationId !== recommendationId || comment.authorId !== authorId || comment.text !== text) {
      throw new ApiProblem(
        422,
        'This Idempotency-Key was used for another request',
        'Each comment needs a key of its own: send this one with a new Idempotency-Key. Nothing was saved.',
        [{ field: 'header.Idempotency-Key', message: 'already used for a different request' }],
      );
    }
    return (await this.thread(recommendationId)).find((e) => e.id === comment.id)!;
  }

  private email(view: CommentedItem, comment: Comment, person: { id: string; name: string; email: string }): Partial<OutboundEmail> {
    const name = itemLabel(view.kind, view.reference);
    const subject = `${comment.authorName} commented on ${name} (${view.report.originator}: ${view.report.title})`;
    const link = `${this.links.publicUrl}/recommendations/${view.id}?tab=comments#comments`;
    const rendered = framedEmail({
      subject,
      forceName: this.links.forceName,
      recipientName: person.name,
      text: [
        `${comment.authorName} asked for you to see this comment on ${name} (${view.report.originator}: ${view.report.title}):`,
        '',
        comment.text,
        '',
        `Read the thread and reply: ${link}`,
      ],
      html: html`<p>
          ${comment.authorName} asked for you to see this comment on ${name} (${view.report.originator}: ${view.report.title}):
        </p>
        ${quoted(comment.text)}
        <p><a href="${link}">Read the thread and reply</a></p>`,
    });
    return {
      transitionId: `comment:${comment.id}`,
      template: 'comment',
      recipientId: person.id,
      toAddress: person.email,
      recommendationId: view.id,
      subject,
      bodyText: rendered.text,
      bodyHtml: rendered.html,
    };
  }
}

function systemEntry(row: SystemRow): ThreadEntry {
  const at = new Date(row.at).toISOString();
  switch (row.type) {
    case 'approval_rejected':
      return {
        id: `event:${row.id}`,
        kind: row.type,
        at,
        by: row.actorLabel,
        heading: 'Evidence rejected',
        text: row.rejection?.reasons ?? '',
        notified: [],
      };
    case 'hmicfrs_not_accepted':
      return {
        id: `event:${row.id}`,
        kind: row.type,
        at,
        by: `HMICFRS (recorded by ${row.actorLabel})`,
        heading: 'Not accepted by HMICFRS',
        text: row.rejection?.reasons ?? '',
        notified: [],
      };
    case 'extension_refused':
      return {
        id: `event:${row.id}`,
        kind: row.type,
        at,
        by: row.actorLabel,
        heading: row.requestedDueDate ? `Extension to ${formatLongDate(row.requestedDueDate)} refused` : 'Extension refused',
        text: row.refusalReason ?? '',
        notified: [],
      };
  }
}
