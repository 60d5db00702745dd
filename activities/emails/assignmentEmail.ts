import { formatLongDate } from '../../domain/calendar';
import { itemKindLabels, type ItemKind } from '../../domain/vocabulary';
import { html } from '../../web/html';
import type { RenderedEmail } from './renderedEmail';

export interface AssignmentEmailInput {
  forceName: string;
  ownerName: string;
  leadName: string;
  reportTitle: string;
  originator: string;
  reference: string;
  kind: ItemKind;
  text: string;
  dueDate: string;
  link: string;
}

/** The email task an owner receives when a recommendation is assigned to them. */
export function renderAssignmentEmail(input: AssignmentEmailInput): RenderedEmail {
  const kind = itemKindLabels[input.kind].toLowerCase();
  const due = formatLongDate(input.dueDate);
  const subject = `Action assigned to you, due ${due}: ${input.originator} ${input.reportTitle}, ${kind} ${input.reference}`;
  const text = [
    `Dear ${input.ownerName},`,
    '',
    `You are now the action owner for ${kind} ${input.reference} of "${input.reportTitle}" (${input.originator}).`,
    `It is due on ${due}. Your lead is ${input.leadName}.`,
    '',
    `${itemKindLabels[input.kind]} ${input.reference}:`,
    input.text,
    '',
    'What to do next: open the recommendation, accept it, and post progress updates until you can submit evidence that the work is done.',
    input.link,
    '',
    `${input.forceName} corporate development`,
  ].join('\n');
  const body = html`<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; line-height: 1.4">
<p>Dear ${input.ownerName},</p>
<p>You are now the action owner for ${kind} ${input.reference} of <strong>${input.reportTitle}</strong> (${input.originator}).</p>
<p>It is due on <strong>${due}</strong>. Your lead is ${input.leadName}.</p>
<blockquote style="border-left: 5px solid #b1b4b6; margin: 0; padding: 0 16px">${input.text}</blockquote>
<p><a href="${input.link}">Open ${kind} ${input.reference}</a> to accept it, post progress updates and, when the work is done, submit evidence.</p>
<p>${input.forceName} corporate development</p>
</body></html>`;
  return { subject, text, html: body.value };
}
