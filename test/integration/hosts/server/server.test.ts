// The `qtw serve` HTTP/WebSocket host on its own: token checks, origin checks, static file
// confinement, uploads, and message relay to an endpoint.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EngineEvent, ServerMessage } from '../../../../src-main/contract.ts';
import { cookieValue, originAllowed } from '../../../../src-main/hosts/server/auth.ts';
import { resolveStatic } from '../../../../src-main/hosts/server/static-files.ts';
import { safeUploadName, startServer, type RunningServer } from '../../../../src-main/hosts/server/server.ts';
import { isLoopback } from '../../../../src-main/hosts/server/serve.ts';
import { scratch } from '../../../helpers/paths.ts';

describe('static file confinement', () => {
  const tmp = scratch('qtw-static-');
  const root = path.join(tmp.dir, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
  writeFileSync(path.join(root, 'assets/app.js'), '1');
  writeFileSync(path.join(tmp.dir, 'secret.txt'), 'no');
  afterAll(() => tmp.cleanup());

  it('serves files under the root and index.html for /', () => {
    expect(resolveStatic(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStatic(root, '/assets/app.js')).toBe(path.join(root, 'assets/app.js'));
  });
  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt', '/..%2fsecret.txt', '/..\\secret.txt', '/%00index.html', '/assets', '/nope.js', '/%E0%A4%A'])(
    'refuses %s',
    (p) => {
      expect(resolveStatic(root, p)).toBeNull();
    },
  );
});

describe('auth helpers', () => {
  it('reads cookies and checks origins', () => {
    expect(cookieValue('a=1; qtw_token=abc%2D; b=2', 'qtw_token')).toBe('abc-');
    expect(cookieValue(undefined, 'qtw_token')).toBeNull();
    expect(originAllowed('http://127.0.0.1:9000', '127.0.0.1:9000')).toBe(true);
    expect(originAllowed('http://evil.example', '127.0.0.1:9000')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:9000')).toBe(false);
    expect(originAllowed('file://', '127.0.0.1:9000')).toBe(false);
  });
  it('keeps upload names to a plain base name', () => {
    expect(safeUploadName('../../etc/passwd')).toBe('passwd');
    expect(safeUploadName('C:\\x\\src.log.gz')).toBe('src.log.gz');
    expect(safeUploadName('..')).toBeNull();
    expect(safeUploadName('')).toBeNull();
    expect(safeUploadName('a b;$(x).log')).toBe('a_b___x_.log');
  });
  it('knows loopback hosts', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('192.168.1.2')).toBe(false);
  });
});

describe('server', () => {
  const tmp = scratch('qtw-serve-');
  const root = path.join(tmp.dir, 'renderer');
  const uploads = path.join(tmp.dir, 'uploads');
  const exportsDir = path.join(tmp.dir, 'exports');
  let server: RunningServer;
  const seen: unknown[] = [];
  let emit: (e: EngineEvent) => void = () => undefined;

  beforeAll(async () => {
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
    mkdirSync(exportsDir, { recursive: true });
    writeFileSync(path.join(exportsDir, 'report-1.md'), '# report\n');
    server = await startServer({
      rendererDir: root,
      uploadDir: uploads,
      downloadDir: exportsDir,
      endpoint: {
        handle: async (raw): Promise<ServerMessage> => {
          seen.push(raw);
          const id = (raw as { id?: number } | undefined)?.id ?? -1;
          return raw === undefined
            ? { kind: 'response', id: -1, ok: false, error: { code: 'invalid-input', message: 'invalid request', position: null } }
            : { kind: 'response', id, ok: true, result: { echo: raw } };
        },
        onEvent: (l) => {
          emit = l;
          return () => undefined;
        },
      },
    });
  });
  afterAll(async () => {
    await server.close();
    tmp.cleanup();
  });

  it('binds loopback and prints a URL with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
  });

  it('refuses requests without the token and sets a cookie with it', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/`)).status).toBe(403);
    expect((await fetch(`${base}/?token=${server.token}x`)).status).toBe(403);
    const ok = await fetch(server.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'self'");
    const cookie = ok.headers.get('set-cookie') ?? '';
    expect(cookie).toContain('HttpOnly');
    const viaCookie = await fetch(`${base}/index.html`, { headers: { cookie: cookie.split(';')[0] } });
    expect(viaCookie.status).toBe(200);
  });

  it('stores uploads under their base name only, and only with the token', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/upload?name=a.log`, { method: 'POST', body: 'x' })).status).toBe(403);
    const r = await fetch(`${base}/upload?token=${server.token}&name=..%2F..%2Fevil.log`, { method: 'POST', body: 'line 1\n' });
    expect(r.status).toBe(200);
    const { path: stored } = (await r.json()) as { path: string };
    expect(path.dirname(stored)).toBe(uploads);
    expect(path.basename(stored)).toMatch(/evil\.log$/);
    expect(readFileSync(stored, 'utf8')).toBe('line 1\n');
    expect(readdirSync(uploads)).toHaveLength(1);
    const cross = await fetch(`${base}/upload?token=${server.token}&name=b.log`, { method: 'POST', body: 'x', headers: { origin: 'http://evil.example' } });
    expect(cross.status).toBe(403);
  });

  it('offers exported files by plain name only, with the token', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/download?name=report-1.md`)).status).toBe(403);
    const ok = await fetch(`${base}/download?token=${server.token}&name=report-1.md`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-disposition')).toBe('attachment; filename="report-1.md"');
    expect(await ok.text()).toBe('# report\n');
    for (const bad of ['../renderer/index.html', '..%2Frenderer%2Findex.html', '/etc/passwd', '', 'nope.md']) {
      expect((await fetch(`${base}/download?token=${server.token}&name=${bad}`)).status).toBe(404);
    }
  });

  it('relays WebSocket messages and events; refuses bad tokens and foreign origins', async () => {
    const wsBase = `ws://127.0.0.1:${server.port}/rpc`;
    const opens = (url: string, headers: Record<string, string> = {}) =>
      new Promise<boolean>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.on('open', () => {
          ws.close();
          resolve(true);
        });
        ws.on('error', () => resolve(false));
      });
    expect(await opens(`${wsBase}?token=bad`)).toBe(false);
    expect(await opens(`${wsBase}?token=${server.token}`, { origin: 'http://evil.example' })).toBe(false);
    const ws = new WebSocket(`${wsBase}?token=${server.token}`);
    const got: ServerMessage[] = [];
    await new Promise<void>((resolve) => ws.on('open', () => resolve()));
    ws.on('message', (d) => got.push(JSON.parse(String(d)) as ServerMessage));
    ws.send(JSON.stringify({ kind: 'request', id: 7, method: 'listTraces', params: {} }));
    ws.send('{not json');
    emit({ type: 'tracesChanged' });
    await new Promise((r) => setTimeout(r, 300));
    ws.close();
    expect(got).toContainEqual({ kind: 'response', id: 7, ok: true, result: { echo: { kind: 'request', id: 7, method: 'listTraces', params: {} } } });
    expect(got).toContainEqual({ kind: 'response', id: -1, ok: false, error: { code: 'invalid-input', message: 'invalid request', position: null } });
    expect(got).toContainEqual({ kind: 'event', event: { type: 'tracesChanged' } });
  });
});
