import * as openid from 'openid-client';

/**
 * Sign-in through the force's identity provider (most forces: Microsoft Entra ID) with OpenID Connect, through
 * `openid-client`: the authorization code flow with PKCE (S256), a state and a nonce, client authentication with the
 * client secret, and the ID token's claims and signature checked against the provider's published keys. This file
 * keeps what is ours: the settings, which claim gives the email, and a message a person can read for each refusal.
 */

export interface OidcSettings {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  /** Shown on the button: "Sign in with …". */
  providerName: string;
  redirectUri: string;
}

/** What a sign-in proved, from the verified ID token. */
export interface OidcClaims {
  issuer: string;
  subject: string;
  /** The email (or Entra's preferred_username / upn) the provider vouches for, lower-cased. */
  email: string | null;
  name: string | null;
}

/** What the browser must bring back to the callback, kept in a signed cookie between the two requests. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export class OidcError extends Error {
  override name = 'OidcError';
}

/** Tolerated clock difference with the provider. */
const CLOCK_TOLERANCE_SECONDS = 120;
/** The discovery document is fetched again after this long (the key set is refreshed by the library on a new key id). */
const DISCOVERY_MAX_AGE_MS = 3_600_000;
const REQUEST_TIMEOUT_SECONDS = 10;

const trimSlash = (url: string) => url.replace(/\/+$/, '');
const detail = (text: unknown) => (typeof text === 'string' && text ? ` (${text.slice(0, 200)})` : '');

const isError = (value: unknown): value is Error & { cause?: unknown } =>
  typeof value === 'object' && value !== null && typeof (value as Error).message === 'string' && typeof (value as Error).name === 'string';

