import { describeEvent, peopleNamedIn, type LifecycleEventData } from '../../domain/lifecycle/events';

/** Sentences are written from the typed facts at the edge, naming people through the lookup they are given. */

const names: Record<string, string> = {
  owen: 'Owen Owner',
  olive: 'Olive Owner',
  lena: 'Lena Lead',
  leo: 'Leo Lead',
  dan: 'Dan Lead',
  dora: 'Dora Deputy',
  admin: 'Ada Admin',
};
const nameOf = (id: string): string => names[id] ?? id;

const dccStep = { number: 2, of: 2, step: { kind: 'role', role: 'dcc' } } as const;

const cases: Array<[LifecycleEventData, string, string[]]> = [
  [
    { type: 'approval_given', step: dccStep, by: 'dan', onBehalfOf: 'dora', comment: 'Seen' },
    'Approved by Dan Lead for Dora Deputy (step 2 of 2, the Deputy Chief Constable): Seen',
    ['dan', 'dora'],
  ],
  [
    { type: 'approval_requested', step: { number: 1, of: 2, step: { kind: 'lead' } }, approverId: 'leo', onBehalfOf: 'lena' },
    'Approval requested from Leo Lead (standing in for Lena Lead) (step 1 of 2, the lead)',
    ['leo', 'lena'],
  ],
  [
    { type: 'handed_over', owner: { from: 'owen', to: 'olive' }, lead: { from: 'lena', to: 'leo' }, reason: 'Moved to another team' },
    'Handed over (owner Owen Owner → Olive Owner, lead Lena Lead → Leo Lead): Moved to another team',
    ['owen', 'olive', 'lena', 'leo'],
  ],
  [{ type: 'owner_accepted', ownerId: 'owen', by: 'owen' }, 'Accepted by Owen Owner', ['owen']],
  [{ type: 'owner_accepted', ownerId: 'owen', by: 'admin' }, 'Accepted by Owen Owner (recorded by Ada Admin)', ['owen', 'admin']],
  [{ type: 'evidence_submitted', by: null, evidence: 'Policy published' }, 'Evidence submitted by the system: Policy published', []],
  [
    { type: 'extension_refused', to: '2025-09-30', by: 'lena', reason: 'Not yet', dueDateStays: '2025-06-30' },
    'Extension to 2025-09-30 refused by Lena Lead: Not yet; the due date stays 2025-06-30',
    ['lena'],
  ],
  // What supersedes an item is an item or words, never a person.
  [
    { type: 'closed', how: 'superseded', reason: 'Superseded by rec-2', supersededBy: 'rec-2' },
    'Closed: superseded by rec-2 (Superseded by rec-2)',
    [],
  ],
  [
    { type: 'approvals_outdated', count: 2, changed: 'text', askedAgainFrom: 1 },
    '2 approvals outdated because the text changed; step 1 is asked again',
    [],
  ],
  [
    { type: 'self_certified', signatory: 'CC', signedOn: '2025-03-10', followUp: 'hmicfrs_sign_off' },
    'Self-certified: letter signed by CC on 2025-03-10; to be submitted to HMICFRS for sign-off',
    [],
  ],
  [{ type: 'reality_test_at_next_inspection', reasons: null }, 'HMICFRS will reality-test it at the next inspection', []],
];

describe('lifecycle event sentences', () => {
  it.each(cases)('describes %j', (event, sentence, people) => {
    expect(describeEvent(event, nameOf)).toBe(sentence);
    expect(peopleNamedIn(event)).toEqual(people);
  });

  it('leaves an id as it is when the lookup does not know the person', () => {
    expect(describeEvent({ type: 'approval_rejected', step: dccStep, by: 'someone-gone', reasons: 'No' }, nameOf)).toBe(
      'Rejected by someone-gone (step 2 of 2, the Deputy Chief Constable): No',
    );
  });
});
