import { createHash, createPublicKey, verify as verifySignature, type JsonWebKey, type KeyObject } from 'node:crypto';
import { randomToken, sameSecret } from '../../platform/secrets';

/**
 * Sign-in through the force's identity provider (most forces: Microsoft Entra ID) with OpenID Connect: the
 * authorization code flow with PKCE (S256), a state and a nonce, client authentication with the client secret, and
 * the ID token's signature checked against the provider's published keys. Written here rather than taken from a
 * library because this project's tests run under jest on Node 20, which cannot load the ESM-only OIDC clients.
 */

export interface OidcSettings {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  /** Shown on the button: "Sign in with …". */
  providerName: string;
  redirectUri: string;
}

interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  token_endpoint_auth_methods_supported?: string[];
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

const allowedAlgorithms: Record<string, { hash: string; kty: string; pss?: boolean }> = {
  RS256: { hash: 'sha256', kty: 'RSA' },
  RS384: { hash: 'sha384', kty: 'RSA' },
  RS512: { hash: 'sha512', kty: 'RSA' },
  PS256: { hash: 'sha256', kty: 'RSA', pss: true },
  PS384: { hash: 'sha384', kty: 'RSA', pss: true },
  PS512: { hash: 'sha512', kty: 'RSA', pss: true },
  ES256: { hash: 'sha256', kty: 'EC' },
  ES384: { hash: 'sha384', kty: 'EC' },
};

