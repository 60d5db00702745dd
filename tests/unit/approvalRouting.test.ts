import type { Delegation } from '../../domain/delegation';
import {
  chooseRoute,
  defaultRoutingRules,
  describeStep,
  extensionRoute,
  resolveApprover,
  routingRuleProblems,
  ruleMatches,
  ruleSpecificity,
  type Person,
  type ResolutionInput,
  type RoutingRule,
} from '../../domain/approvalRouting';

const people: Person[] = [
  { id: 'owen', roles: ['action_owner'], name: 'PC Owen Hale' },
  { id: 'lena', roles: ['lead'], name: 'Supt Lena Marsh' },
  { id: 'dan', roles: ['lead'], name: 'Ch Insp Dan Reeve' },
  { id: 'dora', roles: ['dcc'], name: 'DCC Dora Quinn' },
  { id: 'fred', roles: ['finance_director'], name: 'Fred Lyle' },
  { id: 'retired', roles: ['dcc'], active: false, name: 'DCC Ret Ired' },
];

const input = (overrides: Partial<ResolutionInput> = {}): ResolutionInput => ({
  item: { ownerId: 'owen', leadId: 'lena' },
  people,
  delegations: [],
  today: '2025-03-10',
  ...overrides,
});

describe('defaultRoutingRules and chooseRoute', () => {
  it('routes HMICFRS and HMIC inspections lead → DCC, whatever the case of the originator', () => {
    expect(chooseRoute(defaultRoutingRules, { originator: 'HMICFRS', sourceKind: 'inspection' })?.id).toBe('hmicfrs-inspection');
    expect(chooseRoute(defaultRoutingRules, { originator: ' hmic ', sourceKind: 'joint_inspection' })?.id).toBe('hmicfrs-inspection');
    expect(chooseRoute(defaultRoutingRules, { originator: 'HMICFRS', sourceKind: 'inspection' })?.steps).toEqual([
      { kind: 'lead' },
      { kind: 'role', role: 'dcc' },
    ]);
  });

  it('routes internal and external audit actions lead → finance director', () => {
    for (const sourceKind of ['internal_audit', 'external_audit'] as const) {
      const rule = chooseRoute(defaultRoutingRules, { originator: 'Mazars', sourceKind, category: 2 });
      expect(rule?.id).toBe('audit-action');
      expect(rule?.steps).toEqual([{ kind: 'lead' }, { kind: 'role', role: 'finance_director' }]);
    }
  });

  it('routes anything else, including an item routing knows nothing about, lead → DCC', () => {
    expect(chooseRoute(defaultRoutingRules, { originator: 'HMICFRS', sourceKind: 'super_complaint' })?.id).toBe('default');
    expect(chooseRoute(defaultRoutingRules, { originator: 'HMI Prisons', sourceKind: 'inspection' })?.id).toBe('default');
    expect(chooseRoute(defaultRoutingRules, {})?.steps).toEqual([{ kind: 'lead' }, { kind: 'role', role: 'dcc' }]);
  });

  it('prefers the highest priority over specificity', () => {
    const rules: RoutingRule[] = [
      { id: 'specific', priority: 1, match: { departments: ['Finance'], categories: [3] }, steps: [{ kind: 'lead' }] },
      { id: 'broad-but-urgent', priority: 5, match: { categories: [3] }, steps: [{ kind: 'role', role: 'dcc' }] },
    ];
    expect(chooseRoute(rules, { department: 'Finance', category: 3 })?.id).toBe('broad-but-urgent');
  });

  it('on equal priority prefers the rule constraining more facts, then fewer accepted values, then the smaller id', () => {
    const moreFacts: RoutingRule = {
      id: 'z-more-facts',
      priority: 1,
      match: { departments: ['Crime'], categories: [2, 3] },
      steps: [{ kind: 'lead' }],
    };
    const fewerFacts: RoutingRule = { id: 'a-fewer-facts', priority: 1, match: { categories: [2] }, steps: [{ kind: 'lead' }] };
    expect(chooseRoute([fewerFacts, moreFacts], { department: 'crime', category: 2 })?.id).toBe('z-more-facts');

    const narrow: RoutingRule = { id: 'z-narrow', priority: 1, match: { categories: [2] }, steps: [{ kind: 'lead' }] };
    const wide: RoutingRule = { id: 'a-wide', priority: 1, match: { categories: [2, 3] }, steps: [{ kind: 'lead' }] };
    expect(chooseRoute([wide, narrow], { category: 2 })?.id).toBe('z-narrow');

    const twinA: RoutingRule = { id: 'twin-a', priority: 1, match: { categories: [2] }, steps: [{ kind: 'lead' }] };
    const twinB: RoutingRule = { id: 'twin-b', priority: 1, match: { categories: [2] }, steps: [{ kind: 'lead' }] };
    expect(chooseRoute([twinB, twinA], { category: 2 })?.id).toBe('twin-a');
    expect(chooseRoute([twinA, twinB], { category: 2 })?.id).toBe('twin-a');
  });

  it('gives null when no rule matches', () => {
    const rules: RoutingRule[] = [{ id: 'audit-only', priority: 1, match: { sourceKinds: ['internal_audit'] }, steps: [{ kind: 'lead' }] }];
    expect(chooseRoute(rules, { sourceKind: 'inspection' })).toBeNull();
    expect(chooseRoute([], {})).toBeNull();
  });
});

