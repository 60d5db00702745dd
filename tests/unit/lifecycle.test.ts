import {
  availableCommands,
  commandRefusal,
  decide,
  describeEvent,
  describeStatus,
  initialState,
  invariantViolations,
  lifecycleCommandTypes,
  lifecycleStatusLabels,
  lifecycleStatuses,
  type Actor,
  type CommandContext,
  type Decision,
  type Directory,
  type LifecycleCommand,
  type LifecycleEvent,
  type RecommendationState,
} from '../../domain/lifecycle';
import type { ClosureCategory } from '../../domain/vocabulary';

const today = '2025-03-10';

const directory: Directory = {
  people: [
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
  ],
  delegations: [],
};

const admin: Actor = { personId: 'admin', roles: ['administrator'] };
const owen: Actor = { personId: 'owen', roles: ['action_owner'] };
const olive: Actor = { personId: 'olive', roles: ['action_owner'] };
const lena: Actor = { personId: 'lena', roles: ['lead'] };
const leo: Actor = { personId: 'leo', roles: ['lead'] };
const dan: Actor = { personId: 'dan', roles: ['lead'] };
const dora: Actor = { personId: 'dora', roles: ['dcc'] };
const fred: Actor = { personId: 'fred', roles: ['finance_director'] };
const liam: Actor = { personId: 'liam', roles: ['liaison_lead'] };
const viewer: Actor = { personId: 'vic', roles: ['viewer'] };

const context = (actor: Actor, extra: Partial<CommandContext> = {}): CommandContext => ({ actor, today, directory, ...extra });

/** Applies a command that must be accepted and leave a sound state; returns the decision for inspection. */
function accept(state: RecommendationState, command: LifecycleCommand, ctx: CommandContext): Extract<Decision, { accepted: true }> {
  const decision = decide(state, command, ctx);
  if (!decision.accepted) throw new Error(`expected ${command.type} to be accepted, but: ${decision.reason}`);
  expect(invariantViolations(decision.state)).toEqual([]);
  expect(decision.events.length).toBeGreaterThan(0);
  expect(availableCommands(state, ctx.actor)).toContain(command.type);
  return decision;
}

const run = (state: RecommendationState, command: LifecycleCommand, ctx: CommandContext): RecommendationState =>
  accept(state, command, ctx).state;

function refusal(state: RecommendationState, command: LifecycleCommand, ctx: CommandContext): string {
  const decision = decide(state, command, ctx);
  if (decision.accepted) throw new Error(`expected ${command.type} to be refused`);
  return decision.reason;
}

const eventTypes = (decision: { events: LifecycleEvent[] }): string[] => decision.events.map((event) => event.type);
const notified = (decision: { events: LifecycleEvent[] }): string[] =>
  decision.events.flatMap((event) => (event.notify ?? []).map((entry) => `${entry.personId}:${entry.template}`));

const assign = { type: 'assign' as const, ownerId: 'owen', leadId: 'lena', dueDate: '2025-06-30' };

function inProgress(category: ClosureCategory | null = 2): RecommendationState {
  const assigned = run(initialState('rec-1', category), assign, context(admin));
  return run(assigned, { type: 'accept' }, context(owen));
}

function awaitingLead(category: ClosureCategory | null = 2, extra: Partial<CommandContext> = {}): RecommendationState {
  return run(
    inProgress(category),
    { type: 'submitEvidence', summary: 'Policy published; training records attached' },
    context(owen, extra),
  );
}

function approved(category: ClosureCategory | null): RecommendationState {
  const atDcc = run(awaitingLead(category), { type: 'approve' }, context(lena));
  return run(atDcc, { type: 'approve' }, context(dora));
}