/** Tolerated clock difference with the provider. */
const CLOCK_SKEW_SECONDS = 120;

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // falls through
  }
  throw new OidcError(`the ID token's ${what} is not valid JSON`);
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export class OidcClient {
  private metadata: { value: ProviderMetadata; fetchedAt: number } | null = null;
  private keys: { value: (JsonWebKey & { kid?: string; use?: string; alg?: string })[]; fetchedAt: number } | null = null;

  constructor(
    readonly settings: OidcSettings,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private async getJson(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, { ...init, signal: AbortSignal.timeout(10_000), redirect: 'error' });
    } catch (error) {
      throw new OidcError(`the identity provider could not be reached (${(error as Error).message})`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new OidcError(`the identity provider answered ${response.status} without JSON`);
    }
    if (!response.ok) {
      const error = (body as { error?: unknown; error_description?: unknown }) ?? {};
      throw new OidcError(
        `the identity provider refused: ${String(error.error ?? response.status)}${error.error_description ? ` (${String(error.error_description).slice(0, 200)})` : ''}`,
      );
    }
    if (!body || typeof body !== 'object') throw new OidcError('the identity provider answered with something other than an object');
    return body as Record<string, unknown>;
  }

  /** The provider's discovery document, fetched once an hour; its issuer must be exactly the configured one. */
  async discover(): Promise<ProviderMetadata> {
    if (this.metadata && Date.now() - this.metadata.fetchedAt < 3_600_000) return this.metadata.value;
    const doc = await this.getJson(`${trimSlash(this.settings.issuerUrl)}/.well-known/openid-configuration`);
    for (const field of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
      if (typeof doc[field] !== 'string') throw new OidcError(`the identity provider's discovery document has no ${field}`);
    }
    if (trimSlash(doc.issuer as string) !== trimSlash(this.settings.issuerUrl)) {
      throw new OidcError(`the identity provider calls itself "${String(doc.issuer)}", not "${this.settings.issuerUrl}" (OIDC_ISSUER_URL)`);
    }
    const value = doc as unknown as ProviderMetadata;
    this.metadata = { value, fetchedAt: Date.now() };
    return value;
  }

  /** Where to send the browser, and what to keep until it comes back. */
  async startSignIn(): Promise<{ url: string; pending: PendingSignIn }> {
    const metadata = await this.discover();
    const pending: PendingSignIn = { state: randomToken(), nonce: randomToken(), codeVerifier: randomToken(48) };
    const url = new URL(metadata.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.settings.clientId);
    url.searchParams.set('redirect_uri', this.settings.redirectUri);
    url.searchParams.set('scope', 'openid profile email');
    url.searchParams.set('state', pending.state);
    url.searchParams.set('nonce', pending.nonce);
    url.searchParams.set('code_challenge', createHash('sha256').update(pending.codeVerifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    return { url: url.toString(), pending };
  }

  /** Checks the callback against what was kept, exchanges the code, and verifies the ID token. */
  async finishSignIn(query: Record<string, unknown>, pending: PendingSignIn): Promise<OidcClaims> {
    if (!sameSecret(typeof query.state === 'string' ? query.state : null, pending.state))
      throw new OidcError('the sign-in did not come back with the state it was sent with');
    if (typeof query.error === 'string') {
      throw new OidcError(
        `the identity provider did not sign you in: ${query.error}${typeof query.error_description === 'string' ? ` (${query.error_description.slice(0, 200)})` : ''}`,
      );
    }
    if (typeof query.code !== 'string' || !query.code) throw new OidcError('the identity provider sent no authorization code');
    const metadata = await this.discover();
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: query.code,
      redirect_uri: this.settings.redirectUri,
      code_verifier: pending.codeVerifier,
    });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    if (methods.includes('client_secret_basic')) {
      const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
      headers.authorization = `Basic ${Buffer.from(`${encode(this.settings.clientId)}:${encode(this.settings.clientSecret)}`).toString('base64')}`;
    } else {
      form.set('client_id', this.settings.clientId);
      form.set('client_secret', this.settings.clientSecret);
    }
    const tokens = await this.getJson(metadata.token_endpoint, { method: 'POST', headers, body: form.toString() });
    if (typeof tokens.id_token !== 'string') throw new OidcError('the identity provider sent no ID token');
    return this.verifyIdToken(tokens.id_token, pending.nonce, metadata);
  }

  private async signingKey(kid: string | undefined, kty: string, metadata: ProviderMetadata): Promise<KeyObject> {
    for (const refresh of [false, true]) {
      if (refresh || !this.keys || Date.now() - this.keys.fetchedAt > 3_600_000) {
        const jwks = await this.getJson(metadata.jwks_uri);
        if (!Array.isArray(jwks.keys)) throw new OidcError("the identity provider's key set has no keys");
        this.keys = { value: jwks.keys as never, fetchedAt: Date.now() };
      }
      const candidates = this.keys!.value.filter(
        (k) => k.kty === kty && (k.use === undefined || k.use === 'sig') && (kid === undefined || k.kid === kid),
      );
      if (candidates.length === 1) return createPublicKey({ key: candidates[0]!, format: 'jwk' });
      if (candidates.length > 1) throw new OidcError('the ID token does not say which of several keys signed it');
      if (refresh) break;
    }
    throw new OidcError(`the ID token was signed with a key the identity provider does not publish (${kid ?? 'no key id'})`);
  }

  async verifyIdToken(idToken: string, nonce: string, metadata?: ProviderMetadata): Promise<OidcClaims> {
    const provider = metadata ?? (await this.discover());
    const parts = idToken.split('.');
    if (parts.length !== 3) throw new OidcError('the ID token is not a signed JWT');
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = decodeJson(headerPart, 'header');
    const algorithm = allowedAlgorithms[String(header.alg)];
    if (!algorithm) throw new OidcError(`the ID token is signed with ${String(header.alg)}, which is not accepted`);
    const key = await this.signingKey(typeof header.kid === 'string' ? header.kid : undefined, algorithm.kty, provider);
    const signed = verifySignature(
      algorithm.hash,
      Buffer.from(`${headerPart}.${payloadPart}`),
      algorithm.kty === 'EC'
        ? { key, dsaEncoding: 'ieee-p1363' }
        : algorithm.pss
          ? { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: -1 }
          : key,
      Buffer.from(signaturePart, 'base64url'),
    );
    if (!signed) throw new OidcError('the ID token signature is not valid');
    const claims = decodeJson(payloadPart, 'payload');
    const now = Math.floor(Date.now() / 1000);
    if (claims.iss !== provider.issuer) throw new OidcError('the ID token was issued by someone else');
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(this.settings.clientId)) throw new OidcError('the ID token is meant for another application');
    if (audiences.length > 1 && claims.azp !== this.settings.clientId)
      throw new OidcError('the ID token was issued to another application');
    if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SECONDS < now) throw new OidcError('the ID token has expired');
    if (typeof claims.iat === 'number' && claims.iat - CLOCK_SKEW_SECONDS > now)
      throw new OidcError('the ID token was issued in the future');
    if (!sameSecret(typeof claims.nonce === 'string' ? claims.nonce : null, nonce))
      throw new OidcError('the ID token does not answer this sign-in (nonce)');
    if (typeof claims.sub !== 'string' || !claims.sub) throw new OidcError('the ID token names nobody (no subject)');
    const emailClaim = [claims.email, claims.preferred_username, claims.upn].find(
      (v): v is string => typeof v === 'string' && v.includes('@'),
    );
    const emailUnverified = claims.email === emailClaim && claims.email_verified === false;
    return {
      issuer: provider.issuer,
      subject: claims.sub,
      email: emailClaim && !emailUnverified ? emailClaim.trim().toLowerCase() : null,
      name: typeof claims.name === 'string' ? claims.name : null,
    };
  }
}