describe('ruleMatches and ruleSpecificity', () => {
  const rule: RoutingRule = {
    id: 'r',
    priority: 0,
    match: { originators: ['HMICFRS'], departments: ['Public Protection'], itemKinds: ['recommendation'], categories: [] },
    steps: [{ kind: 'lead' }],
  };

  it('requires every listed fact and treats an empty list as "any"', () => {
    expect(ruleMatches(rule, { originator: 'hmicfrs', department: 'public protection', itemKind: 'recommendation', category: 4 })).toBe(
      true,
    );
    expect(ruleMatches(rule, { originator: 'hmicfrs', department: 'public protection', itemKind: 'action' })).toBe(false);
    expect(ruleSpecificity(rule)).toBe(3);
  });

  it('never matches a rule that asks for a fact the item does not have', () => {
    expect(ruleMatches(rule, { originator: 'HMICFRS', itemKind: 'recommendation' })).toBe(false);
    expect(ruleMatches(rule, { originator: 'HMICFRS', department: null, itemKind: 'recommendation' })).toBe(false);
  });
});

describe('routingRuleProblems', () => {
  it('accepts the default rules', () => {
    expect(routingRuleProblems(defaultRoutingRules)).toEqual([]);
  });

  it('names duplicate ids, empty chains and a missing catch-all', () => {
    const problems = routingRuleProblems([
      { id: 'x', priority: 1, match: { categories: [2] }, steps: [] },
      { id: 'x', priority: 1, match: { categories: [3] }, steps: [{ kind: 'person', personId: ' ' }] },
    ]);
    expect(problems).toEqual([
      'routing rule "x" has no approval steps',
      'two routing rules share the id "x"',
      'routing rule "x" names an approver without an id',
      'no routing rule matches every item, so some items would have nobody to approve them',
    ]);
  });
});

describe('describeStep', () => {
  it('puts each kind of step into words', () => {
    expect(describeStep({ kind: 'lead' })).toBe('the lead');
    expect(describeStep({ kind: 'role', role: 'dcc' })).toBe('the Deputy Chief Constable');
    expect(describeStep({ kind: 'person', personId: 'fred' })).toBe('the named approver');
  });
});

