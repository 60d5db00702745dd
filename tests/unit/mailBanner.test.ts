import { mailBannerLines, smtpBannerLine } from '../../bin/mailBanner';

const base = { smtpUrl: 'smtp://127.0.0.1:2525', publicUrl: 'http://localhost:3000', mailDir: '/data/mail' };

describe("the start banner's lines about mail", () => {
  it('says plainly, first, that mail is caught in a local mailbox and not delivered', () => {
    const text = mailBannerLines({ ...base, caught: true, production: false }).join('\n');
    expect(text).toMatch(/MAIL IS NOT BEING DELIVERED/);
    expect(text).toContain('caught in a local mailbox (/data/mail) and nobody receives it');
    expect(text).toContain('http://localhost:3000/dev/mailbox');
    expect(text).toContain('signed-in administrators only, from a browser on this machine');
    expect(smtpBannerLine({ ...base, caught: true, production: false })).toContain('mail caught in /data/mail, not delivered');
  });

  it('does not offer the mailbox in production, and says how to deliver instead', () => {
    const text = mailBannerLines({ ...base, caught: true, production: true }).join('\n');
    expect(text).toMatch(/MAIL IS NOT BEING DELIVERED/);
    expect(text).not.toContain('/dev/mailbox');
    expect(text).toContain('not served with NODE_ENV=production: set SMTP_URL');
  });

  it('says nothing of a mailbox when a mail server is configured', () => {
    expect(mailBannerLines({ ...base, caught: false, production: false })).toEqual([]);
    expect(smtpBannerLine({ ...base, caught: false, production: false })).toBe('  SMTP                      SMTP_URL');
  });
});
