import { Router } from 'express';
import { z } from 'zod';
import type { ApiDependencies } from '../api/dependencies';
import { formatLongDate } from '../domain/calendar';
import { lifecycleStatusLabels } from '../domain/lifecycle';
import { closureCategoryLabels, itemKindLabels, type ClosureCategory, type ItemKind } from '../domain/vocabulary';
import { html, page } from './html';

const idParams = z.object({ id: z.uuid() });
const londonTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' });

/** Server-rendered pages people reach from their email. The full GOV.UK pages arrive with issue 7. */
export function pageRoutes({ recommendations, forceName, mailbox }: ApiDependencies): Router {
  const router = Router();
  const serviceName = `${forceName} recommendation tracker`;

  router.get('/', async (_req, res) => {
    const rows = await recommendations.list();
    const body = html`<h1>Recommendations</h1>
<p class="hint">Every inspection, audit and super-complaint item the force tracks, newest report first.</p>
${mailbox ? html`<p>Development mailbox: <a href="/dev/mailbox">read the emails the product has sent</a>.</p>` : ''}
${
  rows.length === 0
    ? html`<p>No recommendations have been logged yet.</p>`
    : html`<table><caption class="hint">${rows.length} items</caption>
<thead><tr><th scope="col">Report</th><th scope="col">Item</th><th scope="col">Status</th><th scope="col">Owner</th><th scope="col">Due</th></tr></thead>
<tbody>${rows.map(
        (r) => html`<tr><td>${r.report.originator}: ${r.report.title}</td>
<td><a href="/recommendations/${r.id}">${itemKindLabels[r.kind as ItemKind] ?? r.kind} ${r.reference}</a></td>
<td><span class="tag">${lifecycleStatusLabels[r.status] ?? r.status}</span></td>
<td>${r.owner?.name ?? html`<span class="hint">Not assigned</span>`}</td>
<td>${r.dueDate ? formatLongDate(r.dueDate) : ''}</td></tr>`,
      )}</tbody></table>`
}`;
    res.type('html').send(page({ title: 'Recommendations', serviceName, body }));
  });

  router.get('/recommendations/:id', async (req, res) => {
    const parsed = idParams.safeParse(req.params);
    const view = parsed.success ? await recommendations.get(parsed.data.id) : null;
    if (!view) {
      res.status(404).type('html').send(page({ title: 'Page not found', serviceName, body: html`<h1>Page not found</h1><p>There is no recommendation at this address. <a href="/">See all recommendations</a>.</p>` }));
      return;
    }
    const kind = itemKindLabels[view.kind as ItemKind] ?? view.kind;
    const body = html`<p class="hint">${view.report.originator}: ${view.report.title} (published ${formatLongDate(view.report.publishedOn)})</p>
<h1>${kind} ${view.reference}</h1>
<p><span class="tag">${view.statusLabel}</span></p>
<blockquote>${view.text}</blockquote>
<dl>
<dt>Addressed to</dt><dd>${view.addressedTo || 'The force'}</dd>
<dt>Closure category</dt><dd>${view.category ? closureCategoryLabels[view.category as ClosureCategory] : 'Not yet set'}</dd>
<dt>Action owner</dt><dd>${view.owner ? `${view.owner.name}, ${view.owner.jobTitle}` : 'Not assigned'}</dd>
<dt>Lead</dt><dd>${view.lead ? `${view.lead.name}, ${view.lead.jobTitle}` : 'Not assigned'}</dd>
<dt>Due</dt><dd>${view.dueDate ? formatLongDate(view.dueDate) : 'No due date yet'}</dd>
</dl>
<h2>History</h2>
<table><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th></tr></thead>
<tbody>${view.history.map((h) => html`<tr><td>${londonTime.format(new Date(h.occurredAt))}</td><td>${h.actor}</td><td>${h.summary}</td></tr>`)}</tbody></table>
<p><a href="/">Back to all recommendations</a></p>`;
    res.type('html').send(page({ title: `${kind} ${view.reference}`, serviceName, body }));
  });

  return router;
}
