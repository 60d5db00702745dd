import { bulkCommandFor, describeBulkChange } from '../../domain/bulkActions';
import {
  decide,
  initialState,
  type Actor,
  type CommandContext,
  type LifecycleCommand,
  type RecommendationState,
} from '../../domain/lifecycle';

/** Which command each item of a bulk action gets, and how its change reads on the confirmation page. */
const admin: Actor = { personId: 'admin', roles: ['administrator'] };
const context = (actor: Actor): CommandContext => ({ actor, today: '2025-03-10' });
const run = (state: RecommendationState, command: LifecycleCommand, actor: Actor): RecommendationState => {
  const decision = decide(state, command, context(actor));
  if (!decision.accepted) throw new Error(decision.reason);
  return decision.state;
};
const names: Record<string, string> = { owen: 'Owen Price', olive: 'Olive Grant', lena: 'Lena Ross' };
const nameOf = (id: string | null) => (id ? (names[id] ?? id) : 'nobody');

const logged = initialState('rec-1', 2);
const assigned = run(logged, { type: 'assign', ownerId: 'owen', leadId: 'lena', dueDate: '2025-06-30' }, admin);
const inProgress = run(assigned, { type: 'accept' }, { personId: 'owen', roles: ['action_owner'] });

describe('bulk actions', () => {
  it('assigns an item waiting for triage only with an owner, a lead and a due date, naming what is missing', () => {
    expect(bulkCommandFor(logged, { kind: 'assign', ownerId: 'olive' })).toEqual({
      refused: 'it has no owner, lead or due date yet, so choose a lead and a due date to assign it',
      type: 'assign',
    });
    const planned = bulkCommandFor(logged, { kind: 'assign', ownerId: 'olive', leadId: 'lena', dueDate: '2025-09-30' });
    expect(planned).toEqual({ command: { type: 'assign', ownerId: 'olive', leadId: 'lena', dueDate: '2025-09-30' } });
    expect(describeBulkChange(logged, (planned as { command: LifecycleCommand }).command, nameOf)).toBe(
      'Assign: owner Olive Grant; lead Lena Ross; due 30 September 2025',
    );
  });

  it('reassigns an assigned item keeping what the action leaves out', () => {
    const planned = bulkCommandFor(assigned, { kind: 'assign', ownerId: 'olive' });
    expect(planned).toEqual({ command: { type: 'assign', ownerId: 'olive', leadId: 'lena', dueDate: '2025-06-30' } });
    expect(describeBulkChange(assigned, (planned as { command: LifecycleCommand }).command, nameOf)).toBe(
      'Assign: owner Owen Price → Olive Grant; lead stays Lena Ross; due date stays 30 June 2025',
    );
  });

  it('hands work under way over with a reason, keeping its due date', () => {
    expect(bulkCommandFor(inProgress, { kind: 'assign', ownerId: 'olive', dueDate: '2025-12-31' })).toEqual({
      refused: 'its work is under way: give a reason for handing it over',
      type: 'reassign',
    });
    expect(bulkCommandFor(inProgress, { kind: 'assign', dueDate: '2025-12-31', reason: 'Moved' })).toEqual({
      refused: 'its work is under way, so only a new owner or lead can be given to it (its due date moves only by an extension)',
      type: 'reassign',
    });
    const planned = bulkCommandFor(inProgress, {
      kind: 'assign',
      ownerId: 'olive',
      dueDate: '2025-12-31',
      reason: 'Owen moved to another team',
    });
    expect(planned).toEqual({ command: { type: 'reassign', ownerId: 'olive', reason: 'Owen moved to another team' } });
    const command = (planned as { command: LifecycleCommand }).command;
    expect(describeBulkChange(inProgress, command, nameOf)).toBe(
      'Hand over: owner Owen Price → Olive Grant; lead stays Lena Ross; due date stays 30 June 2025',
    );
    expect(run(inProgress, command, admin)).toMatchObject({ ownerId: 'olive', dueDate: '2025-06-30' });
  });

  it('gives a triage action the same command to every item', () => {
    expect(bulkCommandFor(logged, { kind: 'setCategory', category: 3 })).toEqual({ command: { type: 'setCategory', category: 3 } });
    expect(bulkCommandFor(inProgress, { kind: 'markNotForTheForce', reason: 'Home Office' })).toEqual({
      command: { type: 'markNotForTheForce', reason: 'Home Office' },
    });
    expect(describeBulkChange(logged, { type: 'setCategory', category: 3 }, nameOf)).toBe(
      'Category 2: self-certified by the force → Category 3: self-certified, HMICFRS follows up',
    );
  });
});
