// `serve()` on a real workspace: the hostile-input fixes hold through the whole stack, openInputs
// of a served session reads only beside its workspace, and qtw-uploads/ keeps only files a trace
// refers to (or whose ingest is still to come).
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../../src-main/contract.ts';
import { serve, type ServeSession } from '../../../../src-main/hosts/server/serve.ts';
import { SAMPLES, scratch } from '../../../helpers/paths.ts';
import { exchange, rpc, status, upgradeRequest } from '../../../helpers/raw-client.ts';

const SAMPLE = path.join(SAMPLES, 'qemu-7.2.22-log', 'qemu-7.2.22-log-nots-multifd-src.log');

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  for (let waited = 0; !cond(); waited += 25) {
    if (waited > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('serve() on a workspace', () => {
  const tmp = scratch('qtw-serve-session-');
  const folder = path.join(tmp.dir, 'ws');
  const outside = path.join(tmp.dir, 'elsewhere');
  const uploads = path.join(folder, 'qtw-uploads');
  const stale = path.join(uploads, '1-1-stale.log');
  let session: ServeSession;
  let port = 0;
  let token = '';
  let id = 100;
  const call = async (method: string, params: unknown): Promise<ServerMessage> => rpc(port, token, { kind: 'request', id: ++id, method, params });
  const upload = async (name: string, body: string | Buffer): Promise<string> => {
    const r = await fetch(`http://127.0.0.1:${port}/upload?token=${token}&name=${name}`, { method: 'POST', body });
    expect(r.status).toBe(200);
    return ((await r.json()) as { path: string }).path;
  };
  const jobsEnded = () => session.service.jobsIdle();

  beforeAll(async () => {
    mkdirSync(path.join(tmp.dir, 'renderer'), { recursive: true });
    writeFileSync(path.join(tmp.dir, 'renderer', 'index.html'), '<!doctype html>');
    mkdirSync(uploads, { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(stale, 'left by an earlier session\n');
    writeFileSync(path.join(outside, 'private.log'), 'not for the browser\n');
    symlinkSync(path.join(outside, 'private.log'), path.join(folder, 'link.log'));
    session = await serve({
      workspace: path.join(folder, 'w.duckdb'),
      inputs: [],
      options: {},
      rendererDir: path.join(tmp.dir, 'renderer'),
      maxUploadBytes: 1 << 20,
      log: () => undefined,
    });
    port = session.server.port;
    token = session.server.token;
  });
  afterAll(async () => {
    await session?.stop();
    tmp.cleanup();
  });

  it('keeps serving after an upgrade whose cookie is `qtw_token=%`', async () => {
    expect(status(await exchange(port, upgradeRequest(port, '/rpc', { cookie: 'qtw_token=%' })))).toBe(403);
    expect((await fetch(session.server.url)).status).toBe(200);
    expect(await call('workspaceInfo', {})).toMatchObject({ ok: true, result: { host: 'server' } });
  });

  it('removes uploads of an earlier session that no trace refers to, at start', () => {
    expect(existsSync(stale)).toBe(false);
  });

  it('reads only inside the workspace folder in a served session', async () => {
    for (const p of [path.join(outside, 'private.log'), path.join(folder, 'link.log'), path.join(folder, 'missing.log')]) {
      const r = await call('openInputs', { paths: [p], options: {} });
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input', message: `reading ${p} is not allowed in this session` } });
    }
    const viaCatalogue = await call('openInputs', { paths: [], options: { src: [path.join(folder, 'w.duckdb')], catalogues: [path.join(outside, 'private.log')] } });
    expect(viaCatalogue).toMatchObject({ ok: false, error: { message: `reading ${path.join(outside, 'private.log')} is not allowed in this session` } });
  });

  it('keeps an ingested upload, removes one that gave no trace, and leaves one not yet ingested', async () => {
    const kept = await upload('src.log', readFileSync(SAMPLE));
    const junk = await upload('junk.bin', Buffer.alloc(64, 0xff));
    const waiting = await upload('later.log', 'not asked for yet\n');
    const r = await call('openInputs', { paths: [kept, junk], options: {} });
    expect(r).toMatchObject({ ok: true });
    await jobsEnded();
    await until('the unreferenced upload to be removed', () => !existsSync(junk));
    const traces = await call('listTraces', {});
    expect(traces.kind === 'response' && traces.ok && (traces.result as { path: string }[]).map((t) => t.path)).toContain(kept);
    expect(readdirSync(uploads).sort()).toEqual([path.basename(kept), path.basename(waiting)].sort());
  });
});

describe('serve() sweeps uploads while it runs', () => {
  const tmp = scratch('qtw-serve-sweep-');
  const folder = path.join(tmp.dir, 'ws');
  const uploads = path.join(folder, 'qtw-uploads');
  let session: ServeSession;
  let id = 0;
  const call = async (method: string, params: unknown): Promise<ServerMessage> =>
    rpc(session.server.port, session.server.token, { kind: 'request', id: ++id, method, params });
  const upload = async (name: string, body: string | Buffer): Promise<string> => {
    const r = await fetch(`http://127.0.0.1:${session.server.port}/upload?token=${session.server.token}&name=${name}`, { method: 'POST', body });
    expect(r.status).toBe(200);
    return ((await r.json()) as { path: string }).path;
  };

  beforeAll(async () => {
    mkdirSync(path.join(tmp.dir, 'renderer'), { recursive: true });
    writeFileSync(path.join(tmp.dir, 'renderer', 'index.html'), '<!doctype html>');
    mkdirSync(folder, { recursive: true });
    session = await serve({
      workspace: path.join(folder, 'w.duckdb'),
      inputs: [],
      options: {},
      rendererDir: path.join(tmp.dir, 'renderer'),
      staleUploadMs: 400,
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await session?.stop();
    tmp.cleanup();
  });

  it('removes uploads never ingested, and the upload of a removed trace, but keeps a trace’s upload', async () => {
    const kept = await upload('src.log', readFileSync(SAMPLE));
    const removed = await upload('dst.log', readFileSync(path.join(SAMPLES, 'qemu-7.2.22-log', 'qemu-7.2.22-log-nots-multifd-dst.log')));
    const never = await upload('never.log', 'uploaded, never ingested\n');
    expect(await call('openInputs', { paths: [kept, removed], options: {} })).toMatchObject({ ok: true });
    await session.service.jobsIdle();
    await until('the upload nobody ingested to go', () => !existsSync(never));
    expect(existsSync(kept) && existsSync(removed)).toBe(true);
    const traces = await call('listTraces', {});
    const ids = traces.kind === 'response' && traces.ok ? (traces.result as { traceId: number; path: string }[]).filter((t) => t.path === removed).map((t) => t.traceId) : [];
    expect(ids).toHaveLength(1);
    expect(await call('removeTraces', { traceIds: ids })).toMatchObject({ ok: true });
    await until('the removed trace’s upload to go', () => !existsSync(removed));
    expect(existsSync(kept)).toBe(true);
  });
});
