// The `qtw://app/` scheme: the built renderer (dist/renderer) served from disk with the app's CSP.
// A custom standard+secure scheme instead of file:// gives the page a real origin (so the CSP's
// 'self', workers and fetch behave as on the web) and lets nothing but this handler answer.
// The resolver is pure and the handler uses only web Request/Response, so both are testable in
// plain Node; `registerAppScheme`/`serveAppProtocol` are the Electron wiring.
import { realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Protocol } from 'electron';
import { APP_HOST, APP_SCHEME, CSP, isAppUrl } from './security.ts';

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export function mimeTypeFor(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type Resolution = { readonly file: string; readonly mime: string } | { readonly status: 400 | 404; readonly reason: string };

/** Dot segments in any spelling: `..`, `.`, and their percent-encoded forms. */
const DOT_SEGMENT = /(^|[/\\])(\.|%2e){1,2}($|[/\\?#])/i;

/**
 * Map a request URL to a file under `root`, or say why not. Refuses other schemes and hosts,
 * dot segments (raw or encoded), backslashes, encoded separators, NUL, and anything whose real
 * path (after symlinks) leaves root.
 */
export function resolveAppRequest(root: string, rawUrl: string): Resolution {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { status: 400, reason: 'malformed URL' };
  }
  if (!isAppUrl(rawUrl)) return { status: 404, reason: 'not an app URL' };
  // WHATWG parsing already collapses `..`; refuse them outright rather than serve a surprise file.
  const rawPath = rawUrl.slice(`${APP_SCHEME}://${APP_HOST}`.length).split(/[?#]/)[0] ?? '';
  if (DOT_SEGMENT.test(rawPath) || DOT_SEGMENT.test(url.pathname)) return { status: 400, reason: 'dot segment in path' };
  if (rawPath.includes('\\') || /%5c|%2f|%00/i.test(url.pathname)) return { status: 400, reason: 'encoded separator in path' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return { status: 400, reason: 'bad percent-encoding' };
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.includes('//')) return { status: 400, reason: 'bad path' };
  const rel = decoded === '/' ? 'index.html' : decoded.slice(1);
  if (rel === '' || path.isAbsolute(rel) || /^[a-z]:/i.test(rel)) return { status: 400, reason: 'absolute path' };
  let base: string;
  try {
    base = realpathSync(root);
  } catch {
    return { status: 404, reason: 'the UI is not built' };
  }
  const candidate = path.resolve(base, ...rel.split('/'));
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return { status: 404, reason: 'no such file' };
  }
  if (!real.startsWith(base + path.sep)) return { status: 404, reason: 'outside the app' };
  try {
    if (!statSync(real).isFile()) return { status: 404, reason: 'not a file' };
  } catch {
    return { status: 404, reason: 'no such file' };
  }
  return { file: real, mime: mimeTypeFor(real) };
}

/** Headers on every app response; the CSP covers documents and workers alike. */
export function responseHeaders(mime: string): Record<string, string> {
  return {
    'content-type': mime,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-cache',
  };
}

/** The protocol handler: web Request in, web Response out. */
export function appRequestHandler(root: string): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return new Response('method not allowed\n', { status: 405, headers: responseHeaders('text/plain; charset=utf-8') });
    const r = resolveAppRequest(root, req.url);
    if ('status' in r) return new Response(`${r.reason}\n`, { status: r.status, headers: responseHeaders('text/plain; charset=utf-8') });
    const body = req.method === 'HEAD' ? null : await readFile(r.file);
    return new Response(body, { status: 200, headers: responseHeaders(r.mime) });
  };
}

/** Must run before app `ready`: privileges cannot be granted later. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } },
  ]);
}

export function serveAppProtocol(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle(APP_SCHEME, appRequestHandler(root));
}
