import { renderBatchEmail } from '../../activities/emails/batchEmail';

/** One person's emails of one kind from a batch of commands, as one email listing the items. */
describe('the email of a batch', () => {
  const entries = [
    {
      reference: '4',
      kind: 'recommendation' as const,
      reportTitle: 'Custody <2025>',
      originator: 'HMICFRS',
      dueDate: '2027-03-31',
      link: 'https://tracker.example/recommendations/a',
    },
    {
      reference: 'Action 2',
      kind: 'action' as const,
      reportTitle: 'Payroll audit',
      originator: 'Mazars',
      dueDate: null,
      link: 'https://tracker.example/recommendations/b',
    },
  ];

  it('lists every item with its due date and link, in text and escaped HTML', () => {
    const email = renderBatchEmail('assigned_to_you', { forceName: 'Test Constabulary', recipientName: 'Tom Ellery', entries });
    expect(email.subject).toBe('2 actions assigned to you');
    expect(email.text).toContain(
      '- HMICFRS Custody <2025>, recommendation 4, due 31 March 2027\n  https://tracker.example/recommendations/a',
    );
    expect(email.text).toContain('- Mazars Payroll audit, Action 2\n  https://tracker.example/recommendations/b');
    expect(email.text).toContain('What to do next: Open each to accept it');
    expect(email.html).toContain('Custody &lt;2025&gt;');
    expect(email.html).not.toContain('Custody <2025>');
  });

  it('names the lead’s part, and has words for any other kind', () => {
    expect(renderBatchEmail('lead_for_item', { forceName: 'F', recipientName: 'N', entries }).subject).toBe('You are the lead for 2 items');
    expect(renderBatchEmail('item_closed', { forceName: 'F', recipientName: 'N', entries }).subject).toBe('2 items changed');
  });
});
