import { formatLongDate } from '../../domain/calendar';
import type { NotificationTemplate } from '../../domain/lifecycle';
import { itemKindLabels, itemLabel, type ItemKind } from '../../domain/vocabulary';
import { html } from '../../platform/web/html';
import { framedEmail, quoted, type RenderedEmail } from '../../platform/email/renderedEmail';

/** What every email about one recommendation says about it. */
export interface NotificationFacts {
  forceName: string;
  recipientName: string;
  ownerName: string | null;
  leadName: string | null;
  reportTitle: string;
  originator: string;
  reference: string;
  kind: ItemKind;
  text: string;
  dueDate: string | null;
  /** The audit trail's sentence for what happened, e.g. "Rejected by the DCC: the evidence does not show …". */
  whatHappened: string;
  link: string;
  /** One-click decisions (signed, single-use links), for emails that ask the recipient to decide. */
  decisions?: { label: string; url: string }[];
}

interface TemplateWords {
  /** Starts the subject: what to do, or what happened. */
  headline: string;
  /** First paragraph; `{item}` becomes e.g. `recommendation 4 of "PEEL 2021" (HMICFRS)`. */
  intro: string;
  /** What the recipient should do next, or null when it is for information. */
  next: string | null;
}

const words: Record<NotificationTemplate, TemplateWords> = {
  assigned_to_you: {
    headline: 'Action assigned to you',
    intro: 'You are now the action owner for {item}.',
    next: 'Open it to accept it, post progress updates and, when the work is done, submit evidence.',
  },
  lead_for_item: {
    headline: 'You are the lead',
    intro: 'You are now the lead for {item}.',
    next: 'You will be asked to approve its closure when evidence is submitted.',
  },
  handed_over: {
    headline: 'Action handed over',
    intro: '{item} has been handed over, with its history.',
    next: 'Open it to see what has been done so far.',
  },
  approval_requested: {
    headline: 'Approval needed',
    intro: 'Evidence has been submitted for {item}, and your approval is needed to close it.',
    next: 'Open it to scrutinise the evidence, then approve, or reject it with your reasons.',
  },
  approver_needed: {
    headline: 'No approver could be found',
    intro: 'Evidence has been submitted for {item}, but nobody could be found to approve the next step.',
    next: 'Check the routing rules, people and delegations, then reroute the approval.',
  },
  approval_outdated: {
    headline: 'Please approve again',
    intro: 'Your approval of {item} is out of date because the evidence or the text changed.',
    next: 'Open it to look at the change and approve again, or reject it.',
  },
  evidence_amended: {
    headline: 'Evidence changed',
    intro: 'The evidence for {item}, which is waiting for your approval, has changed.',
    next: 'Open it to look at the change before you decide.',
  },
  evidence_rejected: {
    headline: 'Evidence not accepted',
    intro: 'The evidence for {item} was not accepted, and the action is back in progress.',
    next: 'Open it to read the reasons, then submit evidence again when the work is done.',
  },
  extension_requested: {
    headline: 'Extension requested',
    intro: 'A new due date has been requested for {item}.',
    next: 'Open it to approve or refuse the extension.',
  },
  extension_approved: {
    headline: 'Extension approved',
    intro: 'The extension for {item} was approved.',
    next: 'Reminders now count down to the new due date.',
  },
  extension_refused: {
    headline: 'Extension refused',
    intro: 'The extension for {item} was refused; the due date stays as it was.',
    next: 'Open it to read the reasons.',
  },
  ready_for_self_certification: {
    headline: 'Ready for self-certification',
    intro: 'Every approval for {item} has been given.',
    next: 'Record the self-certification letter to close it, or to send it on to HMICFRS.',
  },
  ready_for_hmicfrs_submission: {
    headline: 'Ready to submit to HMICFRS',
    intro: '{item} has been self-certified by the force.',
    next: 'Submit it to HMICFRS for sign-off.',
  },
  hmicfrs_not_accepted: {
    headline: 'HMICFRS did not accept the closure',
    intro: 'HMICFRS did not accept the closure of {item}; it is back in progress.',
    next: "Open it to read HMICFRS's reasons and plan the remaining work.",
  },
  item_closed: { headline: 'Closed', intro: '{item} is now closed.', next: null },
  item_reopened: { headline: 'Reopened', intro: '{item} has been reopened.', next: 'Open it to read why and to pick the work up again.' },
};

export function renderNotificationEmail(template: NotificationTemplate, facts: NotificationFacts): RenderedEmail {
  const w = words[template];
  const kind = itemKindLabels[facts.kind].toLowerCase();
  const named = itemLabel(facts.kind, facts.reference, kind);
  const itemWords = `${named} of "${facts.reportTitle}" (${facts.originator})`;
  const intro = w.intro.replace('{item}', itemWords);
  const introSentence = intro.charAt(0).toUpperCase() + intro.slice(1);
  const due = facts.dueDate ? formatLongDate(facts.dueDate) : null;
  const subject = `${w.headline}${due && template === 'assigned_to_you' ? `, due ${due}` : ''}: ${facts.originator} ${facts.reportTitle}, ${named}`;
  const details = [
    due ? `Due: ${due}` : null,
    facts.ownerName ? `Action owner: ${facts.ownerName}` : null,
    facts.leadName ? `Lead: ${facts.leadName}` : null,
    `What happened: ${facts.whatHappened}`,
  ].filter((line): line is string => line !== null);

  const decisions = facts.decisions ?? [];
  return framedEmail({
    subject,
    forceName: facts.forceName,
    recipientName: facts.recipientName,
    text: [
      introSentence,
      ...details,
      '',
      `${itemLabel(facts.kind, facts.reference)}:`,
      facts.text,
      '',
      ...(w.next ? [`What to do next: ${w.next}`] : []),
      facts.link,
      ...decisions.flatMap((d) => ['', `${d.label} (works once, for you only):`, d.url]),
    ],
    html: html`<p>${introSentence}</p>
      <ul>
        ${details.map((line) => html`<li>${line}</li>`)}
      </ul>
      ${quoted(facts.text)} ${w.next ? html`<p><strong>What to do next:</strong> ${w.next}</p>` : ''}
      <p><a href="${facts.link}">Open ${named}</a></p>
      ${decisions.length ? html`<p>Or decide from here (each link works once, for you only, and asks you to confirm): ${decisions.map((d, i) => html`${i ? ' · ' : ''}<a href="${d.url}">${d.label}</a>`)}</p>` : ''}`,
  });
}
