import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal OpenID Connect provider for tests, standing in for the force's identity provider (an external system):
 * discovery, a key set, an authorization endpoint that signs the user in at once, and a token endpoint that checks
 * the client secret and PKCE and returns an RS256 ID token. `tamper` makes it misbehave in one chosen way; claims in
 * `user` override the token's own (aud, iat…).
 */
export type Tamper =
  'none' | 'wrong-nonce' | 'wrong-audience' | 'expired' | 'bad-signature' | 'alg-none' | 'other-issuer' | 'unknown-key' | 'no-id-token';

export interface FakeIssuer {
  url: string;
  clientId: string;
  clientSecret: string;
  /** Claims of the next sign-in (sub, email, name…). */
  user: Record<string, unknown>;
  tamper: Tamper;
  stop(): Promise<void>;
}

export async function startOidcIssuer(options: { clientId?: string; clientSecret?: string; port?: number } = {}): Promise<FakeIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'test-key-1', use: 'sig', alg: 'RS256' };
  const codes = new Map<string, { nonce: string; challenge: string; redirectUri: string }>();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer: FakeIssuer = {
    url,
    clientId: options.clientId ?? 'tracker-test-client',
    clientSecret: options.clientSecret ?? 'tracker-test-secret',
    user: { sub: 'subject-1', email: 'someone@test.police.uk', name: 'Someone' },
    tamper: 'none',
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const json = (res: http.ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  function idToken(nonce: string): string {
    const now = Math.floor(Date.now() / 1000);
    const t = issuer.tamper;
    const header = { alg: t === 'alg-none' ? 'none' : 'RS256', kid: t === 'unknown-key' ? 'another-key' : jwk.kid, typ: 'JWT' };
    const claims = {
      iss: t === 'other-issuer' ? 'https://elsewhere.example' : url,
      aud: t === 'wrong-audience' ? 'another-client' : issuer.clientId,
      iat: now,
      exp: t === 'expired' ? now - 3600 : now + 300,
      nonce: t === 'wrong-nonce' ? 'not-the-nonce' : nonce,
      ...issuer.user,
    };
    const signed = `${b64(header)}.${b64(claims)}`;
    if (t === 'alg-none') return `${signed}.`;
    const signature = sign('sha256', Buffer.from(signed), privateKey);
    if (t === 'bad-signature') signature[0] = signature[0]! ^ 0xff;
    return `${signed}.${signature.toString('base64url')}`;
  }

  server.on('request', (req, res) => {
    const at = new URL(req.url ?? '/', url);
    // Under any path, so that a client configured with a longer issuer URL finds a provider naming itself differently.
    if (at.pathname.endsWith('/.well-known/openid-configuration')) {
      return json(res, 200, {
        issuer: url,
        authorization_endpoint: `${url}/authorize`,
        token_endpoint: `${url}/token`,
        jwks_uri: `${url}/jwks`,
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
      });
    }
    if (at.pathname === '/jwks') return json(res, 200, { keys: [jwk] });
    if (at.pathname === '/authorize') {
      const q = at.searchParams;
      if (q.get('client_id') !== issuer.clientId || q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256')
        return json(res, 400, { error: 'invalid_request' });
      const code = randomBytes(16).toString('hex');
      codes.set(code, { nonce: q.get('nonce') ?? '', challenge: q.get('code_challenge') ?? '', redirectUri: q.get('redirect_uri') ?? '' });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      return res.writeHead(302, { location: back.toString() }).end();
    }
    if (at.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        // RFC 6749 2.3.1: both halves form-urlencoded (clients differ on which characters they escape).
        const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
        const [user, password] = Buffer.from(encoded ?? '', 'base64')
          .toString('utf8')
          .split(':')
          .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
        if (scheme !== 'Basic' || user !== issuer.clientId || password !== issuer.clientSecret)
          return json(res, 401, { error: 'invalid_client' });
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (!grant || form.get('grant_type') !== 'authorization_code' || form.get('redirect_uri') !== grant.redirectUri)
          return json(res, 400, { error: 'invalid_grant' });
        if (
          createHash('sha256')
            .update(form.get('code_verifier') ?? '')
            .digest('base64url') !== grant.challenge
        )
          return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
        const tokens = { access_token: 'opaque', token_type: 'Bearer', expires_in: 300 };
        json(res, 200, issuer.tamper === 'no-id-token' ? tokens : { ...tokens, id_token: idToken(grant.nonce) });
      });
      return;
    }
    json(res, 404, { error: 'not_found' });
  });
  return issuer;
}
