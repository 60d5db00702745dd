import { spawnSync } from 'node:child_process';
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

  const wrong: [Tamper, string][] = [
    ['wrong-nonce', 'the ID token does not answer this sign-in (nonce)'],
    ['wrong-audience', 'the ID token is meant for another application'],
    ['expired', 'the ID token has expired'],
    ['bad-signature', 'the ID token signature is not valid'],
    ['alg-none', 'the ID token is signed with none, which is not accepted'],
    ['other-issuer', 'the ID token was issued by someone else'],
    ['unknown-key', 'the ID token was signed with a key the identity provider does not publish (another-key)'],
    ['no-id-token', 'the identity provider sent no ID token'],
  ];
  it.each(wrong)('refuses an ID token with %s', async (tamper, message) => {
    issuer.tamper = tamper;
    const failure = signIn(client());
    await expect(failure).rejects.toBeInstanceOf(OidcError);
    await expect(failure).rejects.toThrow(message);
  });

  it('refuses a token for several audiences without this application as its authorized party', async () => {
    issuer.user = { sub: 's', email: 'a@test.police.uk', aud: [issuer.clientId, 'another-client'] };
    await expect(signIn(client())).rejects.toThrow('the ID token is meant for another application');
    issuer.user = { sub: 's', email: 'a@test.police.uk', aud: [issuer.clientId, 'another-client'], azp: 'another-client' };
    await expect(signIn(client())).rejects.toThrow('the ID token is meant for another application');
  });

  it('tolerates two minutes of clock difference, not more', async () => {
    const now = Math.floor(Date.now() / 1000);
    issuer.user = { sub: 's', email: 'a@test.police.uk', exp: now - 60 };
    expect((await signIn(client())).subject).toBe('s');
    issuer.user = { sub: 's', email: 'a@test.police.uk', exp: now - 180 };
    await expect(signIn(client())).rejects.toThrow('the ID token has expired');
  });

  it('takes no email the provider says it has not verified', async () => {
    issuer.user = { sub: 's', email: 'unverified@test.police.uk', email_verified: false };
    expect(await signIn(client())).toMatchObject({ subject: 's', email: null });
  });

  it('refuses a callback whose state is not the one sent, that carries an error, or that has no code', async () => {
    await expect(signIn(client(), (q) => q.set('state', 'forged'))).rejects.toThrow(
      'the sign-in did not come back with the state it was sent with',
    );
    await expect(signIn(client(), (q) => (q.delete('code'), q.set('error', 'access_denied')))).rejects.toThrow(
      'the identity provider did not sign you in: access_denied',
    );
    await expect(signIn(client(), (q) => q.delete('code'))).rejects.toThrow('the identity provider sent no authorization code');
  });

  it('sends the PKCE verifier: a code redeemed with another one is refused by the provider', async () => {
    const c = client();
    const { url, pending } = await c.startSignIn();
    const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
    const other = (await c.startSignIn()).pending.codeVerifier;
    await expect(c.finishSignIn(Object.fromEntries(back.searchParams), { ...pending, codeVerifier: other })).rejects.toThrow(
      'the identity provider refused: invalid_grant (PKCE verification failed)',
    );
  });

  it('refuses a wrong client secret, a provider that names another issuer, and one that is not there', async () => {
    const settings = {
      issuerUrl: issuer.url,
      clientId: issuer.clientId,
      clientSecret: issuer.clientSecret,
      providerName: 'Test',
      redirectUri,
    };
    await expect(signIn(new OidcClient({ ...settings, clientSecret: 'wrong' }))).rejects.toThrow(
      'the identity provider refused: invalid_client',
    );
    await expect(new OidcClient({ ...settings, issuerUrl: `${issuer.url}/tenant` }).startSignIn()).rejects.toThrow(
      `the identity provider calls itself "${issuer.url}", not "${issuer.url}/tenant" (OIDC_ISSUER_URL)`,
    );
    const stopped = await startOidcIssuer();
    await stopped.stop();
    await expect(new OidcClient({ ...settings, issuerUrl: stopped.url }).startSignIn()).rejects.toThrow(
      /^the identity provider could not be reached/,
    );
  });

  it('asks the provider again after a failed discovery, not keeping the failure', async () => {
    const later = await startOidcIssuer();
    const port = new URL(later.url).port;
    await later.stop();
    const c = new OidcClient({ issuerUrl: later.url, clientId: 'c', clientSecret: 's', providerName: 'Test', redirectUri });
    await expect(c.startSignIn()).rejects.toThrow(/could not be reached/);
    const again = await startOidcIssuer({ port: Number(port) });
    try {
      await expect(c.startSignIn()).resolves.toMatchObject({ url: expect.stringContaining(`${again.url}/authorize`) });
    } finally {
      await again.stop();
    }
  });

  it("loads through Node's own require(), as the built product does (jest compiles it instead)", () => {
    const loaded = spawnSync(process.execPath, ['-e', "process.stdout.write(typeof require('openid-client').authorizationCodeGrant)"], {
      cwd: __dirname,
      encoding: 'utf8',
    });
    expect({ status: loaded.status, stdout: loaded.stdout, stderr: loaded.stderr }).toEqual({ status: 0, stdout: 'function', stderr: '' });
  });
});
