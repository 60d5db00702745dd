import type { DataSource } from 'typeorm';
import { formatLongDate } from '../../domain/calendar';
import { itemKindLabels, itemLabel, type ItemKind } from '../../domain/vocabulary';
import { html } from '../../platform/web/html';
import { framedEmail, type RenderedEmail } from '../../platform/email/renderedEmail';
import type { EmailLinks } from '../recordTransition';
import type { CombineEmails, PendingEmail } from '../sendOutboundEmail';

/** One item of a combined email. */
export interface BatchEntry {
  reference: string;
  kind: ItemKind;
  reportTitle: string;
  originator: string;
  dueDate: string | null;
  link: string;
}

const headings: Partial<Record<string, { subject: (n: number) => string; intro: string; next: string | null }>> = {
  assigned_to_you: {
    subject: (n) => `${n} actions assigned to you`,
    intro: 'You are now the action owner for these items:',
    next: 'Open each to accept it, post progress updates and, when the work is done, submit evidence.',
  },
  lead_for_item: {
    subject: (n) => `You are the lead for ${n} items`,
    intro: 'You are now the lead for these items:',
    next: 'You will be asked to approve their closure when evidence is submitted.',
  },
  handed_over: {
    subject: (n) => `${n} actions handed over`,
    intro: 'These items have been handed over, with their history:',
    next: 'Open each to see what has been done so far.',
  },
};

const entryLine = (e: BatchEntry) =>
  `${e.originator} ${e.reportTitle}, ${itemLabel(e.kind, e.reference, itemKindLabels[e.kind].toLowerCase())}${e.dueDate ? `, due ${formatLongDate(e.dueDate)}` : ''}`;

/** One recipient's emails of one kind from a batch of commands, as one email listing each item, as the reminder digest does. */
export function renderBatchEmail(
  template: string,
  input: { forceName: string; recipientName: string; entries: BatchEntry[] },
): RenderedEmail {
  const n = input.entries.length;
  const words = headings[template] ?? {
    subject: (count: number) => `${count} items changed`,
    intro: 'These items have changed:',
    next: null,
  };
  return framedEmail({
    subject: words.subject(n),
    forceName: input.forceName,
    recipientName: input.recipientName,
    text: [
      words.intro,
      '',
      ...input.entries.flatMap((e) => [`- ${entryLine(e)}`, `  ${e.link}`]),
      ...(words.next ? ['', `What to do next: ${words.next}`] : []),
    ],
    html: html`<p>${words.intro}</p>
      <ul>
        ${input.entries.map((e) => html`<li><a href="${e.link}">${entryLine(e)}</a></li>`)}
      </ul>
      ${words.next ? html`<p><strong>What to do next:</strong> ${words.next}</p>` : ''}`,
  });
}

/** Puts a batch's rows for one recipient together, reading their items and the recipient's name as they are now. */
export function batchEmailCombiner(dataSource: DataSource, links: EmailLinks): CombineEmails {
  return async (rows: PendingEmail[]) => {
    const ids = rows.map((row) => row.recommendationId).filter((id): id is string => id !== null);
    const [found] = (await dataSource.query(
      `SELECT (SELECT name FROM people WHERE id = $2) AS "recipientName",
              (SELECT coalesce(json_agg(json_build_object('id', r.id, 'reference', r.reference, 'kind', r.kind, 'dueDate', r.due_date::text, 'reportTitle', s.title, 'originator', s.originator)
                        ORDER BY s.title, r.reference), '[]')
                 FROM recommendations r JOIN source_reports s ON s.id = r.report_id WHERE r.id = ANY($1::uuid[])) AS items`,
      [ids, rows[0]!.recipientId ?? null],
    )) as { recipientName: string | null; items: (Omit<BatchEntry, 'link'> & { id: string })[] }[];
    const email = renderBatchEmail(rows[0]!.template, {
      forceName: links.forceName,
      recipientName: found!.recipientName ?? rows[0]!.toAddress,
      entries: found!.items.map(({ id, ...item }) => ({ ...item, link: `${links.publicUrl}/recommendations/${id}` })),
    });
    return { subject: email.subject, bodyText: email.text, bodyHtml: email.html };
  };
}
