import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Session, WebContents } from 'electron';
import {
  APP_ORIGIN,
  APP_URL,
  CSP,
  externalLinkAllowed,
  hardenSession,
  hardenWebContents,
  isAppUrl,
  navigationAllowed,
  permissionAllowed,
  requestAllowed,
  windowOpenDecision,
} from '../../../../src-main/hosts/electron/security.ts';

describe('navigation guard', () => {
  it('allows the app origin only', () => {
    expect(navigationAllowed(APP_URL)).toBe(true);
    expect(navigationAllowed(`${APP_ORIGIN}/index.html?tab=sql#x`)).toBe(true);
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'qtw://app.evil.com/index.html',
      'qtw://evil/index.html',
      'qtw://user:pw@app/index.html',
      'qtw://app:8080/index.html',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'about:blank',
      'not a url',
      '',
    ]) {
      expect(navigationAllowed(url), url).toBe(false);
    }
  });

  it('agrees with isAppUrl', () => {
    expect(isAppUrl(APP_URL)).toBe(true);
    expect(isAppUrl('QTW://APP/index.html')).toBe(true); // schemes and hosts are case-insensitive
  });
});

describe('window.open', () => {
  it('is always denied; only validated https links go to the system browser', () => {
    expect(windowOpenDecision('https://qemu.org/docs/')).toEqual({ action: 'deny', openExternally: 'https://qemu.org/docs/' });
    for (const url of ['http://qemu.org/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://u:p@host/', APP_URL, 'https://' + 'a'.repeat(3000) + '.com/']) {
      expect(windowOpenDecision(url), url).toEqual({ action: 'deny', openExternally: null });
      expect(externalLinkAllowed(url), url).toBe(false);
    }
  });
});

describe('permissions and requests', () => {
  it('denies every permission, even from the app origin', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fileSystem', 'unknown']) {
      expect(permissionAllowed(p, APP_ORIGIN), p).toBe(false);
    }
  });

  it('lets the session load app, data and blob URLs only', () => {
    expect(requestAllowed(`${APP_ORIGIN}/assets/index.js`)).toBe(true);
    expect(requestAllowed('data:image/png;base64,AAAA')).toBe(true);
    expect(requestAllowed('blob:qtw://app/0f0e')).toBe(true);
    for (const url of ['https://cdn.example.com/x.js', 'http://localhost:5173/', 'ws://127.0.0.1:1/rpc', 'file:///etc/passwd', 'ftp://x/', 'devtools://devtools/bundled/x.html']) {
      expect(requestAllowed(url), url).toBe(false);
    }
    expect(requestAllowed('devtools://devtools/bundled/x.html', { devtools: true })).toBe(true);
  });
});

describe('CSP', () => {
  const directives = new Map(CSP.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

  it("defaults to 'self' and never allows eval or remote hosts", () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(CSP).not.toContain('unsafe-eval');
    expect(CSP).not.toContain('wasm-unsafe-eval');
    expect(CSP).not.toMatch(/https?:|wss?:|\*/);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });
});

describe('wiring to Electron objects', () => {
  it('hardenWebContents prevents foreign navigation and denies window.open', () => {
    const contents = new EventEmitter() as EventEmitter & { handler?: (d: { url: string }) => { action: string } };
    (contents as unknown as { setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => void }).setWindowOpenHandler = (h) => {
      contents.handler = h;
    };
    const opened: string[] = [];
    hardenWebContents(contents as unknown as WebContents, (u) => opened.push(u));
    const navigate = (event: string, url: string) => {
      let prevented = false;
      contents.emit(event, { url, preventDefault: () => (prevented = true) });
      return prevented;
    };
    expect(navigate('will-navigate', 'https://example.com/')).toBe(true);
    expect(navigate('will-navigate', APP_URL)).toBe(false);
    expect(navigate('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-frame-navigate', 'https://example.com/')).toBe(true);
    expect(navigate('will-attach-webview', APP_URL)).toBe(true);
    expect(contents.handler!({ url: 'https://qemu.org/' })).toEqual({ action: 'deny' });
    expect(contents.handler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://qemu.org/']);
  });

  it('hardenSession installs handlers that deny permissions and foreign requests', () => {
    type ReqHandler = (wc: { getURL(): string }, p: string, cb: (ok: boolean) => void, d: { requestingUrl?: string }) => void;
    type BeforeRequest = (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void;
    const got: { req?: ReqHandler; check?: (wc: null, p: string, origin: string) => boolean; before?: BeforeRequest; device?: () => boolean } = {};
    const ses = {
      setPermissionRequestHandler: (h: ReqHandler) => (got.req = h),
      setPermissionCheckHandler: (h: (wc: null, p: string, origin: string) => boolean) => (got.check = h),
      setDevicePermissionHandler: (h: () => boolean) => (got.device = h),
      webRequest: { onBeforeRequest: (h: BeforeRequest) => (got.before = h) },
    };
    hardenSession(ses as unknown as Session, { devtools: false });
    const answers: boolean[] = [];
    got.req!({ getURL: () => APP_URL }, 'media', (ok) => answers.push(ok), { requestingUrl: APP_URL });
    expect(answers).toEqual([false]);
    expect(got.check!(null, 'clipboard-read', APP_ORIGIN)).toBe(false);
    expect(got.device!()).toBe(false);
    const cancels: boolean[] = [];
    got.before!({ url: 'https://example.com/x.js' }, (r) => cancels.push(r.cancel));
    got.before!({ url: `${APP_ORIGIN}/index.html` }, (r) => cancels.push(r.cancel));
    expect(cancels).toEqual([true, false]);
  });
});
