import fc from 'fast-check';
import {
  availableCommands,
  commandsIndependentOfDirectory,
  decide,
  describeEvent,
  hmicfrsOutcomes,
  initialState,
  invariantViolations,
  lifecycleEventTypes,
  lifecycleStatuses,
  partStatuses,
  type Actor,
  type CommandContext,
  type Directory,
  type LifecycleCommand,
  type LifecycleCommandType,
  type LifecycleStatus,
  type RecommendationState,
} from '../../domain/lifecycle';
import type { RoutingItem } from '../../domain/approvalRouting';
import type { ClosureCategory } from '../../domain/vocabulary';

/**
 * Random sequences of commands from random people. Whatever happens, the state stays sound, moves only along the
 * lifecycle's edges, is rebuilt exactly from its events, and a refused command changes nothing.
 */

const people: Directory['people'] = [
  { id: 'admin', roles: ['administrator'] },
  { id: 'owen', roles: ['action_owner'] },
  { id: 'olive', roles: ['action_owner'] },
  { id: 'lena', roles: ['lead'] },
  { id: 'leo', roles: ['lead'] },
  { id: 'dan', roles: ['lead'] },
  { id: 'dora', roles: ['dcc'] },
  { id: 'fred', roles: ['finance_director'] },
  { id: 'liam', roles: ['liaison_lead'] },
  { id: 'vic', roles: ['viewer'] },
];

/** The people on different days: everyone in; the DCC away with a delegate; the DCC gone; no list at all. */
const directories: Array<Directory | undefined> = [
  { people, delegations: [] },
  { people, delegations: [{ fromId: 'dora', toId: 'dan', startsOn: '2024-01-01', endsOn: '2030-12-31' }] },
  { people: people.filter((person) => person.id !== 'dora'), delegations: [] },
  undefined,
];

const fixedActors: Actor[] = [
  { personId: 'admin', roles: ['administrator'] },
  { personId: 'owen', roles: ['action_owner'] },
  { personId: 'olive', roles: ['action_owner'] },
  { personId: 'lena', roles: ['lead'] },
  { personId: 'leo', roles: ['lead'] },
  { personId: 'dan', roles: ['lead'] },
  { personId: 'dora', roles: ['dcc'] },
  { personId: 'fred', roles: ['finance_director'] },
  { personId: 'liam', roles: ['liaison_lead'] },
  { personId: 'vic', roles: ['viewer'] },
  { personId: null, roles: [] },
  { personId: null, roles: ['administrator'] },
];

/** An actor chosen relative to the state, so that random runs get past the approval steps. */
type ActorChoice =
  | { fixed: number }
  | { relative: 'owner' | 'lead' | 'approver' | 'extensionApprover' | 'delegateOfApprover' | 'ownerStandingInForApprover' | 'suitable' };

const administrator: Actor = { personId: 'admin', roles: ['administrator'] };
const liaisonLead: Actor = { personId: 'liam', roles: ['liaison_lead'] };

/** The person whose job it is to issue this command (most random commands should come from the right person). */
function suitableActor(issued: LifecycleCommand, state: RecommendationState): Actor {
  switch (issued.type) {
    case 'accept':
    case 'postUpdate':
    case 'flagAtRisk':
    case 'clearAtRisk':
    case 'requestExtension':
    case 'updatePart':
    case 'submitEvidence':
    case 'amendEvidence':
      return actorFor({ relative: 'owner' }, state);
    case 'approve':
    case 'reject':
      return actorFor({ relative: 'approver' }, state);
    case 'decideExtension':
      return actorFor({ relative: 'extensionApprover' }, state);
    case 'submitToHmicfrs':
    case 'recordVerificationVisit':
    case 'recordHmicfrsResponse':
      return liaisonLead;
    default:
      return administrator;
  }
}

