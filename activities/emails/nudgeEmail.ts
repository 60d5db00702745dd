import { formatLongDate } from '../../domain/calendar';
import type { NudgeKind } from '../../domain/reminders/plan';
import { itemKindLabels, itemLabel, type ItemKind } from '../../domain/vocabulary';
import { html } from '../../platform/web/html';
import { framedEmail, quoted, type RenderedEmail } from '../../platform/email/renderedEmail';

export interface NudgeFacts {
  forceName: string;
  recipientName: string;
  reportTitle: string;
  originator: string;
  reference: string;
  kind: ItemKind;
  text: string;
  dueDate: string | null;
  /** Working days from today to the due date (negative once it has passed). */
  workingDaysToDue: number | null;
  /** Working days overdue today (domain/figures.ts: from the working day after the due date); 0 when not overdue. */
  workingDaysOverdue: number;
  ownerName: string | null;
  meeting: string | null;
  link: string;
}

/** Which nudges may wait for the recipient's digest; escalations and approval chases never do. */
export const routineNudges: ReadonlySet<NudgeKind> = new Set<NudgeKind>([
  'due_reminder',
  'committee_update_request',
  'committee_update_chase',
]);

const days = (n: number) => `${n} working day${n === 1 ? '' : 's'}`;
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** What the nudge asks, as the start of the subject and one line of a digest. */
export function nudgeHeadline(
  kind: NudgeKind,
  facts: Pick<NudgeFacts, 'workingDaysToDue' | 'workingDaysOverdue' | 'dueDate' | 'meeting'>,
): string {
  const due = facts.dueDate ? formatLongDate(facts.dueDate) : 'no date';
  const left = facts.workingDaysToDue;
  // Only an item overdue by the one definition is called overdue; an off-target notice is never planned before then.
  const overdue = facts.workingDaysOverdue > 0 ? `overdue by ${days(facts.workingDaysOverdue)} (due ${due})` : `due ${due}`;
  switch (kind) {
    case 'due_reminder':
      return left !== null && left > 0 ? `Action due in ${days(left)} (${due})` : `Action due ${due}`;
    case 'off_target':
      return capitalise(overdue);
    case 'off_target_dcc':
      return `Escalated to you: ${overdue}`;
    case 'off_target_repeat':
      return facts.workingDaysOverdue > 0 ? `Still ${overdue}` : capitalise(overdue);
    case 'approval_chase':
      return 'Reminder: your approval is waiting';
    case 'approval_escalation':
      return 'Escalated to you: an approval has waited too long';
    case 'hmicfrs_chase':
      return 'Still awaiting HMICFRS sign-off';
    case 'committee_update_request':
      return `Progress update needed for the committee${facts.meeting ? ` on ${formatLongDate(facts.meeting)}` : ''}`;
    case 'committee_update_chase':
      return `Reminder: progress update needed for the committee${facts.meeting ? ` on ${formatLongDate(facts.meeting)}` : ''}`;
  }
}

const nextStep: Record<NudgeKind, string> = {
  due_reminder: 'Post a progress update, ask for an extension if the date cannot be met, or submit evidence when the work is done.',
  off_target: 'Submit evidence if the work is done, or ask for an extension with your reasons.',
  off_target_dcc: 'The owner and lead were told a week ago. Please look into it with them.',
  off_target_repeat: 'Submit evidence if the work is done, or ask for an extension with your reasons.',
  approval_chase: 'Open it to scrutinise the evidence, then approve, or reject it with your reasons.',
  approval_escalation: 'The approver has not decided yet. Please follow it up, or decide if you can.',
  hmicfrs_chase: 'Ask HMICFRS for its decision, or record its response if it has given one.',
  committee_update_request: 'Post a progress update: it is what the committee papers will print as the latest update.',
  committee_update_chase: 'Post a progress update before the deadline: it is what the committee papers will print.',
};

export function itemWords(facts: Pick<NudgeFacts, 'originator' | 'reportTitle' | 'kind' | 'reference'>): string {
  return `${facts.originator} ${facts.reportTitle}, ${itemLabel(facts.kind, facts.reference, itemKindLabels[facts.kind].toLowerCase())}`;
}

/** One reminder or escalation about one item. */
export function renderNudgeEmail(kind: NudgeKind, facts: NudgeFacts): RenderedEmail {
  const headline = nudgeHeadline(kind, facts);
  const subject = `${headline}: ${itemWords(facts)}`;
  const lines = [
    facts.dueDate ? `Due: ${formatLongDate(facts.dueDate)}` : null,
    facts.ownerName ? `Action owner: ${facts.ownerName}` : null,
  ].filter((line): line is string => line !== null);
  return framedEmail({
    subject,
    forceName: facts.forceName,
    recipientName: facts.recipientName,
    text: [`${headline}: ${itemWords(facts)}.`, ...lines, '', facts.text, '', `What to do next: ${nextStep[kind]}`, facts.link],
    html: html`<p><strong>${headline}</strong>: ${itemWords(facts)}.</p>
      <ul>
        ${lines.map((line) => html`<li>${line}</li>`)}
      </ul>
      ${quoted(facts.text)}
      <p><strong>What to do next:</strong> ${nextStep[kind]}</p>
      <p><a href="${facts.link}">Open ${itemLabel(facts.kind, facts.reference, itemKindLabels[facts.kind].toLowerCase())}</a></p>`,
  });
}

/** A person's routine reminders, all their items in one message. */
export function renderDigestEmail(input: {
  forceName: string;
  recipientName: string;
  entries: { line: string; link: string }[];
  period: 'daily' | 'weekly';
}): RenderedEmail {
  const count = input.entries.length;
  const subject = `Your ${input.period === 'weekly' ? 'weekly' : 'daily'} reminders: ${count} action${count === 1 ? '' : 's'} need${count === 1 ? 's' : ''} your attention`;
  return framedEmail({
    subject,
    forceName: input.forceName,
    recipientName: input.recipientName,
    text: ['These actions need your attention:', '', ...input.entries.flatMap((entry) => [`- ${entry.line}`, `  ${entry.link}`])],
    html: html`<p>These actions need your attention:</p>
      <ul>
        ${input.entries.map((entry) => html`<li><a href="${entry.link}">${entry.line}</a></li>`)}
      </ul>`,
  });
}
