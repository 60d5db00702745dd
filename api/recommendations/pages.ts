import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ApiDependencies } from '../dependencies';
import { actingPersonOf } from '../../platform/http/actor';
import { parseInput } from '../../platform/http/problem';
import { recommendationListQuery, recommendationSorts } from './listQuery';
import { listFilters, loadFilterChoices } from './listFilters';
import type { RecommendationListItem } from './service';
import { itemsWithBrokenTrails } from '../audit/chain';
import { formatLongDate } from '../../domain/calendar';
import type { LifecycleCommandType } from '../../domain/lifecycle';
import { Person } from '../../entities';
import { commandFormView, commandSpecs, type Person as PersonChoice } from './commandForms';
import { commandFormHandler, commandTarget, decisionCommands, formAgain, type CommandFormState } from './commandPosting';
import { evidenceFormRoutes, evidenceFormsView } from '../evidence/pages';
import { attachmentField, attachmentFormView, attachmentPageRoutes, attachmentRows, attachmentStep } from '../attachments/pages';
import { escapeHtml, type FormError } from '../../platform/web/html';
import { statusTagHtml } from '../../platform/web/statusTags';
import { itemPageRoutes } from './itemPages';
import { evidenceCommands, nextAction } from './nextAction';
import { streamRecommendationsCsv } from './listCsv';
import { pageShell } from '../../platform/web/pageShell';
import { itemName, loadScrutiny } from './scrutiny';
import { commentFormHandler, commentsView, type CommentFormState } from '../comments/pages';

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
  router.use(itemPageRoutes(deps, shell));

  // Everything the list's filters match, as CSV (not just a page of it); a filter that does not parse is a 400, never everything.
  router.get('/recommendations.csv', async (req, res) => {
    const {
      cursor: _cursor,
      limit: _limit,
      ...raw
    } = Object.fromEntries(Object.entries(req.query as Record<string, unknown>).filter(([, v]) => v !== '' && v !== undefined));
    const query = parseInput(recommendationListQuery, raw, 'query');
    const names = async () =>
      new Map(((await dataSource.query(`SELECT id, name FROM people`)) as { id: string; name: string }[]).map((p) => [p.id, p.name]));
    await streamRecommendationsCsv(req, res, query, (page) => recommendations.searchForExport(page, actingPersonOf(req.identity!)), names);
  });

  // The list: the api's filters (each shown as a tag that removes it), sorting and pages (keyset cursor), and the CSV of the whole list.
  router.get('/recommendations', async (req, res) => {
    const filters = listFilters(req.query as Record<string, unknown>, await loadFilterChoices(dataSource), { limit: '25' });
    const { query, errors, queryString } = filters;
    const result = await recommendations.search(query, actingPersonOf(req.identity!));
    const sortHeader = (label: string, key?: string): Cell => {
      if (!key) return { text: label };
      const active = query.sort === key || query.sort === `-${key}`;
      const next = query.sort === key && `-${key}` in recommendationSorts ? `-${key}` : key;
      const arrow = active ? (query.sort.startsWith('-') ? ' ▼' : ' ▲') : '';
      return {
        html: `<a class="govuk-link" href="/recommendations${escapeHtml(queryString({ sort: next }))}"${active ? ' aria-current="true"' : ''}>${escapeHtml(label)}${arrow}</a>`,
      };
    };
    await send(
      req,
      res,
      'recommendations.njk',
      {
        title: 'Recommendations',
        errors,
        searchBox: filters.search,
        filters: filters.fields,
        hidden: filters.hidden,
        tags: filters.tags,
        csvHref: `/recommendations.csv${queryString({ limit: undefined })}`,
        head: [
          sortHeader('Item', 'reference'),
          sortHeader('Report', 'report'),
          sortHeader('Status', 'status'),
          sortHeader('Owner'),
          sortHeader('Due', 'dueDate'),
        ],
        rows: result.items.map((r) => [
          itemLink(r),
          { text: reportOf(r) },
          statusCell(r),
          { text: r.owner?.name ?? 'Not assigned' },
          { text: date(r.dueDate) },
        ]),
        nextHref: result.nextCursor ? `/recommendations${queryString({ cursor: result.nextCursor })}` : null,
      },
      { current: '/recommendations', status: errors.length ? 400 : 200 },
    );
  });

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
    return rows.map((r) => ({
      id: r.id,
      label: `${r.originator}: ${r.report}, ${itemName(r)}${r.title ? ` (${r.title.slice(0, 80)})` : ''}`,
    }));
  };

  async function recommendationPage(req: Request, res: Response, id: string, form?: CommandFormState, commentForm?: CommentFormState) {
    const by = actingPersonOf(req.identity!);
    const view = await recommendations.get(id, by);
    if (!view) return shell.notFound(req, res);
    const [item, everyone, broken, comments, attachments, attachForm] = await Promise.all([
      loadScrutiny(deps, view, { signedIn: true }),
      people(),
      itemsWithBrokenTrails(dataSource.manager, [id]),
      commentsView(deps, req, view, `/recommendations/${view.id}/comments`, commentForm),
      attachmentRows(deps, req, id),
      attachmentFormView(deps, req, id, deps.evidenceMaxBytes, form),
    ]);
    const nameOf = (personId: string | null | undefined) =>
      personId ? (everyone.find((p) => p.id === personId)?.name ?? 'Someone no longer active') : 'The system';
    const csrfToken = req.identity!.session?.csrfToken ?? '';
    const available = view.availableCommands.filter((c) => c in commandSpecs);
    const next = nextAction(view.state, available);
    const nextTypes: LifecycleCommandType[] = next ? [next.primary, ...next.alongside] : [];
    const ordered = [
      ...available.filter((c) => decisionCommands.includes(c)),
      ...available.filter((c) => !decisionCommands.includes(c)),
    ].filter((c) => !nextTypes.includes(c));
    const evidenceTypes = ordered.filter((c) => evidenceCommands.includes(c));
    const others = ordered.filter((c) => !evidenceCommands.includes(c));
    const items = available.includes('markSuperseded') ? await itemChoices() : [];
    const formOf = (type: LifecycleCommandType) => ({
      ...commandFormView({
        recommendationId: view.id,
        type,
        csrfToken,
        version: view.version,
        people: everyone,
        items,
        primary: type === next?.primary,
        ...formAgain(form, type),
      }),
      attachment: attachmentField(req, type, deps.evidenceMaxBytes, form?.type === type ? form.errors : []),
    });
    const evidenceForms = evidenceFormsView(req, view, deps.evidenceMaxBytes, form);
    const tabs = [
      { id: 'details', label: 'Details' },
      ...(evidenceForms || evidenceTypes.length ? [{ id: 'evidence', label: 'Add and submit evidence' }] : []),
      ...(others.length ? [{ id: 'actions', label: `Other actions (${others.length})` }] : []),
      { id: 'comments', label: `Comments (${comments.count})` },
      { id: 'history', label: 'Due-date history and timeline' },
    ];
    // A form sent back with an error opens the tab it is on (the next step's forms are above the tabs), and so does evidence just added.
    const tabOf = (type: string) =>
      nextTypes.includes(type as LifecycleCommandType) || type === 'attachment'
        ? 'details'
        : evidenceCommands.includes(type as LifecycleCommandType) || type.startsWith('evidence')
          ? 'evidence'
          : 'actions';
    const asked = commentForm
      ? 'comments'
      : typeof req.query.tab === 'string'
        ? req.query.tab
        : form
          ? tabOf(form.type)
          : typeof req.query.added === 'string'
            ? 'evidence'
            : 'details';
    const tab = tabs.some((t) => t.id === asked) ? asked : 'details';
    const attached = typeof req.query.attached === 'string' ? ` Attached: ${req.query.attached.slice(0, 300)}.` : '';
    const done =
      typeof req.query.done === 'string' && req.query.done in commandSpecs
        ? `Done: ${midSentence(commandSpecs[req.query.done as LifecycleCommandType].title)}.${attached}`
        : typeof req.query.added === 'string'
          ? `Evidence added: ${req.query.added.slice(0, 300)}.`
          : req.query.commented === '1'
            ? 'Your comment is posted.'
            : attached.trim() || null;
    await send(
      req,
      res,
      'recommendation.njk',
      {
        title: item.name,
        errors: form?.errors ?? commentForm?.errors,
        done,
        comments,
        trailBroken: broken.has(id),
        attachments,
        attachForm,
        item,
        approvalHref: nextTypes.some((c) => decisionCommands.includes(c)) ? `/approvals/${view.id}` : null,
        nextForms: nextTypes.map(formOf),
        otherCount: others.length,
        tabs: tabs.map((t) => ({ ...t, selected: t.id === tab })),
        tab,
        dueDateRows: view.state.dueDateHistory.map((d) => [
          { text: date(d.dueDate) },
          { text: date(d.decidedOn) },
          { text: d.kind === 'extension' ? 'Extension' : 'Set' },
          { text: nameOf(d.approvedBy) },
          { text: d.reason ?? '' },
        ]),
        evidenceForms,
        forms: others.map(formOf),
        evidenceCommandForms: evidenceTypes.map(formOf),
        timeline: view.history.map((h) => [{ text: londonTime.format(new Date(h.occurredAt)) }, { text: h.actor }, { text: h.summary }]),
      },
      { status: form?.status ?? commentForm?.status },
    );
  }

  router.get('/recommendations/:id', async (req, res) => {
    const parsed = idParams.safeParse(req.params);
    if (!parsed.success) return shell.notFound(req, res);
    await recommendationPage(req, res, parsed.data.id);
  });

  const sendCommand = commandFormHandler(deps);
  const postComment = commentFormHandler(deps);
  router.post('/recommendations/:id/comments', async (req, res) => {
    const parsed = idParams.safeParse(req.params);
    if (!parsed.success) return shell.notFound(req, res);
    const id = parsed.data.id;
    await postComment(req, res, id, {
      notFound: () => shell.notFound(req, res),
      rerender: (commentForm) => recommendationPage(req, res, id, undefined, commentForm),
      done: `/recommendations/${id}?tab=comments&commented=1#comments`,
    });
  });
  router.use(evidenceFormRoutes(deps, recommendationPage, shell.notFound));
  router.use(attachmentPageRoutes(deps, shell, recommendationPage));

  // A form's command: checked by the api's schema (400 → error summary), then sent through the same service the api
  // uses; the lifecycle may refuse it (409 → error summary with its reason). Success goes back to the page.
  router.post('/recommendations/:id/commands/:type', async (req, res) => {
    const target = commandTarget(req);
    if (!target) return shell.notFound(req, res);
    await sendCommand(req, res, target.id, target.type, {
      rerender: (form) => recommendationPage(req, res, target.id, form),
      done: `/recommendations/${target.id}?done=${target.type}`,
      attachment: attachmentStep(deps, req, target.id, target.type),
    });
  });

  return router;
}
