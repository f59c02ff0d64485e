// The utility-process wiring in plain Node: fake parentPort and MessagePorts (event emitters, as
// in Electron), the real validator, the real service and a real workspace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import type { ServerMessage, TraceInfo } from '../../../../src-main/contract.ts';
import { openServiceBackend } from '../../../../src-main/hosts/electron/engine-backend.ts';
import { runEngineProcess, type EngineProcess, type PortLike } from '../../../../src-main/hosts/electron/engine-process.ts';
import type { EngineToParent } from '../../../../src-main/hosts/electron/engine-protocol.ts';
import { parseClientMessage } from '../../../../src-main/service/rpc-validate.ts';
import { SAMPLES, scratch } from '../../../helpers/paths.ts';

const SAMPLE = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/dst.log.gz');

class FakePort extends EventEmitter implements PortLike {
  readonly sent: ServerMessage[] = [];
  started = false;
  closed = false;
  postMessage(message: unknown): void {
    // Structured clone in Electron: the message must survive it (no functions, no class instances).
    this.sent.push(structuredClone(message) as ServerMessage);
  }
  start(): void {
    this.started = true;
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
  request(data: unknown): void {
    this.emit('message', { data: structuredClone(data) });
  }
  async waitFor(pred: (m: ServerMessage) => boolean, ms = 60_000): Promise<ServerMessage> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.sent.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.sent).slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  response(id: number): Promise<Extract<ServerMessage, { kind: 'response' }>> {
    return this.waitFor((m) => m.kind === 'response' && m.id === id) as Promise<Extract<ServerMessage, { kind: 'response' }>>;
  }
}

