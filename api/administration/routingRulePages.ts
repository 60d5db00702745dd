import { Router, type Request, type Response } from 'express';
import { actingPersonOf } from '../../platform/http/actor';
import { routingRuleSchema, ruleId, saveRoutingRule } from './routingRules';
import { ApiProblem, parseInput } from '../../platform/http/problem';
import { defaultRoutingRules, describeStep, type RouteStep } from '../../domain/approvalRouting';
import {
  closureCategories,
  closureCategoryLabels,
  itemKindLabels,
  itemKinds,
  roleLabels,
  roles,
  sourceKindLabels,
  sourceKinds,
} from '../../domain/vocabulary';
import { Person, RoutingRule } from '../../entities';
import type { FormError } from '../../platform/web/html';
import { attempt, formBody, formErrors, list, splitList, text, type FormBody } from '../../platform/web/forms';
import type { AdminContext } from '../adminContext';

const STEP_FIELDS = ['step1', 'step2', 'step3', 'step4'];
const labels: Record<string, string> = {
  id: 'The rule name',
  priority: 'Priority',
  description: 'Description',
  originators: 'Originators',
  departments: 'Departments',
  step1: 'The first approver',
};

const stepValue = (step: RouteStep): string =>
  step.kind === 'lead' ? 'lead' : step.kind === 'role' ? `role:${step.role}` : `person:${step.personId}`;
function stepOf(value: string): RouteStep {
  if (value === 'lead') return { kind: 'lead' };
  const [kind, rest] = value.split(':', 2) as [string, string];
  return kind === 'role' ? ({ kind: 'role', role: rest } as RouteStep) : ({ kind: 'person', personId: rest } as RouteStep);
}

/** The form's fields as the API's routing rule. */
function ruleFromForm(body: FormBody) {
  const numbers = (values: string[]) => values.map(Number);
  const optional = <T>(values: T[]) => (values.length ? values : undefined);
  return {
    priority: /^-?\d+$/.test(text(body, 'priority').trim()) ? Number(text(body, 'priority').trim()) : text(body, 'priority'),
    description: text(body, 'description'),
    active: text(body, 'active') === 'true',
    match: {
      originators: optional(splitList(text(body, 'originators'))),
      sourceKinds: optional(list(body, 'sourceKinds')),
      categories: optional(numbers(list(body, 'categories'))),
      departments: optional(splitList(text(body, 'departments'))),
      itemKinds: optional(list(body, 'itemKinds')),
    },
    steps: STEP_FIELDS.map((f) => text(body, f))
      .filter(Boolean)
      .map(stepOf),
  };
}

