import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ApiDependencies } from '../dependencies';
import { actingPersonOf } from '../../platform/http/actor';
import { authorize } from '../../platform/http/permissions';
import type { FormError } from '../../platform/web/html';
import { bulkActionKinds, bulkActionLabels, type BulkAction } from '../../domain/bulkActions';
import { lifecycleStatusLabels, type LifecycleStatus } from '../../domain/lifecycle';
import { formatLongDate } from '../../domain/calendar';
import { closureCategories, closureCategoryLabels } from '../../domain/vocabulary';
import { recommendationListQuery } from '../recommendations/listQuery';
import type { PageShell } from '../../platform/web/pageShell';
import { asBulkAction, bulkActionSchema, bulkRequestSchema } from './schemas';
import { BulkActionService } from './service';
import { itemName } from '../recommendations/scrutiny';

/**
 * Every checkbox is a form field, and forms take at most 50 (express.urlencoded's parameterLimit, a defence against
 * hostile bodies), so the selection page offers this many items at a time.
 */
const ITEMS_PER_PAGE = 35;

/** The statuses whose items are triaged, assigned or handed over, as the selection page offers them. */
const offeredStatuses: LifecycleStatus[] = ['logged', 'assigned', 'in_progress', 'reopened', 'evidence_submitted', 'awaiting_approval'];

type Body = Record<string, unknown>;
const field = (body: Body, name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '');
const dateParts = ['day', 'month', 'year'] as const;

/** The form's action as the schema takes it: only the fields of the chosen action, blanks left out. */
function actionFromForm(body: Body): Record<string, unknown> {
  const kind = field(body, 'action');
  if (kind === 'setCategory') return { kind, category: field(body, 'category') ? Number(field(body, 'category')) : undefined };
  if (kind === 'markNotForTheForce') return { kind, reason: field(body, 'reason') };
  if (kind === 'assign') {
    const parts = dateParts.map((p) => field(body, `dueDate-${p}`));
    const dueDate = parts.every((p) => p === '')
      ? undefined
      : `${parts[2]!.padStart(4, '0')}-${parts[1]!.padStart(2, '0')}-${parts[0]!.padStart(2, '0')}`;
    const optional = (name: string) => field(body, name) || undefined;
    return { kind, ownerId: optional('ownerId'), leadId: optional('leadId'), dueDate, reason: optional('handoverReason') };
  }
  return { kind: kind || undefined };
}

/** Where each of the action's fields is on the page, and how its problem reads there. */
function formErrorOf(path: PropertyKey[], message: string, kind: string): FormError {
  const name = String(path[0] ?? 'kind');
  if (name === 'kind') return { field: 'action', message: 'Choose what to do with the selected items' };
  if (name === 'category') return { field: 'category', message: 'Choose a closure category' };
  if (name === 'reason' && kind === 'markNotForTheForce') return { field: 'reason', message: 'Enter why the items are not for the force' };
  if (name === 'reason') return { field: 'handoverReason', message: `Reason for handing over: ${message}` };
  if (name === 'dueDate') return { field: 'dueDate-day', message: 'The due date must be a real date, for example 31 3 2027' };
  if (name === 'leadId') return { field: 'leadId', message: message.charAt(0).toUpperCase() + message.slice(1) };
  return { field: 'ownerId', message: message.charAt(0).toUpperCase() + message.slice(1) };
}

/** A clause (the lifecycle's refusals are written to follow "cannot …: ") as a sentence of its own. */
const sentence = (clause: string) => clause.charAt(0).toUpperCase() + clause.slice(1);

const selectedIds = (body: Body): string[] => {
  const raw = body.items;
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && z.uuid().safeParse(v).success))];
};

/**
 * Bulk triage and assignment as pages: select items and an action, check what will change for each (continue or
 * cancel), then see each item's outcome. Each item still goes through its own workflow command (./service.ts).
 */
