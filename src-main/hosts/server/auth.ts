// Access control for `qtw serve`: one random token per server. The page URL carries it once;
// the server answers with an HttpOnly cookie so the page's own assets and the WebSocket are
// authorised without putting the token in every URL.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'qtw_token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** Where the request proved it knows the token: its query string, its cookie, or nowhere. */
export function tokenSource(req: IncomingMessage, url: URL, token: string): 'query' | 'cookie' | null {
  const q = url.searchParams.get('token');
  if (q !== null && sameToken(q, token)) return 'query';
  const c = cookieValue(req.headers.cookie, TOKEN_COOKIE);
  if (c !== null && sameToken(c, token)) return 'cookie';
  return null;
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}

/**
 * A browser page of another origin can open a WebSocket to loopback; refuse any Origin that is
 * not this server's own address.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true; // non-browser clients (tests, scripts) still need the token
  if (!hostHeader) return false;
  try {
    const o = new URL(origin);
    return (o.protocol === 'http:' || o.protocol === 'https:') && o.host === hostHeader;
  } catch {
    return false;
  }
}
