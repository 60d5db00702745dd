import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ApiDependencies } from '../dependencies';
import { actingPersonOf } from '../../platform/http/actor';
import { parseInput } from '../../platform/http/problem';
import { recommendationListQuery, recommendationSorts, type RecommendationListQuery } from './listQuery';
import type { RecommendationListItem } from './service';
import { itemsWithBrokenTrails } from '../audit/chain';
import { formatLongDate } from '../../domain/calendar';
import { lifecycleStatuses, lifecycleStatusLabels, type LifecycleCommandType } from '../../domain/lifecycle';
import { Person } from '../../entities';
import { approvalPageRoutes } from '../approvals/pages';
import { commandFormView, commandSpecs, type Person as PersonChoice } from './commandForms';
import { commandFormHandler, commandTarget, decisionCommands, formAgain, type CommandFormState } from './commandPosting';
import { evidenceFormRoutes, evidenceFormsView } from '../evidence/pages';
import { escapeHtml, type FormError } from '../../platform/web/html';
import { statusTagHtml } from '../../platform/web/statusTags';
import { itemPageRoutes } from './itemPages';
import { schedulePageRoutes } from '../schedule/routes';
import { bulkPageRoutes } from '../bulk/pages';
import { evidenceCommands, nextAction } from './nextAction';
import { streamRecommendationsCsv } from './listCsv';
import { pageShell } from '../shell/pageShell';
import { itemName, loadScrutiny } from './scrutiny';

const idParams = z.object({ id: z.uuid() });
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

const date = (d: string | null | undefined) => (d ? formatLongDate(d) : '');
const londonTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' });

type Cell = { text: string } | { html: string };
const link = (href: string, text: string): Cell => ({ html: `<a class="govuk-link" href="${escapeHtml(href)}">${escapeHtml(text)}</a>` });
/** A title as it reads after "Done: ": only its first letter lower-cased, so acronyms (HMICFRS, DCC) keep their capitals. */
const midSentence = (title: string) => (/^[A-Z]{2,}\b/.test(title) ? title : title.charAt(0).toLowerCase() + title.slice(1));
const itemLink = (r: { id: string; kind: string; reference: string }, href = `/recommendations/${r.id}`) => link(href, itemName(r));
const reportOf = (r: RecommendationListItem) => `${r.report.originator}: ${r.report.title}`;

/** The status as its tag, with today's figures (domain/figures.ts) as tags: the list filters on exactly these. */
const statusCell = (r: RecommendationListItem): Cell => ({ html: statusTagHtml(r) });