export function bulkPageRoutes(deps: ApiDependencies, shell: PageShell): Router {
  const { dataSource, recommendations } = deps;
  const bulk = new BulkActionService(dataSource, recommendations);
  const router = Router();
  const csrf = (req: Request) => req.identity!.session?.csrfToken ?? '';

  const people = async () =>
    (await dataSource.query(`SELECT id, name, roles FROM people WHERE active ORDER BY name`)) as {
      id: string;
      name: string;
      roles: string[];
    }[];

  async function selectPage(req: Request, res: Response, state: string, form: { body?: Body; errors?: FormError[] } = {}) {
    const status = offeredStatuses.includes(state as LifecycleStatus) ? (state as LifecycleStatus) : 'logged';
    const [result, everyone] = await Promise.all([
      recommendations.search(
        recommendationListQuery.parse({ limit: String(ITEMS_PER_PAGE), state: status, sort: 'report' }),
        actingPersonOf(req.identity!),
      ),
      people(),
    ]);
    const body = form.body ?? {};
    const chosen = new Set(selectedIds(body));
    const choices = (role: string, name: string) => [
      { value: '', text: 'Keep as it is' },
      ...everyone.filter((p) => p.roles.includes(role)).map((p) => ({ value: p.id, text: p.name, selected: field(body, name) === p.id })),
    ];
    const errorOf = (id: string) => form.errors?.find((e) => e.field === id)?.message;
    await shell.send(
      req,
      res,
      'bulk/select.njk',
      {
        title: 'Triage or assign several items',
        errors: form.errors,
        csrfToken: csrf(req),
        state: status,
        statuses: offeredStatuses.map((s) => ({ value: s, text: lifecycleStatusLabels[s], selected: s === status })),
        items: result.items.map((r) => ({ ...r, name: itemName(r), checked: chosen.has(r.id) })),
        more: result.nextCursor !== null,
        perPage: ITEMS_PER_PAGE,
        actions: bulkActionKinds.map((kind) => ({ value: kind, text: bulkActionLabels[kind], checked: field(body, 'action') === kind })),
        categories: [
          { value: '', text: 'Choose a category' },
          ...closureCategories.map((c) => ({
            value: String(c),
            text: closureCategoryLabels[c],
            selected: field(body, 'category') === String(c),
          })),
        ],
        owners: choices('action_owner', 'ownerId'),
        leads: choices('lead', 'leadId'),
        values: Object.fromEntries(
          ['reason', 'handoverReason', ...dateParts.map((p) => `dueDate-${p}`)].map((name) => [name, field(body, name)]),
        ),
        fieldErrors: Object.fromEntries(
          ['items', 'action', 'category', 'reason', 'ownerId', 'leadId', 'dueDate-day', 'handoverReason'].map((id) => [
            id,
            errorOf(id) ? { text: errorOf(id) } : undefined,
          ]),
        ),
      },
      { current: '/admin', status: form.errors?.length ? 400 : 200 },
    );
  }

  router.get('/recommendations/bulk', async (req, res) => {
    authorize(req.identity!, 'recommendations.command');
    await selectPage(req, res, typeof req.query.state === 'string' ? req.query.state : 'logged');
  });

  // The selection and action, checked; then what will change for each item, with a new bulk id for the run.
  router.post('/recommendations/bulk/confirm', async (req, res) => {
    authorize(req.identity!, 'recommendations.command');
    const body = (req.body ?? {}) as Body;
    const ids = selectedIds(body);
    const parsed = bulkActionSchema.safeParse(actionFromForm(body));
    const errors: FormError[] = [];
    if (ids.length === 0) errors.push({ field: 'items', message: 'Select at least one item' });
    if (!parsed.success) {
      const kind = field(body, 'action');
      for (const issue of parsed.error.issues) {
        const error = formErrorOf(issue.path, issue.message, kind);
        if (!errors.some((e) => e.field === error.field)) errors.push(error);
      }
    }
    if (errors.length || !parsed.success) return selectPage(req, res, field(body, 'state'), { body, errors });
    const action = asBulkAction(parsed.data);
    const by = actingPersonOf(req.identity!);
    const plan = await bulk.plan(action, ids, by);
    await shell.send(
      req,
      res,
      'bulk/confirm.njk',
      {
        title: 'Check the changes before they are made',
        csrfToken: csrf(req),
        action: await describeAction(action),
        state: field(body, 'state'),
        plan: plan.map((entry) => ({ ...entry, refused: entry.refused && sentence(entry.refused) })),
        willChange: plan.filter((p) => !p.refused).length,
        request: JSON.stringify({ bulkId: randomUUID(), action: parsed.data, items: plan.map((p) => ({ id: p.id, version: p.version })) }),
      },
      { current: '/admin' },
    );
  });

  // Continue: every item's command, then every item's outcome. Sending this again (a double click, a refresh) answers
  // the same without changing anything twice: the bulk id names the commands.
  router.post('/recommendations/bulk/run', async (req, res) => {
    authorize(req.identity!, 'recommendations.command');
    let request: z.output<typeof bulkRequestSchema> | null = null;
    try {
      request = bulkRequestSchema.parse(JSON.parse(field((req.body ?? {}) as Body, 'request')));
    } catch {
      request = null;
    }
    if (!request)
      return shell.message(
        req,
        res,
        400,
        'The bulk action could not be read',
        ['Nothing was changed. Choose the items and the action again.'],
        { href: '/recommendations/bulk', text: 'Triage or assign several items' },
      );
    const outcomes = await bulk.run({ ...request, action: asBulkAction(request.action) }, actingPersonOf(req.identity!));
    const done = outcomes.filter((o) => o.outcome === 'done').length;
    await shell.send(
      req,
      res,
      'bulk/results.njk',
      {
        title: `Bulk action: ${done} done, ${outcomes.length - done} refused`,
        action: await describeAction(asBulkAction(request.action)),
        outcomes: outcomes.map((o) => ({ ...o, detail: sentence(o.detail) })),
        done,
        refused: outcomes.length - done,
      },
      { current: '/admin' },
    );
  });

  /** The action in words, with the names of the people it names. */
  async function describeAction(action: BulkAction): Promise<string> {
    if (action.kind === 'setCategory') return `Set the closure category: ${closureCategoryLabels[action.category]}`;
    if (action.kind === 'markNotForTheForce') return `Mark not for the force: ${action.reason}`;
    const everyone = await people();
    const nameOf = (id: string) => everyone.find((p) => p.id === id)?.name ?? 'someone no longer active';
    const parts = [
      action.ownerId ? `owner ${nameOf(action.ownerId)}` : null,
      action.leadId ? `lead ${nameOf(action.leadId)}` : null,
      action.dueDate ? `due ${formatLongDate(action.dueDate)}` : null,
    ];
    return `Assign or hand over: ${parts.filter((p) => p !== null).join(', ')}`;
  }

  return router;
}
