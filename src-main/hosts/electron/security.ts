// Everything that keeps the renderer inside its own origin: navigation, new windows, permissions,
// network requests and the Content-Security-Policy of the pages the app protocol serves. The
// decisions are pure functions; `hardenWebContents`/`hardenSession` only wire them to Electron.
import type { Session, WebContents } from 'electron';
import { RENDERER_CSP } from '../renderer-csp.ts';

export const APP_SCHEME = 'qtw';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

export const CSP = RENDERER_CSP;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True only for URLs of the app itself (`qtw://app/...`), never a look-alike host or port. */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  // Chromium lowercases hosts of standard schemes; Node's parser (tests, main) treats qtw: as opaque.
  return u !== null && u.protocol === `${APP_SCHEME}:` && u.host.toLowerCase() === APP_HOST && u.username === '' && u.password === '';
}

/** will-navigate / will-redirect / will-frame-navigate: stay on the app origin. */
export function navigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

/**
 * Links the user clicked that may open in the system browser: plain https to a named host, no
 * credentials, bounded length. Everything else (file:, javascript:, custom schemes that would
 * launch other programs) is refused.
 */
export function externalLinkAllowed(url: string): boolean {
  if (url.length > 2048) return false;
  const u = parse(url);
  return u !== null && u.protocol === 'https:' && u.hostname.length > 0 && u.username === '' && u.password === '';
}

/** Requests the session may make: the app's own files, and in-memory data/blob URLs. */
export function requestAllowed(url: string, opts: { devtools?: boolean } = {}): boolean {
  const u = parse(url);
  if (u === null) return false;
  if (u.protocol === 'data:' || u.protocol === 'blob:') return true;
  if (opts.devtools && (u.protocol === 'devtools:' || u.protocol === 'chrome-extension:')) return true;
  return isAppUrl(url);
}

/** Every permission (camera, notifications, clipboard-read, ...) is refused: the app needs none. */
export function permissionAllowed(_permission: string, _origin: string): boolean {
  return false;
}

export type WindowOpenDecision = { action: 'deny'; openExternally: string | null };

/** window.open and target=_blank: never a new Electron window; https links go to the browser. */
export function windowOpenDecision(url: string): WindowOpenDecision {
  return { action: 'deny', openExternally: externalLinkAllowed(url) ? url : null };
}

/** Attach the navigation and window-open guards to one WebContents (every one the app creates). */
export function hardenWebContents(contents: WebContents, openExternal: (url: string) => void): void {
  const guard = (e: { preventDefault(): void }, url: string) => {
    if (!navigationAllowed(url)) e.preventDefault();
  };
  contents.on('will-navigate', (e) => guard(e, e.url));
  contents.on('will-redirect', (e) => guard(e, e.url));
  contents.on('will-frame-navigate', (e) => guard(e, e.url));
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler((details) => {
    const d = windowOpenDecision(details.url);
    if (d.openExternally) openExternal(d.openExternally);
    return { action: 'deny' };
  });
}

/** Session-wide: permissions and network. `devtools` admits DevTools' own schemes in development. */
export function hardenSession(ses: Session, opts: { devtools: boolean }): void {
  ses.setPermissionRequestHandler((contents, permission, callback, details) => callback(permissionAllowed(permission, details.requestingUrl ?? contents.getURL())));
  ses.setPermissionCheckHandler((_contents, permission, origin) => permissionAllowed(permission, origin));
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !requestAllowed(details.url, opts) }));
}