/** Server-rendered GOV.UK pages for signed-in people: lists, one recommendation with its actions. */
export function pageRoutes(deps: ApiDependencies): Router {
  const { recommendations, dataSource } = deps;
  const router = Router();
  const shell = pageShell(deps);
  const { send } = shell;
  router.use(approvalPageRoutes(deps, shell));
  router.use(itemPageRoutes(deps, shell));
  router.use(schedulePageRoutes(deps, shell));
  router.use(bulkPageRoutes(deps, shell));

  // Everything the list's filters match, as CSV (not just a page of it); a filter that does not parse is a 400, never everything.
  router.get('/recommendations.csv', async (req, res) => {
    const { cursor: _cursor, limit: _limit, ...raw } = Object.fromEntries(Object.entries(req.query as Record<string, unknown>).filter(([, v]) => v !== '' && v !== undefined));
    const query = parseInput(recommendationListQuery, raw, 'query');
    await streamRecommendationsCsv(req, res, query, (page) => recommendations.search(page, actingPersonOf(req.identity!)));
  });

  // The list: the api's filters, sorting and pages (keyset cursor), and a link to the CSV of the whole list.
  router.get('/recommendations', async (req, res) => {
    const raw = Object.fromEntries(Object.entries(req.query as Record<string, unknown>).filter(([, v]) => v !== '' && v !== undefined));
    const parsed = recommendationListQuery.safeParse({ limit: '25', ...raw });
    const errors: FormError[] = parsed.success ? [] : parsed.error.issues.map((i) => ({ field: `filter-${String(i.path[0] ?? 'state')}`, message: `${String(i.path[0] ?? 'Filter')}: ${i.message}` }));
    const query: RecommendationListQuery = parsed.success ? parsed.data : recommendationListQuery.parse({ limit: '25' });
    const result = await recommendations.search(query, actingPersonOf(req.identity!));
    const params = new URLSearchParams(Object.entries(raw).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, String(x)]) : [[k, String(v)]])).filter(([k]) => k !== 'cursor') as [string, string][]);
    const withParams = (changes: Record<string, string | undefined>) => {
      const p = new URLSearchParams(params);
      for (const [k, v] of Object.entries(changes)) (v === undefined ? p.delete(k) : p.set(k, v));
      const s = p.toString();
      return s ? `?${s}` : '';
    };
    const isSelected = (name: string, value: string) => params.getAll(name).flatMap((v) => v.split(',')).includes(value);
    const options = (name: string, choices: [string, string][]) => choices.map(([value, text]) => ({ value, text, selected: value !== '' && isSelected(name, value) }));
    const errorOf = (id: string) => errors.find((e) => e.field === id)?.message;
    const owner = params.get('owner');
    const filters = [
      { id: 'filter-state', name: 'state', label: 'Status', items: options('state', [['', 'Any'], ...lifecycleStatuses.map((st): [string, string] => [st, lifecycleStatusLabels[st]])]) },
      { id: 'filter-originator', name: 'originator', label: 'Originator', value: params.get('originator') ?? '' },
      { id: 'filter-department', name: 'department', label: 'Department', value: params.get('department') ?? '' },
      { id: 'filter-overdue', name: 'overdue', label: 'Overdue', items: options('overdue', [['', 'Either'], ['true', 'Overdue only'], ['false', 'Not overdue']]) },
      { id: 'filter-atRisk', name: 'atRisk', label: 'At risk', items: options('atRisk', [['', 'Either'], ['true', 'At risk only'], ['false', 'Not at risk']]) },
      { id: 'filter-owner', name: 'owner', label: 'Owner', items: options('owner', [['', 'Anyone'], ['me', 'Me'], ['none', 'No owner'], ...(owner && owner !== 'me' && owner !== 'none' ? ([[owner, 'The chosen person']] as [string, string][]) : [])]) },
    ].map((f) => ({ ...f, error: errorOf(f.id) }));
    const sortHeader = (label: string, key?: string): Cell => {
      if (!key) return { text: label };
      const active = query.sort === key || query.sort === `-${key}`;
      const next = query.sort === key && `-${key}` in recommendationSorts ? `-${key}` : key;
      const arrow = active ? (query.sort.startsWith('-') ? ' ▼' : ' ▲') : '';
      return { html: `<a class="govuk-link" href="/recommendations${escapeHtml(withParams({ sort: next }))}"${active ? ' aria-current="true"' : ''}>${escapeHtml(label)}${arrow}</a>` };
    };
    await send(
      req,
      res,
      'recommendations.njk',
      {
        title: 'Recommendations',
        errors,
        searchBox: { value: params.get('q') ?? '', error: errorOf('filter-q') },
        filters,
        hidden: [...(['lead', 'noDepartment'] as const).flatMap((name) => (params.get(name) ? [{ name, value: params.get(name) }] : [])), { name: 'sort', value: query.sort }],
        alsoFiltered: await alsoFiltered(query),
        csvHref: `/recommendations.csv${withParams({})}`,
        head: [sortHeader('Item', 'reference'), sortHeader('Report', 'report'), sortHeader('Status', 'status'), sortHeader('Owner'), sortHeader('Due', 'dueDate')],
        rows: result.items.map((r) => [
          itemLink(r),
          { text: reportOf(r) },
          statusCell(r),
          { text: r.owner?.name ?? 'Not assigned' },
          { text: date(r.dueDate) },
        ]),
        nextHref: result.nextCursor ? `/recommendations${withParams({ cursor: result.nextCursor })}` : null,
      },
      { current: '/recommendations', status: errors.length ? 400 : 200 },
    );
  });

  /** The filters the form has no field for (the dashboard's links add them), in words, so the list says it is filtered. */
  async function alsoFiltered(query: RecommendationListQuery): Promise<string[]> {
    const words: string[] = [];
    if (query.lead === 'none') words.push('no lead');
    else if (query.lead === 'me') words.push('led by me');
    else if (query.lead) words.push(`led by ${(await people()).find((p) => p.id === query.lead)?.name ?? 'the chosen person'}`);
    if (query.noDepartment !== undefined) words.push(query.noDepartment ? 'no department' : 'with a department');
    return words;
  }

  let peopleCache: { at: number; people: PersonChoice[] } | null = null;
  const people = async (): Promise<PersonChoice[]> => {
    if (peopleCache && Date.now() - peopleCache.at < 10_000) return peopleCache.people;
    const rows = await dataSource.manager.find(Person, { where: { active: true }, order: { name: 'ASC' } });
    peopleCache = { at: Date.now(), people: rows.map((p) => ({ id: p.id, name: p.name, roles: p.roles })) };
    return peopleCache.people;
  };

  /** Every item by report and reference, for "Mark superseded": asked only when that form is on the page. */
  const itemChoices = async (): Promise<{ id: string; label: string }[]> => {
    const rows = (await dataSource.query(
      `SELECT r.id, r.kind, r.reference, r.text AS title, s.originator, s.title AS report FROM recommendations r JOIN source_reports s ON s.id = r.report_id ORDER BY s.title, r.reference`,
    )) as { id: string; kind: string; reference: string; title: string | null; originator: string; report: string }[];
    return rows.map((r) => ({ id: r.id, label: `${r.originator}: ${r.report}, ${itemName(r)}${r.title ? ` (${r.title.slice(0, 80)})` : ''}` }));
  };

  async function recommendationPage(req: Request, res: Response, id: string, form?: CommandFormState) {
    const by = actingPersonOf(req.identity!);
    const view = await recommendations.get(id, by);
    if (!view) return shell.notFound(req, res);
    const [item, everyone, broken] = await Promise.all([loadScrutiny(deps, view, { signedIn: true }), people(), itemsWithBrokenTrails(dataSource.manager, [id])]);
    const nameOf = (personId: string | null | undefined) => (personId ? (everyone.find((p) => p.id === personId)?.name ?? 'Someone no longer active') : 'The system');
    const csrfToken = req.identity!.session?.csrfToken ?? '';
    const available = view.availableCommands.filter((c) => c in commandSpecs);
    const next = nextAction(view.state, available);
    const nextTypes: LifecycleCommandType[] = next ? [next.primary, ...next.alongside] : [];
    const ordered = [...available.filter((c) => decisionCommands.includes(c)), ...available.filter((c) => !decisionCommands.includes(c))].filter((c) => !nextTypes.includes(c));
    const evidenceTypes = ordered.filter((c) => evidenceCommands.includes(c));
    const others = ordered.filter((c) => !evidenceCommands.includes(c));
    const items = available.includes('markSuperseded') ? await itemChoices() : [];
    const formOf = (type: LifecycleCommandType) => commandFormView({ recommendationId: view.id, type, csrfToken, version: view.version, people: everyone, items, primary: type === next?.primary, ...formAgain(form, type) });
    const evidenceForms = evidenceFormsView(req, view, deps.evidenceMaxBytes, form);
    const tabs = [
      { id: 'details', label: 'Details' },
      ...(evidenceForms || evidenceTypes.length ? [{ id: 'evidence', label: 'Add and submit evidence' }] : []),
      ...(others.length ? [{ id: 'actions', label: `Other actions (${others.length})` }] : []),
      { id: 'history', label: 'Due-date history and timeline' },
    ];
    // A form sent back with an error opens the tab it is on (the next step's forms are above the tabs), and so does evidence just added.
    const tabOf = (type: string) => (nextTypes.includes(type as LifecycleCommandType) ? 'details' : evidenceCommands.includes(type as LifecycleCommandType) || type.startsWith('evidence') ? 'evidence' : 'actions');
    const asked = typeof req.query.tab === 'string' ? req.query.tab : form ? tabOf(form.type) : typeof req.query.added === 'string' ? 'evidence' : 'details';
    const tab = tabs.some((t) => t.id === asked) ? asked : 'details';
    const done =
      typeof req.query.done === 'string' && req.query.done in commandSpecs
        ? `Done: ${midSentence(commandSpecs[req.query.done as LifecycleCommandType].title)}.`
        : typeof req.query.added === 'string'
          ? `Evidence added: ${req.query.added.slice(0, 300)}.`
          : null;
    await send(
      req,
      res,
      'recommendation.njk',
      {
        title: item.name,
        errors: form?.errors,
        done,
        trailBroken: broken.has(id),
        item,
        approvalHref: nextTypes.some((c) => decisionCommands.includes(c)) ? `/approvals/${view.id}` : null,
        nextForms: nextTypes.map(formOf),
        otherCount: others.length,
        tabs: tabs.map((t) => ({ ...t, selected: t.id === tab })),
        tab,
        dueDateRows: view.state.dueDateHistory.map((d) => [{ text: date(d.dueDate) }, { text: date(d.decidedOn) }, { text: d.kind === 'extension' ? 'Extension' : 'Set' }, { text: nameOf(d.approvedBy) }, { text: d.reason ?? '' }]),
        evidenceForms,
        forms: others.map(formOf),
        evidenceCommandForms: evidenceTypes.map(formOf),
        timeline: view.history.map((h) => [{ text: londonTime.format(new Date(h.occurredAt)) }, { text: h.actor }, { text: h.summary }]),
      },
      { status: form?.status },
    );
  }

  router.get('/recommendations/:id', async (req, res) => {
    const parsed = idParams.safeParse(req.params);
    if (!parsed.success) return shell.notFound(req, res);
    await recommendationPage(req, res, parsed.data.id);
  });

  const sendCommand = commandFormHandler(deps);
  router.use(evidenceFormRoutes(deps, recommendationPage, shell.notFound));

  // A form's command: checked by the api's schema (400 → error summary), then sent through the same service the api
  // uses; the lifecycle may refuse it (409 → error summary with its reason). Success goes back to the page.
  router.post('/recommendations/:id/commands/:type', async (req, res) => {
    const target = commandTarget(req);
    if (!target) return shell.notFound(req, res);
    await sendCommand(req, res, target.id, target.type, {
      rerender: (form) => recommendationPage(req, res, target.id, form),
      done: `/recommendations/${target.id}?done=${target.type}`,
    });
  });

  return router;
}
