// `qtw serve` against hostile clients: malformed requests, bad frames, foreign Host headers,
// symlinks out of its folders, oversized and aborted uploads, and clients that leave mid-query.
// Each answer is asserted, and so is that nothing escaped to the process as an uncaught error.
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EngineMethod, ParamsOf, ServerMessage } from '../../../../src-main/contract.ts';
import { allowedHostNames, cookieValue, hostAllowed } from '../../../../src-main/hosts/server/auth.ts';
import { resolveStatic } from '../../../../src-main/hosts/server/static-files.ts';
import { requestUrl, startServer, type RunningServer } from '../../../../src-main/hosts/server/server.ts';
import { handleRaw } from '../../../../src-main/service/rpc-dispatch.ts';
import { MAX_MESSAGE_BYTES, MAX_REPORT_BYTES, MAX_SQL_BYTES } from '../../../../src-main/service/rpc-validate.ts';
import { scratch } from '../../../helpers/paths.ts';
import { closeCode, exchange, frame, rawSocket, rpc, status, upgradeRequest } from '../../../helpers/raw-client.ts';

const escaped: unknown[] = [];
const onEscape = (e: unknown) => void escaped.push(e);
beforeAll(() => {
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
});
afterAll(() => {
  process.off('uncaughtException', onEscape);
  process.off('unhandledRejection', onEscape);
});
afterEach(() => {
  expect(escaped.splice(0).map((e) => String(e))).toEqual([]);
});

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; !cond(); waited += 20) {
    if (waited > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * An engine stand-in behind the real validation: runQuery hands out handles; 'slow' waits until
 * cancelQuery, or until its session is closed (as EngineService.sessionClosed interrupts it).
 */
function standIn() {
  const calls: { id: number; method: string; params: unknown; session?: number }[] = [];
  let nextHandle = 1;
  let cancel: (() => void) | null = null;
  let slowSession: number | undefined;
  const callable = {
    async call<M extends EngineMethod>(method: M, params: ParamsOf<M>): Promise<unknown> {
      if (method === 'runQuery') {
        if ((params as { sql: string }).sql === 'slow') await new Promise<void>((r) => (cancel = r));
        return { handle: nextHandle++, columns: [], rowCount: 0, elapsedMs: 0 };
      }
      if (method === 'cancelQuery') {
        const c = cancel;
        cancel = null;
        c?.();
        return { cancelled: c !== null };
      }
      return {};
    },
  };
  return {
    calls,
    endpoint: {
      handle: (raw: unknown, session?: number): Promise<ServerMessage> => {
        const m = raw as { id?: number; method?: string; params?: unknown } | undefined;
        if (m && typeof m.method === 'string') calls.push({ id: m.id ?? 0, method: m.method, params: m.params, session });
        if (m?.method === 'runQuery' && (m.params as { sql?: string } | undefined)?.sql === 'slow') slowSession = session;
        return handleRaw(callable, raw);
      },
      sessionClosed: (session: number): void => {
        calls.push({ id: -1, method: 'sessionClosed', params: { session } });
        if (slowSession === session && cancel !== null) {
          const c = cancel;
          cancel = null;
          c();
        }
      },
      onEvent: () => () => undefined,
    },
  };
}

describe('hostile requests to qtw serve', () => {
  const tmp = scratch('qtw-hostile-');
  const root = path.join(tmp.dir, 'renderer');
  const exportsDir = path.join(tmp.dir, 'exports');
  const uploads = path.join(tmp.dir, 'uploads');
  const engine = standIn();
  let server: RunningServer;
  let base = '';
  const good = (p = '/') => `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: qtw_token=${server.token}\r\nConnection: close\r\n\r\n`;
  const stillServing = async () => {
    expect((await fetch(server.url)).status).toBe(200);
    expect(await rpc(server.port, server.token, { kind: 'request', id: 5, method: 'listTraces', params: {} })).toMatchObject({ id: 5, ok: true });
  };

  beforeAll(async () => {
    mkdirSync(root, { recursive: true });
    mkdirSync(exportsDir, { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
    writeFileSync(path.join(root, 'app.js'), '1');
    writeFileSync(path.join(tmp.dir, 'secret.txt'), 'secret');
    symlinkSync(path.join(tmp.dir, 'secret.txt'), path.join(root, 'leak.txt'));
    symlinkSync(path.join(root, 'app.js'), path.join(root, 'alias.js'));
    symlinkSync(tmp.dir, path.join(root, 'up'));
    writeFileSync(path.join(exportsDir, 'report-1.md'), '# r\n');
    symlinkSync(path.join(tmp.dir, 'secret.txt'), path.join(exportsDir, 'report-2.md'));
    server = await startServer({ rendererDir: root, uploadDir: uploads, downloadDir: exportsDir, endpoint: engine.endpoint, maxUploadBytes: 16 });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    tmp.cleanup();
  });

  describe('inputs that used to throw out of a handler', () => {
    it('answers an upgrade whose cookie is a malformed escape, and keeps serving', async () => {
      const a = await exchange(server.port, upgradeRequest(server.port, '/rpc', { cookie: 'qtw_token=%' }));
      expect(status(a)).toBe(403);
      await stillServing();
    });
    it('answers an upgrade to // and to other non-path targets', async () => {
      expect(status(await exchange(server.port, upgradeRequest(server.port, '//')))).toBe(403);
      expect(status(await exchange(server.port, upgradeRequest(server.port, `//?token=${server.token}`)))).toBe(403);
      expect(status(await exchange(server.port, upgradeRequest(server.port, '*')))).toBe(400);
      await stillServing();
    });
    it('answers plain requests with those inputs with 4xx', async () => {
      const bad = `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: qtw_token=%\r\nConnection: close\r\n\r\n`;
      expect(status(await exchange(server.port, bad))).toBe(403);
      expect(status(await exchange(server.port, good('//')))).toBe(404);
      expect(status(await exchange(server.port, good('//x/index.html')))).toBe(404);
      expect(status(await exchange(server.port, good('/%')))).toBe(404);
      expect(status(await exchange(server.port, good('*')))).toBe(400);
      await stillServing();
    });
    it('answers malformed HTTP with 400', async () => {
      expect(status(await exchange(server.port, 'GARBAGE\0\r\n\r\n'))).toBe(400);
      await stillServing();
    });
    it('reads cookies with malformed escapes as no token', () => {
      expect(cookieValue('qtw_token=%', 'qtw_token')).toBeNull();
      expect(cookieValue('qtw_token=%E0%A4%A', 'qtw_token')).toBeNull();
      expect(requestUrl('//')?.pathname).toBe('//');
      expect(requestUrl('http://evil.example/')).toBeNull();
    });
  });

  describe('bad WebSocket frames close that socket only', () => {
    const text = (s: string | Buffer) => (Buffer.isBuffer(s) ? s : Buffer.from(s));
    it.each([
      ['announced over the size limit', frame({ opcode: 1, payload: text('{}'), declaredLength: MAX_MESSAGE_BYTES + 1 }), 1009],
      ['invalid UTF-8 text', frame({ opcode: 1, payload: text(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])) }), 1007],
      ['a reserved opcode', frame({ opcode: 3, payload: text('x') }), 1002],
      ['RSV bits set', frame({ opcode: 1, rsv: 0b100, payload: text('{}') }), 1002],
      ['an unmasked client frame', frame({ opcode: 1, masked: false, payload: text('{}') }), 1002],
    ])('%s', async (_what, bytes, code) => {
      const other = await rawSocket(server.port, server.token);
      const bad = await rawSocket(server.port, server.token);
      bad.sock.write(bytes);
      await bad.closed;
      expect(closeCode(bad.received())).toBe(code);
      expect(other.sock.destroyed).toBe(false);
      other.sock.destroy();
      await stillServing();
    });
  });

  describe('message limits in bytes, within one frame', () => {
    it('keeps the validators under the frame limit', () => {
      // SQL escapes to at most 6 bytes per byte in JSON; a report is measured as its JSON.
      expect(6 * MAX_SQL_BYTES + 1024).toBeLessThan(MAX_MESSAGE_BYTES);
      expect(MAX_REPORT_BYTES + 1024).toBeLessThan(MAX_MESSAGE_BYTES);
    });
    it('answers a 1 M-character query of 3-byte characters with invalid request', async () => {
      const sql = '€'.repeat(1 << 20);
      const r = await rpc(server.port, server.token, { kind: 'request', id: 9, method: 'runQuery', params: { sql } });
      expect(r).toMatchObject({ id: 9, ok: false });
      expect(r.kind === 'response' && !r.ok && r.error.message).toMatch(/^invalid request: params\.sql: .*bytes/);
    });
    it('accepts a report of a few MB and refuses one over the byte limit', async () => {
      const item = (i: number, sql: string) => ({ kind: 'query', id: `q${i}`, title: '', sql, show: 'table', chart: null, maxRows: 10 });
      const report = (items: unknown[]) => ({ kind: 'request', id: 11, method: 'saveReport', params: { report: { title: 't', items } } });
      const ok = await rpc(server.port, server.token, report([1, 2, 3].map((i) => item(i, 'x'.repeat(800_000)))));
      expect(ok).toMatchObject({ id: 11, ok: true });
      const big = await rpc(server.port, server.token, report([1, 2, 3].map((i) => item(i, '€'.repeat(1_000_000)))));
      expect(big.kind === 'response' && !big.ok && big.error.message).toMatch(/^invalid request: params\.report: at most \d+ bytes/);
    });
  });

  describe('Host header (DNS rebinding)', () => {
    it('refuses a foreign Host even with the token, on HTTP and upgrades', async () => {
      const req = (host: string) => `GET /?token=${server.token} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
      expect(status(await exchange(server.port, req('evil.example')))).toBe(403);
      expect(status(await exchange(server.port, req(`evil.example:${server.port}`)))).toBe(403);
      // No Host at all: Node refuses HTTP/1.1 without one before any handler runs.
      expect(status(await exchange(server.port, `GET /?token=${server.token} HTTP/1.1\r\nConnection: close\r\n\r\n`))).toBe(400);
      expect(status(await exchange(server.port, upgradeRequest(server.port, `/rpc?token=${server.token}`, { host: `evil.example:${server.port}` })))).toBe(403);
      for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`, 'LOCALHOST']) {
        expect(status(await exchange(server.port, req(host)))).toBe(200);
      }
      expect(status(await exchange(server.port, upgradeRequest(server.port, `/rpc?token=${server.token}`, { host: `localhost:${server.port}` }), 5000, true))).toBe(101);
    });
    it('accepts the address the server was started on', () => {
      const names = allowedHostNames('192.0.2.7');
      expect(hostAllowed('192.0.2.7:8080', names)).toBe(true);
      expect(hostAllowed('192.0.2.8:8080', names)).toBe(false);
      expect(hostAllowed('[fe80::1]:80', allowedHostNames('fe80::1'))).toBe(true);
      expect(hostAllowed('127.0.0.1:1:2', names)).toBe(false);
      expect(hostAllowed('127.0.0.1@evil.example', names)).toBe(false);
    });
  });

  describe('symlinks out of the served folders', () => {
    it('refuses renderer and download files whose real path lies outside', async () => {
      const get = async (p: string) => (await fetch(`${base}${p}${p.includes('?') ? '&' : '?'}token=${server.token}`)).status;
      expect(await get('/leak.txt')).toBe(404);
      expect(await get('/up/secret.txt')).toBe(404);
      expect(await get('/download?name=report-2.md')).toBe(404);
      expect(await get('/alias.js')).toBe(200);
      expect(await get('/download?name=report-1.md')).toBe(200);
      // resolveStatic alone still maps the path; the real-path check is the server's.
      expect(resolveStatic(root, '/leak.txt')).toBe(path.join(root, 'leak.txt'));
    });
  });

  describe('uploads', () => {
    const post = (len: string, extra = '') =>
      `POST /upload?token=${server.token}&name=a.log HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${len}Connection: close\r\n\r\n${extra}`;
    const files = () => (existsSync(uploads) ? readdirSync(uploads) : []);

    it('refuses a declared size over the cap before reading it', async () => {
      const a = await exchange(server.port, post('Content-Length: 1000\r\n'));
      expect(status(a)).toBe(413);
      expect(a).toContain('--max-upload-mb');
      expect(files()).toEqual([]);
    });
    it('refuses a chunked body once it passes the cap, and removes the partial file', async () => {
      const body = 'x'.repeat(40);
      const a = await exchange(server.port, post('Transfer-Encoding: chunked\r\n', `8\r\n${body.slice(0, 8)}\r\n20\r\n${body.slice(8)}\r\n`));
      expect(status(a)).toBe(413);
      expect(files()).toEqual([]);
    });
    it.each([
      ['chunked', 'Transfer-Encoding: chunked\r\n', '4\r\nabcd\r\n'],
      ['with a length', 'Content-Length: 12\r\n', 'abcd'],
    ])('removes the partial file of a client that goes away mid-upload (%s)', async (_how, framing, partial) => {
      const sock = net.connect(server.port, '127.0.0.1');
      sock.on('error', () => undefined);
      sock.write(post(framing, partial));
      await until('the upload file', () => files().length === 1);
      sock.destroy();
      await until('the partial upload to be removed', () => files().length === 0);
    });
    it('stores an upload within the cap', async () => {
      const r = await fetch(`${base}/upload?token=${server.token}&name=ok.log`, { method: 'POST', body: 'line\n' });
      expect(r.status).toBe(200);
      expect(files()).toHaveLength(1);
    });
  });

  describe('a client that leaves', () => {
    const hostCalls = (method: string) => engine.calls.filter((c) => c.id < 0 && c.method === method);

    it('releases the result handles its socket created', async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`);
      const replies: ServerMessage[] = [];
      ws.on('message', (d) => replies.push(JSON.parse(String(d)) as ServerMessage));
      await new Promise((r) => ws.on('open', r));
      for (const id of [1, 2, 3]) ws.send(JSON.stringify({ kind: 'request', id, method: 'runQuery', params: { sql: 'select 1' } }));
      await until('three results', () => replies.length === 3);
      const handles = replies.map((r) => (r.kind === 'response' && r.ok ? (r.result as { handle: number }).handle : 0)).sort();
      ws.send(JSON.stringify({ kind: 'request', id: 4, method: 'releaseResult', params: { handle: handles[0] } }));
      await until('the release', () => replies.length === 4);
      ws.close();
      await until('releases by the host', () => hostCalls('releaseResult').length === 2);
      expect(hostCalls('releaseResult').map((c) => (c.params as { handle: number }).handle).sort()).toEqual(handles.slice(1));
      // Its end is reported for its own session only; no blanket cancelQuery (that would stop another tab's query).
      const session = engine.calls.find((c) => c.id === 1 && c.method === 'runQuery')?.session;
      expect(session).toBeDefined();
      await until('the session end', () => hostCalls('sessionClosed').some((c) => (c.params as { session: number }).session === session));
      expect(hostCalls('cancelQuery')).toEqual([]);
    });

    it('cancels its running query and releases what that query returns', async () => {
      const before = hostCalls('releaseResult').length;
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`);
      await new Promise((r) => ws.on('open', r));
      ws.send(JSON.stringify({ kind: 'request', id: 1, method: 'runQuery', params: { sql: 'slow' } }));
      await until('the query to start', () => engine.calls.some((c) => c.id === 1 && (c.params as { sql?: string }).sql === 'slow'));
      const session = engine.calls.find((c) => c.id === 1 && (c.params as { sql?: string }).sql === 'slow')?.session;
      ws.terminate();
      await until('the session end', () => hostCalls('sessionClosed').some((c) => (c.params as { session: number }).session === session));
      await until('the late result to be released', () => hostCalls('releaseResult').length === before + 1);
    });
  });
});
