import { describeStep } from '../domain/approvalRouting';
import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ApiDependencies } from '../api/dependencies';
import { actingPersonOf } from '../api/actor';
import { authorize } from '../api/permissions';
import { ApiProblem } from '../api/problem';
import { commandSchemas } from '../api/recommendations/commandSchemas';
import { recommendationListQuery, recommendationSorts, type RecommendationListQuery } from '../api/recommendations/listQuery';
import type { RecommendationListItem, RecommendationView } from '../api/recommendations/service';
import { calendarDateInLondon, formatLongDate } from '../domain/calendar';
import { lifecycleStatuses, lifecycleStatusLabels, workingStatuses, type LifecycleCommand, type LifecycleCommandType } from '../domain/lifecycle';
import { closureCategoryLabels, itemKindLabels, type ClosureCategory, type ItemKind } from '../domain/vocabulary';
import { Person } from '../entities';
import { commandForm, commandFromForm, commandSpecs, fieldId, type Person as PersonChoice } from './commandForms';
import { html, page, type FormError, type SafeHtml } from './html';
import { pageNavigation } from './navigation';

const idParams = z.object({ id: z.uuid() });
const londonTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' });
const govukDist = path.dirname(require.resolve('govuk-frontend/package.json'));

/**
 * GOV.UK Frontend's stylesheet (/govuk) and its fonts and images (/assets, where the stylesheet looks for them),
 * served before sign-in with a long cache: their names change with each release.
 */