function actorFor(choice: ActorChoice, state: RecommendationState, issued?: LifecycleCommand): Actor {
  if ('fixed' in choice) return fixedActors[choice.fixed]!;
  if (choice.relative === 'suitable') return issued ? suitableActor(issued, state) : administrator;
  const approver = state.approval?.steps[state.approval.current]?.approverId ?? null;
  const extensionApprover = state.pendingExtension?.chain.steps[state.pendingExtension.chain.current]?.approverId ?? null;
  switch (choice.relative) {
    case 'owner':
      return { personId: state.ownerId, roles: ['action_owner'] };
    case 'lead':
      return { personId: state.leadId, roles: ['lead'] };
    case 'approver':
      return { personId: approver, roles: [] };
    case 'extensionApprover':
      return { personId: extensionApprover, roles: [] };
    case 'delegateOfApprover':
      return { personId: 'zed', roles: [], delegatesFor: approver ? [approver] : [] };
    case 'ownerStandingInForApprover':
      return {
        personId: state.ownerId,
        roles: ['action_owner'],
        delegatesFor: [approver, extensionApprover].filter((id): id is string => id !== null),
      };
  }
}

const actorChoice: fc.Arbitrary<ActorChoice> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ relative: 'suitable' } as ActorChoice) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: fixedActors.length - 1 }).map((fixed) => ({ fixed })) },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom('owner', 'lead', 'approver', 'extensionApprover', 'delegateOfApprover', 'ownerStandingInForApprover')
      .map((relative) => ({ relative }) as ActorChoice),
  },
);

const reason = fc.constantFrom('', '  ', 'Because the work moved', 'Reasons given');
const person = fc.constantFrom('owen', 'olive', 'lena', 'leo', 'dora', '');
const date = fc.constantFrom('2024-12-31', '2025-03-10', '2025-06-30', '2025-09-30', '2026-01-31', '2027-02-28', '2025-02-30');
const category = fc.constantFrom<ClosureCategory>(1, 2, 3, 4);
const partReference = fc.constantFrom('a', 'b', 'c');

