import { actionLinkExpiry, readActionLinkToken, signActionLink } from '../../platform/email/actionLinkTokens';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const claims = {
  id: '5d1c3a52-1f7e-4c53-9e4b-3b8f0f7a1c11',
  personId: '0b6f7c1e-8d52-4a4a-9c0e-6a3a2f0b9d22',
  recommendationId: '7e2d9b40-3c1a-4f6e-8b7d-1c2e3f4a5b33',
  action: 'approve' as const,
  expiresAt: new Date('2027-03-01T09:00:00Z'),
};

describe('email action link tokens', () => {
  it('read back exactly what was signed', () => {
    expect(readActionLinkToken(signActionLink(claims, secret), secret)).toEqual({ ok: true, claims });
  });

  it('expire ACTION_LINK_DAYS after they are made', () => {
    expect(actionLinkExpiry(new Date('2027-01-01T10:00:00Z'), 14).toISOString()).toBe('2027-01-15T10:00:00.000Z');
  });

  it('are refused when signed with another secret (forged)', () => {
    expect(readActionLinkToken(signActionLink(claims, `${secret}-other`), secret)).toEqual({ ok: false, reason: 'forged' });
  });

  it('are refused when any claim is altered, even with the signature kept', () => {
    const token = signActionLink(claims, secret);
    const [, signature] = token.split('.');
    for (const altered of [
      { ...claims, action: 'reject' as const },
      { ...claims, personId: claims.recommendationId },
      { ...claims, expiresAt: new Date('2099-01-01T00:00:00Z') },
    ]) {
      const [payload] = signActionLink(altered, secret).split('.');
      expect(readActionLinkToken(`${payload}.${signature}`, secret)).toEqual({ ok: false, reason: 'forged' });
    }
    // One character changed anywhere
    const flipped = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
    expect(readActionLinkToken(flipped, secret).ok).toBe(false);
  });

  it('are refused when cut short or not tokens at all', () => {
    const token = signActionLink(claims, secret);
    for (const bad of [token.slice(0, -5), token.split('.')[0]!, '', 'a.b.c', '<script>.x', 'x'.repeat(5000)]) {
      expect(readActionLinkToken(bad, secret).ok).toBe(false);
    }
  });
});
