import type { DataSource } from 'typeorm';
import { approvingRoles, defaultRoutingRules, type RouteStep, type RoutingRule } from '../../domain/approvalRouting';
import { standsInFor, type Delegation } from '../../domain/delegation';
import type { Directory } from '../../domain/lifecycle';
import type { Recommendation } from '../../entities';
import { delegationColumns } from '../../entities/Delegation';

/** What the context needs to know of the item a command is for. */
export type DecisionItem = Pick<Recommendation, 'ownerId' | 'leadId' | 'department' | 'kind'> & {
  report: Pick<Recommendation['report'], 'originator' | 'kind'>;
};

export interface DecisionContext {
  directory: Directory;
  routing: {
    rules: RoutingRule[];
    item: { originator: string; sourceKind: Recommendation['report']['kind']; department: string | null; itemKind: Recommendation['kind'] };
  };
  /** People the acting person stands in for today. */
  delegatesFor: string[];
}

/** People the default routing rules name (none today, but the defaults may change). */
const namedInDefaults = defaultRoutingRules.flatMap((rule) =>
  rule.steps.filter((s): s is Extract<RouteStep, { kind: 'person' }> => s.kind === 'person').map((s) => s.personId),
);

/** The force's routing rules (the defaults of docs/lifecycle.md while none are stored), the delegations and the people they may name. */
export interface ApprovalDirectory {
  rules: RoutingRule[];
  delegations: Delegation[];
  people: Directory['people'];
}

/**
 * One statement reads what approval routing needs: the active routing rules, the delegations (those not ended by
 * `delegationsEndingFrom`, or all when null), and the people who could be on a chain: those with an approving role,
 * the `alsoPeople` given, and anyone a stored rule or a delegation names.
 */
export async function loadApprovalDirectory(
  dataSource: Pick<DataSource, 'query'>,
  options: { delegationsEndingFrom: string | null; alsoPeople: readonly string[] },
): Promise<ApprovalDirectory> {
  const [row] = (await dataSource.query(
    `WITH rules AS (SELECT id, priority, match, steps FROM routing_rules WHERE active),
          current_delegations AS (
            SELECT ${delegationColumns}
              FROM delegations WHERE $1::date IS NULL OR ends_on >= $1::date)
     SELECT
       (SELECT coalesce(json_agg(r ORDER BY r.priority DESC, r.id), '[]') FROM rules r) AS rules,
       (SELECT coalesce(json_agg(d), '[]') FROM current_delegations d) AS delegations,
       (SELECT coalesce(json_agg(p ORDER BY p.id), '[]') FROM (
          SELECT id, name, roles, active FROM people
           WHERE roles && $2::text[]
              OR id = ANY($3::uuid[])
              OR id IN (SELECT "fromId" FROM current_delegations UNION SELECT "toId" FROM current_delegations)
              OR id::text IN (SELECT step->>'personId' FROM rules, jsonb_array_elements(rules.steps) step WHERE step->>'kind' = 'person')) p) AS people`,
    [options.delegationsEndingFrom, approvingRoles, [...new Set([...options.alsoPeople, ...namedInDefaults])]],
  )) as ApprovalDirectory[];
  const { rules, delegations, people } = row!;
  return { rules: rules.length > 0 ? rules : defaultRoutingRules, delegations, people };
}

/**
 * Reads, for one command, what the lifecycle needs to open approval steps: who could approve, the delegations
 * that have not ended, and the force's routing rules, with the item's owner and lead and the actor among the people.
 * One statement, as every command that may open an approval step waits for it.
 */
export async function loadDecisionContext(
  dataSource: DataSource,
  item: DecisionItem,
  actorId: string | null,
  today: string,
): Promise<DecisionContext> {
  const alsoPeople = [item.ownerId, item.leadId, actorId].filter((id): id is string => !!id);
  const { rules, delegations, people } = await loadApprovalDirectory(dataSource, { delegationsEndingFrom: today, alsoPeople });
  return {
    directory: { people, delegations },
    routing: {
      rules,
      item: { originator: item.report.originator, sourceKind: item.report.kind, department: item.department, itemKind: item.kind },
    },
    delegatesFor: actorId ? standsInFor(actorId, delegations, today) : [],
  };
}