const command: fc.Arbitrary<LifecycleCommand> = fc.oneof(
  reason.map((text) => ({ type: 'markNotForTheForce', reason: text }) as const),
  fc.record({ reason, ownerId: person, leadId: person, dueDate: date }).map((fields) => ({ type: 'reactivate', ...fields }) as const),
  category.map((value) => ({ type: 'setCategory', category: value }) as const),
  reason.map((text) => ({ type: 'closeNoActionRequired', reason: text }) as const),
  {
    weight: 5,
    arbitrary: fc.record({ ownerId: person, leadId: person, dueDate: date }).map((fields) => ({ type: 'assign', ...fields }) as const),
  },
  { weight: 5, arbitrary: fc.constant({ type: 'accept' } as const) },
  reason.map((text) => ({ type: 'postUpdate', text }) as const),
  reason.map((text) => ({ type: 'flagAtRisk', reason: text }) as const),
  fc.constant({ type: 'clearAtRisk' } as const),
  { weight: 2, arbitrary: fc.record({ newDueDate: date, reason }).map((fields) => ({ type: 'requestExtension', ...fields }) as const) },
  {
    weight: 2,
    arbitrary: fc.record({ approved: fc.boolean(), reason }).map((fields) => ({ type: 'decideExtension', ...fields }) as const),
  },
  fc
    .record({ reference: partReference, text: fc.constantFrom('', 'Bullet text') })
    .map((fields) => ({ type: 'addPart', ...fields }) as const),
  {
    weight: 2,
    arbitrary: fc
      .record({ reference: partReference, status: fc.constantFrom(...partStatuses) })
      .map((fields) => ({ type: 'updatePart', ...fields }) as const),
  },
  fc
    .record({
      text: fc.constantFrom('', 'New wording', 'Other wording'),
      reason,
      partReference: fc.option(partReference, { nil: undefined }),
    })
    .map(
      ({ partReference: reference, ...fields }) =>
        (reference === undefined
          ? { type: 'amendText', ...fields }
          : { type: 'amendText', partReference: reference, ...fields }) as LifecycleCommand,
    ),
  {
    weight: 6,
    arbitrary: fc
      .constantFrom('', 'Policy and training records', 'Audit report')
      .map((summary) => ({ type: 'submitEvidence', summary }) as const),
  },
  fc.constantFrom('', 'Revised policy', 'Audit report').map((summary) => ({ type: 'amendEvidence', summary }) as const),
  { weight: 10, arbitrary: fc.constant({ type: 'approve' } as const) },
  { weight: 2, arbitrary: reason.map((text) => ({ type: 'reject', reasons: text }) as const) },
  fc.constant({ type: 'rerouteApproval' } as const),
  {
    weight: 6,
    arbitrary: fc
      .record({ signatory: fc.constantFrom('', 'Chief Constable'), signedOn: fc.option(date, { nil: undefined }) })
      .map(
        ({ signedOn, ...fields }) =>
          (signedOn === undefined ? { type: 'selfCertify', ...fields } : { type: 'selfCertify', signedOn, ...fields }) as LifecycleCommand,
      ),
  },
  { weight: 5, arbitrary: fc.constant({ type: 'submitToHmicfrs' } as const) },
  { weight: 5, arbitrary: date.map((visitedOn) => ({ type: 'recordVerificationVisit', visitedOn }) as const) },
  {
    weight: 6,
    arbitrary: fc
      .record({ outcome: fc.constantFrom(...hmicfrsOutcomes), reasons: reason })
      .map((fields) => ({ type: 'recordHmicfrsResponse', ...fields }) as const),
  },
  fc.constantFrom('', 'rec-1', 'rec-2').map((supersededBy) => ({ type: 'markSuperseded', supersededBy }) as const),
  reason.map((text) => ({ type: 'markNoLongerRelevant', reason: text }) as const),
  reason.map((text) => ({ type: 'markBusinessAsUsual', reason: text }) as const),
  { weight: 2, arbitrary: reason.map((text) => ({ type: 'reopen', reason: text }) as const) },
  fc.record({ ownerId: fc.option(person, { nil: undefined }), leadId: fc.option(person, { nil: undefined }), reason }).map(
    ({ ownerId, leadId, reason: text }) =>
      ({
        type: 'reassign',
        reason: text,
        ...(ownerId === undefined ? {} : { ownerId }),
        ...(leadId === undefined ? {} : { leadId }),
      }) as LifecycleCommand,
  ),
);

interface Step {
  /** Guided steps pick one of the commands on offer to the people involved, with plausible details. */
  guided: boolean;
  pick: number;
  actor: ActorChoice;
  command: LifecycleCommand;
  daysLater: number;
  directory: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  guided: fc.oneof({ weight: 7, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) }),
  pick: fc.nat({ max: 1_000_000 }),
  actor: actorChoice,
  command,
  daysLater: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 10 })),
  directory: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: directories.length - 1 })),
});

/** Commands that move an item along; a guided walk prefers them so that it gets deep into the lifecycle. */
const progressWeights: Partial<Record<LifecycleCommandType, number>> = {
  assign: 6,
  reactivate: 3,
  accept: 6,
  updatePart: 4,
  submitEvidence: 6,
  approve: 8,
  decideExtension: 3,
  selfCertify: 6,
  submitToHmicfrs: 6,
  recordVerificationVisit: 6,
  recordHmicfrsResponse: 6,
  reopen: 4,
};

/** The people who might act on an item now. */
function candidateActors(state: RecommendationState): Actor[] {
  return [
    administrator,
    liaisonLead,
    { personId: 'dora', roles: ['dcc'] } satisfies Actor,
    actorFor({ relative: 'owner' }, state),
    actorFor({ relative: 'approver' }, state),
    actorFor({ relative: 'extensionApprover' }, state),
    actorFor({ relative: 'delegateOfApprover' }, state),
    actorFor({ relative: 'ownerStandingInForApprover' }, state),
  ].filter((actor) => actor.personId !== null);
}

