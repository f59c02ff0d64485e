// Fuzzing the `qtw serve` HTTP and WebSocket layers with seeded random input: raw requests
// (odd methods, targets, headers, truncations), upgrade requests, and raw frames after a good
// handshake. Whatever comes, nothing may escape to the process, and the server must still answer
// a good page request and a good RPC afterwards. A stand-in engine keeps DuckDB out of it.
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineMethod } from '../../../../src-main/contract.ts';
import { startServer, type RunningServer } from '../../../../src-main/hosts/server/server.ts';
import { handleRaw } from '../../../../src-main/service/rpc-dispatch.ts';
import { MAX_MESSAGE_BYTES } from '../../../../src-main/service/rpc-validate.ts';
import { scratch } from '../../../helpers/paths.ts';
import { prng } from '../../../helpers/prng.ts';
import { exchange, frame, rawSocket, rpc, status } from '../../../helpers/raw-client.ts';

const SEED = 0x5eed_2026;
const HTTP_CASES = 240;
const UPGRADE_CASES = 80;
const FRAME_SESSIONS = 80;
const PARALLEL = 16;
/** How long one case waits for an answer before it hangs up (a truncated request gets none). */
const CASE_WAIT_MS = 250;

const METHODS: EngineMethod[] = ['workspaceInfo', 'listTraces', 'runQuery', 'cancelQuery', 'fetchRows', 'releaseResult', 'chartData', 'timeline', 'openInputs', 'saveReport', 'exportReport'];

function fuzzer(seed: number, token: string, port: number) {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const text = (n: number) => Array.from({ length: n }, () => pick(['a', '/', '%', '?', '&', '=', ' ', 'é', '€', '\u{1F600}', '\u0000', '\r', '\n', ':', '[', '"', '\\', '.'])).join('');

  function json(depth: number): unknown {
    switch (int(depth > 2 ? 5 : 8)) {
      case 0:
        return null;
      case 1:
        return pick([0, -1, 1.5, 2 ** 53, -(2 ** 60), 1e308]);
      case 2:
        return pick([true, false]);
      case 3:
        return text(int(20));
      case 4:
        return pick(['', 'select 1', 'x'.repeat(int(5000)), '__proto__']);
      case 5:
        return Array.from({ length: int(4) }, () => json(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = int(4); i > 0; i--) o[pick(['sql', 'handle', 'paths', 'options', 'report', 'spec', '__proto__', 'constructor', text(4)])] = json(depth + 1);
        return o;
      }
    }
  }

  function message(): Buffer {
    switch (int(4)) {
      case 0:
        return Buffer.from(JSON.stringify({ kind: 'request', id: int(100), method: pick(METHODS), params: json(0) }));
      case 1:
        return Buffer.from(JSON.stringify(json(0)) ?? 'null');
      case 2:
        return Buffer.from(`{"kind":"request","id":1,"method":"${pick(METHODS)}","params":${'['.repeat(int(3000))}`);
      default:
        return bytes(int(200));
    }
  }

  function httpRequest(): Buffer {
    const method = pick(['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH', 'G\u0000T', 'GÉT', '', 'get']);
    const target = pick([
      '/',
      '//',
      '%',
      '/%',
      '/%E0%A4%A',
      '*',
      'http://evil.example/',
      `/?token=${token}`,
      '/?token=%',
      `/index.html?token=${token}`,
      `/upload?token=${token}&name=${text(6)}`,
      `/download?token=${token}&name=..%2f${text(3)}`,
      '/rpc',
      '/' + 'a'.repeat(int(70_000)),
      '/ü/€',
      '/\u007f',
      '/' + text(30),
    ]);
    const headers: string[] = [];
    for (let i = int(6); i > 0; i--) {
      headers.push(
        pick([
          `Host: ${pick([`127.0.0.1:${port}`, 'localhost', 'evil.example', '', '[', '[::1]:1', '127.0.0.1:abc', text(8)])}`,
          `Cookie: ${pick(['qtw_token=%', `qtw_token=${token}`, 'qtw_token=', '=;=;', text(12)])}`,
          `Content-Length: ${pick(['0', '5', '-1', 'abc', '99999999999999', String(int(100))])}`,
          'Transfer-Encoding: chunked',
          `Origin: ${pick(['null', 'http://evil.example', `http://127.0.0.1:${port}`, text(5)])}`,
          'Connection: close',
          'no colon here',
          `X-${text(3)}: ${text(10)}`,
          `X-Long: ${'b'.repeat(int(40_000))}`,
        ]),
      );
    }
    if (rand() < 0.7) headers.push(`Host: 127.0.0.1:${port}`);
    const whole = Buffer.concat([Buffer.from(`${method} ${target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`), rand() < 0.3 ? bytes(int(300)) : Buffer.alloc(0)]);
    // A request cut short anywhere, as a client that went away leaves it.
    return rand() < 0.25 ? whole.subarray(0, int(whole.length)) : whole;
  }

  function upgradeRequest(): Buffer {
    const lines = [
      `GET ${pick([`/rpc?token=${token}`, '/rpc', '//', '%', `/?token=${token}`, '/rpc?token=%'])} HTTP/1.1`,
      `Host: ${pick([`127.0.0.1:${port}`, 'evil.example', `localhost:${port}`, '['])}`,
      `Upgrade: ${pick(['websocket', 'WebSocket', 'h2c', text(5)])}`,
      'Connection: Upgrade',
    ];
    if (rand() < 0.8) lines.push(`Sec-WebSocket-Key: ${pick(['dGhlIHNhbXBsZSBub25jZQ==', '', text(10), 'x'.repeat(24)])}`);
    if (rand() < 0.8) lines.push(`Sec-WebSocket-Version: ${pick(['13', '8', 'x', ''])}`);
    if (rand() < 0.3) lines.push(`Cookie: ${pick(['qtw_token=%', `qtw_token=${token}`, text(8)])}`);
    if (rand() < 0.3) lines.push(`Sec-WebSocket-Extensions: ${pick(['permessage-deflate', 'permessage-deflate; server_max_window_bits=7', text(10)])}`);
    if (rand() < 0.3) lines.push(`Origin: ${pick(['http://evil.example', `http://127.0.0.1:${port}`, 'null'])}`);
    const whole = Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), rand() < 0.4 ? frame({ opcode: int(16), payload: message() }) : Buffer.alloc(0)]);
    return rand() < 0.2 ? whole.subarray(0, int(whole.length)) : whole;
  }

  function frames(): Buffer[] {
    return Array.from({ length: 1 + int(4) }, () => {
      const kind = int(10);
      const payload = message();
      if (kind === 0) return frame({ opcode: 1, payload, declaredLength: MAX_MESSAGE_BYTES + 1 + int(1000) });
      if (kind === 1) return frame({ opcode: 1, payload: Buffer.concat([payload, Buffer.from([0xc3, 0x28, 0xff])]) });
      if (kind === 2) return frame({ opcode: int(16), payload, rsv: int(8), masked: rand() < 0.8 });
      if (kind === 3) return frame({ opcode: 1, payload, fin: false });
      if (kind === 4) return frame({ opcode: pick([0, 8, 9, 10]), payload: rand() < 0.5 ? payload.subarray(0, 125) : payload });
      if (kind === 5) return frame({ opcode: 1, payload, masked: false });
      if (kind === 6) return frame({ opcode: 1, payload }).subarray(0, 1 + int(6));
      return frame({ opcode: pick([1, 1, 2]), payload });
    });
  }

  return { httpRequest, upgradeRequest, frames };
}

