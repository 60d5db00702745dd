import { itemWords } from '../../activities/emails/nudgeEmail';
import { itemLabel } from '../../domain/vocabulary';
import { itemName } from '../../api/recommendations/scrutiny';

/** Issue 18, bug 7: a reference that already starts with its kind ("Action 1") must not read "Action Action 1". */
describe('naming an item by kind and reference', () => {
  it('puts the kind before a bare reference', () => {
    expect(itemName({ kind: 'recommendation', reference: '3' })).toBe('Recommendation 3');
    expect(itemName({ kind: 'area_for_improvement', reference: 'AFI 2' })).toBe('Area for improvement AFI 2');
  });

  it('does not repeat the kind when the reference starts with it, on pages and in emails', () => {
    expect(itemName({ kind: 'action', reference: 'Action 1' })).toBe('Action 1');
    expect(itemName({ kind: 'area_for_improvement', reference: 'area for improvement 4' })).toBe('area for improvement 4');
    expect(itemWords({ originator: 'HMICFRS', reportTitle: 'PEEL 2025', kind: 'action', reference: 'Action 1' })).toBe(
      'HMICFRS PEEL 2025, Action 1',
    );
    expect(itemLabel('action', 'Actionable 1')).toBe('Action Actionable 1');
  });
});