/** A command of this type with details that would usually be accepted. */
function plausibleCommand(type: LifecycleCommandType, state: RecommendationState, today: string, pick: number): LifecycleCommand {
  const later = (days: number): string => addDays(state.dueDate && state.dueDate > today ? state.dueDate : today, days);
  const owner = ['owen', 'olive'][pick % 2]!;
  const lead = ['lena', 'leo'][pick % 2]!;
  switch (type) {
    case 'markNotForTheForce':
      return { type, reason: 'Addressed to the Home Office' };
    case 'reactivate':
      return { type, reason: 'Now for the force', ownerId: owner, leadId: lead, dueDate: later(90) };
    case 'setCategory':
      return { type, category: ((pick % 4) + 1) as ClosureCategory };
    case 'closeNoActionRequired':
    case 'flagAtRisk':
    case 'markNoLongerRelevant':
    case 'markBusinessAsUsual':
    case 'reopen':
      return { type, reason: `Reason ${pick % 5}` };
    case 'assign':
      return { type, ownerId: owner, leadId: lead, dueDate: later(90) };
    case 'accept':
    case 'approve':
    case 'rerouteApproval':
    case 'submitToHmicfrs':
      return { type };
    case 'clearAtRisk':
      return { type, reason: 'Back on track' };
    case 'postUpdate':
      return { type, text: `Update ${pick % 7}` };
    case 'requestExtension':
      return { type, newDueDate: later(30 + (pick % 60)), reason: 'Supplier delay' };
    case 'decideExtension':
      return { type, approved: pick % 4 !== 0, reason: 'Considered' };
    case 'addPart':
      return { type, reference: `p${pick % 3}`, text: 'A bullet of the recommendation' };
    case 'updatePart': {
      const part = state.parts[pick % Math.max(state.parts.length, 1)];
      return { type, reference: part?.reference ?? 'p0', status: pick % 5 === 0 ? 'in_progress' : 'complete' };
    }
    case 'amendText': {
      const part = state.parts[pick % Math.max(state.parts.length, 1)];
      return pick % 2 === 0 && part
        ? { type, partReference: part.reference, text: `Part text ${pick % 9}`, reason: 'Errata' }
        : { type, text: `Item text ${pick % 9}`, reason: 'Errata' };
    }
    case 'submitEvidence':
    case 'amendEvidence':
      return { type, summary: `Evidence pack ${pick % 9}` };
    case 'reject':
      return { type, reasons: 'Evidence does not show the change is embedded' };
    case 'selfCertify':
      return { type, signatory: 'Chief Constable' };
    case 'recordVerificationVisit':
      return { type, visitedOn: today };
    case 'recordHmicfrsResponse':
      return { type, outcome: hmicfrsOutcomes[pick % hmicfrsOutcomes.length]!, reasons: 'As discussed at the visit' };
    case 'markSuperseded':
      return { type, supersededBy: 'rec-2' };
    case 'reassign':
      return pick % 2 === 0
        ? { type, ownerId: state.ownerId === 'owen' ? 'olive' : 'owen', reason: 'Moved post' }
        : { type, leadId: state.leadId === 'lena' ? 'leo' : 'lena', reason: 'Moved post' };
  }
}

/** One of the commands on offer, weighted towards progress; null when nobody may do anything. */
function guidedChoice(state: RecommendationState, today: string, pick: number): { actor: Actor; command: LifecycleCommand } | null {
  const options: Array<{ actor: Actor; type: LifecycleCommandType; weight: number }> = [];
  for (const actor of candidateActors(state)) {
    for (const type of availableCommands(state, actor)) options.push({ actor, type, weight: progressWeights[type] ?? 1 });
  }
  const total = options.reduce((sum, option) => sum + option.weight, 0);
  if (total === 0) return null;
  let target = pick % total;
  for (const option of options) {
    if (target < option.weight)
      return { actor: option.actor, command: plausibleCommand(option.type, state, today, Math.floor(pick / total)) };
    target -= option.weight;
  }
  return null;
}

const routingItems: Array<Omit<RoutingItem, 'category'> | undefined> = [
  undefined,
  { originator: 'HMICFRS', sourceKind: 'inspection' },
  { originator: 'Mazars', sourceKind: 'internal_audit' },
];

