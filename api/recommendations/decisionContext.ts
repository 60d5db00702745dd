import type { DataSource } from 'typeorm';
import { defaultRoutingRules, type Delegation, type RouteStep, type RoutingRule } from '../../domain/approvalRouting';
import type { Directory } from '../../domain/lifecycle';
import type { Role } from '../../domain/vocabulary';
import type { Recommendation } from '../../entities';

/** Roles that can stand on an approval chain, or fix one; other people only matter as the item's owner or lead. */
const approvingRoles: Role[] = ['lead', 'dcc', 'finance_director', 'administrator', 'liaison_lead'];

/** What the context needs to know of the item a command is for. */
export type DecisionItem = Pick<Recommendation, 'ownerId' | 'leadId' | 'department' | 'kind'> & { report: Pick<Recommendation['report'], 'originator' | 'kind'> };

export interface DecisionContext {
  directory: Directory;
  routing: { rules: RoutingRule[]; item: { originator: string; sourceKind: Recommendation['report']['kind']; department: string | null; itemKind: Recommendation['kind'] } };
  /** People the acting person stands in for today. */
  delegatesFor: string[];
}

/** People the default routing rules name (none today, but the defaults may change). */
const namedInDefaults = defaultRoutingRules.flatMap((rule) => rule.steps.filter((s): s is Extract<RouteStep, { kind: 'person' }> => s.kind === 'person').map((s) => s.personId));

/**
 * Reads, for one command, what the lifecycle needs to open approval steps: who could approve, the delegations
 * that have not ended, and the force's routing rules (the defaults of DOMAIN.md while none are stored). One
 * statement, as every command that may open an approval step waits for it: the people are those with an approving
 * role, the item's owner and lead, the actor, and anyone a stored rule or a delegation names.
 */
export async function loadDecisionContext(dataSource: DataSource, item: DecisionItem, actorId: string | null, today: string): Promise<DecisionContext> {
  const wanted = [...new Set([item.ownerId, item.leadId, actorId, ...namedInDefaults].filter((id): id is string => !!id))];
  const [row] = (await dataSource.query(
    `WITH rules AS (SELECT id, priority, match, steps FROM routing_rules WHERE active),
          current_delegations AS (
            SELECT from_person_id AS "fromId", to_person_id AS "toId", to_char(starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(ends_on, 'YYYY-MM-DD') AS "endsOn"
              FROM delegations WHERE ends_on >= $1)
     SELECT
       (SELECT coalesce(json_agg(r ORDER BY r.priority DESC, r.id), '[]') FROM rules r) AS rules,
       (SELECT coalesce(json_agg(d), '[]') FROM current_delegations d) AS delegations,
       (SELECT coalesce(json_agg(p ORDER BY p.id), '[]') FROM (
          SELECT id, name, roles, active FROM people
           WHERE roles && $2::text[]
              OR id = ANY($3::uuid[])
              OR id IN (SELECT "fromId" FROM current_delegations UNION SELECT "toId" FROM current_delegations)
              OR id::text IN (SELECT step->>'personId' FROM rules, jsonb_array_elements(rules.steps) step WHERE step->>'kind' = 'person')) p) AS people`,
    [today, approvingRoles, wanted],
  )) as { rules: RoutingRule[]; delegations: Delegation[]; people: Directory['people'] }[];
  const { rules: storedRules, delegations, people } = row!;
  return {
    directory: { people, delegations },
    routing: {
      rules: storedRules.length > 0 ? storedRules : defaultRoutingRules,
      item: { originator: item.report.originator, sourceKind: item.report.kind, department: item.department, itemKind: item.kind },
    },
    delegatesFor: delegations.filter((d) => d.toId === actorId && d.startsOn <= today && today <= d.endsOn).map((d) => d.fromId),
  };
}
