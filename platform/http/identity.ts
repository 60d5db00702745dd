import type { Role } from '../../domain/vocabulary';

/** Who made a request, once authenticated: the person, and how they proved it. */
export interface Identity {
  person: { id: string; name: string; email: string; roles: Role[] };
  via: 'session' | 'api_token';
  /** For a browser session: its id (the token's hash) and the token its changes must carry. */
  session?: { id: string; csrfToken: string };
  /** For an API token: its id. */
  tokenId?: string;
}

declare global {
  namespace Express {
    interface Request {
      /** Set by the authentication middleware (api/auth/authenticate.ts); absent for anonymous requests. */
      identity?: Identity;
    }
  }
}