const scenario = fc.record({
  category: fc.constantFrom<ClosureCategory | null>(null, 1, 2, 3, 4),
  routing: fc.integer({ min: 0, max: routingItems.length - 1 }),
  steps: fc.array(step, { minLength: 1, maxLength: 150, size: 'max' }),
});

function addDays(isoDate: string, days: number): string {
  const moment = new Date(`${isoDate}T00:00:00Z`);
  moment.setUTCDate(moment.getUTCDate() + days);
  return moment.toISOString().slice(0, 10);
}

/** The lifecycle's edges (docs/lifecycle.md diagram); staying put is always allowed. */
const edges: Record<LifecycleStatus, readonly LifecycleStatus[]> = {
  logged: ['not_for_the_force', 'assigned', 'closed'],
  not_for_the_force: ['assigned', 'closed'],
  assigned: ['in_progress', 'closed'],
  in_progress: ['evidence_submitted', 'awaiting_approval', 'closed'],
  evidence_submitted: ['awaiting_approval', 'in_progress', 'closed'],
  awaiting_approval: ['evidence_submitted', 'awaiting_self_certification', 'in_progress', 'closed'],
  awaiting_self_certification: ['self_certified', 'awaiting_verification_visit', 'closed'],
  self_certified: ['awaiting_hmicfrs_sign_off', 'closed'],
  awaiting_hmicfrs_sign_off: ['reality_test_at_next_inspection', 'in_progress', 'closed'],
  reality_test_at_next_inspection: ['in_progress', 'closed'],
  awaiting_verification_visit: ['verification_visit_held', 'closed'],
  verification_visit_held: ['in_progress', 'closed'],
  closed: ['in_progress', 'reopened'],
  reopened: ['assigned', 'in_progress', 'closed'],
};

/** The path to the first value that would not survive JSON unchanged, or null. */
function nonJsonPath(value: unknown, path: string): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = nonJsonPath(value[index], `${path}[${index}]`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      const found = nonJsonPath(inner, `${path}.${key}`);
      if (found) return found;
    }
    return null;
  }
  return path;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

interface RunResult {
  reached: Set<LifecycleStatus>;
  accepted: number;
  /** The kinds of event recorded. */
  recorded: Set<string>;
}

