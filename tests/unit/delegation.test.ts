import { activeDelegation, isDelegationActive, standIn, standsInFor, type Delegation } from '../../domain/delegation';

const march: Delegation = { fromId: 'lena', toId: 'dora', startsOn: '2025-03-05', endsOn: '2025-03-20' };

describe('isDelegationActive', () => {
  it('runs from its first day to its last day inclusive', () => {
    expect(isDelegationActive(march, '2025-03-04')).toBe(false);
    expect(isDelegationActive(march, '2025-03-05')).toBe(true);
    expect(isDelegationActive(march, '2025-03-12')).toBe(true);
    expect(isDelegationActive(march, '2025-03-20')).toBe(true);
    expect(isDelegationActive(march, '2025-03-21')).toBe(false);
  });

  it('is never active to oneself', () => {
    expect(isDelegationActive({ ...march, toId: 'lena' }, '2025-03-12')).toBe(false);
  });
});

describe('who stands in for whom', () => {
  it('names the delegate on the first and last day, and nobody the day after', () => {
    expect(standIn('lena', [march], '2025-03-05')).toBe('dora');
    expect(standIn('lena', [march], '2025-03-20')).toBe('dora');
    expect(standIn('lena', [march], '2025-03-21')).toBe('lena');
    expect(standsInFor('dora', [march], '2025-03-20')).toEqual(['lena']);
    expect(standsInFor('dora', [march], '2025-03-21')).toEqual([]);
  });

  it('forgets a cancelled delegation, which is no longer among the rows', () => {
    const cancelled: Delegation[] = [];
    expect(standIn('lena', cancelled, '2025-03-12')).toBe('lena');
    expect(standsInFor('dora', cancelled, '2025-03-12')).toEqual([]);
    expect(activeDelegation('lena', cancelled, '2025-03-12')).toBeNull();
  });

  it('lets every overlapping delegate decide, while the one that started last receives the work', () => {
    const overlapping: Delegation[] = [{ fromId: 'lena', toId: 'dan', startsOn: '2025-03-01', endsOn: '2025-03-31' }, march];
    expect(standIn('lena', overlapping, '2025-03-12')).toBe('dora');
    expect(standsInFor('dan', overlapping, '2025-03-12')).toEqual(['lena']);
    expect(standsInFor('dora', overlapping, '2025-03-12')).toEqual(['lena']);
  });
});

describe('activeDelegation', () => {
  it('picks the delegation that started last when several overlap, and ignores delegations to oneself', () => {
    const delegations: Delegation[] = [
      { fromId: 'lena', toId: 'dan', startsOn: '2025-03-01', endsOn: '2025-03-31' },
      { fromId: 'lena', toId: 'dora', startsOn: '2025-03-05', endsOn: '2025-03-20' },
      { fromId: 'lena', toId: 'lena', startsOn: '2025-03-09', endsOn: '2025-03-20' },
    ];
    expect(activeDelegation('lena', delegations, '2025-03-10')?.toId).toBe('dora');
    expect(activeDelegation('lena', delegations, '2025-03-25')?.toId).toBe('dan');
    expect(activeDelegation('dan', delegations, '2025-03-10')).toBeNull();
  });
});
