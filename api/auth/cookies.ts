import type { Request, Response } from 'express';

/** Cookies of a request, parsed by hand: name=value pairs separated by semicolons, values percent-decoded. */
export function readCookies(req: Request): Record<string, string> {
  const header = req.headers.cookie;
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    const name = part.slice(0, index).trim();
    if (!name || name in cookies) continue;
    let value = part.slice(index + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      cookies[name] = decodeURIComponent(value);
    } catch {
      cookies[name] = value;
    }
  }
  return cookies;
}

export interface CookieOptions {
  maxAgeSeconds?: number;
  secure: boolean;
  sameSite?: 'Lax' | 'Strict';
  path?: string;
}

/**
 * Sets an HttpOnly cookie. Over TLS the name gets the `__Host-` prefix, which browsers accept only from a secure
 * origin, for path `/`, without a Domain: nothing on a sibling host can set or shadow it.
 */
export function setCookie(res: Response, name: string, value: string, options: CookieOptions): void {
  const parts = [
    `${cookieName(name, options.secure)}=${encodeURIComponent(value)}`,
    `Path=${options.path ?? '/'}`,
    'HttpOnly',
    `SameSite=${options.sameSite ?? 'Lax'}`,
  ];
  if (options.secure) parts.push('Secure');
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`);
  res.append('Set-Cookie', parts.join('; '));
}

export function clearCookie(res: Response, name: string, secure: boolean): void {
  setCookie(res, name, '', { secure, maxAgeSeconds: 0 });
}

export function cookieName(name: string, secure: boolean): string {
  return secure ? `__Host-${name}` : name;
}

/** The secure attribute is used when the product is reached over TLS: a https PUBLIC_URL, or TLS at a trusted proxy. */
export function isSecureRequest(req: Request, publicUrl: string): boolean {
  return publicUrl.startsWith('https:') || req.secure;
}
