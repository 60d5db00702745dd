import { initialState, type LifecycleCommandType, type RecommendationState } from '../../domain/lifecycle';
import { nextAction } from '../../api/recommendations/nextAction';

const state = (over: Partial<RecommendationState>): RecommendationState => ({ ...initialState('r', 2), ...over });

/** The item page's next step (api/recommendations/nextAction.ts): chosen among the commands the lifecycle allows. */
describe('the next step on an item', () => {
  it('puts approve first, with reject beside it', () => {
    expect(nextAction(state({ status: 'awaiting_approval' }), ['approve', 'reject', 'postUpdate'])).toEqual({
      primary: 'approve',
      alongside: ['reject'],
    });
  });

  it("is the owner's acceptance, then their progress update", () => {
    expect(nextAction(state({ status: 'assigned' }), ['accept', 'postUpdate', 'requestExtension'])?.primary).toBe('accept');
    expect(nextAction(state({ status: 'in_progress' }), ['postUpdate', 'flagAtRisk', 'submitEvidence'])).toEqual({
      primary: 'postUpdate',
      alongside: [],
    });
  });

  it('is triage while a logged item has no category, then assigning it; never a correction', () => {
    const admin: LifecycleCommandType[] = ['markNotForTheForce', 'setCategory', 'assign', 'markSuperseded'];
    expect(nextAction(state({ status: 'logged', category: null }), admin)).toEqual({
      primary: 'setCategory',
      alongside: ['markNotForTheForce'],
    });
    expect(nextAction(state({ status: 'logged' }), admin)?.primary).toBe('assign');
    expect(nextAction(state({ status: 'in_progress' }), ['setCategory', 'reassign', 'markSuperseded'])).toBeNull();
  });

  it('offers nothing the lifecycle does not allow', () => {
    expect(nextAction(state({ status: 'awaiting_approval' }), [])).toBeNull();
  });
});
