import { renderAssignmentEmail } from '../../activities/emails/assignmentEmail';

describe('renderAssignmentEmail', () => {
  const email = renderAssignmentEmail({
    forceName: 'Demo Constabulary',
    ownerName: 'Tom <b>Ellery</b>',
    leadName: 'Nadia Haskins',
    reportTitle: 'Stalking & harassment',
    originator: 'HMICFRS',
    reference: '4a',
    kind: 'area_for_improvement',
    text: 'Improve <script>alert(1)</script> recording',
    dueDate: '2027-03-31',
    link: 'https://tracker.example/recommendations/abc',
  });

  it('has a subject that says what to do and by when', () => {
    expect(email.subject).toBe('Action assigned to you, due 31 March 2027: HMICFRS Stalking & harassment, area for improvement 4a');
  });

  it('escapes user text in the HTML part and keeps it as typed in the text part', () => {
    expect(email.html).toContain('Tom &lt;b&gt;Ellery&lt;/b&gt;');
    expect(email.html).toContain('Improve &lt;script&gt;alert(1)&lt;/script&gt; recording');
    expect(email.html).not.toContain('<script>');
    expect(email.text).toContain('Improve <script>alert(1)</script> recording');
  });

  it('links to the recommendation in both parts', () => {
    expect(email.text).toContain('https://tracker.example/recommendations/abc');
    expect(email.html).toContain('href="https://tracker.example/recommendations/abc"');
  });
});
