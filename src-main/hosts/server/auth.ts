// Access control for `qtw serve`: one random token per server. The page URL carries it once;
// the server answers with an HttpOnly cookie so the page's own assets and the WebSocket are
// authorised without putting the token in every URL.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';

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
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return null; // a malformed escape (`%`) proves nothing
    }
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

/** The host name of a Host header ("name[:port]" or "[v6][:port]"), lower-cased; null if malformed. */
export function hostName(hostHeader: string | undefined): string | null {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]/\s]+)(?::\d{1,5})?$/.exec(hostHeader ?? '');
  return m ? m[1].toLowerCase() : null;
}

/** Host names a request to a server bound to `host` may carry: loopback names and that address. */
export function allowedHostNames(host: string): Set<string> {
  const bracket = (a: string) => (a.includes(':') ? `[${a.toLowerCase()}]` : a.toLowerCase());
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', bracket(host)]);
  // Bound to every interface: reached by this machine's addresses or name.
  if (host === '0.0.0.0' || host === '::') {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(bracket(a.address.replace(/%.*$/, '')));
    names.add(hostname().toLowerCase());
  }
  return names;
}

/**
 * DNS rebinding: a page of evil.example whose name comes to resolve to 127.0.0.1 talks to this
 * server as same-origin, but its requests still say `Host: evil.example`. Any port is accepted:
 * an SSH or container port forward changes it, and the name is what the attacker cannot fake.
 */
export function hostAllowed(hostHeader: string | undefined, allowed: ReadonlySet<string>): boolean {
  const name = hostName(hostHeader);
  return name !== null && allowed.has(name);
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
