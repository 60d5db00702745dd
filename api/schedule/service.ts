import type { DataSource } from 'typeorm';
import { formatLongDate } from '../../domain/calendar';
import type { Nudge, NudgeKind, NudgeRecipients } from '../../domain/reminders/plan';
import type { RecommendationService, RecommendationView } from '../recommendations/service';
import { itemName } from '../recommendations/scrutiny';

/** One reminder or escalation the item's workflow plans. */
export interface PlannedReminder {
  at: string;
  kind: NudgeKind;
  /** What it is, in words. */
  what: string;
  /** Why it is planned then, in words. */
  why: string;
  /** Who it goes to: names where the item says, else the role. */
  to: string[];
  /** Routine reminders wait for each person's digest unless they chose to hear at once. */
  routine: boolean;
  key: string;
}

/** One reminder or escalation email about the item (a digest that carried the item counts too). */
export interface SentReminder {
  outboxId: string;
  subject: string;
  to: string;
  status: string;
  queuedAt: string;
  sentAt: string | null;
  digest: boolean;
}

/** A routine reminder waiting for its person's next digest. */
export interface WaitingReminder {
  to: string;
  line: string;
  since: string;
}

export interface ItemSchedule {
  recommendationId: string;
  name: string;
  caption: string;
  status: string;
  dueDate: string | null;
  /** Null when the item has no running workflow to ask. */
  workflow: { settingsRevision: number | null; sendTime: string | null } | null;
  planned: PlannedReminder[];
  waitingForDigest: WaitingReminder[];
  sent: SentReminder[];
}

const routine: ReadonlySet<NudgeKind> = new Set<NudgeKind>(['due_reminder', 'committee_update_request', 'committee_update_chase']);

const what: Record<NudgeKind, string> = {
  due_reminder: 'Reminder of the due date',
  off_target: 'Off target: owner and lead told',
  off_target_dcc: 'Off target: escalated to the DCC',
  off_target_repeat: 'Off target: owner and lead chased again',
  approval_chase: 'Approver chased',
  approval_escalation: 'Approval escalated',
  hmicfrs_chase: 'HMICFRS sign-off chased',
  committee_update_request: 'Progress update requested for the committee',
  committee_update_chase: 'Progress update for the committee chased',
};

function why(nudge: Nudge): string {
  const due = nudge.dueDate ? formatLongDate(nudge.dueDate) : null;
  const step = nudge.approval
    ? `step ${nudge.approval.step + 1} of the ${nudge.approval.chain} approval, open since ${formatLongDate(nudge.approval.openedOn)}`
    : 'the approval step';
  switch (nudge.kind) {
    case 'due_reminder':
      return `The work is with the owner and is due on ${due}.`;
    case 'off_target':
      return `The due date, ${due}, has passed and no evidence is in.`;
    case 'off_target_dcc':
      return `Still off target after the owner and lead were told (due ${due}).`;
    case 'off_target_repeat':
      return `Still off target (due ${due}): the chase repeats until evidence is in, or the date is extended.`;
    case 'approval_chase':
      return `The evidence waits for ${step}.`;
    case 'approval_escalation':
      return `The evidence has waited too long for ${step}.`;
    case 'hmicfrs_chase':
      return 'The item waits for HMICFRS to sign it off.';
    case 'committee_update_request':
    case 'committee_update_chase':
      return nudge.meeting ? `The committee meets on ${formatLongDate(nudge.meeting)}.` : 'A committee meeting is coming.';
  }
}

const roleWords: Record<NudgeRecipients, string> = {
  owner: 'the owner',
  owner_and_lead: 'the owner and the lead',
  dcc: 'the DCC',
  approver: 'the approver',
  next_approver: 'the approver above',
  liaison_lead: 'the force liaison lead',
};

/** The item's reminder schedule: what its workflow plans (its own query, not worked out again here) and what was sent. */
export async function itemSchedule(
  deps: { dataSource: DataSource; recommendations: RecommendationService },
  view: RecommendationView,
): Promise<ItemSchedule> {
  const { dataSource, recommendations } = deps;
  const [plan, sentRows, waitingRows] = await Promise.all([
    recommendations.plannedReminders(view.id),
    dataSource.query(
      `SELECT o.id AS "outboxId", o.subject, o.to_address AS "to", o.status, o.created_at AS "queuedAt", o.sent_at AS "sentAt", o.template = 'digest' AS digest
         FROM outbound_emails o
        WHERE (o.recommendation_id = $1 AND o.template LIKE 'nudge:%')
           OR o.id IN (SELECT d.outbound_email_id FROM digest_entries d WHERE d.recommendation_id = $1 AND d.outbound_email_id IS NOT NULL)
        ORDER BY o.created_at, o.id`,
      [view.id],
    ) as Promise<(Omit<SentReminder, 'queuedAt' | 'sentAt'> & { queuedAt: Date; sentAt: Date | null })[]>,
    dataSource.query(
      `SELECT p.name AS "to", d.line, d.created_at AS since FROM digest_entries d JOIN people p ON p.id = d.person_id
        WHERE d.recommendation_id = $1 AND d.sent_at IS NULL ORDER BY d.created_at, d.id`,
      [view.id],
    ) as Promise<{ to: string; line: string; since: Date }[]>,
  ]);
  const approverIds = [...new Set((plan?.planned ?? []).flatMap((n) => (n.approval ? [n.approval.approverId] : [])))];
  const approvers = approverIds.length
    ? ((await dataSource.query(`SELECT id, name FROM people WHERE id = ANY($1)`, [approverIds])) as { id: string; name: string }[])
    : [];
  const nameOf = new Map(approvers.map((p) => [p.id, p.name]));
  const to = (nudge: Nudge): string[] => {
    const owner = view.owner ? `${view.owner.name} (owner)` : roleWords.owner;
    const lead = view.lead ? `${view.lead.name} (lead)` : 'the lead';
    switch (nudge.recipients) {
      case 'owner':
        return [owner];
      case 'owner_and_lead':
        return [owner, lead];
      case 'approver':
        return [nudge.approval ? `${nameOf.get(nudge.approval.approverId) ?? 'Someone no longer here'} (approver)` : roleWords.approver];
      default:
        // Resolved when it is sent, delegations included.
        return [roleWords[nudge.recipients]];
    }
  };
  return {
    recommendationId: view.id,
    name: itemName(view),
    caption: `${view.report.originator}: ${view.report.title}`,
    status: view.status,
    dueDate: view.dueDate,
    workflow: plan ? { settingsRevision: plan.settingsRevision, sendTime: plan.sendTime } : null,
    planned: (plan?.planned ?? []).map((nudge) => ({
      at: nudge.at,
      kind: nudge.kind,
      what: what[nudge.kind],
      why: why(nudge),
      to: to(nudge),
      routine: routine.has(nudge.kind),
      key: nudge.key,
    })),
    waitingForDigest: waitingRows.map((w) => ({ to: w.to, line: w.line, since: new Date(w.since).toISOString() })),
    sent: sentRows.map((s) => ({
      ...s,
      queuedAt: new Date(s.queuedAt).toISOString(),
      sentAt: s.sentAt ? new Date(s.sentAt).toISOString() : null,
    })),
  };
}
