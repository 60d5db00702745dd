import { itemParticipantIds, mentionedEmails } from '../../domain/comments';
import { initialState, type ApprovalStep } from '../../domain/lifecycle/states';

const step = (approverId: string | null, onBehalfOf: string | null = null): ApprovalStep => ({
  step: { kind: 'lead' },
  approverId,
  onBehalfOf,
  openedOn: approverId ? '2027-03-01' : null,
  waitingReason: null,
  approval: null,
  outdated: [],
});

describe('comments: mentions and who takes part', () => {
  it('finds each @email once, lower-cased, and not a bare address or one inside a word', () => {
    expect(mentionedEmails('@Nadia.Haskins@Test.Police.uk please look; cc @nadia.haskins@test.police.uk.')).toEqual([
      'nadia.haskins@test.police.uk',
    ]);
    expect(mentionedEmails('Ask tom.ellery@test.police.uk or a@b@c.uk, then @simon.hartley@test.police.uk, thanks')).toEqual([
      'simon.hartley@test.police.uk',
    ]);
    expect(mentionedEmails('No one @ all, @nobody')).toEqual([]);
  });

  it('takes the owner, the lead and every approver named in either chain, and earlier approvers, each once', () => {
    const state = {
      ...initialState('r1'),
      ownerId: 'owner',
      leadId: 'lead',
      approval: { routeId: 'hmicfrs', startedOn: '2027-03-01', current: 1, steps: [step('lead'), step('delegate', 'dcc')] },
      pendingExtension: null,
    };
    expect(itemParticipantIds(state, ['finance', 'lead'])).toEqual(['owner', 'lead', 'delegate', 'dcc', 'finance']);
    expect(itemParticipantIds(initialState('r2'))).toEqual([]);
  });
});