/** Plays a scenario, checking every property after every command; throws on the first breach. */
function play(input: { category: ClosureCategory | null; routing: number; steps: Step[] }): RunResult {
  let state = deepFreeze(initialState('rec-1', input.category));
  let today = '2025-03-10';
  const reached = new Set<LifecycleStatus>([state.status]);
  const recorded = new Set<string>();
  let accepted = 0;
  for (const { guided, pick, actor: choice, command: randomCommand, daysLater, directory } of input.steps) {
    today = addDays(today, daysLater);
    const guidance = guided ? guidedChoice(state, today, pick) : null;
    const issued = guidance?.command ?? randomCommand;
    const actor = guidance?.actor ?? actorFor(choice, state, issued);
    const routingItem = routingItems[input.routing];
    const context: CommandContext = {
      actor,
      today,
      directory: directories[directory],
      ...(routingItem ? { routing: { item: routingItem } } : {}),
    };
    const snapshot = JSON.stringify(state);
    const offered = availableCommands(state, actor);

    const decision = decide(state, issued, context);

    // The api skips reading people and routing for these commands: their outcome must not depend on them.
    if (commandsIndependentOfDirectory.has(issued.type)) {
      const without = decide(state, issued, { actor, today });
      if (JSON.stringify(without) !== JSON.stringify(decision)) throw new Error(`${issued.type} depends on the directory or routing`);
    }

    // decide never modifies its input, whatever it decides (the state is also frozen, so a write would throw).
    if (JSON.stringify(state) !== snapshot) expect(JSON.stringify(state)).toBe(snapshot);

    if (!decision.accepted) {
      // A refusal is a sentence: it starts in lower case (or with HMICFRS) and never shows a programmer's value.
      if (!/^[a-zH"'].*\S$/.test(decision.reason) || /undefined|null|\[object|NaN/.test(decision.reason)) {
        throw new Error(`${issued.type} was refused with an unreadable reason: ${decision.reason}`);
      }
      continue;
    }

    accepted += 1;
    const next = decision.state;
    // Every accepted command was offered to this person, and leaves a trail.
    if (!offered.includes(issued.type)) throw new Error(`${issued.type} was accepted from ${actor.personId} but not offered to them`);
    if (decision.events.length === 0) throw new Error(`${issued.type} was accepted without an event`);
    for (const event of decision.events) {
      recorded.add(event.type);
      const sentence = describeEvent(event, (id) => `<${id}>`);
      if (!sentence.trim() || /undefined|\[object|NaN/.test(sentence)) throw new Error(`unreadable event sentence: ${sentence}`);
    }
    // No illegal state is reachable.
    const violations = invariantViolations(next);
    if (violations.length > 0) expect(violations).toEqual([]);
    // Status moves only along the lifecycle's edges.
    if (next.status !== state.status) expect(edges[state.status]).toContain(next.status);
    // A closed item changes only through HMICFRS not accepting it, or an administrator reopening it with a reason.
    if (state.status === 'closed') {
      const hmicfrsNotAccepted = issued.type === 'recordHmicfrsResponse' && issued.outcome === 'not_accepted';
      const reopenedByAdministrator = issued.type === 'reopen' && actor.roles.includes('administrator') && issued.reason.trim() !== '';
      expect(hmicfrsNotAccepted || reopenedByAdministrator).toBe(true);
      expect(['in_progress', 'reopened']).toContain(next.status);
    }
    // The events are the history: replaying their "after" halves over the old state gives the new state.
    const replayed = decision.events.reduce<RecommendationState>((current, event) => ({ ...current, ...event.after }), state);
    if (JSON.stringify(replayed) !== JSON.stringify(next)) expect(replayed).toEqual(next);
    // Everything is plain JSON (it travels in Temporal payloads).
    const notJson = nonJsonPath(decision, 'decision');
    if (notJson) throw new Error(`${issued.type} produced something that is not plain JSON at ${notJson}`);

    state = deepFreeze(next);
    reached.add(state.status);
  }
  return { reached, accepted, recorded };
}

describe('lifecycle properties over random command sequences', () => {
  it('keeps every state sound, moves only along the lifecycle, and never changes anything on a refusal', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        play(input);
      }),
      { numRuns: 500 },
    );
  });

  it('reaches every status, so the properties above are exercised everywhere', () => {
    const reached = new Set<LifecycleStatus>();
    for (const input of fc.sample(scenario, { numRuns: 200, seed: 20250310 })) {
      for (const status of play(input).reached) reached.add(status);
    }
    expect([...reached].sort()).toEqual([...lifecycleStatuses].sort());
  });

  it('records only kinds of event that have a description, and every kind described is recorded', () => {
    const recorded = new Set<string>();
    for (const input of fc.sample(scenario, { numRuns: 200, seed: 20250310 })) {
      for (const type of play(input).recorded) recorded.add(type);
    }
    expect([...recorded].sort()).toEqual([...lifecycleEventTypes].sort());
  });

  it('accepts exactly what availableCommands offers, as far as the state alone decides', () => {
    fc.assert(
      fc.property(scenario, actorChoice, (input, choice) => {
        // Walk the scenario, then check one more command of every type against what was offered.
        let state = initialState('rec-1', input.category);
        for (const { actor, command: issued } of input.steps) {
          const decision = decide(state, issued, { actor: actorFor(actor, state, issued), today: '2025-03-10', directory: directories[0] });
          if (decision.accepted) state = decision.state;
        }
        const actor = actorFor(choice, state);
        const offered = new Set(availableCommands(state, actor));
        for (const issued of fc.sample(command, { numRuns: 40, seed: 7 })) {
          const decision = decide(state, issued, { actor, today: '2025-03-10', directory: directories[0] });
          if (!offered.has(issued.type)) expect(decision.accepted).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });
});
