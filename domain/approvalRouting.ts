import type { ClosureCategory, IsoDate, ItemKind, Role, SourceKind } from './vocabulary';
import { roleLabels } from './vocabulary';
import { activeDelegation, type Delegation } from './delegation';

/**
 * Who must approve a closure (docs/lifecycle.md, "Approval routing"), as data and pure functions.
 *
 * A force's routing rules are plain data (so they can live in configuration): each rule says which items it
 * matches and the ordered steps of its approval chain. `chooseRoute` picks the rule for an item; when a step
 * opens, `resolveApprover` turns it into one person, following delegations that are active that day and
 * refusing anyone who would break separation of duties.
 */

/** One step of an approval chain: a role holder, a named person, or the item's own lead. */
export type RouteStep = { kind: 'role'; role: Role } | { kind: 'person'; personId: string } | { kind: 'lead' };

/** Every listed field must contain the item's value; a field that is absent or empty matches anything. */
export interface RoutingMatch {
  originators?: string[];
  sourceKinds?: SourceKind[];
  categories?: ClosureCategory[];
  departments?: string[];
  itemKinds?: ItemKind[];
}

export interface RoutingRule {
  id: string;
  priority: number;
  match: RoutingMatch;
  steps: RouteStep[];
}

/** What routing knows about an item. Missing facts never match a rule that asks for them. */
export interface RoutingItem {
  originator?: string | null;
  sourceKind?: SourceKind | null;
  category?: ClosureCategory | null;
  department?: string | null;
  itemKind?: ItemKind | null;
}

/** A person as routing sees them. `active: false` means they can no longer act (left the force, account closed). */
export interface Person {
  id: string;
  roles: Role[];
  active?: boolean;
  name?: string;
}

export interface ResolutionInput {
  item: { ownerId: string | null; leadId: string | null };
  people: Person[];
  delegations: Delegation[];
  today: IsoDate;
  /** People who may not take this step, e.g. because they already approved another step of the same chain. */
  exclude?: string[];
}

/** `onBehalfOf` is set when the approver is standing in for someone else through a delegation. */
export type ApproverResolution = { ok: true; approverId: string; onBehalfOf: string | null } | { ok: false; reason: string };

/** Roles that can stand on an approval chain, or fix one; other people only matter as an item's owner or lead. */
export const approvingRoles: readonly Role[] = ['lead', 'dcc', 'finance_director', 'administrator', 'liaison_lead'];

export const defaultRoutingRules: RoutingRule[] = [
  {
    id: 'hmicfrs-inspection',
    priority: 10,
    match: { originators: ['HMICFRS', 'HMIC'], sourceKinds: ['inspection', 'joint_inspection'] },
    steps: [{ kind: 'lead' }, { kind: 'role', role: 'dcc' }],
  },
  {
    id: 'audit-action',
    priority: 10,
    match: { sourceKinds: ['internal_audit', 'external_audit'] },
    steps: [{ kind: 'lead' }, { kind: 'role', role: 'finance_director' }],
  },
  {
    id: 'default',
    priority: 0,
    match: {},
    steps: [{ kind: 'lead' }, { kind: 'role', role: 'dcc' }],
  },
];

const normalise = (text: string): string => text.trim().toLowerCase();

function listMatches<T>(listed: readonly T[] | undefined, value: T | null | undefined, same: (a: T, b: T) => boolean): boolean {
  if (!listed || listed.length === 0) return true;
  if (value === null || value === undefined) return false;
  return listed.some((entry) => same(entry, value));
}

const sameText = (a: string, b: string): boolean => normalise(a) === normalise(b);
const sameValue = <T>(a: T, b: T): boolean => a === b;

/** Originators and departments compare ignoring case and surrounding spaces ("hmicfrs " is HMICFRS). */
export function ruleMatches(rule: RoutingRule, item: RoutingItem): boolean {
  const { match } = rule;
  return (
    listMatches(match.originators, item.originator, sameText) &&
    listMatches(match.sourceKinds, item.sourceKind, sameValue) &&
    listMatches(match.categories, item.category, sameValue) &&
    listMatches(match.departments, item.department, sameText) &&
    listMatches(match.itemKinds, item.itemKind, sameValue)
  );
}

const constrainedFields = (match: RoutingMatch): unknown[][] =>
  ([match.originators, match.sourceKinds, match.categories, match.departments, match.itemKinds] as Array<unknown[] | undefined>).filter(
    (listed): listed is unknown[] => Array.isArray(listed) && listed.length > 0,
  );

/** How specific a rule is: how many facts it constrains (more is more specific). */
export function ruleSpecificity(rule: RoutingRule): number {
  return constrainedFields(rule.match).length;
}

/** How many values the rule's constraints accept in all; fewer is narrower. */
function ruleBreadth(rule: RoutingRule): number {
  return constrainedFields(rule.match).reduce((sum, listed) => sum + listed.length, 0);
}

/**
 * The rule for this item: among the matching rules, the highest priority; on a tie the most specific (more facts
 * constrained, then fewer accepted values); then the smallest id, so the choice never depends on the list's order.
 * Null when no rule matches.
 */
export function chooseRoute(rules: readonly RoutingRule[], item: RoutingItem): RoutingRule | null {
  let best: RoutingRule | null = null;
  for (const rule of rules) {
    if (!ruleMatches(rule, item)) continue;
    if (best === null || compareRules(rule, best) < 0) best = rule;
  }
  return best;
}