/** Approval routing rules: the list, and one form to add a rule or change one. */
export function routingRulePages({ deps, render, guard }: AdminContext): Router {
  const router = Router();
  const { dataSource } = deps;
  router.use(guard('routingRules.manage'));

  async function choices() {
    const people = await dataSource.manager.find(Person, { where: { active: true }, order: { name: 'ASC' } });
    return {
      stepChoices: [
        { value: 'lead', text: "The item's lead" },
        ...roles.filter((r) => r !== 'viewer' && r !== 'action_owner').map((r) => ({ value: `role:${r}`, text: `Role: ${roleLabels[r]}` })),
        ...people.map((p) => ({ value: `person:${p.id}`, text: `Person: ${p.name}` })),
      ],
      sourceKindChoices: sourceKinds.map((k) => ({ value: k, text: sourceKindLabels[k] })),
      categoryChoices: closureCategories.map((c) => ({ value: String(c), text: closureCategoryLabels[c] })),
      itemKindChoices: itemKinds.map((k) => ({ value: k, text: itemKindLabels[k] })),
    };
  }

  router.get('/', async (req, res) => {
    const stored = await dataSource.manager.find(RoutingRule, { order: { priority: 'DESC', id: 'ASC' } });
    const view = (r: Pick<RoutingRule, 'id' | 'priority' | 'match' | 'steps'> & { active?: boolean; description?: string }) => ({
      ...r,
      chain: r.steps.map(describeStep).join(', then '),
      matches:
        [
          r.match.originators?.length ? `from ${r.match.originators.join(' or ')}` : '',
          r.match.sourceKinds?.length ? `${r.match.sourceKinds.map((k) => sourceKindLabels[k]).join(' or ')}` : '',
          r.match.categories?.length ? `category ${r.match.categories.join(' or ')}` : '',
          r.match.departments?.length ? `in ${r.match.departments.join(' or ')}` : '',
          r.match.itemKinds?.length ? `${r.match.itemKinds.map((k) => itemKindLabels[k]).join(' or ')}` : '',
        ]
          .filter(Boolean)
          .join('; ') || 'every item',
    });
    await render(req, res, 'routingRules.njk', {
      title: 'Routing rules',
      rules: stored.map(view),
      defaults: defaultRoutingRules.map(view),
      usingDefaults: !stored.some((r) => r.active),
      done: req.query.done,
    });
  });

  async function formPage(req: Request, res: Response, existing: RoutingRule | null, values: object, errors?: FormError[], status = 200) {
    await render(
      req,
      res,
      'routingRule.njk',
      { title: existing ? `Change routing rule ${existing.id}` : 'Add a routing rule', existing, values, errors, ...(await choices()) },
      status,
    );
  }
  const valuesOf = (rule: RoutingRule) => ({
    id: rule.id,
    priority: String(rule.priority),
    description: rule.description,
    active: rule.active,
    originators: (rule.match.originators ?? []).join(', '),
    departments: (rule.match.departments ?? []).join(', '),
    sourceKinds: rule.match.sourceKinds ?? [],
    categories: (rule.match.categories ?? []).map(String),
    itemKinds: rule.match.itemKinds ?? [],
    steps: rule.steps.map(stepValue),
    version: rule.version,
  });
  const formValues = (body: FormBody) => ({
    ...Object.fromEntries(['id', 'priority', 'description', 'originators', 'departments', 'version'].map((f) => [f, text(body, f)])),
    active: text(body, 'active') === 'true',
    sourceKinds: list(body, 'sourceKinds'),
    categories: list(body, 'categories'),
    itemKinds: list(body, 'itemKinds'),
    steps: STEP_FIELDS.map((f) => text(body, f)),
  });

  router.get('/new', (req, res) =>
    formPage(req, res, null, { priority: '0', active: true, sourceKinds: [], categories: [], itemKinds: [], steps: ['lead', 'role:dcc'] }),
  );
  router.get('/:ruleId', async (req, res) => {
    const rule = await dataSource.manager.findOneBy(RoutingRule, { id: String(req.params.ruleId) });
    if (!rule) throw ApiProblem.notFound('The routing rule');
    await formPage(req, res, rule, valuesOf(rule));
  });

  async function save(req: Request, res: Response, existing: RoutingRule | null) {
    const body = formBody(req);
    const id = existing?.id ?? text(body, 'id').trim();
    const outcome = await attempt(
      async () => {
        const idProblem = ruleId.safeParse(id);
        if (!idProblem.success) throw ApiProblem.invalid([{ field: 'id', message: idProblem.error.issues[0]!.message }]);
        if (!existing && (await dataSource.manager.existsBy(RoutingRule, { id })))
          throw ApiProblem.invalid([{ field: 'id', message: 'is already the name of a rule: choose another' }]);
        return saveRoutingRule(
          dataSource,
          id,
          parseInput(routingRuleSchema, ruleFromForm(body)),
          existing ? text(body, 'version') || undefined : undefined,
          actingPersonOf(req.identity!),
        );
      },
      (problem) =>
        problem.status === 412
          ? [
              {
                field: 'priority',
                message: 'Someone else changed this rule while you were editing. It is shown as it is now: make your change again.',
              },
            ]
          : problem.status === 409
            ? [{ field: 'step1', message: problem.detail ?? problem.title }]
            : formErrors(
                problem,
                'priority',
                {
                  steps: 'step1',
                  'match.originators': 'originators',
                  'match.departments': 'departments',
                  'match.sourceKinds': 'sourceKinds',
                  'match.categories': 'categories',
                  'match.itemKinds': 'itemKinds',
                },
                labels,
              ),
    );
    if (!outcome.ok) {
      const current = existing ? await dataSource.manager.findOneByOrFail(RoutingRule, { id: existing.id }) : null;
      return formPage(
        req,
        res,
        current,
        outcome.status === 412 && current ? valuesOf(current) : formValues(body),
        outcome.errors,
        outcome.status,
      );
    }
    res.redirect(303, '/admin/routing-rules?done=saved');
  }
  router.post('/new', (req, res) => save(req, res, null));
  router.post('/:ruleId', async (req, res) => {
    const rule = await dataSource.manager.findOneBy(RoutingRule, { id: String(req.params.ruleId) });
    if (!rule) throw ApiProblem.notFound('The routing rule');
    await save(req, res, rule);
  });
  return router;
}
