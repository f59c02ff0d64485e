// `serve()` and catalogues uploaded to re-type a trace: the upload stays while a trace is typed
// with it (picking it again must not need another upload) and goes, like any other upload nobody
// uses, once no trace is. Real QEMU 7.2 log and Debian's 7.2 catalogue, sweeping every 400 ms.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueChoice, ServerMessage, TraceInfo } from '../../../../src-main/contract.ts';
import { serve, type ServeSession } from '../../../../src-main/hosts/server/serve.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../../helpers/paths.ts';
import { rpc } from '../../../helpers/raw-client.ts';

const SAMPLE = path.join(SAMPLES, 'qemu-7.2.22-log', 'qemu-7.2.22-log-nots-multifd-src.log');

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  for (let waited = 0; !cond(); waited += 25) {
    if (waited > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function result<T>(m: ServerMessage): T {
  if (m.kind !== 'response' || !m.ok) throw new Error(`request failed: ${JSON.stringify(m)}`);
  return m.result as T;
}

describe('serve() keeps a catalogue uploaded for a re-type while a trace uses it', () => {
  const tmp = scratch('qtw-serve-retype-');
  const folder = path.join(tmp.dir, 'ws');
  let session: ServeSession;
  let id = 0;
  const call = async (method: string, params: unknown): Promise<ServerMessage> =>
    rpc(session.server.port, session.server.token, { kind: 'request', id: ++id, method, params });
  const upload = async (name: string, body: string | Buffer): Promise<string> => {
    const r = await fetch(`http://127.0.0.1:${session.server.port}/upload?token=${session.server.token}&name=${name}`, { method: 'POST', body });
    expect(r.status).toBe(200);
    return ((await r.json()) as { path: string }).path;
  };
  const traces = async () => result<TraceInfo[]>(await call('listTraces', {}));

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

  it('keeps the uploaded catalogue while the trace is typed with it, and removes it after', async () => {
    const log = await upload('src.log', readFileSync(SAMPLE));
    result(await call('openInputs', { paths: [log], options: {} }));
    await session.service.jobsIdle();
    const [t] = await traces();

    const cat = await upload('trace-events-all', readFileSync(DEBIAN_72));
    // Refused requests start no job: that upload is swept as never used.
    const refused = await upload('trace-events-all', readFileSync(DEBIAN_72));
    expect(await call('retypeTrace', { traceId: t.traceId + 50, catalogue: refused })).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringMatching(/no trace #/) } });

    result(await call('retypeTrace', { traceId: t.traceId, catalogue: cat }));
    await session.service.jobsIdle();
    await until('the unused upload to go', () => !existsSync(refused));
    const [typed] = await traces();
    expect(typed.traceId).toBe(t.traceId);
    const stored = result<CatalogueChoice[]>(await call('listCatalogues', {})).find((c) => c.catalogueId === typed.catalogueId);
    expect(stored).toMatchObject({ kind: 'stored', source: cat, traces: 1, unavailable: null });
    // Several sweeps later it is still there, and can be picked again by its ref.
    await new Promise((r) => setTimeout(r, 1200));
    expect(existsSync(cat)).toBe(true);

    result(await call('retypeTrace', { traceId: t.traceId, catalogue: 'release:qemu-7.2.0' }));
    await session.service.jobsIdle();
    await until('the catalogue upload no trace uses any more to go', () => !existsSync(cat));
    expect(existsSync(log)).toBe(true);
    expect((await traces())[0].catalogueVersion).toBe('7.2.0');
  }, 120_000);
});