/** Negative when `a` should be preferred to `b`. */
function compareRules(a: RoutingRule, b: RoutingRule): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const specificity = ruleSpecificity(b) - ruleSpecificity(a);
  if (specificity !== 0) return specificity;
  const breadth = ruleBreadth(a) - ruleBreadth(b);
  if (breadth !== 0) return breadth;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Problems with a set of rules, as sentences for whoever edits the configuration; empty when the rules are usable. */
export function routingRuleProblems(rules: readonly RoutingRule[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    if (!rule.id.trim()) problems.push('a routing rule has no id');
    else if (seen.has(rule.id)) problems.push(`two routing rules share the id "${rule.id}"`);
    seen.add(rule.id);
    if (!Number.isFinite(rule.priority)) problems.push(`routing rule "${rule.id}" has no usable priority`);
    if (rule.steps.length === 0) problems.push(`routing rule "${rule.id}" has no approval steps`);
    const fixed = rule.steps.filter((step): step is { kind: 'person'; personId: string } => step.kind === 'person');
    if (fixed.some((step) => !step.personId.trim())) problems.push(`routing rule "${rule.id}" names an approver without an id`);
  }
  if (!rules.some((rule) => ruleSpecificity(rule) === 0)) {
    problems.push('no routing rule matches every item, so some items would have nobody to approve them');
  }
  return problems;
}

/** The step in words, for sentences: "the lead", "the Deputy Chief Constable", "the named approver". */
export function describeStep(step: RouteStep): string {
  switch (step.kind) {
    case 'lead':
      return 'the lead';
    case 'role':
      return `the ${roleLabels[step.role]}`;
    case 'person':
      return 'the named approver';
  }
}

const nameOf = (people: readonly Person[], id: string): string => people.find((person) => person.id === id)?.name ?? id;

/**
 * The one person who takes this step today. Role steps consider active holders of the role in id order; a
 * candidate who has delegated is replaced by their delegate (following chains of delegation). A candidate is
 * refused when they, or the person they would stand in for, own the item, or when they are excluded.
 */
export function resolveApprover(step: RouteStep, input: ResolutionInput): ApproverResolution {
  const { item, people, delegations, today } = input;
  const exclude = new Set(input.exclude ?? []);
  const byId = new Map(people.map((person) => [person.id, person] as const));
  const isActive = (person: Person): boolean => person.active !== false;

  let candidates: string[];
  switch (step.kind) {
    case 'lead':
      if (!item.leadId) return { ok: false, reason: 'no one can approve this step: the recommendation has no lead' };
      candidates = [item.leadId];
      break;
    case 'person':
      candidates = [step.personId];
      break;
    case 'role': {
      candidates = people
        .filter((person) => person.roles.includes(step.role) && isActive(person))
        .map((person) => person.id)
        .sort();
      if (candidates.length === 0) {
        return { ok: false, reason: `no one can approve this step: nobody active holds the role of ${roleLabels[step.role]}` };
      }
      break;
    }
  }

  const problems: string[] = [];
  for (const candidateId of candidates) {
    const outcome = tryCandidate(candidateId);
    if (outcome.ok) return outcome;
    problems.push(outcome.reason);
  }
  const who = step.kind === 'role' && candidates.length > 1 ? `every ${roleLabels[step.role]} is ruled out: ` : '';
  return { ok: false, reason: `no one can approve this step: ${who}${problems.join('; ')}` };

  function tryCandidate(candidateId: string): ApproverResolution {
    const candidate = byId.get(candidateId);
    const name = nameOf(people, candidateId);
    if (!candidate) return { ok: false, reason: `${name} is not on the list of people` };
    if (!isActive(candidate)) return { ok: false, reason: `${name} is no longer active` };
    if (candidateId === item.ownerId) return { ok: false, reason: `${name} owns this recommendation and cannot approve it` };

    let current = candidateId;
    const visited = new Set<string>([current]);
    for (;;) {
      const delegation = activeDelegation(current, delegations, today);
      if (!delegation) break;
      if (visited.has(delegation.toId)) {
        return { ok: false, reason: `${name} is away and the delegations from them go round in a circle` };
      }
      visited.add(delegation.toId);
      current = delegation.toId;
    }
    const approver = byId.get(current);
    const approverName = nameOf(people, current);
    if (!approver) return { ok: false, reason: `${name} has delegated to ${approverName}, who is not on the list of people` };
    if (!isActive(approver)) return { ok: false, reason: `${name} has delegated to ${approverName}, who is no longer active` };
    if (current === item.ownerId) {
      return { ok: false, reason: `${name} has delegated to ${approverName}, who owns this recommendation and cannot approve it` };
    }
    if (exclude.has(current)) {
      return {
        ok: false,
        reason:
          current === candidateId
            ? `${name} has already approved another step of this chain`
            : `${name} has delegated to ${approverName}, who has already approved another step of this chain`,
      };
    }
    return { ok: true, approverId: current, onBehalfOf: current === candidateId ? null : candidateId };
  }
}

/** From which extension the Deputy Chief Constable must approve as well as the lead ("past a second extension"). */
export const dccApprovesFromExtension = 3;

/** Who approves a due-date extension: the lead, and from the third extension onwards the DCC as well. */
export function extensionRoute(extensionsAlreadyGranted: number): RouteStep[] {
  return extensionsAlreadyGranted + 1 >= dccApprovesFromExtension ? [{ kind: 'lead' }, { kind: 'role', role: 'dcc' }] : [{ kind: 'lead' }];
}