class FakeParent extends EventEmitter {
  readonly sent: EngineToParent[] = [];
  postMessage(message: unknown): void {
    this.sent.push(structuredClone(message) as EngineToParent);
  }
  deliver(data: unknown, ports: PortLike[] = []): void {
    this.emit('message', { data, ports });
  }
  async waitFor(pred: (m: EngineToParent) => boolean, ms = 60_000): Promise<EngineToParent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.sent.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out; parent got ${JSON.stringify(this.sent)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

let tmp: ReturnType<typeof scratch>;
let parent: FakeParent;
let engine: EngineProcess;
let port: FakePort;
const workspace = () => path.join(tmp.dir, 'ws.duckdb');

beforeAll(async () => {
  tmp = scratch('qtw-engine-proc-');
  parent = new FakeParent();
  engine = runEngineProcess(parent, openServiceBackend, parseClientMessage);
  port = new FakePort();
});
afterAll(async () => {
  await engine.close();
  tmp.cleanup();
});

describe('engine utility process', () => {
  it('answers requests before any workspace is open with an error, not a crash', async () => {
    parent.deliver({ type: 'connect', connectionId: 1 }, [port]);
    expect(port.started).toBe(true);
    expect(engine.connections()).toBe(1);
    port.request({ kind: 'request', id: 1, method: 'listTraces', params: {} });
    const r = await port.response(1);
    expect(r).toMatchObject({ ok: false, error: { code: 'internal', message: 'no workspace is open' } });
  });

  it('opens a workspace and ingests a real trace on request from main', async () => {
    parent.deliver({ type: 'open', workspace: workspace() });
    expect(await parent.waitFor((m) => m.type === 'opened' || m.type === 'openFailed')).toEqual({ type: 'opened', workspace: workspace() });
    parent.deliver({ type: 'ingest', paths: [SAMPLE] });
    const started = await parent.waitFor((m) => m.type === 'ingestStarted' || m.type === 'ingestFailed');
    expect(started.type).toBe('ingestStarted');
    const jobId = (started as Extract<EngineToParent, { type: 'ingestStarted' }>).jobId;
    // Events reach every connected renderer port.
    const done = await port.waitFor((m) => m.kind === 'event' && (m.event.type === 'ingestDone' || m.event.type === 'ingestFailed'), 120_000);
    expect(done).toMatchObject({ kind: 'event', event: { type: 'ingestDone', jobId } });
  });

  it('serves a valid listTraces with the real trace', async () => {
    port.request({ kind: 'request', id: 2, method: 'listTraces', params: {} });
    const r = await port.response(2);
    expect(r.ok).toBe(true);
    const traces = (r as Extract<typeof r, { ok: true }>).result as TraceInfo[];
    expect(traces).toHaveLength(1);
    const raw = gunzipSync(readFileSync(SAMPLE));
    const lines = raw.toString('utf8').split('\n').filter((l) => l.length > 0).length;
    expect(traces[0].path).toBe(SAMPLE);
    expect(traces[0].sha256).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(traces[0].bytes).toBe(String(raw.length));
    expect(traces[0].records).toBe(lines);
    expect(traces[0].events + traces[0].unparsed).toBe(traces[0].records - traces[0].dropped);
  });

  it('rejects malformed and hostile messages with an error response and keeps serving', async () => {
    // An unknown method is `not-found` (a renderer newer than its engine), any other rejection `invalid-input`.
    const bad: [unknown, number, string][] = [
      [{ kind: 'request', id: 10, method: 'dropEverything', params: {} }, 10, 'not-found'],
      [{ kind: 'request', id: 11, method: 'runQuery', params: { sql: 42 } }, 11, 'invalid-input'],
      [{ kind: 'request', id: 12, method: 'listTraces', params: {}, extra: true }, 12, 'invalid-input'],
      [{ kind: 'response', id: 13, ok: true, result: null }, 13, 'invalid-input'],
      [JSON.parse('{"kind":"request","id":14,"method":"listTraces","params":{"__proto__":{"x":1}}}'), 14, 'invalid-input'],
      ['not an object', -1, 'invalid-input'],
      [null, -1, 'invalid-input'],
      [{ kind: 'request', id: 1.5, method: 'listTraces', params: {} }, -1, 'invalid-input'],
    ];
    for (const [msg, id, code] of bad) {
      port.request(msg);
      const r = await port.response(id);
      expect(r.ok, JSON.stringify(msg)).toBe(false);
      if (!r.ok) expect(r.error.message.length).toBeGreaterThan(0);
      if (!r.ok) expect(r.error.code, JSON.stringify(msg)).toBe(code);
      port.sent.splice(port.sent.indexOf(r), 1);
    }
    port.request({ kind: 'request', id: 20, method: 'runQuery', params: { sql: 'SELECT count(*) AS n FROM traces' } });
    const q = await port.response(20);
    expect(q.ok).toBe(true);
  });

  it('relays the engine\'s failure code and SQL position to the renderer unchanged', async () => {
    const sql = 'SELECT nosuchcol FROM traces';
    port.request({ kind: 'request', id: 21, method: 'runQuery', params: { sql } });
    expect(await port.response(21)).toMatchObject({ ok: false, error: { code: 'sql', position: sql.indexOf('nosuchcol') } });
    port.request({ kind: 'request', id: 22, method: 'runQuery', params: { sql: 'DELETE FROM traces' } });
    expect(await port.response(22)).toMatchObject({ ok: false, error: { code: 'read-only', position: null } });
    port.request({ kind: 'request', id: 23, method: 'fetchRows', params: { handle: 999_999, offset: 0, count: 1, sort: null } });
    expect(await port.response(23)).toMatchObject({ ok: false, error: { code: 'not-found', message: 'unknown result handle 999999' } });
  });

  it('lets exportResult write only where main allowed it, once', async () => {
    port.request({ kind: 'request', id: 30, method: 'runQuery', params: { sql: 'SELECT trace_id, records FROM traces' } });
    const q = await port.response(30);
    expect(q.ok).toBe(true);
    const handle = ((q as Extract<typeof q, { ok: true }>).result as { handle: number }).handle;
    const target = path.join(tmp.dir, 'out.csv');
    port.request({ kind: 'request', id: 31, method: 'exportResult', params: { handle, format: 'csv', path: target } });
    expect((await port.response(31)).ok).toBe(false);
    parent.deliver({ type: 'allowExport', path: target });
    port.request({ kind: 'request', id: 32, method: 'exportResult', params: { handle, format: 'csv', path: target } });
    const ok = await port.response(32);
    expect(ok.ok).toBe(true);
    expect(readFileSync(target, 'utf8').trim().split('\n')).toHaveLength(2);
    port.request({ kind: 'request', id: 33, method: 'exportResult', params: { handle, format: 'csv', path: target } });
    expect((await port.response(33)).ok).toBe(false);
  });

  it('drops a page load’s port on disconnect and ignores bad control messages', async () => {
    const second = new FakePort();
    parent.deliver({ type: 'connect', connectionId: 2 }, [second]);
    expect(engine.connections()).toBe(2);
    parent.deliver({ type: 'connect', connectionId: 2 }, [new FakePort()]);
    expect(second.closed).toBe(true);
    expect(engine.connections()).toBe(2);
    parent.deliver({ type: 'disconnect', connectionId: 2 });
    expect(engine.connections()).toBe(1);
    const stray = new FakePort();
    parent.deliver({ type: 'connect', connectionId: -3 }, [stray]);
    parent.deliver({ type: 'nope' });
    expect(stray.closed).toBe(true);
    expect(engine.connections()).toBe(1);
  });

  it('closes the workspace and exits on shutdown', async () => {
    const p = new FakeParent();
    let exited = 0;
    const proc = runEngineProcess(p, openServiceBackend, parseClientMessage, () => void exited++);
    const ws = path.join(tmp.dir, 'shutdown.duckdb');
    p.deliver({ type: 'open', workspace: ws });
    await p.waitFor((m) => m.type === 'opened');
    const pagePort = new FakePort();
    p.deliver({ type: 'connect', connectionId: 1 }, [pagePort]);
    p.deliver({ type: 'shutdown' });
    for (let i = 0; i < 500 && exited === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(exited).toBe(1);
    expect(pagePort.closed).toBe(true);
    expect(proc.connections()).toBe(0);
  });
});