describe('initialState', () => {
  it('starts logged with nothing assigned', () => {
    const state = initialState('rec-1', 3);
    expect(state).toMatchObject({ recommendationId: 'rec-1', status: 'logged', category: 3, ownerId: null, leadId: null, dueDate: null });
    expect(invariantViolations(state)).toEqual([]);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('labels every status', () => {
    for (const status of lifecycleStatuses) expect(lifecycleStatusLabels[status]).toMatch(/\S/);
  });
});

describe('assign and accept', () => {
  it('assigns an owner, a lead and a due date, starts the due-date history and tells both people', () => {
    const decision = accept(initialState('rec-1', 2), assign, context(admin));
    expect(decision.state).toMatchObject({ status: 'assigned', ownerId: 'owen', leadId: 'lena', dueDate: '2025-06-30' });
    expect(decision.state.dueDateHistory).toEqual([
      { dueDate: '2025-06-30', reason: 'Due date set when assigned', approvedBy: 'admin', decidedOn: today, kind: 'set' },
    ]);
    expect(decision.events[0]).toMatchObject({
      type: 'owner_assigned',
      before: { status: 'logged', ownerId: null, leadId: null, dueDate: null },
      after: { status: 'assigned', ownerId: 'owen', leadId: 'lena', dueDate: '2025-06-30' },
    });
    expect(notified(decision)).toEqual(['owen:assigned_to_you', 'lena:lead_for_item']);
  });

  it('refuses a due date in the past, a missing owner, and an owner who is also the lead', () => {
    expect(refusal(initialState('r'), { ...assign, dueDate: '2025-03-09' }, context(admin))).toBe(
      'an owner cannot be assigned: the due date 2025-03-09 is in the past',
    );
    expect(refusal(initialState('r'), { ...assign, dueDate: '2025-02-30' }, context(admin))).toBe(
      'an owner cannot be assigned: the due date must be a real date (YYYY-MM-DD)',
    );
    expect(refusal(initialState('r'), { ...assign, ownerId: '' }, context(admin))).toBe(
      'an owner cannot be assigned: an owner must be chosen',
    );
    expect(refusal(initialState('r'), { ...assign, leadId: 'owen' }, context(admin))).toBe(
      'an owner cannot be assigned: the owner and the lead must be different people, because the lead approves the owner’s evidence',
    );
  });

  it('lets only an administrator assign', () => {
    expect(refusal(initialState('r'), assign, context(owen))).toBe(
      'an owner cannot be assigned: only an administrator (corporate development) can do this',
    );
  });

  it('points to handing over once the work is under way', () => {
    expect(refusal(inProgress(), assign, context(admin))).toBe(
      'an owner cannot be assigned: it is in progress; to change the owner or lead, hand it over instead',
    );
  });

  it('lets the owner (or an administrator) accept, and nobody else', () => {
    const assigned = run(initialState('r', 2), assign, context(admin));
    expect(refusal(assigned, { type: 'accept' }, context(olive))).toBe(
      'the recommendation cannot be accepted: only the owner it is assigned to or an administrator can do this',
    );
    const decision = accept(assigned, { type: 'accept' }, context(owen));
    expect(decision.state.status).toBe('in_progress');
    expect(eventTypes(decision)).toEqual(['owner_accepted']);
    expect(run(assigned, { type: 'accept' }, context(admin)).status).toBe('in_progress');
  });
});

describe('category 1: no action required', () => {
  it('is closed by an administrator straight from logged', () => {
    const decision = accept(initialState('r', 1), { type: 'closeNoActionRequired', reason: 'Already force policy' }, context(admin));
    expect(decision.state.status).toBe('closed');
    expect(decision.state.closure).toMatchObject({
      how: 'no_action_required',
      by: 'admin',
      on: today,
      reason: 'Already force policy',
      afterDueDate: false,
    });
    expect(describeStatus(decision.state)).toBe('Closed (no action required)');
  });

  it('can also be closed once assigned, but only for category 1 and only by an administrator', () => {
    expect(run(inProgress(1), { type: 'closeNoActionRequired', reason: 'No change needed' }, context(admin)).closure?.how).toBe(
      'no_action_required',
    );
    expect(refusal(inProgress(2), { type: 'closeNoActionRequired', reason: 'x' }, context(admin))).toBe(
      'the recommendation cannot be closed as no action required: it is category 2; only category 1 items close as no action required',
    );
    expect(refusal(initialState('r'), { type: 'closeNoActionRequired', reason: 'x' }, context(admin))).toBe(
      'the recommendation cannot be closed as no action required: its closure category has not been set; only category 1 items close as no action required',
    );
    expect(refusal(initialState('r', 1), { type: 'closeNoActionRequired', reason: 'x' }, context(owen))).toBe(
      'the recommendation cannot be closed as no action required: only an administrator (corporate development) can do this',
    );
    expect(refusal(initialState('r', 1), { type: 'closeNoActionRequired', reason: ' ' }, context(admin))).toBe(
      'the recommendation cannot be closed as no action required: a reason is needed',
    );
  });

  it('takes no evidence', () => {
    expect(refusal(inProgress(1), { type: 'submitEvidence', summary: 'x' }, context(owen))).toBe(
      'evidence cannot be submitted: it is category 1 (no action required); an administrator closes it without evidence',
    );
  });
});

describe('category 2: self-certified and closed', () => {
  it('goes owner → lead → DCC → letter → closed', () => {
    const submitted = accept(inProgress(2), { type: 'submitEvidence', summary: 'Policy published' }, context(owen));
    expect(eventTypes(submitted)).toEqual(['evidence_submitted', 'approval_requested']);
    expect(notified(submitted)).toEqual(['lena:approval_requested']);
    expect(submitted.state.status).toBe('awaiting_approval');
    expect(submitted.state.evidence).toEqual({ summary: 'Policy published', version: 1, submittedBy: 'owen', submittedOn: today });
    expect(describeStatus(submitted.state)).toBe('Awaiting approval (step 1 of 2: the lead)');
    expect(submitted.state.approval?.routeId).toBe('default');

    const byLead = accept(submitted.state, { type: 'approve', comment: 'Good evidence' }, context(lena));
    expect(eventTypes(byLead)).toEqual(['approval_given', 'approval_requested']);
    expect(notified(byLead)).toEqual(['dora:approval_requested']);
    expect(describeStatus(byLead.state)).toBe('Awaiting approval (step 2 of 2: the Deputy Chief Constable)');
    expect(byLead.state.approval?.steps[0]?.approval).toEqual({
      by: 'lena',
      onBehalfOf: null,
      on: today,
      evidenceVersion: 1,
      textVersion: 1,
      comment: 'Good evidence',
    });

    const byDcc = accept(byLead.state, { type: 'approve' }, context(dora));
    expect(eventTypes(byDcc)).toEqual(['approval_given', 'approval_chain_completed']);
    expect(byDcc.state.status).toBe('awaiting_self_certification');
    expect(notified(byDcc)).toEqual(['admin:ready_for_self_certification', 'dora:ready_for_self_certification']);

    const letter = accept(
      byDcc.state,
      { type: 'selfCertify', signatory: 'Chief Constable A. Smith', letterReference: 'SC/2025/14' },
      context(dora),
    );
    expect(eventTypes(letter)).toEqual(['self_certified', 'closed']);
    expect(letter.state.status).toBe('closed');
    expect(letter.state.closure).toMatchObject({ how: 'self_certified', afterDueDate: false });
    expect(letter.state.selfCertification).toEqual({
      signatory: 'Chief Constable A. Smith',
      signatoryRole: null,
      letterReference: 'SC/2025/14',
      signedOn: today,
      recordedBy: 'dora',
    });
    expect(notified(letter)).toEqual(['owen:item_closed', 'lena:item_closed']);
  });

  it('records a closure after the due date (late implementation)', () => {
    const late = run(approved(2), { type: 'selfCertify', signatory: 'CC' }, context(admin, { today: '2025-07-01' }));
    expect(late.closure?.afterDueDate).toBe(true);
  });

  it('refuses a letter without a signatory, a letter dated in the future, and a letter recorded by the owner', () => {
    const state = approved(2);
    expect(refusal(state, { type: 'selfCertify', signatory: ' ' }, context(admin))).toBe(
      'the recommendation cannot be self-certified: the letter must name who signed it',
    );
    expect(refusal(state, { type: 'selfCertify', signatory: 'CC', signedOn: '2025-03-11' }, context(admin))).toBe(
      'the recommendation cannot be self-certified: the letter cannot be dated in the future (2025-03-11)',
    );
    expect(refusal(state, { type: 'selfCertify', signatory: 'CC' }, context(owen))).toBe(
      'the recommendation cannot be self-certified: only the Deputy Chief Constable or an administrator can record the letter',
    );
  });

  it('needs a category other than 1 to be self-certified', () => {
    const uncategorised = approved(null);
    expect(refusal(uncategorised, { type: 'selfCertify', signatory: 'CC' }, context(admin))).toBe(
      'the recommendation cannot be self-certified: its closure category has not been set',
    );
    const set = run(uncategorised, { type: 'setCategory', category: 2 }, context(admin));
    expect(run(set, { type: 'selfCertify', signatory: 'CC' }, context(admin)).status).toBe('closed');
  });

  it('can still be found wanting by HMICFRS after closing, which sends it back to the owner', () => {
    const closed = run(approved(2), { type: 'selfCertify', signatory: 'CC' }, context(admin));
    const decision = accept(
      closed,
      { type: 'recordHmicfrsResponse', outcome: 'not_accepted', reasons: 'No audit of compliance' },
      context(liam),
    );
    expect(decision.state).toMatchObject({ status: 'in_progress', closure: null, approval: null, selfCertification: null });
    expect(decision.state.lastRejection).toEqual({ source: 'hmicfrs', by: 'liam', on: today, reasons: 'No audit of compliance' });
    expect(notified(decision)).toEqual(['owen:hmicfrs_not_accepted', 'lena:hmicfrs_not_accepted']);
  });
});

describe('category 3: self-certified, HMICFRS signs off', () => {
  it('goes letter → submitted by the liaison lead → reality test → signed off', () => {
    const letter = accept(
      approved(3),
      { type: 'selfCertify', signatory: 'DCC D. Quinn', signatoryRole: 'Deputy Chief Constable' },
      context(dora),
    );
    expect(letter.state.status).toBe('self_certified');
    expect(notified(letter)).toEqual(['liam:ready_for_hmicfrs_submission']);

    expect(refusal(letter.state, { type: 'submitToHmicfrs' }, context(admin))).toBe(
      'the recommendation cannot be submitted to HMICFRS: only the force liaison lead can do this',
    );
    const submitted = run(letter.state, { type: 'submitToHmicfrs', reference: 'Portal 2291' }, context(liam));
    expect(submitted.status).toBe('awaiting_hmicfrs_sign_off');
    expect(submitted.hmicfrs).toMatchObject({ submittedOn: today, submittedBy: 'liam', reference: 'Portal 2291' });

    const realityTest = run(submitted, { type: 'recordHmicfrsResponse', outcome: 'reality_test' }, context(liam));
    expect(realityTest.status).toBe('reality_test_at_next_inspection');
    expect(describeStatus(realityTest)).toBe('To be reality-tested at the next inspection');
    expect(refusal(realityTest, { type: 'recordHmicfrsResponse', outcome: 'reality_test' }, context(liam))).toBe(
      "HMICFRS's response cannot be recorded: a reality test cannot be recorded when it is waiting to be reality-tested at the next inspection",
    );

    const signedOff = accept(realityTest, { type: 'recordHmicfrsResponse', outcome: 'signed_off' }, context(admin));
    expect(signedOff.state.status).toBe('closed');
    expect(signedOff.state.closure).toMatchObject({ how: 'signed_off_by_hmicfrs', by: 'admin' });
  });

  it('goes back to in progress when HMICFRS does not accept it, and the reasons are required', () => {
    const submitted = run(
      run(approved(3), { type: 'selfCertify', signatory: 'CC' }, context(admin)),
      { type: 'submitToHmicfrs' },
      context(liam),
    );
    expect(refusal(submitted, { type: 'recordHmicfrsResponse', outcome: 'not_accepted' }, context(liam))).toBe(
      "HMICFRS's response cannot be recorded: the owner must be told why HMICFRS did not accept it: give the reasons",
    );
    const back = run(
      submitted,
      { type: 'recordHmicfrsResponse', outcome: 'not_accepted', reasons: 'Evidence is a draft policy' },
      context(liam),
    );
    expect(back).toMatchObject({ status: 'in_progress', hmicfrs: null, selfCertification: null, approval: null });
    const again = run(back, { type: 'submitEvidence', summary: 'Final policy' }, context(owen));
    expect(again.evidence?.version).toBe(2);
    expect(again.status).toBe('awaiting_approval');
  });

  it('awaits no HMICFRS response before submission', () => {
    const letter = run(approved(3), { type: 'selfCertify', signatory: 'CC' }, context(admin));
    expect(refusal(letter, { type: 'recordHmicfrsResponse', outcome: 'signed_off' }, context(liam))).toBe(
      "HMICFRS's response cannot be recorded: it is self-certified and awaiting submission to HMICFRS, so no response from HMICFRS is awaited",
    );
  });
});

describe('category 4: HMICFRS verifies', () => {
  it('goes letter → verification visit → signed off', () => {
    const letter = run(approved(4), { type: 'selfCertify', signatory: 'CC' }, context(admin));
    expect(letter.status).toBe('awaiting_verification_visit');
    expect(refusal(letter, { type: 'submitToHmicfrs' }, context(liam))).toBe(
      'the recommendation cannot be submitted to HMICFRS: it is awaiting an HMICFRS verification visit',
    );
    expect(refusal(letter, { type: 'recordVerificationVisit', visitedOn: '2025-03-11' }, context(liam))).toBe(
      'the verification visit cannot be recorded: the visit cannot be recorded before it happens (2025-03-11)',
    );
    const visited = run(letter, { type: 'recordVerificationVisit', visitedOn: '2025-03-07', notes: 'Dip-sampled 20 cases' }, context(liam));
    expect(visited.status).toBe('verification_visit_held');
    expect(visited.hmicfrs).toMatchObject({ visitedOn: '2025-03-07', visitNotes: 'Dip-sampled 20 cases', submittedOn: null });
    expect(refusal(visited, { type: 'recordHmicfrsResponse', outcome: 'reality_test' }, context(liam))).toMatch(
      /a reality test cannot be recorded/,
    );
    const closed = run(visited, { type: 'recordHmicfrsResponse', outcome: 'signed_off', reasons: 'Verified on visit' }, context(liam));
    expect(closed.closure).toMatchObject({ how: 'signed_off_by_hmicfrs', reason: 'Verified on visit' });
  });

  it('goes back to in progress when the visit finds the work incomplete', () => {
    const visited = run(
      run(approved(4), { type: 'selfCertify', signatory: 'CC' }, context(admin)),
      { type: 'recordVerificationVisit', visitedOn: today },
      context(liam),
    );
    const back = run(
      visited,
      { type: 'recordHmicfrsResponse', outcome: 'not_accepted', reasons: 'Not embedded in practice' },
      context(liam),
    );
    expect(back.status).toBe('in_progress');
    expect(back.lastRejection?.source).toBe('hmicfrs');
  });
});

describe('routing of the approval chain', () => {
  it('sends audit actions to the finance director after the lead', () => {
    const extra = { routing: { item: { originator: 'Mazars', sourceKind: 'internal_audit' as const } } };
    const atLead = awaitingLead(2, extra);
    expect(atLead.approval?.routeId).toBe('audit-action');
    const atFd = accept(atLead, { type: 'approve' }, context(lena, extra));
    expect(notified(atFd)).toEqual(['fred:approval_requested']);
    expect(refusal(atFd.state, { type: 'approve' }, context(dora))).toBe(
      'this step cannot be approved: only the Finance director asked at this step (fred) or their delegate can decide it',
    );
    expect(run(atFd.state, { type: 'approve' }, context(fred)).status).toBe('awaiting_self_certification');
  });

  it('uses the force’s own rules, including a named approver', () => {
    const rules = [
      { id: 'cat4-board', priority: 5, match: { categories: [4 as const] }, steps: [{ kind: 'person' as const, personId: 'dan' }] },
      { id: 'any', priority: 0, match: {}, steps: [{ kind: 'lead' as const }] },
    ];
    const state = awaitingLead(4, { routing: { rules } });
    expect(state.approval?.routeId).toBe('cat4-board');
    expect(run(state, { type: 'approve' }, context(dan)).status).toBe('awaiting_self_certification');
    expect(awaitingLead(2, { routing: { rules } }).approval?.routeId).toBe('any');
  });

  it('refuses evidence when no routing rule fits', () => {
    const rules = [
      { id: 'audit-only', priority: 0, match: { sourceKinds: ['internal_audit' as const] }, steps: [{ kind: 'lead' as const }] },
    ];
    expect(refusal(inProgress(), { type: 'submitEvidence', summary: 'x' }, context(owen, { routing: { rules } }))).toBe(
      'evidence cannot be submitted: no approval route fits this recommendation; an administrator must check the routing rules',
    );
  });

  it('waits for an approver when none can be found, and an administrator reroutes once one can', () => {
    const noDcc: Directory = { people: directory.people.filter((person) => person.id !== 'dora'), delegations: [] };
    const atDcc = accept(awaitingLead(2), { type: 'approve' }, context(lena, { directory: noDcc }));
    expect(eventTypes(atDcc)).toEqual(['approval_given', 'approver_not_found']);
    expect(atDcc.state.status).toBe('evidence_submitted');
    expect(notified(atDcc)).toEqual(['admin:approver_needed']);
    expect(atDcc.state.approval?.steps[1]?.waitingReason).toBe(
      'no one can approve this step: nobody active holds the role of Deputy Chief Constable',
    );
    expect(describeStatus(atDcc.state)).toBe('Evidence submitted, waiting for an approver (step 2 of 2: the Deputy Chief Constable)');
    expect(refusal(atDcc.state, { type: 'approve' }, context(dora))).toBe(
      'this step cannot be approved: nobody has been asked to approve it yet (no one can approve this step: nobody active holds the role of Deputy Chief Constable)',
    );
    expect(refusal(atDcc.state, { type: 'rerouteApproval' }, context(lena))).toBe(
      'the approval cannot be rerouted: only an administrator (corporate development) can do this',
    );
    const rerouted = accept(atDcc.state, { type: 'rerouteApproval' }, context(admin));
    expect(rerouted.state.status).toBe('awaiting_approval');
    expect(notified(rerouted)).toEqual(['dora:approval_requested']);
    const bySystem = run(atDcc.state, { type: 'rerouteApproval' }, context({ personId: null, roles: [] }));
    expect(bySystem.approval?.steps[1]?.approverId).toBe('dora');
  });

  it('waits for an approver when no list of people was supplied', () => {
    const state = run(inProgress(), { type: 'submitEvidence', summary: 'x' }, context(owen, { directory: undefined }));
    expect(state.status).toBe('evidence_submitted');
    expect(state.approval?.steps[0]?.waitingReason).toBe('no one can approve this step: the list of people was not available');
  });
});

describe('separation of duties', () => {
  it('never asks the owner to approve: an item owned by the only DCC waits for an approver', () => {
    const assigned = run(initialState('r', 2), { ...assign, ownerId: 'dora' }, context(admin));
    const working = run(assigned, { type: 'accept' }, context(dora));
    const atLead = run(working, { type: 'submitEvidence', summary: 'x' }, context(dora));
    const atDcc = run(atLead, { type: 'approve' }, context(lena));
    expect(atDcc.status).toBe('evidence_submitted');
    expect(atDcc.approval?.steps[1]?.waitingReason).toBe(
      'no one can approve this step: dora owns this recommendation and cannot approve it',
    );
    expect(refusal(atDcc, { type: 'approve' }, context(dora))).toMatch(/^this step cannot be approved: nobody has been asked/);
  });

  it('refuses an owner who stands in for the approver', () => {
    const state = awaitingLead();
    expect(refusal(state, { type: 'approve' }, context({ ...owen, delegatesFor: ['lena'] }))).toBe(
      'this step cannot be approved: you own this recommendation, and an approver may never approve an item they own',
    );
  });

  it('never lets one person approve two steps of a chain', () => {
    const both: Directory = {
      people: directory.people
        .map((person) => (person.id === 'lena' ? { ...person, roles: ['lead' as const, 'dcc' as const] } : person))
        .filter((person) => person.id !== 'dora'),
      delegations: [],
    };
    const atDcc = run(awaitingLead(2, { directory: both }), { type: 'approve' }, context(lena, { directory: both }));
    expect(atDcc.status).toBe('evidence_submitted');
    expect(atDcc.approval?.steps[1]?.waitingReason).toBe(
      'no one can approve this step: lena has already approved another step of this chain',
    );

    const viaDelegation = run(awaitingLead(), { type: 'approve' }, context(lena));
    expect(refusal(viaDelegation, { type: 'approve' }, context({ ...lena, delegatesFor: ['dora'] }))).toBe(
      'this step cannot be approved: step 1 of this chain has already been approved by or for the same person, and nobody may approve twice in one chain',
    );
  });

  it('lets a delegate approve for an absent approver, and the approver too once back', () => {
    const away: Directory = { ...directory, delegations: [{ fromId: 'dora', toId: 'dan', startsOn: '2025-03-01', endsOn: '2025-03-31' }] };
    const atDcc = accept(awaitingLead(), { type: 'approve' }, context(lena, { directory: away }));
    expect(notified(atDcc)).toEqual(['dan:approval_requested']);
    expect(atDcc.state.approval?.steps[1]).toMatchObject({ approverId: 'dan', onBehalfOf: 'dora' });
    expect(describeStatus(atDcc.state)).toBe('Awaiting approval (step 2 of 2: the Deputy Chief Constable)');

    const byDelegate = run(atDcc.state, { type: 'approve' }, context(dan));
    expect(byDelegate.approval?.steps[1]?.approval).toMatchObject({ by: 'dan', onBehalfOf: 'dora' });
    const byDora = run(atDcc.state, { type: 'approve' }, context(dora));
    expect(byDora.approval?.steps[1]?.approval).toMatchObject({ by: 'dora', onBehalfOf: null });
  });

  it('lets someone who stands in for the approver today approve on their behalf', () => {
    const state = run(awaitingLead(), { type: 'approve' }, context({ ...leo, delegatesFor: ['lena'] }));
    expect(state.approval?.steps[0]?.approval).toMatchObject({ by: 'leo', onBehalfOf: 'lena' });
  });

  it('names who may decide when someone else tries', () => {
    expect(refusal(awaitingLead(), { type: 'approve' }, context(dora))).toBe(
      'this step cannot be approved: only the lead asked at this step (lena) or their delegate can decide it',
    );
    expect(refusal(awaitingLead(), { type: 'reject', reasons: 'no' }, context(admin))).toBe(
      'the evidence cannot be rejected: only the lead asked at this step (lena) or their delegate can decide it',
    );
  });
});

describe('rejection loop', () => {
  it('sends the item back to the owner with the reasons, and a fresh chain starts on resubmission', () => {
    const atDcc = run(awaitingLead(), { type: 'approve' }, context(lena));
    expect(refusal(atDcc, { type: 'reject', reasons: '  ' }, context(dora))).toBe(
      'the evidence cannot be rejected: the owner must be told why: give the reasons',
    );
    const rejected = accept(atDcc, { type: 'reject', reasons: 'No evidence that staff were trained' }, context(dora));
    expect(rejected.state).toMatchObject({ status: 'in_progress', approval: null });
    expect(rejected.state.lastRejection).toEqual({
      source: 'approver',
      by: 'dora',
      on: today,
      reasons: 'No evidence that staff were trained',
    });
    expect(notified(rejected)).toEqual(['owen:evidence_rejected']);

    const resubmitted = run(rejected.state, { type: 'submitEvidence', summary: 'Training records added' }, context(owen));
    expect(resubmitted.evidence?.version).toBe(2);
    expect(resubmitted.approval?.current).toBe(0);
    expect(resubmitted.approval?.steps.every((step) => step.approval === null)).toBe(true);
    const done = run(run(resubmitted, { type: 'approve' }, context(lena)), { type: 'approve' }, context(dora));
    expect(done.status).toBe('awaiting_self_certification');
  });
});

describe('outdated approvals', () => {
  it('asks an earlier step again when the evidence changes before the chain completes', () => {
    const atDcc = run(awaitingLead(), { type: 'approve' }, context(lena));
    const amended = accept(atDcc, { type: 'amendEvidence', summary: 'Policy v2 attached' }, context(owen));
    expect(eventTypes(amended)).toEqual(['evidence_amended', 'approvals_outdated', 'approval_requested']);
    expect(notified(amended)).toEqual(['lena:approval_outdated', 'lena:approval_requested']);
    const chain = amended.state.approval!;
    expect(chain.current).toBe(0);
    expect(chain.steps[0]).toMatchObject({ approverId: 'lena', approval: null });
    expect(chain.steps[0]?.outdated).toEqual([expect.objectContaining({ by: 'lena', evidenceVersion: 1 })]);
    expect(chain.steps[1]).toMatchObject({ approverId: null, openedOn: null, approval: null });
    expect(refusal(amended.state, { type: 'approve' }, context(dora))).toMatch(
      /^this step cannot be approved: only the lead asked at this step \(lena\)/,
    );

    const reApproved = run(amended.state, { type: 'approve' }, context(lena));
    expect(reApproved.approval?.steps[0]?.approval?.evidenceVersion).toBe(2);
    expect(run(reApproved, { type: 'approve' }, context(dora)).status).toBe('awaiting_self_certification');
  });

  it('outdates approvals when the text of the item or of a part changes', () => {
    const atDcc = run(awaitingLead(), { type: 'approve' }, context(lena));
    const amended = accept(atDcc, { type: 'amendText', text: 'Corrected wording', reason: 'Typo in the report' }, context(admin));
    expect(eventTypes(amended)).toEqual(['text_amended', 'approvals_outdated', 'approval_requested']);
    expect(amended.state.textVersion).toBe(2);
    expect(amended.state.approval?.current).toBe(0);
  });

  it('only tells the current approver when nothing approved yet is affected', () => {
    const amended = accept(awaitingLead(), { type: 'amendEvidence', summary: 'Better copy' }, context(owen));
    expect(eventTypes(amended)).toEqual(['evidence_amended', 'approval_request_refreshed']);
    expect(notified(amended)).toEqual(['lena:evidence_amended']);
    expect(amended.state.approval?.steps[0]?.approverId).toBe('lena');
  });

  it('does not reopen a completed chain when the text changes afterwards', () => {
    const state = approved(2);
    const amended = accept(state, { type: 'amendText', text: 'New text', reason: 'Clarified' }, context(admin));
    expect(eventTypes(amended)).toEqual(['text_amended']);
    expect(amended.state.status).toBe('awaiting_self_certification');
  });

  it('refuses unchanged or empty evidence and changes outside approval', () => {
    expect(refusal(awaitingLead(), { type: 'amendEvidence', summary: 'Policy published; training records attached' }, context(owen))).toBe(
      'the evidence cannot be changed: the evidence is unchanged',
    );
    expect(refusal(inProgress(), { type: 'amendEvidence', summary: 'x' }, context(owen))).toBe(
      'the evidence cannot be changed: it is in progress; evidence can be changed only while it is being approved',
    );
  });
});

describe('parts that progress separately', () => {
  function withParts(): RecommendationState {
    let state = initialState('rec-4', 2);
    for (const reference of ['4a', '4b', '4c'])
      state = run(state, { type: 'addPart', reference, text: `Bullet ${reference}` }, context(admin));
    return run(run(state, assign, context(admin)), { type: 'accept' }, context(owen));
  }

  it('refuses evidence while parts are open, naming how many', () => {
    let state = withParts();
    state = run(state, { type: 'updatePart', reference: '4a', status: 'complete' }, context(owen));
    state = run(state, { type: 'updatePart', reference: '4b', status: 'in_progress' }, context(owen));
    state = run(state, { type: 'updatePart', reference: '4c', status: 'in_progress' }, context(owen));
    expect(refusal(state, { type: 'submitEvidence', summary: 'x' }, context(owen))).toBe(
      'evidence cannot be submitted: 2 of 3 parts are still in progress (4b, 4c)',
    );
    expect(availableCommands(state, owen)).not.toContain('submitEvidence');
    expect(commandRefusal(state, owen, 'submitEvidence')).toBe('evidence cannot be submitted: 2 of 3 parts are still in progress (4b, 4c)');

    state = run(state, { type: 'updatePart', reference: '4b', status: 'complete' }, context(owen));
    expect(refusal(state, { type: 'submitEvidence', summary: 'x' }, context(owen))).toBe(
      'evidence cannot be submitted: 1 of 3 parts is still in progress (4c)',
    );
    state = run(state, { type: 'updatePart', reference: '4c', status: 'complete' }, context(owen));
    expect(run(state, { type: 'submitEvidence', summary: 'x' }, context(owen)).status).toBe('awaiting_approval');
  });

  it('says which parts have not started', () => {
    expect(refusal(withParts(), { type: 'submitEvidence', summary: 'x' }, context(owen))).toBe(
      'evidence cannot be submitted: 3 of 3 parts are not complete (4a not started, 4b not started, 4c not started)',
    );
  });

  it('refuses duplicate references, unknown parts and no-op updates', () => {
    const state = withParts();
    expect(refusal(state, { type: 'addPart', reference: '4a', text: 'again' }, context(admin))).toBe(
      'a part cannot be added: there is already a part 4a',
    );
    expect(refusal(state, { type: 'updatePart', reference: '9', status: 'complete' }, context(owen))).toBe(
      'the part cannot be updated: there is no part 9; its parts are 4a, 4b, 4c',
    );
    expect(refusal(state, { type: 'updatePart', reference: '4a', status: 'not_started' }, context(owen))).toBe(
      'the part cannot be updated: part 4a is already not started',
    );
    expect(refusal(state, { type: 'updatePart', reference: '4a', status: 'complete' }, context(olive))).toBe(
      'the part cannot be updated: only the owner or an administrator can do this',
    );
  });

  it('changes a part’s text and counts it as a change of text', () => {
    const state = run(withParts(), { type: 'amendText', partReference: '4b', text: 'Reworded bullet', reason: 'Errata' }, context(admin));
    expect(state.parts[1]).toEqual({ reference: '4b', text: 'Reworded bullet', status: 'not_started' });
    expect(state.textVersion).toBe(2);
  });
});

describe('extensions', () => {
  it('moves the due date when the lead approves, keeping the whole history', () => {
    const requested = accept(inProgress(), { type: 'requestExtension', newDueDate: '2025-09-30', reason: 'Supplier delay' }, context(owen));
    expect(eventTypes(requested)).toEqual(['extension_requested', 'extension_approval_requested']);
    expect(notified(requested)).toEqual(['lena:extension_requested']);
    expect(requested.state.dueDate).toBe('2025-06-30');

    expect(refusal(requested.state, { type: 'decideExtension', approved: true }, context(owen))).toBe(
      'the extension cannot be decided: only the lead asked at this step (lena) or their delegate can decide it',
    );
    const granted = accept(requested.state, { type: 'decideExtension', approved: true }, context(lena, { today: '2025-03-12' }));
    expect(granted.state.dueDate).toBe('2025-09-30');
    expect(granted.state.pendingExtension).toBeNull();
    expect(granted.state.dueDateHistory).toEqual([
      { dueDate: '2025-06-30', reason: 'Due date set when assigned', approvedBy: 'admin', decidedOn: today, kind: 'set' },
      { dueDate: '2025-09-30', reason: 'Supplier delay', approvedBy: 'lena', decidedOn: '2025-03-12', kind: 'extension' },
    ]);
    expect(notified(granted)).toEqual(['owen:extension_approved', 'lena:extension_approved']);
  });

  it('keeps the date when refused, and the refusal needs a reason', () => {
    const requested = run(inProgress(), { type: 'requestExtension', newDueDate: '2025-09-30', reason: 'Supplier delay' }, context(owen));
    expect(refusal(requested, { type: 'decideExtension', approved: false }, context(lena))).toBe(
      'the extension cannot be decided: a reason is needed to refuse an extension',
    );
    const refused = accept(requested, { type: 'decideExtension', approved: false, reason: 'Use the framework supplier' }, context(lena));
    expect(refused.state).toMatchObject({ dueDate: '2025-06-30', pendingExtension: null });
    expect(refused.state.dueDateHistory).toHaveLength(1);
    expect(notified(refused)).toEqual(['owen:extension_refused']);
  });

  it('needs the DCC as well past a second extension', () => {
    let state = inProgress();
    for (const newDueDate of ['2025-07-31', '2025-08-31']) {
      state = run(state, { type: 'requestExtension', newDueDate, reason: 'Delay' }, context(owen));
      expect(state.pendingExtension?.chain.steps).toHaveLength(1);
      state = run(state, { type: 'decideExtension', approved: true }, context(lena));
    }
    state = run(state, { type: 'requestExtension', newDueDate: '2025-12-31', reason: 'Third delay' }, context(owen));
    expect(state.pendingExtension?.chain.steps.map((step) => step.step)).toEqual([{ kind: 'lead' }, { kind: 'role', role: 'dcc' }]);
    const leadApproved = accept(state, { type: 'decideExtension', approved: true }, context(lena));
    expect(eventTypes(leadApproved)).toEqual(['extension_step_approved', 'extension_approval_requested']);
    expect(leadApproved.state.dueDate).toBe('2025-08-31');
    expect(refusal(leadApproved.state, { type: 'decideExtension', approved: true }, context(lena))).toMatch(
      /only the Deputy Chief Constable asked at this step \(dora\)/,
    );
    const final = run(leadApproved.state, { type: 'decideExtension', approved: true }, context(dora));
    expect(final.dueDate).toBe('2025-12-31');
    expect(final.dueDateHistory.map((entry) => entry.dueDate)).toEqual(['2025-06-30', '2025-07-31', '2025-08-31', '2025-12-31']);
  });

  it('refuses a date that is not later, a second request while one is pending, and a request without a lead to approve it', () => {
    const state = inProgress();
    expect(refusal(state, { type: 'requestExtension', newDueDate: '2025-06-30', reason: 'x' }, context(owen))).toBe(
      'an extension cannot be requested: the new due date must be later than the current one (2025-06-30)',
    );
    expect(refusal(state, { type: 'requestExtension', newDueDate: '2025-09-30', reason: '' }, context(owen))).toBe(
      'an extension cannot be requested: a reason is needed',
    );
    const pending = run(state, { type: 'requestExtension', newDueDate: '2025-09-30', reason: 'x' }, context(owen));
    expect(refusal(pending, { type: 'requestExtension', newDueDate: '2025-10-30', reason: 'x' }, context(owen))).toBe(
      'an extension cannot be requested: an extension to 2025-09-30 is already waiting for a decision',
    );
    const leadLeft: Directory = {
      people: directory.people.map((person) => (person.id === 'lena' ? { ...person, active: false } : person)),
      delegations: [],
    };
    expect(
      refusal(state, { type: 'requestExtension', newDueDate: '2025-09-30', reason: 'x' }, context(owen, { directory: leadLeft })),
    ).toBe('an extension cannot be requested: no one can approve this step: lena is no longer active');
    expect(refusal(awaitingLead(), { type: 'requestExtension', newDueDate: '2025-09-30', reason: 'x' }, context(owen))).toBe(
      'an extension cannot be requested: it is awaiting approval; extensions are for work not yet evidenced',
    );
  });
});

describe('handing over (reassign)', () => {
  it('moves an open lead step to the new lead; the old lead can no longer approve', () => {
    const state = awaitingLead();
    const handed = accept(state, { type: 'reassign', leadId: 'leo', reason: 'Lena moved to Operations' }, context(admin));
    expect(eventTypes(handed)).toEqual(['handed_over', 'approval_requested']);
    expect(notified(handed)).toEqual(['leo:lead_for_item', 'lena:handed_over', 'leo:approval_requested']);
    expect(handed.state.leadId).toBe('leo');
    expect(handed.state.approval?.steps[0]?.approverId).toBe('leo');
    expect(refusal(handed.state, { type: 'approve' }, context(lena))).toBe(
      'this step cannot be approved: only the lead asked at this step (leo) or their delegate can decide it',
    );
    expect(run(handed.state, { type: 'approve' }, context(leo)).approval?.current).toBe(1);
  });

  it('leaves a DCC step alone when the lead changes, and keeps the lead’s approval', () => {
    const atDcc = run(awaitingLead(), { type: 'approve' }, context(lena));
    const handed = accept(atDcc, { type: 'reassign', leadId: 'leo', reason: 'Restructure' }, context(admin));
    expect(eventTypes(handed)).toEqual(['handed_over']);
    expect(handed.state.approval?.steps[0]?.approval?.by).toBe('lena');
    expect(handed.state.approval?.steps[1]?.approverId).toBe('dora');
  });

  it('moves a pending extension’s lead step too', () => {
    const pending = run(inProgress(), { type: 'requestExtension', newDueDate: '2025-09-30', reason: 'x' }, context(owen));
    const handed = run(pending, { type: 'reassign', leadId: 'leo', reason: 'Restructure' }, context(admin));
    expect(handed.pendingExtension?.chain.steps[0]?.approverId).toBe('leo');
  });

  it('hands the owner’s work over with its history', () => {
    let state = run(inProgress(), { type: 'postUpdate', text: 'Draft policy written' }, context(owen));
    state = run(state, { type: 'requestExtension', newDueDate: '2025-09-30', reason: 'x' }, context(owen));
    const handed = accept(state, { type: 'reassign', ownerId: 'olive', reason: 'Owen retired' }, context(admin));
    expect(handed.state).toMatchObject({ ownerId: 'olive', status: 'in_progress', updateCount: 1 });
    expect(handed.state.latestUpdate).toEqual({ text: 'Draft policy written', by: 'owen', on: today });
    expect(handed.state.pendingExtension?.requestedBy).toBe('owen');
    expect(notified(handed)).toEqual(['olive:assigned_to_you', 'owen:handed_over']);
    expect(refusal(handed.state, { type: 'postUpdate', text: 'x' }, context(owen))).toBe(
      'a progress update cannot be posted: only the owner or an administrator can do this',
    );
  });

  it('refuses to make an approver the owner, or the lead the owner', () => {
    const atDcc = run(awaitingLead(), { type: 'approve' }, context(lena));
    expect(refusal(atDcc, { type: 'reassign', ownerId: 'dora', reason: 'x' }, context(admin))).toBe(
      'the recommendation cannot be handed over: dora is approving it, and an approver may never approve an item they own',
    );
    expect(refusal(atDcc, { type: 'reassign', ownerId: 'lena', leadId: 'leo', reason: 'x' }, context(admin))).toBe(
      'the recommendation cannot be handed over: lena is approving it, and an approver may never approve an item they own',
    );
    expect(refusal(atDcc, { type: 'reassign', ownerId: 'lena', reason: 'x' }, context(admin))).toBe(
      'the recommendation cannot be handed over: the owner and the lead must be different people, because the lead approves the owner’s evidence',
    );
    expect(refusal(atDcc, { type: 'reassign', ownerId: 'owen', reason: 'x' }, context(admin))).toBe(
      'the recommendation cannot be handed over: name a new owner or a new lead',
    );
    expect(refusal(atDcc, { type: 'reassign', leadId: 'leo', reason: 'x' }, context(lena))).toBe(
      'the recommendation cannot be handed over: only an administrator (corporate development) can do this',
    );
  });
});

describe('not for the force and reactivation', () => {
  it('tracks a national body’s item for awareness and can bring it back as assigned', () => {
    const nft = accept(initialState('r'), { type: 'markNotForTheForce', reason: 'Addressed to the College of Policing' }, context(admin));
    expect(nft.state).toMatchObject({ status: 'not_for_the_force', notForTheForceReason: 'Addressed to the College of Policing' });
    expect(availableCommands(nft.state, admin)).toEqual(
      expect.arrayContaining(['reactivate', 'setCategory', 'addPart', 'amendText', 'markSuperseded', 'markNoLongerRelevant']),
    );
    expect(refusal(nft.state, assign, context(admin))).toBe(
      'an owner cannot be assigned: it is marked not for the force; to change the owner or lead, hand it over instead',
    );

    expect(refusal(nft.state, { ...assign, type: 'reactivate', reason: '' }, context(admin))).toBe(
      'the recommendation cannot be reactivated: a reason is needed to reactivate it',
    );
    const reactivated = accept(nft.state, { ...assign, type: 'reactivate', reason: 'Force asked to lead regionally' }, context(admin));
    expect(reactivated.state).toMatchObject({
      status: 'assigned',
      ownerId: 'owen',
      leadId: 'lena',
      dueDate: '2025-06-30',
      notForTheForceReason: null,
    });
    expect(eventTypes(reactivated)).toEqual(['reactivated']);
    expect(notified(reactivated)).toEqual(['owen:assigned_to_you', 'lena:lead_for_item']);
  });

  it('keeps the lead’s original refusals', () => {
    expect(refusal(initialState('r'), { type: 'markNotForTheForce', reason: ' ' }, context(admin))).toBe(
      'a reason is needed to mark a recommendation not for the force',
    );
    expect(refusal(inProgress(), { type: 'markNotForTheForce', reason: 'x' }, context(admin))).toBe(
      'the recommendation cannot be marked not for the force: it is in progress; only a newly logged recommendation can be',
    );
    expect(refusal(inProgress(), { ...assign, type: 'reactivate', reason: 'x' }, context(admin))).toBe(
      'the recommendation cannot be reactivated: it is in progress; only a recommendation marked not for the force can be',
    );
  });
});

describe('other exits', () => {
  it('closes as superseded, linking the later item, and drops an unfinished approval chain and pending extension', () => {
    const atDcc = run(awaitingLead(), { type: 'approve' }, context(lena));
    const superseded = accept(atDcc, { type: 'markSuperseded', supersededBy: 'rec-2023-7' }, context(admin));
    expect(superseded.state.closure).toMatchObject({ how: 'superseded', supersededBy: 'rec-2023-7', reason: 'Superseded by rec-2023-7' });
    expect(superseded.state.approval).toBeNull();
    expect(describeStatus(superseded.state)).toBe('Closed (superseded)');
    expect(refusal(atDcc, { type: 'markSuperseded', supersededBy: 'rec-1' }, context(admin))).toBe(
      'the recommendation cannot be marked superseded: an item cannot supersede itself',
    );
    const pending = run(inProgress(), { type: 'requestExtension', newDueDate: '2025-09-30', reason: 'x' }, context(owen));
    expect(run(pending, { type: 'markSuperseded', supersededBy: 'rec-9' }, context(admin)).pendingExtension).toBeNull();
  });

  it('closes as no longer relevant from any open state, even not for the force', () => {
    const nft = run(initialState('r'), { type: 'markNotForTheForce', reason: 'National' }, context(admin));
    const closed = run(nft, { type: 'markNoLongerRelevant', reason: 'Legislation repealed' }, context(admin));
    expect(closed.closure).toMatchObject({ how: 'no_longer_relevant', reason: 'Legislation repealed' });
    expect(closed.notForTheForceReason).toBeNull();
    expect(run(approved(3), { type: 'markNoLongerRelevant', reason: 'Unit disbanded' }, context(admin)).closure?.how).toBe(
      'no_longer_relevant',
    );
  });

  it('closes as business as usual only the force’s own work', () => {
    const closed = run(inProgress(), { type: 'markBusinessAsUsual', reason: 'Monitored by the monthly performance board' }, context(admin));
    expect(closed.closure?.how).toBe('business_as_usual');
    expect(refusal(initialState('r'), { type: 'markBusinessAsUsual', reason: 'x' }, context(admin))).toBe(
      "the recommendation cannot be closed as business as usual: it has been logged but not yet assigned; only the force's own work can become business as usual",
    );
    expect(refusal(inProgress(), { type: 'markBusinessAsUsual', reason: 'x' }, context(owen))).toBe(
      'the recommendation cannot be closed as business as usual: only an administrator (corporate development) can do this',
    );
  });

  it('refuses to close what is already closed', () => {
    const closed = run(inProgress(), { type: 'markNoLongerRelevant', reason: 'x' }, context(admin));
    expect(refusal(closed, { type: 'markSuperseded', supersededBy: 'rec-2' }, context(admin))).toBe(
      'the recommendation cannot be marked superseded: it is closed (no longer relevant)',
    );
  });
});

describe('reopen', () => {
  it('reopens a closed item with a reason; the owner picks it up again', () => {
    const closed = run(approved(2), { type: 'selfCertify', signatory: 'CC' }, context(admin));
    expect(refusal(closed, { type: 'reopen', reason: '' }, context(admin))).toBe(
      'the recommendation cannot be reopened: a reason is needed to reopen a closed recommendation',
    );
    expect(refusal(closed, { type: 'reopen', reason: 'x' }, context(dora))).toBe(
      'the recommendation cannot be reopened: only an administrator (corporate development) can do this',
    );
    const reopened = accept(closed, { type: 'reopen', reason: 'Audit found the policy not followed' }, context(admin));
    expect(reopened.state).toMatchObject({ status: 'reopened', closure: null, approval: null, selfCertification: null, reopenCount: 1 });
    expect(reopened.events[0]).toMatchObject({ type: 'reopened', was: 'self_certified', reason: 'Audit found the policy not followed' });
    expect(describeEvent(reopened.events[0]!, (id) => id)).toBe('Reopened (was self-certified): Audit found the policy not followed');
    expect(notified(reopened)).toEqual(['owen:item_reopened', 'lena:item_reopened']);
    expect(availableCommands(reopened.state, owen)).toEqual(['accept', 'postUpdate', 'flagAtRisk', 'requestExtension']);
    expect(run(reopened.state, { type: 'accept' }, context(owen)).status).toBe('in_progress');
  });

  it('needs an owner assigned when the closed item never had one', () => {
    const closed = run(initialState('r', 1), { type: 'closeNoActionRequired', reason: 'x' }, context(admin));
    const reopened = run(closed, { type: 'reopen', reason: 'Category was wrong' }, context(admin));
    expect(refusal(reopened, { type: 'accept' }, context(admin))).toBe(
      'the recommendation cannot be accepted: it has no owner yet; an administrator must assign one first',
    );
    const category = run(reopened, { type: 'setCategory', category: 2 }, context(admin));
    expect(run(category, assign, context(admin)).status).toBe('assigned');
  });

  it('refuses to reopen an open item', () => {
    expect(refusal(inProgress(), { type: 'reopen', reason: 'x' }, context(admin))).toBe(
      'the recommendation cannot be reopened: it is in progress; only a closed recommendation can be reopened',
    );
  });
});

describe('progress updates and the at-risk flag', () => {
  it('records the latest update and counts them', () => {
    let state = run(inProgress(), { type: 'postUpdate', text: 'Consultation started' }, context(owen));
    state = run(state, { type: 'postUpdate', text: 'Consultation closed' }, context(admin, { today: '2025-04-01' }));
    expect(state.latestUpdate).toEqual({ text: 'Consultation closed', by: 'admin', on: '2025-04-01' });
    expect(state.updateCount).toBe(2);
    expect(refusal(state, { type: 'postUpdate', text: '' }, context(owen))).toBe(
      'a progress update cannot be posted: the update has no text',
    );
  });

  it('flags and clears at risk; evidence clears it', () => {
    const flagged = run(inProgress(), { type: 'flagAtRisk', reason: 'Awaiting ICT change' }, context(owen));
    expect(flagged.atRisk).toEqual({ reason: 'Awaiting ICT change', flaggedBy: 'owen', flaggedOn: today });
    expect(refusal(flagged, { type: 'flagAtRisk', reason: 'x' }, context(owen))).toBe(
      'the recommendation cannot be flagged at risk: it is already flagged at risk',
    );
    expect(run(flagged, { type: 'clearAtRisk' }, context(owen)).atRisk).toBeNull();
    expect(run(flagged, { type: 'submitEvidence', summary: 'x' }, context(owen)).atRisk).toBeNull();
    expect(refusal(inProgress(), { type: 'clearAtRisk' }, context(owen))).toBe(
      'the at-risk flag cannot be cleared: it is not flagged at risk',
    );
  });
});

describe('setCategory', () => {
  it('sets and changes the category until the letter is signed', () => {
    const state = run(initialState('r'), { type: 'setCategory', category: 3 }, context(admin));
    expect(state.category).toBe(3);
    expect(refusal(state, { type: 'setCategory', category: 3 }, context(admin))).toBe(
      'the closure category cannot be changed: it is already category 3 (self-certified, HMICFRS follows up)',
    );
    const letter = run(approved(3), { type: 'selfCertify', signatory: 'CC' }, context(admin));
    expect(refusal(letter, { type: 'setCategory', category: 2 }, context(admin))).toBe(
      'the closure category cannot be changed: it is self-certified and awaiting submission to HMICFRS, and the category is fixed once the item is self-certified or closed',
    );
  });
});

describe('availableCommands', () => {
  it('shows each person only what they may do now', () => {
    const state = awaitingLead();
    expect(availableCommands(state, lena)).toEqual(['approve', 'reject']);
    expect(availableCommands(state, dora)).toEqual([]);
    expect(availableCommands(state, owen)).toEqual(['postUpdate', 'amendEvidence']);
    expect(availableCommands(state, viewer)).toEqual([]);
    expect(availableCommands(state, admin)).toEqual([
      'setCategory',
      'postUpdate',
      'amendText',
      'amendEvidence',
      'rerouteApproval',
      'markSuperseded',
      'markNoLongerRelevant',
      'markBusinessAsUsual',
      'reassign',
    ]);
    expect(availableCommands(initialState('r'), admin)).toEqual([
      'markNotForTheForce',
      'setCategory',
      'assign',
      'addPart',
      'amendText',
      'markSuperseded',
      'markNoLongerRelevant',
    ]);
    expect(availableCommands(inProgress(), owen)).toEqual(['postUpdate', 'flagAtRisk', 'requestExtension', 'submitEvidence']);
  });

  it('agrees with commandRefusal for every command', () => {
    const state = inProgress();
    for (const type of lifecycleCommandTypes) {
      expect(commandRefusal(state, owen, type) === null).toBe(availableCommands(state, owen).includes(type));
    }
    expect(commandRefusal(state, viewer, 'postUpdate')).toBe(
      'a progress update cannot be posted: only the owner or an administrator can do this',
    );
  });

  it('offers the HMICFRS commands to the liaison lead', () => {
    const letter = run(approved(3), { type: 'selfCertify', signatory: 'CC' }, context(admin));
    expect(availableCommands(letter, liam)).toEqual(['submitToHmicfrs']);
    const submitted = run(letter, { type: 'submitToHmicfrs' }, context(liam));
    expect(availableCommands(submitted, liam)).toEqual(['recordHmicfrsResponse']);
  });
});

describe('events', () => {
  it('carry the moment of the command when the caller gives one', () => {
    const decision = accept(inProgress(), { type: 'submitEvidence', summary: 'x' }, context(owen, { now: '2025-03-10T09:30:00.000Z' }));
    expect(decision.events.map((event) => event.at)).toEqual(['2025-03-10T09:30:00.000Z', '2025-03-10T09:30:00.000Z']);
    expect(accept(inProgress(), { type: 'postUpdate', text: 'x' }, context(owen)).events[0]).not.toHaveProperty('at');
  });

  it('hold only the fields that changed', () => {
    const decision = accept(inProgress(), { type: 'postUpdate', text: 'Half done' }, context(owen));
    expect(decision.events[0]).toEqual({
      type: 'progress_updated',
      text: 'Half done',
      before: { latestUpdate: null, updateCount: 0 },
      after: { latestUpdate: { text: 'Half done', by: 'owen', on: today }, updateCount: 1 },
    });
  });
});

describe('HMICFRS after sign-off', () => {
  it('cannot un-accept an item it signed off; an administrator reopens it instead', () => {
    const submitted = run(
      run(approved(3), { type: 'selfCertify', signatory: 'CC' }, context(admin)),
      { type: 'submitToHmicfrs' },
      context(liam),
    );
    const signedOff = run(submitted, { type: 'recordHmicfrsResponse', outcome: 'signed_off' }, context(liam));
    expect(refusal(signedOff, { type: 'recordHmicfrsResponse', outcome: 'not_accepted', reasons: 'x' }, context(liam))).toBe(
      "HMICFRS's response cannot be recorded: it is closed (signed off by HMICFRS), so no response from HMICFRS is awaited",
    );
  });
});

describe('extension waiting for an approver', () => {
  it('waits when the DCC step of a third extension has nobody, and is rerouted later', () => {
    let state = inProgress();
    for (const newDueDate of ['2025-07-31', '2025-08-31']) {
      state = run(
        run(state, { type: 'requestExtension', newDueDate, reason: 'Delay' }, context(owen)),
        { type: 'decideExtension', approved: true },
        context(lena),
      );
    }
    state = run(state, { type: 'requestExtension', newDueDate: '2025-12-31', reason: 'Third delay' }, context(owen));
    const noDcc: Directory = { people: directory.people.filter((person) => person.id !== 'dora'), delegations: [] };
    const waiting = accept(state, { type: 'decideExtension', approved: true }, context(lena, { directory: noDcc }));
    expect(eventTypes(waiting)).toEqual(['extension_step_approved', 'extension_approver_not_found']);
    expect(notified(waiting)).toEqual(['admin:approver_needed']);
    expect(refusal(waiting.state, { type: 'decideExtension', approved: true }, context(dora))).toMatch(
      /^the extension cannot be decided: nobody has been asked to approve it yet/,
    );
    const rerouted = accept(waiting.state, { type: 'rerouteApproval' }, context(admin));
    expect(eventTypes(rerouted)).toEqual(['extension_approval_requested']);
    expect(run(rerouted.state, { type: 'decideExtension', approved: true }, context(dora)).dueDate).toBe('2025-12-31');
  });
});

describe('decide is pure', () => {
  function deepFreeze<T>(value: T): T {
    if (value && typeof value === 'object') {
      Object.freeze(value);
      for (const inner of Object.values(value)) deepFreeze(inner);
    }
    return value;
  }

  it('never modifies the state it is given, accepted or refused', () => {
    const state = deepFreeze(run(awaitingLead(), { type: 'approve' }, context(lena)));
    const copy = JSON.parse(JSON.stringify(state));
    expect(decide(state, { type: 'amendEvidence', summary: 'v2' }, context(owen)).accepted).toBe(true);
    expect(decide(state, { type: 'approve' }, context(dora)).accepted).toBe(true);
    expect(decide(state, { type: 'approve' }, context(owen)).accepted).toBe(false);
    expect(state).toEqual(copy);
  });

  it('produces JSON-serialisable state and events', () => {
    const decision = accept(run(awaitingLead(), { type: 'approve' }, context(lena)), { type: 'approve' }, context(dora));
    expect(JSON.parse(JSON.stringify(decision))).toEqual(decision);
  });
});