/** The library's error, said as the reason a sign-in was refused; the library's own words when it is not one we know. */
function explain(error: unknown, settings: OidcSettings): OidcError {
  if (error instanceof OidcError) return error;
  if (error instanceof openid.AuthorizationResponseError)
    return new OidcError(`the identity provider did not sign you in: ${error.error}${detail(error.error_description)}`);
  if (error instanceof openid.ResponseBodyError)
    return new OidcError(`the identity provider refused: ${error.error}${detail(error.error_description)}`);
  if (error instanceof openid.WWWAuthenticateChallengeError)
    return new OidcError(`the identity provider refused: ${error.cause[0]?.parameters.error ?? error.status}`);
  if (!(error instanceof openid.ClientError)) {
    // By name: under jest the library runs in another realm than fetch, so its TypeError is not this one.
    const name = (error as Error | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError')
      return new OidcError(`the identity provider could not be reached (no answer in ${REQUEST_TIMEOUT_SECONDS} seconds)`);
    // fetch's own failure; the library's TypeErrors (a wrong argument: our mistake) carry a code.
    if (name === 'TypeError' && !('code' in (error as object))) {
      const reason = (error as Error & { cause?: { code?: unknown } }).cause?.code;
      return new OidcError(
        `the identity provider could not be reached (${typeof reason === 'string' ? reason : (error as Error).message})`,
      );
    }
    throw error;
  }
  if (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT')
    return new OidcError(`the identity provider could not be reached (no answer in ${REQUEST_TIMEOUT_SECONDS} seconds)`);
  // What the library did not recognise (a network failure seen from another realm, for one) it wraps as it is.
  if (error.code === undefined && isError(error.cause)) return explain(error.cause, settings);
  // openid-client wraps oauth4webapi's error, which names the claim or parameter that was wrong.
  const inner = isError(error.cause) ? error.cause : error;
  const facts = (inner.cause ?? {}) as {
    claim?: string;
    attribute?: string;
    body?: { issuer?: unknown };
    header?: { alg?: unknown; kid?: unknown };
  };
  switch (error.code) {
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
      if (facts.claim === 'nonce') return new OidcError('the ID token does not answer this sign-in (nonce)');
      if (facts.claim === 'aud' || facts.claim === 'azp') return new OidcError('the ID token is meant for another application');
      if (facts.claim === 'iss') return new OidcError('the ID token was issued by someone else');
      break;
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      if (facts.claim === 'exp') return new OidcError('the ID token has expired');
      if (facts.claim === 'nbf') return new OidcError('the ID token is not valid yet');
      break;
    case 'OAUTH_KEY_SELECTION_FAILED':
      return new OidcError(
        `the ID token was signed with a key the identity provider does not publish (${typeof facts.header?.kid === 'string' ? facts.header.kid : 'no key id'})`,
      );
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      if (facts.attribute === 'issuer')
        return new OidcError(
          `the identity provider calls itself "${String(facts.body?.issuer)}", not "${settings.issuerUrl}" (OIDC_ISSUER_URL)`,
        );
      break;
    case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
    case 'OAUTH_RESPONSE_IS_NOT_JSON': {
      const status = (error.cause as { status?: unknown } | undefined)?.status;
      return new OidcError(
        `the identity provider answered${typeof status === 'number' ? ` with HTTP ${status}` : ''} instead of what OpenID Connect expects`,
      );
    }
    case 'OAUTH_INVALID_RESPONSE':
      if (inner.message === 'JWT signature verification failed') return new OidcError('the ID token signature is not valid');
      if (inner.message.includes('"alg"'))
        return new OidcError(`the ID token is signed with ${String(facts.header?.alg)}, which is not accepted`);
      if (inner.message.includes('"state"')) return new OidcError('the sign-in did not come back with the state it was sent with');
      if (inner.message.includes('"id_token"')) return new OidcError('the identity provider sent no ID token');
      if (inner.message.startsWith('no authorization code')) return new OidcError('the identity provider sent no authorization code');
      break;
  }
  return new OidcError(`the identity provider's answer was not accepted: ${inner.message}`);
}

export class OidcClient {
  private configuration: { value: Promise<openid.Configuration>; fetchedAt: number } | null = null;

  constructor(readonly settings: OidcSettings) {}

  /** The provider's discovery document (its issuer must be exactly the configured one), fetched once an hour. */
  private discover(): Promise<openid.Configuration> {
    if (this.configuration && Date.now() - this.configuration.fetchedAt < DISCOVERY_MAX_AGE_MS) return this.configuration.value;
    const { issuerUrl, clientId, clientSecret } = this.settings;
    const basic = openid.ClientSecretBasic(clientSecret);
    const post = openid.ClientSecretPost(clientSecret);
    const value = openid
      .discovery(
        new URL(trimSlash(issuerUrl)),
        clientId,
        { [openid.clockTolerance]: CLOCK_TOLERANCE_SECONDS },
        // client_secret_basic when the provider offers it (its default), else client_secret_post.
        (server, client, body, headers) =>
          ((server.token_endpoint_auth_methods_supported ?? ['client_secret_basic']).includes('client_secret_basic') ? basic : post)(
            server,
            client,
            body,
            headers,
          ),
        {
          timeout: REQUEST_TIMEOUT_SECONDS,
          // Without this the library trusts the TLS connection to the token endpoint instead of the ID token's signature.
          execute: [openid.enableNonRepudiationChecks, ...(issuerUrl.startsWith('http:') ? [openid.allowInsecureRequests] : [])],
        },
      )
      .catch((error: unknown) => {
        this.configuration = null;
        throw explain(error, this.settings);
      });
    this.configuration = { value, fetchedAt: Date.now() };
    return value;
  }

  /** Where to send the browser, and what to keep until it comes back. */
  async startSignIn(): Promise<{ url: string; pending: PendingSignIn }> {
    const configuration = await this.discover();
    const pending: PendingSignIn = {
      state: openid.randomState(),
      nonce: openid.randomNonce(),
      codeVerifier: openid.randomPKCECodeVerifier(),
    };
    const url = openid.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUri,
      scope: 'openid profile email',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await openid.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, pending };
  }

  /** Checks the callback against what was kept, exchanges the code, and verifies the ID token. */
  async finishSignIn(query: Record<string, unknown>, pending: PendingSignIn): Promise<OidcClaims> {
    const configuration = await this.discover();
    const callback = new URL(this.settings.redirectUri);
    for (const [name, value] of Object.entries(query)) if (typeof value === 'string') callback.searchParams.set(name, value);
    let claims: openid.IDToken | undefined;
    try {
      const tokens = await openid.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      throw explain(error, this.settings);
    }
    if (!claims) throw new OidcError('the identity provider sent no ID token');
    const emailClaim = [claims.email, claims.preferred_username, claims.upn].find(
      (v): v is string => typeof v === 'string' && v.includes('@'),
    );
    const emailUnverified = claims.email === emailClaim && claims.email_verified === false;
    return {
      issuer: configuration.serverMetadata().issuer,
      subject: claims.sub,
      email: emailClaim && !emailUnverified ? emailClaim.trim().toLowerCase() : null,
      name: typeof claims.name === 'string' ? claims.name : null,
    };
  }
}
