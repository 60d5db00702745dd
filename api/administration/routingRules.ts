import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { ActingPerson } from '../../platform/http/actor';
import { defaultRoutingRules, routingRuleProblems, type RoutingRule as RoutingRuleData } from '../../domain/approvalRouting';
import { closureCategories, itemKinds, roles, sourceKinds } from '../../domain/vocabulary';
import { Person, RoutingRule } from '../../entities';
import { recordAudit } from '../../entities/auditTrail';
import type { ApiDependencies } from '../dependencies';
import { endpoint, type Feature } from '../../platform/http/endpoint';
import { routingRuleSchema as routingRuleResponse, routingRulesSchema } from '../../platform/http/schemas';
import { ApiProblem, requireVersion } from '../../platform/http/problem';

export const ruleId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1 to 63 lower-case letters, digits or hyphens');
const names = z.array(z.string().trim().min(1).max(200)).max(50).optional();

export const routingRuleSchema = z
  .object({
    priority: z.number().int('must be a whole number').min(-1000).max(1000),
    description: z.string().trim().max(500).default(''),
    active: z.boolean().default(true),
    match: z
      .object({
        originators: names,
        sourceKinds: z.array(z.enum(sourceKinds)).optional(),
        categories: z
          .array(
            z.union(
              closureCategories.map((c) => z.literal(c)) as unknown as [z.ZodLiteral<1>, z.ZodLiteral<2>, z.ZodLiteral<3>, z.ZodLiteral<4>],
            ),
          )
          .optional(),
        departments: names,
        itemKinds: z.array(z.enum(itemKinds)).optional(),
      })
      .strict(),
    steps: z
      .array(
        z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('lead') }).strict(),
          z.object({ kind: z.literal('role'), role: z.enum(roles) }).strict(),
          z.object({ kind: z.literal('person'), personId: z.uuid({ message: 'must be the id of a person (a UUID)' }) }).strict(),
        ]),
      )
      .min(1, 'a rule needs at least one approval step')
      .max(6, 'a rule may have at most 6 steps'),
  })
  .strict();

const toData = (rule: Pick<RoutingRule, 'id' | 'priority' | 'match' | 'steps'>): RoutingRuleData => ({
  id: rule.id,
  priority: rule.priority,
  match: rule.match,
  steps: rule.steps,
});

/**
 * Adds or changes a rule. `ifMatch`, when given, must be the rule's current version (412 otherwise); refused (409)
 * when the rules would leave some items with nobody to approve them.
 */
export async function saveRoutingRule(
  dataSource: DataSource,
  id: string,
  input: z.output<typeof routingRuleSchema>,
  ifMatch: string | undefined,
  by: ActingPerson,
): Promise<RoutingRule> {
  return dataSource.transaction(async (tx) => {
    const existing = await tx.findOne(RoutingRule, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (existing && ifMatch) requireVersion(ifMatch, existing.version, 'rule');
    for (const [index, step] of input.steps.entries()) {
      if (step.kind === 'person' && !(await tx.existsBy(Person, { id: step.personId, active: true }))) {
        throw ApiProblem.invalid([{ field: `body.steps[${index}].personId`, message: 'no active person has this id' }]);
      }
    }
    const others = (await tx.find(RoutingRule, { where: { active: true } })).filter((r) => r.id !== id).map(toData);
    const candidate = { id, priority: input.priority, match: input.match, steps: input.steps };
    const problems = routingRuleProblems(input.active ? [...others, candidate] : others.length ? others : defaultRoutingRules);
    if (problems.length) throw new ApiProblem(409, 'The routing rules would not work', problems.join('; '));
    const row = existing ?? tx.create(RoutingRule, { id });
    const before = existing ? { ...toData(existing), description: existing.description, active: existing.active } : null;
    Object.assign(row, input);
    const result = await tx.save(row);
    await recordAudit(tx, {
      actorId: by.actor.personId,
      actorLabel: by.label,
      entityType: 'routing_rule',
      entityId: id,
      type: existing ? 'routing_rule_changed' : 'routing_rule_added',
      summary: `${existing ? 'Changed' : 'Added'} routing rule "${id}"`,
      before,
      after: { ...candidate, description: input.description, active: input.active },
    });
    return result;
  });
}

/**
 * The force's approval routing rules: data an administrator edits. While none are stored, the defaults of
 * docs/lifecycle.md apply; the first rule saved replaces them, so the list must keep a catch-all rule.
 */
export function routingRulesFeature({ dataSource }: ApiDependencies): Feature {
  return {
    mountPath: '/api/routing-rules',
    tag: 'Routing rules',
    description: 'Who must approve a closure: rules matching items by source, category, department and kind.',
    endpoints: [
      endpoint({
        method: 'get',
        path: '/',
        summary: 'The routing rules (and the defaults that apply while none are stored)',
        access: 'routingRules.read',
        responses: { 200: { description: 'Stored rules, highest priority first', schema: routingRulesSchema } },
        async handle({ res }) {
          const stored = await dataSource.manager.find(RoutingRule, { order: { priority: 'DESC', id: 'ASC' } });
          res.json({ usingDefaults: !stored.some((r) => r.active), items: stored, defaults: defaultRoutingRules });
        },
      }),
      endpoint({
        method: 'put',
        path: '/:ruleId',
        summary: 'Add or change a routing rule',
        description: 'Refused (409) when the rules would leave some items with nobody to approve them.',
        access: 'routingRules.manage',
        params: z.object({ ruleId }),
        body: routingRuleSchema,
        conditional: true,
        responses: {
          200: { description: 'Saved', schema: routingRuleResponse, headers: { ETag: 'its version' } },
          409: { description: 'The rule set would not work' },
        },
        async handle({ req, res, params, body: input, by }) {
          const saved = await saveRoutingRule(dataSource, params.ruleId, input, req.get('if-match'), by);
          res.status(200).set('ETag', `"${saved.version}"`).json(saved);
        },
      }),
    ],
  };
}
