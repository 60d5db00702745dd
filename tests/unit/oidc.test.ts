import { OidcClient, OidcError } from '../../api/auth/oidc';
import { startOidcIssuer, type FakeIssuer, type Tamper } from '../support/oidcIssuer';

/** The OpenID Connect client against a small local provider: the happy path, and every way an ID token can be wrong. */
describe('OIDC sign-in client', () => {
  let issuer: FakeIssuer;
  const redirectUri = 'http://tracker.test/sign-in/oidc/callback';
  const client = () =>
    new OidcClient({
      issuerUrl: issuer.url,
      clientId: issuer.clientId,
      clientSecret: issuer.clientSecret,
      providerName: 'Test',
      redirectUri,
    });

  beforeAll(async () => {
    issuer = await startOidcIssuer();
  });
  afterAll(async () => {
    await issuer.stop();
  });
  beforeEach(() => {
    issuer.tamper = 'none';
    issuer.user = { sub: 'entra-subject-42', email: 'Tom.Ellery@Test.Police.UK', name: 'Tom Ellery' };
  });

  /** Follows the flow as a browser would: start, the provider's redirect back, then the callback. */
  async function signIn(c: OidcClient, change?: (callback: URLSearchParams) => void) {
    const { url, pending } = await c.startSignIn();
    const authorize = await fetch(url, { redirect: 'manual' });
    const back = new URL(authorize.headers.get('location')!);
    change?.(back.searchParams);
    return c.finishSignIn(Object.fromEntries(back.searchParams), pending);
  }

  it('asks for a code with PKCE, a state and a nonce, and returns the verified person', async () => {
    const c = client();
    const { url, pending } = await c.startSignIn();
    const asked = new URL(url);
    expect(asked.origin + asked.pathname).toBe(`${issuer.url}/authorize`);
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: issuer.clientId,
      redirect_uri: redirectUri,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge_method: 'S256',
    });
    expect(asked.searchParams.get('scope')).toContain('openid');
    expect(await signIn(c)).toEqual({
      issuer: issuer.url,
      subject: 'entra-subject-42',
      email: 'tom.ellery@test.police.uk',
      name: 'Tom Ellery',
    });
  });

  it("takes Entra's preferred_username when there is no email claim", async () => {
    issuer.user = { sub: 's', preferred_username: 'ruth.adebayo@test.police.uk' };
    expect((await signIn(client())).email).toBe('ruth.adebayo@test.police.uk');
  });

  const wrong: [Tamper, RegExp][] = [
    ['wrong-nonce', /nonce/],
    ['wrong-audience', /another application/],
    ['expired', /expired/],
    ['bad-signature', /signature is not valid/],
    ['alg-none', /not accepted/],
    ['other-issuer', /issued by someone else/],
    ['unknown-key', /does not publish/],
  ];
  it.each(wrong)('refuses an ID token with %s', async (tamper, message) => {
    issuer.tamper = tamper;
    const failure = signIn(client());
    await expect(failure).rejects.toBeInstanceOf(OidcError);
    await expect(failure).rejects.toThrow(message);
  });

  it('refuses a callback whose state is not the one sent, or that carries an error', async () => {
    await expect(signIn(client(), (q) => q.set('state', 'forged'))).rejects.toThrow(/state/);
    await expect(signIn(client(), (q) => (q.delete('code'), q.set('error', 'access_denied')))).rejects.toThrow(/access_denied/);
  });

  it('refuses a wrong client secret and a provider that names another issuer', async () => {
    const badSecret = new OidcClient({
      issuerUrl: issuer.url,
      clientId: issuer.clientId,
      clientSecret: 'wrong',
      providerName: 'Test',
      redirectUri,
    });
    await expect(signIn(badSecret)).rejects.toThrow(/invalid_client/);
    const misnamed = new OidcClient({
      issuerUrl: `${issuer.url}/tenant`,
      clientId: issuer.clientId,
      clientSecret: issuer.clientSecret,
      providerName: 'Test',
      redirectUri,
    });
    await expect(misnamed.startSignIn()).rejects.toThrow(/could not be reached|refused|calls itself/);
  });
});
