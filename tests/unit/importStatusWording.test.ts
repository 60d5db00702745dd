import { isStatusMeaning, proposeStatus, statusMeanings, statusWordingKey } from '../../domain/importStatusWording';
import { importStatuses, readImportRow } from '../../domain/trackerImport';

describe('statuses as forces write them', () => {
  it.each([
    ['Evidence submitted to HMICFRS for review. Awaiting feedback.', 'submitted to hmicfrs', 'submitted to hmicfrs'],
    ['HMICFRS have agreed closure of these recommendations.', 'closed', 'agreed closure'],
    ['– Awaiting feedback', 'submitted to hmicfrs', 'awaiting feedback'],
    ['Complete – awaiting HMICFRS sign-off.', 'submitted to hmicfrs', 'awaiting hmicfrs sign-off'],
    ['Work in progress; new policy drafted', 'in progress', 'in progress'],
    ['Not started', 'assigned', 'not started'],
    ['Not yet complete', 'in progress', 'not yet complete'],
    ['Completed March 2021', 'closed', 'completed'],
    ['Delayed by the regional review', 'at risk', 'delayed'],
    ['Self certified by ACC', 'self-certified', 'self certif'],
    ['Now BAU', 'business as usual', 'bau'],
    ['To be reality tested at the next PEEL inspection', 'reality test at next inspection', 'reality test'],
    ['Recommendation for the Home Office - not applicable', 'not for the force', 'not applicable'],
  ])('proposes for "%s" the closest state, %s, saying which words decided it', (wording, status, words) => {
    const proposal = proposeStatus(wording);
    expect(proposal.status).toBe(status);
    expect(proposal.why).toContain(`“${words}”`);
  });

  it('proposes in progress for words it cannot read, and says to check it', () => {
    expect(proposeStatus('See Chief Inspector Ward')).toEqual({ status: 'in progress', why: expect.stringContaining('check it') });
  });

  it('keys a wording regardless of case, spacing, dashes and a closing full stop', () => {
    expect(statusWordingKey('  – Awaiting   Feedback. ')).toBe('awaiting feedback');
    expect(statusWordingKey('HMICFRS have agreed closure of these recommendations.')).toBe(
      statusWordingKey('hmicfrs have agreed  closure of these recommendations'),
    );
  });

  it('offers only meanings the import can start an item in', () => {
    for (const { status } of statusMeanings) expect(importStatuses[status]).toBeDefined();
    expect(isStatusMeaning('closed')).toBe(true);
    expect(isStatusMeaning('sort of done')).toBe(false);
  });

  it('reads a row through the mapping, keeping the words the force wrote', () => {
    const row = {
      'Report title': 'T',
      Originator: 'HMICFRS',
      Reference: '1',
      Text: 'x',
      Category: '3',
      Status: 'HMICFRS have agreed closure of these recommendations.',
    };
    expect(readImportRow(2, row).problems[0]).toMatchObject({
      column: 'Status',
      message: expect.stringContaining('is not a status the import knows'),
    });
    const map = new Map([[statusWordingKey(row.Status), 'closed' as const]]);
    const { item, problems } = readImportRow(2, row, map);
    expect(problems).toEqual([]);
    expect(item).toMatchObject({ status: 'closed', reportedStatus: row.Status });
  });
});