export function govukAssets(): Router {
  const router = Router();
  const options = { maxAge: '365d', immutable: true, index: false } as const;
  router.use('/govuk', express.static(path.join(govukDist, 'dist/govuk'), options));
  router.use('/assets', express.static(path.join(govukDist, 'dist/govuk/assets'), options));
  router.use(['/govuk', '/assets'], (_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  return router;
}

const itemName = (r: { kind: string; reference: string }) => `${itemKindLabels[r.kind as ItemKind] ?? r.kind} ${r.reference}`;
const date = (d: string | null | undefined) => (d ? formatLongDate(d) : '');

/** The next thing the owner should do, in plain words. */
function nextStep(r: RecommendationListItem): string {
  switch (r.status) {
    case 'assigned':
      return 'Accept the task';
    case 'in_progress':
    case 'reopened':
      return 'Post an update or submit evidence';
    case 'evidence_submitted':
    case 'awaiting_approval':
      return 'Wait for approval';
    default:
      return r.statusLabel;
  }
}

function statusTag(label: string, colour?: 'red' | 'yellow' | 'green' | 'grey'): SafeHtml {
  return html`<strong class="govuk-tag${colour ? ` govuk-tag--${colour}` : ''}">${label}</strong>`;
}

function summaryList(rows: [string, SafeHtml | string][]): SafeHtml {
  return html`<dl class="govuk-summary-list">${rows.map(([k, v]) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${k}</dt><dd class="govuk-summary-list__value">${v}</dd></div>`)}</dl>`;
}

function table(caption: string, head: string[], rows: (SafeHtml | string)[][], empty = 'None.'): SafeHtml {
  if (rows.length === 0) return html`<h3 class="govuk-heading-s">${caption}</h3><p class="govuk-body">${empty}</p>`;
  return html`<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--s">${caption}</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row">${head.map((h) => html`<th scope="col" class="govuk-table__header">${h}</th>`)}</tr></thead>
<tbody class="govuk-table__body">${rows.map((r) => html`<tr class="govuk-table__row">${r.map((c) => html`<td class="govuk-table__cell">${c}</td>`)}</tr>`)}</tbody></table>`;
}

const itemLink = (r: RecommendationListItem | RecommendationView) => html`<a class="govuk-link" href="/recommendations/${r.id}">${itemName(r)}</a>`;

/** Server-rendered GOV.UK pages for signed-in people: my tasks, lists, one recommendation with its actions, dashboard. */
export function pageRoutes(deps: ApiDependencies): Router {
  const { recommendations, forceName, mailbox, dataSource } = deps;
  const router = Router();
  const serviceName = `${forceName} recommendation tracker`;

  const search = (req: Request, query: Partial<Record<string, unknown>>) => {
    const parsed = recommendationListQuery.parse({ limit: '200', ...query });
    return recommendations.search(parsed, actingPersonOf(req.identity!));
  };

  const nav = pageNavigation(deps);

  const send = async (req: Request, res: Response, current: string, options: { title: string; body: SafeHtml; errors?: FormError[]; status?: number }) => {
    res
      .status(options.status ?? 200)
      .type('html')
      .send(page({ title: options.title, serviceName, body: options.body, errors: options.errors, nav: await nav(req, current), account: { name: req.identity!.person.name, csrfToken: req.identity!.session?.csrfToken ?? '' } }));
  };

  // My tasks: the owner's work grouped by urgency, and the decisions waiting for this person, oldest first.
  router.get('/', async (req, res) => {
    const today = calendarDateInLondon(Date.now());
    const soon = new Date(Date.parse(today) + 28 * 86_400_000).toISOString().slice(0, 10);
    const [mine, decisions] = await Promise.all([search(req, { owner: 'me', state: [...workingStatuses, 'evidence_submitted', 'awaiting_approval'].join(','), sort: 'dueDate' }), search(req, { awaitingMyDecision: 'true', sort: 'updatedAt' })]);
    const working = mine.items.filter((r) => (workingStatuses as readonly string[]).includes(r.status));
    const overdue = working.filter((r) => r.dueDate && r.dueDate < today);
    const dueSoon = working.filter((r) => r.dueDate && r.dueDate >= today && (r.dueDate <= soon || r.atRisk));
    const inProgress = mine.items.filter((r) => !overdue.includes(r) && !dueSoon.includes(r));
    const rows = (items: RecommendationListItem[]) => items.map((r) => [itemLink(r), `${r.report.originator}: ${r.report.title}`, date(r.dueDate), nextStep(r)]);
    const head = ['Item', 'Report', 'Due', 'Next step'];
    const body = html`<h1 class="govuk-heading-l">My tasks</h1>
<p class="govuk-body">Signed in as ${req.identity!.person.name}.</p>
<h2 class="govuk-heading-m">Decisions waiting for you</h2>
${table(
  'Approvals and extensions waiting for your decision, oldest first',
  ['Item', 'Report', 'Waiting since', 'Owner'],
  decisions.items.map((r) => [html`<a class="govuk-link" href="/recommendations/${r.id}#decide">${itemName(r)}</a>`, `${r.report.originator}: ${r.report.title}`, date(r.updatedAt.slice(0, 10)), r.owner?.name ?? '']),
  'Nothing is waiting for your decision.',
)}
<h2 class="govuk-heading-m">Your items</h2>
${table(`Overdue (${overdue.length})`, head, rows(overdue), 'Nothing of yours is overdue.')}
${table(`Due soon (${dueSoon.length})`, head, rows(dueSoon), 'Nothing of yours is due in the next four weeks.')}
${table(`Under way or waiting for approval (${inProgress.length})`, head, rows(inProgress), 'Nothing else of yours is under way.')}
<p class="govuk-body"><a class="govuk-link" href="/recommendations">See all recommendations</a></p>`;
    await send(req, res, '/', { title: 'My tasks', body });
  });

  // The list: the api's filters, sorting, pages (keyset cursor) and a CSV of the current list.
  router.get(['/recommendations', '/recommendations.csv'], async (req, res) => {
    const csv = req.path.endsWith('.csv');
    const raw = Object.fromEntries(Object.entries(req.query as Record<string, unknown>).filter(([, v]) => v !== '' && v !== undefined));
    const parsed = recommendationListQuery.safeParse({ limit: csv ? '200' : '25', ...raw });
    const errors: FormError[] = parsed.success ? [] : parsed.error.issues.map((i) => ({ field: `filter-${String(i.path[0] ?? 'state')}`, message: `${String(i.path[0] ?? 'Filter')}: ${i.message}` }));
    const query: RecommendationListQuery = parsed.success ? parsed.data : recommendationListQuery.parse({ limit: '25' });
    const result = await recommendations.search(query, actingPersonOf(req.identity!));
    if (csv) {
      const cell = (v: string) => (/[",\n\r]/.test(v) || /^[=+\-@]/.test(v) ? `"${(/^[=+\-@]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"` : v);
      const lines = [['Report', 'Reference', 'Kind', 'Status', 'Owner', 'Lead', 'Department', 'Due date', 'At risk'], ...result.items.map((r) => [`${r.report.originator}: ${r.report.title}`, r.reference, r.kind, r.statusLabel, r.owner?.name ?? '', r.lead?.name ?? '', r.department ?? '', r.dueDate ?? '', r.atRisk ? 'yes' : 'no'])];
      res.type('text/csv').attachment('recommendations.csv').send(lines.map((l) => l.map(cell).join(',')).join('\r\n') + '\r\n');
      return;
    }
    const params = new URLSearchParams(Object.entries(raw).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, String(x)]) : [[k, String(v)]])).filter(([k]) => k !== 'cursor') as [string, string][]);
    const withParams = (changes: Record<string, string | undefined>) => {
      const p = new URLSearchParams(params);
      for (const [k, v] of Object.entries(changes)) (v === undefined ? p.delete(k) : p.set(k, v));
      const s = p.toString();
      return s ? `?${s}` : '';
    };
    const selected = (name: string, value: string) => (params.getAll(name).flatMap((v) => v.split(',')).includes(value) ? html` selected` : '');
    const sortLink = (label: string, key: string) => {
      const active = query.sort === key || query.sort === `-${key}`;
      const next = query.sort === key && `-${key}` in recommendationSorts ? `-${key}` : key;
      return html`<a class="govuk-link" href="/recommendations${withParams({ sort: next })}"${active ? html` aria-current="true"` : ''}>${label}${active ? (query.sort.startsWith('-') ? ' ▼' : ' ▲') : ''}</a>`;
    };
    const body = html`<h1 class="govuk-heading-l">Recommendations</h1>
<form method="get" action="/recommendations" novalidate>
<div class="govuk-grid-row">
<div class="govuk-grid-column-one-third"><div class="govuk-form-group"><label class="govuk-label" for="filter-state">Status</label>
<select class="govuk-select" id="filter-state" name="state"><option value="">Any</option>${lifecycleStatuses.map((s) => html`<option value="${s}"${selected('state', s)}>${lifecycleStatusLabels[s]}</option>`)}</select></div></div>
<div class="govuk-grid-column-one-third"><div class="govuk-form-group"><label class="govuk-label" for="filter-originator">Originator</label>
<input class="govuk-input" id="filter-originator" name="originator" type="text" value="${params.get('originator') ?? ''}"></div></div>
<div class="govuk-grid-column-one-third"><div class="govuk-form-group"><label class="govuk-label" for="filter-department">Department</label>
<input class="govuk-input" id="filter-department" name="department" type="text" value="${params.get('department') ?? ''}"></div></div>
</div>
<div class="govuk-grid-row">
<div class="govuk-grid-column-one-third"><div class="govuk-form-group"><label class="govuk-label" for="filter-overdue">Overdue</label>
<select class="govuk-select" id="filter-overdue" name="overdue"><option value="">Either</option><option value="true"${selected('overdue', 'true')}>Overdue only</option><option value="false"${selected('overdue', 'false')}>Not overdue</option></select></div></div>
<div class="govuk-grid-column-one-third"><div class="govuk-form-group"><label class="govuk-label" for="filter-atRisk">At risk</label>
<select class="govuk-select" id="filter-atRisk" name="atRisk"><option value="">Either</option><option value="true"${selected('atRisk', 'true')}>At risk only</option><option value="false"${selected('atRisk', 'false')}>Not at risk</option></select></div></div>
<div class="govuk-grid-column-one-third"><div class="govuk-form-group"><label class="govuk-label" for="filter-owner">Owner</label>
<select class="govuk-select" id="filter-owner" name="owner"><option value="">Anyone</option><option value="me"${selected('owner', 'me')}>Me</option>${params.get('owner') && params.get('owner') !== 'me' ? html`<option value="${params.get('owner')!}" selected>The chosen person</option>` : ''}</select></div></div>
</div>
${params.get('lead') ? html`<input type="hidden" name="lead" value="${params.get('lead')!}">` : ''}
<input type="hidden" name="sort" value="${query.sort}">
<button type="submit" class="govuk-button govuk-button--secondary">Apply filters</button>
<a class="govuk-link govuk-body" href="/recommendations">Clear filters</a>
</form>
<p class="govuk-body"><a class="govuk-link" href="/recommendations.csv${withParams({})}" download>Download this list as CSV</a></p>
${
  result.items.length === 0
    ? html`<p class="govuk-body">No recommendations match.</p>`
    : html`<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--s">${result.items.length} items on this page</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row">
<th scope="col" class="govuk-table__header">${sortLink('Item', 'reference')}</th><th scope="col" class="govuk-table__header">${sortLink('Report', 'report')}</th>
<th scope="col" class="govuk-table__header">${sortLink('Status', 'status')}</th><th scope="col" class="govuk-table__header">Owner</th>
<th scope="col" class="govuk-table__header">${sortLink('Due', 'dueDate')}</th></tr></thead>
<tbody class="govuk-table__body">${result.items.map(
        (r) => html`<tr class="govuk-table__row"><td class="govuk-table__cell">${itemLink(r)}</td><td class="govuk-table__cell">${r.report.originator}: ${r.report.title}</td>
<td class="govuk-table__cell">${r.statusLabel}${r.atRisk ? html` ${statusTag('At risk', 'yellow')}` : ''}</td><td class="govuk-table__cell">${r.owner?.name ?? 'Not assigned'}</td><td class="govuk-table__cell">${date(r.dueDate)}</td></tr>`,
      )}</tbody></table>`
}
${result.nextCursor ? html`<nav class="govuk-pagination" aria-label="Pages"><div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" href="/recommendations${withParams({ cursor: result.nextCursor })}" rel="next"><span class="govuk-pagination__link-title">Next page</span></a></div></nav>` : ''}`;
    await send(req, res, '/recommendations', { title: 'Recommendations', body, errors, status: errors.length ? 400 : 200 });
  });

  let peopleCache: { at: number; people: PersonChoice[] } | null = null;
  const people = async (): Promise<PersonChoice[]> => {
    if (peopleCache && Date.now() - peopleCache.at < 10_000) return peopleCache.people;
    const rows = await dataSource.manager.find(Person, { where: { active: true }, order: { name: 'ASC' } });
    peopleCache = { at: Date.now(), people: rows.map((p) => ({ id: p.id, name: p.name, roles: p.roles })) };
    return peopleCache.people;
  };

  async function recommendationPage(req: Request, res: Response, id: string, form?: { type: LifecycleCommandType; values: Record<string, string>; errors: FormError[]; status: number }) {
    const by = actingPersonOf(req.identity!);
    const view = await recommendations.get(id, by);
    if (!view) {
      await send(req, res, '', { title: 'Page not found', status: 404, body: html`<h1 class="govuk-heading-l">Page not found</h1><p class="govuk-body">There is no recommendation at this address. <a class="govuk-link" href="/recommendations">See all recommendations</a>.</p>` });
      return;
    }
    const s = view.state;
    const everyone = await people();
    const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
    const nameOf = (personId: string | null | undefined) => (personId ? (everyone.find((p) => p.id === personId)?.name ?? 'Someone no longer active') : 'The system');
    const csrfToken = req.identity!.session?.csrfToken ?? '';
    const decisions: LifecycleCommandType[] = ['approve', 'reject', 'decideExtension'];
    const available = view.availableCommands.filter((c) => c in commandSpecs);
    const formOf = (type: LifecycleCommandType) =>
      commandForm({ recommendationId: view.id, type, csrfToken, people: everyone, values: form?.type === type ? form.values : undefined, errors: form?.type === type ? form.errors : undefined });
    const done = typeof req.query.done === 'string' && req.query.done in commandSpecs ? commandSpecs[req.query.done as LifecycleCommandType] : null;
    const approvals = s.approval?.steps ?? [];
    const body = html`${done ? html`<div class="govuk-notification-banner govuk-notification-banner--success" role="region" aria-labelledby="done-title"><div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="done-title">Success</h2></div><div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">Done: ${done.title.toLowerCase()}.</p></div></div>` : ''}
<span class="govuk-caption-l">${view.report.originator}: ${view.report.title} (published ${date(view.report.publishedOn)})</span>
<h1 class="govuk-heading-l">${itemName(view)}</h1>
<p class="govuk-body">${statusTag(view.statusLabel)}${s.atRisk ? html` ${statusTag('At risk', 'yellow')}` : ''}</p>
<div class="govuk-inset-text">${s.text ?? view.text}</div>
${
  s.parts.length
    ? html`<h2 class="govuk-heading-m">Parts</h2>${table('Parts of this item', ['Part', 'Text', 'Status'], s.parts.map((p) => [p.reference, p.text, p.status.replace(/_/g, ' ')]))}`
    : ''
}
${summaryList([
  ['Reference', view.reference],
  ['Addressed to', view.addressedTo || 'The force'],
  ['Closure category', view.category ? closureCategoryLabels[view.category as ClosureCategory] : 'Not yet set'],
  ['Action owner', view.owner ? [view.owner.name, view.owner.jobTitle].filter(Boolean).join(', ') : 'Not assigned'],
  ['Lead', view.lead ? [view.lead.name, view.lead.jobTitle].filter(Boolean).join(', ') : 'Not assigned'],
  ['Department', view.department ?? 'Not set'],
  ['Due', view.dueDate ? date(view.dueDate) : 'No due date yet'],
  ...(s.atRisk ? ([['At risk', `${s.atRisk.reason} (${nameOf(s.atRisk.flaggedBy)}, ${date(s.atRisk.flaggedOn)})`]] as [string, string][]) : []),
  ...(s.pendingExtension ? ([['Extension asked for', `to ${date(s.pendingExtension.requestedDueDate)}: ${s.pendingExtension.reason}`]] as [string, string][]) : []),
  ...(s.selfCertification ? ([['Self-certification letter', `signed by ${s.selfCertification.signatory}${s.selfCertification.signatoryRole ? `, ${s.selfCertification.signatoryRole}` : ''} on ${date(s.selfCertification.signedOn)}`]] as [string, string][]) : []),
])}
<h2 class="govuk-heading-m">Due-date history</h2>
${table('Every due date set for this item', ['Due date', 'Set on', 'How', 'Approved by', 'Reason'], s.dueDateHistory.map((d) => [date(d.dueDate), date(d.decidedOn), d.kind === 'extension' ? 'Extension' : 'Set', nameOf(d.approvedBy), d.reason ?? '']), 'No due date has been set.')}
<h2 class="govuk-heading-m">Evidence and approval</h2>
${s.evidence ? summaryList([['Owner\'s summary of the evidence', s.evidence.summary], ['Submitted', `${date(s.evidence.submittedOn)} by ${nameOf(s.evidence.submittedBy)} (version ${s.evidence.version})`]]) : html`<p class="govuk-body">No evidence has been submitted yet.</p>`}
<p class="govuk-body"><a class="govuk-link" href="/api/recommendations/${view.id}/evidence">Evidence files, links and notes</a></p>
${s.lastRejection ? html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> Earlier rejection by ${s.lastRejection.source === 'hmicfrs' ? 'HMICFRS' : nameOf(s.lastRejection.by)} on ${date(s.lastRejection.on)}: ${s.lastRejection.reasons}</strong></div>` : ''}
${
  approvals.length
    ? table(
        'Approval chain',
        ['Step', 'Approver', 'Decision', 'Comment'],
        approvals.map((st, i) => [String(i + 1), st.approverId ? nameOf(st.approverId) : `${capitalise(describeStep(st.step))} (named when the step opens)`, st.approval ? `Approved on ${date(st.approval.on)}` : i === s.approval!.current ? 'Waiting' : 'Not yet', st.approval?.comment ?? '']),
      )
    : ''
}
${s.latestUpdate ? html`<h2 class="govuk-heading-m">Latest update</h2><p class="govuk-body">${s.latestUpdate.text}</p><p class="govuk-hint">${nameOf(s.latestUpdate.by)}, ${date(s.latestUpdate.on)}</p>` : ''}
${
  available.length
    ? html`<h2 class="govuk-heading-m" id="decide">What you can do</h2>
${available.filter((c) => decisions.includes(c)).map(formOf)}
${available.filter((c) => !decisions.includes(c)).map(formOf)}`
    : html`<p class="govuk-body">There is nothing for you to do on this item now.</p>`
}
<h2 class="govuk-heading-m">Timeline</h2>
${table('Every event on this item, oldest first', ['When', 'Who', 'What'], view.history.map((h) => [londonTime.format(new Date(h.occurredAt)), h.actor, h.summary]), 'Nothing has happened yet.')}
<p class="govuk-body"><a class="govuk-link" href="/recommendations">Back to all recommendations</a></p>`;
    await send(req, res, '', { title: itemName(view), body, errors: form?.errors, status: form?.status });
  }

  router.get('/recommendations/:id', async (req, res) => {
    const parsed = idParams.safeParse(req.params);
    await recommendationPage(req, res, parsed.success ? parsed.data.id : '00000000-0000-0000-0000-000000000000');
  });

  // A form's command: checked by the api's schema (400 → error summary), then sent through the same service the api
  // uses; the lifecycle may refuse it (409 → error summary with its reason). Success goes back to the page.
  router.post('/recommendations/:id/commands/:type', async (req, res) => {
    const parsed = idParams.safeParse({ id: req.params.id });
    const type = String(req.params.type);
    if (!parsed.success || !(type in commandSpecs)) throw ApiProblem.notFound('The page');
    const id = parsed.data.id;
    authorize(req.identity!, 'recommendations.command');
    const commandType = type as LifecycleCommandType;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(commandSpecs[commandType].fields.map((f) => [f.name, typeof body[f.name] === 'string' ? (body[f.name] as string) : '']));
    const friendly = (label: string, message: string) => (/must not be empty|must be named/.test(message) ? `Enter ${label.charAt(0).toLowerCase()}${label.slice(1)}` : `${label}: ${message}`);
    const labelOf = (name: string) => commandSpecs[commandType].fields.find((f) => f.name === name)?.label.replace(/ \(optional\)$/, '') ?? 'This';
    const checked = commandSchemas[commandType].safeParse(commandFromForm(commandType, body));
    if (!checked.success) {
      const errors = checked.error.issues.map((i) => {
        const name = String(i.path[0] ?? 'submit');
        const known = commandSpecs[commandType].fields.some((f) => f.name === name);
        if (i.code === 'invalid_type') return { field: fieldId(commandType, known ? name : 'submit'), message: `Choose an answer: ${known ? labelOf(name) : 'the form'}` };
        return { field: fieldId(commandType, known ? name : 'submit'), message: friendly(known ? labelOf(name) : 'The form', i.message) };
      });
      await recommendationPage(req, res, id, { type: commandType, values, errors, status: 400 });
      return;
    }
    try {
      await recommendations.command(id, checked.data as LifecycleCommand, actingPersonOf(req.identity!));
    } catch (error) {
      if (error instanceof ApiProblem && (error.status === 400 || error.status === 409)) {
        const errors: FormError[] =
          error.status === 400 && error.errors.length
            ? error.errors.map((e) => {
                const name = e.field.replace(/^body\./, '');
                const known = commandSpecs[commandType].fields.some((f) => f.name === name);
                return { field: fieldId(commandType, known ? name : 'submit'), message: friendly(known ? labelOf(name) : 'The form', e.message) };
              })
            : [{ field: fieldId(commandType, 'submit'), message: error.detail ?? error.title }];
        await recommendationPage(req, res, id, { type: commandType, values, errors, status: error.status });
        return;
      }
      throw error;
    }
    res.redirect(303, `/recommendations/${id}?done=${commandType}`);
  });

  // The manager dashboard: overdue and at risk by lead and by department, approvals waiting, closures this quarter.
  router.get('/dashboard', async (req, res) => {
    const today = calendarDateInLondon(Date.now());
    const all = await recommendations.list();
    /** Every item matching a filter of the list page, so each number here is what its link shows. */
    const everything = async (query: Record<string, string>) => {
      const items: RecommendationListItem[] = [];
      let cursor: string | undefined;
      do {
        const result = await search(req, { ...query, ...(cursor ? { cursor } : {}) });
        items.push(...result.items);
        cursor = result.nextCursor ?? undefined;
      } while (cursor);
      return items;
    };
    const month = Number(today.slice(5, 7));
    const quarterStart = `${today.slice(0, 4)}-${String(month - ((month - 1) % 3)).padStart(2, '0')}-01`;
    const [overdue, atRisk] = await Promise.all([everything({ overdue: 'true' }), everything({ atRisk: 'true' })]);
    const waiting = all.filter((r) => r.status === 'awaiting_approval' || r.state.pendingExtension);
    const closed = all.filter((r) => r.state.closure && r.state.closure.on >= quarterStart);
    const certified = all.filter((r) => r.state.selfCertification && r.state.selfCertification.signedOn >= quarterStart);
    type Group = { key: string; label: string; overdue: number; atRisk: number };
    const group = (keyOf: (r: RecommendationListItem) => { key: string; label: string } | null) => {
      const groups = new Map<string, Group>();
      for (const [list, field] of [
        [overdue, 'overdue'],
        [atRisk, 'atRisk'],
      ] as const) {
        for (const r of list) {
          const k = keyOf(r);
          if (!k) continue;
          const g = groups.get(k.key) ?? { ...k, overdue: 0, atRisk: 0 };
          g[field] += 1;
          groups.set(k.key, g);
        }
      }
      return [...groups.values()].sort((a, b) => b.overdue - a.overdue || b.atRisk - a.atRisk || a.label.localeCompare(b.label));
    };
    const byLead = group((r) => (r.lead ? { key: r.lead.id, label: r.lead.name } : null));
    const byDepartment = group((r) => (r.department ? { key: r.department, label: r.department } : null));
    const count = (n: number, href: string, what: string) => html`<a class="govuk-link" href="${href}">${n}<span class="govuk-visually-hidden"> ${what}</span></a>`;
    const groupTable = (caption: string, groups: Group[], param: 'lead' | 'department') =>
      table(
        caption,
        [param === 'lead' ? 'Lead' : 'Department', 'Overdue', 'At risk'],
        groups.map((g) => [
          g.label,
          count(g.overdue, `/recommendations?overdue=true&${param}=${encodeURIComponent(g.key)}`, `overdue for ${g.label}`),
          count(g.atRisk, `/recommendations?atRisk=true&${param}=${encodeURIComponent(g.key)}`, `at risk for ${g.label}`),
        ]),
        'Nothing is overdue or at risk.',
      );
    const max = Math.max(1, ...byLead.map((g) => g.overdue + g.atRisk));
    const barHeight = 24;
    const chart = byLead.length
      ? html`<figure class="govuk-!-margin-0 govuk-!-margin-bottom-6"><svg role="img" aria-labelledby="chart-title" width="640" height="${byLead.length * (barHeight + 8) + 30}" viewBox="0 0 640 ${byLead.length * (barHeight + 8) + 30}" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">Overdue (dark) and at-risk (light) items by lead; the same figures are in the table below</title>
${byLead.map((g, i) => {
  const y = i * (barHeight + 8);
  const wOverdue = Math.round((g.overdue / max) * 380);
  const wRisk = Math.round((g.atRisk / max) * 380);
  return html`<text x="0" y="${y + 17}" font-family="Arial, sans-serif" font-size="14" fill="#0b0c0c">${g.label.slice(0, 26)}</text>
<rect x="200" y="${y}" width="${wOverdue}" height="${barHeight}" fill="#d4351c"></rect><rect x="${200 + wOverdue}" y="${y}" width="${wRisk}" height="${barHeight}" fill="#f47738"></rect>
<text x="${206 + wOverdue + wRisk}" y="${y + 17}" font-family="Arial, sans-serif" font-size="14" fill="#0b0c0c">${g.overdue} overdue, ${g.atRisk} at risk</text>`;
})}
</svg></figure>`
      : '';
    const waitingDays = (r: (typeof all)[number]) => {
      const chain = r.state.pendingExtension?.chain ?? r.state.approval;
      const opened = chain?.steps[chain.current]?.openedOn ?? chain?.startedOn ?? today;
      return Math.max(0, Math.round((Date.parse(today) - Date.parse(opened)) / 86_400_000));
    };
    const waitingSorted = [...waiting].sort((a, b) => waitingDays(b) - waitingDays(a));
    const body = html`<h1 class="govuk-heading-l">Dashboard</h1>
<div class="govuk-grid-row">
<div class="govuk-grid-column-one-quarter"><p class="govuk-body"><span class="govuk-heading-xl govuk-!-margin-bottom-0">${count(overdue.length, '/recommendations?overdue=true', 'items')}</span> overdue</p></div>
<div class="govuk-grid-column-one-quarter"><p class="govuk-body"><span class="govuk-heading-xl govuk-!-margin-bottom-0">${count(atRisk.length, '/recommendations?atRisk=true', 'items')}</span> at risk</p></div>
<div class="govuk-grid-column-one-quarter"><p class="govuk-body"><span class="govuk-heading-xl govuk-!-margin-bottom-0">${count(waiting.length, '/recommendations?state=awaiting_approval', 'items')}</span> waiting for a decision</p></div>
<div class="govuk-grid-column-one-quarter"><p class="govuk-body"><span class="govuk-heading-xl govuk-!-margin-bottom-0">${count(closed.length, '/recommendations?state=closed', 'items')}</span> closed this quarter; ${certified.length} self-certified</p></div>
</div>
<h2 class="govuk-heading-m">Overdue and at risk by lead</h2>
${chart}
${groupTable('Overdue and at-risk items by lead', byLead, 'lead')}
${groupTable('Overdue and at-risk items by department', byDepartment, 'department')}
${table(
  'Decisions waiting, longest first',
  ['Item', 'Report', 'Waiting for', 'Days waiting'],
  waitingSorted.map((r) => [html`<a class="govuk-link" href="/recommendations/${r.id}">${itemName(r)}</a>`, `${r.report.originator}: ${r.report.title}`, r.state.pendingExtension ? 'Extension decision' : 'Approval', String(waitingDays(r))]),
  'No approvals are waiting.',
)}
${table('Closed this quarter', ['Item', 'Report', 'Closed on'], closed.map((r) => [html`<a class="govuk-link" href="/recommendations/${r.id}">${itemName(r)}</a>`, `${r.report.originator}: ${r.report.title}`, date(r.state.closure!.on)]), 'Nothing has closed this quarter yet.')}`;
    await send(req, res, '/dashboard', { title: 'Dashboard', body });
  });

  return router;
}
