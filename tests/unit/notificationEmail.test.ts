import { renderNotificationEmail, type NotificationFacts } from '../../activities/emails/notificationEmail';
import { notificationTemplates } from '../../domain/lifecycle';

const facts: NotificationFacts = {
  forceName: 'Demo Constabulary',
  recipientName: 'Tom <b>Ellery</b>',
  ownerName: 'Tom Ellery',
  leadName: 'Nadia Haskins',
  reportTitle: 'Stalking & harassment',
  originator: 'HMICFRS',
  reference: '4a',
  kind: 'area_for_improvement',
  text: 'Improve <script>alert(1)</script> recording',
  dueDate: '2027-03-31',
  whatHappened: 'Assigned to Tom Ellery',
  link: 'https://tracker.example/recommendations/abc',
};

describe('renderNotificationEmail', () => {
  it('gives the owner a subject that says what to do and by when', () => {
    expect(renderNotificationEmail('assigned_to_you', facts).subject).toBe(
      'Action assigned to you, due 31 March 2027: HMICFRS Stalking & harassment, area for improvement 4a',
    );
    expect(renderNotificationEmail('approval_requested', facts).subject).toBe(
      'Approval needed: HMICFRS Stalking & harassment, area for improvement 4a',
    );
  });

  it.each(notificationTemplates)('%s: escapes user text in HTML, keeps it as typed in text, and links to the item', (template) => {
    const email = renderNotificationEmail(template, facts);
    expect(email.html).toContain('Tom &lt;b&gt;Ellery&lt;/b&gt;');
    expect(email.html).toContain('Improve &lt;script&gt;alert(1)&lt;/script&gt; recording');
    expect(email.html).not.toContain('<script>');
    expect(email.text).toContain('Improve <script>alert(1)</script> recording');
    expect(email.text).toContain('https://tracker.example/recommendations/abc');
    expect(email.html).toContain('href="https://tracker.example/recommendations/abc"');
    expect(email.text).toContain('What happened: Assigned to Tom Ellery');
  });
});