/** Run jobs a few at a time (bounded sockets, bounded time). */
async function inBatches(n: number, job: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i += PARALLEL) await Promise.all(Array.from({ length: Math.min(PARALLEL, n - i) }, (_, k) => job(i + k)));
}

describe('qtw serve under random input', () => {
  const tmp = scratch('qtw-fuzz-');
  const root = path.join(tmp.dir, 'renderer');
  let server: RunningServer;
  const escaped: unknown[] = [];
  const onEscape = (e: unknown) => void escaped.push(e);

  beforeAll(async () => {
    process.on('uncaughtException', onEscape);
    process.on('unhandledRejection', onEscape);
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
    let handles = 0;
    const callable = {
      call: async (method: EngineMethod): Promise<unknown> => (method === 'runQuery' ? { handle: ++handles, columns: [], rowCount: 0, elapsedMs: 0 } : {}),
    };
    server = await startServer({
      rendererDir: root,
      uploadDir: path.join(tmp.dir, 'uploads'),
      downloadDir: path.join(tmp.dir, 'exports'),
      maxUploadBytes: 1000,
      endpoint: { handle: (raw) => handleRaw(callable, raw), onEvent: () => () => undefined },
    });
  });
  afterAll(async () => {
    process.off('uncaughtException', onEscape);
    process.off('unhandledRejection', onEscape);
    await server.close();
    tmp.cleanup();
  });

  const stillServing = async () => {
    expect(escaped.map(String)).toEqual([]);
    expect((await fetch(server.url)).status).toBe(200);
    expect(await rpc(server.port, server.token, { kind: 'request', id: 77, method: 'workspaceInfo', params: {} })).toEqual({ kind: 'response', id: 77, ok: true, result: {} });
  };

  it('survives random raw HTTP requests', async () => {
    const f = fuzzer(SEED, server.token, server.port);
    const cases = Array.from({ length: HTTP_CASES }, () => f.httpRequest());
    const failures: string[] = [];
    await inBatches(cases.length, async (i) => {
      // Bad input is the client's fault: a 4xx (or a dropped connection), never a 5xx.
      const code = status(await exchange(server.port, cases[i], CASE_WAIT_MS));
      if (code >= 500) failures.push(`${code} for ${JSON.stringify(cases[i].toString('latin1').slice(0, 120))}`);
    });
    expect(failures).toEqual([]);
    await stillServing();
  });

  it('survives random upgrade requests', async () => {
    const f = fuzzer(SEED + 1, server.token, server.port);
    const cases = Array.from({ length: UPGRADE_CASES }, () => f.upgradeRequest());
    await inBatches(cases.length, (i) => exchange(server.port, cases[i], CASE_WAIT_MS));
    await stillServing();
  });

  it('survives random frames after a good handshake', async () => {
    const f = fuzzer(SEED + 2, server.token, server.port);
    const sessions = Array.from({ length: FRAME_SESSIONS }, () => f.frames());
    await inBatches(sessions.length, async (i) => {
      const { sock, closed } = await rawSocket(server.port, server.token);
      for (const b of sessions[i]) if (!sock.destroyed) sock.write(b);
      await Promise.race([closed, new Promise((r) => setTimeout(r, CASE_WAIT_MS))]);
      sock.destroy();
    });
    await stillServing();
  });

  it('survives clients that vanish mid-connection', async () => {
    await inBatches(32, async () => {
      const sock = net.connect(server.port, '127.0.0.1');
      sock.on('error', () => undefined);
      await new Promise((r) => sock.once('connect', r));
      sock.write(`POST /upload?token=${server.token}&name=x.log HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: 900\r\n\r\nabc`);
      sock.resetAndDestroy();
    });
    await stillServing();
  });
});