describe('resolveApprover', () => {
  it('resolves a lead step to the item’s lead', () => {
    expect(resolveApprover({ kind: 'lead' }, input())).toEqual({ ok: true, approverId: 'lena', onBehalfOf: null });
  });

  it('refuses a lead step when the item has no lead', () => {
    expect(resolveApprover({ kind: 'lead' }, input({ item: { ownerId: 'owen', leadId: null } }))).toEqual({
      ok: false,
      reason: 'no one can approve this step: the recommendation has no lead',
    });
  });

  it('resolves a role step to the active holder, skipping people who are no longer active', () => {
    expect(resolveApprover({ kind: 'role', role: 'dcc' }, input())).toEqual({ ok: true, approverId: 'dora', onBehalfOf: null });
  });

  it('picks the holder with the smallest id when several hold the role, whatever the order of the list', () => {
    const two: Person[] = [{ id: 'zed', roles: ['dcc'] }, ...people];
    expect(resolveApprover({ kind: 'role', role: 'dcc' }, input({ people: two }))).toMatchObject({ approverId: 'dora' });
    expect(resolveApprover({ kind: 'role', role: 'dcc' }, input({ people: [...two].reverse() }))).toMatchObject({ approverId: 'dora' });
  });

  it('refuses a role nobody active holds', () => {
    expect(resolveApprover({ kind: 'role', role: 'liaison_lead' }, input())).toEqual({
      ok: false,
      reason: 'no one can approve this step: nobody active holds the role of Force liaison lead',
    });
  });

  it('resolves a named person, and refuses one who is unknown or no longer active', () => {
    expect(resolveApprover({ kind: 'person', personId: 'fred' }, input())).toEqual({ ok: true, approverId: 'fred', onBehalfOf: null });
    expect(resolveApprover({ kind: 'person', personId: 'ghost' }, input())).toEqual({
      ok: false,
      reason: 'no one can approve this step: ghost is not on the list of people',
    });
    expect(resolveApprover({ kind: 'person', personId: 'retired' }, input())).toEqual({
      ok: false,
      reason: 'no one can approve this step: DCC Ret Ired is no longer active',
    });
  });

  it('follows a delegation that is active today (both ends inclusive)', () => {
    const delegations: Delegation[] = [{ fromId: 'dora', toId: 'dan', startsOn: '2025-03-10', endsOn: '2025-03-14' }];
    for (const today of ['2025-03-10', '2025-03-12', '2025-03-14']) {
      expect(resolveApprover({ kind: 'role', role: 'dcc' }, input({ delegations, today }))).toEqual({
        ok: true,
        approverId: 'dan',
        onBehalfOf: 'dora',
      });
    }
    for (const today of ['2025-03-09', '2025-03-15']) {
      expect(resolveApprover({ kind: 'role', role: 'dcc' }, input({ delegations, today }))).toEqual({
        ok: true,
        approverId: 'dora',
        onBehalfOf: null,
      });
    }
  });

  it('follows a chain of delegations to the person actually present', () => {
    const delegations: Delegation[] = [
      { fromId: 'lena', toId: 'dan', startsOn: '2025-03-01', endsOn: '2025-03-31' },
      { fromId: 'dan', toId: 'dora', startsOn: '2025-03-01', endsOn: '2025-03-31' },
    ];
    expect(resolveApprover({ kind: 'lead' }, input({ delegations }))).toEqual({ ok: true, approverId: 'dora', onBehalfOf: 'lena' });
  });

  it('refuses delegations that go round in a circle', () => {
    const delegations: Delegation[] = [
      { fromId: 'lena', toId: 'dan', startsOn: '2025-03-01', endsOn: '2025-03-31' },
      { fromId: 'dan', toId: 'lena', startsOn: '2025-03-01', endsOn: '2025-03-31' },
    ];
    expect(resolveApprover({ kind: 'lead' }, input({ delegations }))).toEqual({
      ok: false,
      reason: 'no one can approve this step: Supt Lena Marsh is away and the delegations from them go round in a circle',
    });
  });

  it('refuses when the only candidate owns the item (separation of duties)', () => {
    expect(resolveApprover({ kind: 'role', role: 'dcc' }, input({ item: { ownerId: 'dora', leadId: 'lena' } }))).toEqual({
      ok: false,
      reason: 'no one can approve this step: DCC Dora Quinn owns this recommendation and cannot approve it',
    });
  });

  it('passes over a role holder who owns the item when another holder can approve', () => {
    const withSecond: Person[] = [...people, { id: 'dylan', roles: ['dcc'] }];
    expect(
      resolveApprover({ kind: 'role', role: 'dcc' }, input({ people: withSecond, item: { ownerId: 'dora', leadId: 'lena' } })),
    ).toEqual({
      ok: true,
      approverId: 'dylan',
      onBehalfOf: null,
    });
  });

  it('refuses a delegate who owns the item', () => {
    const delegations: Delegation[] = [{ fromId: 'dora', toId: 'owen', startsOn: '2025-03-01', endsOn: '2025-03-31' }];
    expect(resolveApprover({ kind: 'role', role: 'dcc' }, input({ delegations }))).toEqual({
      ok: false,
      reason:
        'no one can approve this step: DCC Dora Quinn has delegated to PC Owen Hale, who owns this recommendation and cannot approve it',
    });
  });

  it('refuses a delegate who is no longer active', () => {
    const delegations: Delegation[] = [{ fromId: 'lena', toId: 'retired', startsOn: '2025-03-01', endsOn: '2025-03-31' }];
    expect(resolveApprover({ kind: 'lead' }, input({ delegations }))).toEqual({
      ok: false,
      reason: 'no one can approve this step: Supt Lena Marsh has delegated to DCC Ret Ired, who is no longer active',
    });
  });

  it('refuses someone who already approved another step of the chain', () => {
    expect(resolveApprover({ kind: 'role', role: 'dcc' }, input({ exclude: ['dora'] }))).toEqual({
      ok: false,
      reason: 'no one can approve this step: DCC Dora Quinn has already approved another step of this chain',
    });
  });

  it('explains every candidate when all holders of a role are ruled out', () => {
    const withSecond: Person[] = [...people, { id: 'dylan', roles: ['dcc'], name: 'DCC Dylan Fox' }];
    const outcome = resolveApprover(
      { kind: 'role', role: 'dcc' },
      input({ people: withSecond, item: { ownerId: 'dora', leadId: 'lena' }, exclude: ['dylan'] }),
    );
    expect(outcome).toEqual({
      ok: false,
      reason:
        'no one can approve this step: every Deputy Chief Constable is ruled out: DCC Dora Quinn owns this recommendation and cannot approve it; DCC Dylan Fox has already approved another step of this chain',
    });
  });
});

describe('extensionRoute', () => {
  it('asks the lead for the first and second extensions, and the DCC as well past the second', () => {
    expect(extensionRoute(0)).toEqual([{ kind: 'lead' }]);
    expect(extensionRoute(1)).toEqual([{ kind: 'lead' }]);
    expect(extensionRoute(2)).toEqual([{ kind: 'lead' }, { kind: 'role', role: 'dcc' }]);
    expect(extensionRoute(5)).toEqual([{ kind: 'lead' }, { kind: 'role', role: 'dcc' }]);
  });
});
