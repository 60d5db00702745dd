import type { DataSource } from 'typeorm';
import { defaultRoutingRules, type Delegation, type RouteStep, type RoutingRule } from '../../domain/approvalRouting';
import type { Directory } from '../../domain/lifecycle';
import type { Role } from '../../domain/vocabulary';
import type { Recommendation } from '../../entities';

/** Roles that can stand on an approval chain, or fix one; other people only matter as the item's owner or lead. */
const approvingRoles: Role[] = ['lead', 'dcc', 'finance_director', 'administrator', 'liaison_lead'];

export interface DecisionContext {
  directory: Directory;
  routing: { rules: RoutingRule[]; item: { originator: string; sourceKind: Recommendation['report']['kind']; department: string | null; itemKind: Recommendation['kind'] } };
  /** People the acting person stands in for today. */
  delegatesFor: string[];
}

/**
 * Reads, for one command, what the lifecycle needs to open approval steps: who could approve, the delegations
 * that have not ended, and the force's routing rules (the defaults of DOMAIN.md while none are stored).
 */
export async function loadDecisionContext(
  dataSource: DataSource,
  recommendation: Recommendation,
  actorId: string | null,
  today: string,
): Promise<DecisionContext> {
  const [ruleRows, delegationRows] = await Promise.all([
    dataSource.query(`SELECT id, priority, match, steps FROM routing_rules WHERE active ORDER BY priority DESC, id`) as Promise<RoutingRule[]>,
    dataSource.query(
      `SELECT from_person_id AS "fromId", to_person_id AS "toId", to_char(starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(ends_on, 'YYYY-MM-DD') AS "endsOn"
         FROM delegations WHERE ends_on >= $1`,
      [today],
    ) as Promise<Delegation[]>,
  ]);
  const rules = ruleRows.length > 0 ? ruleRows : defaultRoutingRules;
  const namedInRules = rules.flatMap((rule) => rule.steps.filter((s): s is Extract<RouteStep, { kind: 'person' }> => s.kind === 'person').map((s) => s.personId));
  const delegationPeople = delegationRows.flatMap((d) => [d.fromId, d.toId]);
  const wanted = [...new Set([recommendation.ownerId, recommendation.leadId, actorId, ...namedInRules, ...delegationPeople].filter((id): id is string => !!id))];
  const people = (await dataSource.query(`SELECT id, name, roles, active FROM people WHERE roles && $1::text[] OR id = ANY($2::uuid[]) ORDER BY id`, [
    approvingRoles,
    wanted,
  ])) as Directory['people'];
  return {
    directory: { people, delegations: delegationRows },
    routing: {
      rules,
      item: { originator: recommendation.report.originator, sourceKind: recommendation.report.kind, department: recommendation.department, itemKind: recommendation.kind },
    },
    delegatesFor: delegationRows.filter((d) => d.toId === actorId && d.startsOn <= today && today <= d.endsOn).map((d) => d.fromId),
  };
}
