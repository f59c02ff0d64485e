// `qtw serve` uploads keep the name the browser gave: a file's own name, or for the files of a
// picked folder their path in it (uploaded with ?path= into a folder of their own, which is then
// ingested as a folder: its files that are not traces are skipped in one line, not an error each).
// The name reaches traces.original_name, listTraces and the provenance of a report.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, IngestSummary } from '../../../../src-main/contract.ts';
import { serve, type ServeSession } from '../../../../src-main/hosts/server/serve.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../../helpers/paths.ts';
import { rpc } from '../../../helpers/raw-client.ts';

const RUN = path.join(SAMPLES, 'qemu-7.2.22-log', 'a-precopy');
const SAMPLE = path.join(SAMPLES, 'qemu-7.2.22-log', 'qemu-7.2.22-log-nots-multifd-src.log');

describe('serve() keeps the names of uploads', () => {
  const tmp = scratch('qtw-upload-names-');
  const folder = path.join(tmp.dir, 'ws');
  const uploads = path.join(folder, 'qtw-uploads');
  let session: ServeSession;
  const events: EngineEvent[] = [];
  const base = () => `http://127.0.0.1:${session.server.port}/upload?token=${session.server.token}`;
  const post = (query: string, body: string | Buffer) => fetch(`${base()}&${query}`, { method: 'POST', body });
  let id = 0;
  /** Start an ingest as a page does (over the WebSocket) and wait for its end; the job's messages and summary. */
  const ingest = async (paths: string[]): Promise<{ summary: IngestSummary; messages: string[] }> => {
    const reply = await rpc(session.server.port, session.server.token, { kind: 'request', id: ++id, method: 'openInputs', params: { paths, options: {} } });
    if (reply.kind !== 'response' || !reply.ok) throw new Error(`openInputs refused: ${JSON.stringify(reply)}`);
    const { jobId } = reply.result as { jobId: number };
    for (let waited = 0; !events.some((e) => (e.type === 'ingestDone' || e.type === 'ingestFailed') && e.jobId === jobId); waited += 25) {
      if (waited > 120_000) throw new Error('ingest did not end');
      await new Promise((r) => setTimeout(r, 25));
    }
    const done = events.find((e) => e.type === 'ingestDone' && e.jobId === jobId);
    if (done?.type !== 'ingestDone') throw new Error(`ingest failed: ${JSON.stringify(events.find((e) => e.type === 'ingestFailed' && e.jobId === jobId))}`);
    const messages = events.flatMap((e) => (e.type === 'ingestMessage' && e.jobId === jobId ? [e.line] : []));
    return { summary: done.summary, messages };
  };

  beforeAll(async () => {
    mkdirSync(path.join(tmp.dir, 'renderer'), { recursive: true });
    writeFileSync(path.join(tmp.dir, 'renderer', 'index.html'), '<!doctype html>');
    mkdirSync(folder, { recursive: true });
    session = await serve({
      workspace: path.join(folder, 'w.duckdb'),
      inputs: [],
      options: { catalogues: [DEBIAN_72] },
      rendererDir: path.join(tmp.dir, 'renderer'),
      log: () => undefined,
    });
    session.service.onEvent((e) => void events.push(e));
  });
  afterAll(async () => {
    await session?.stop();
    tmp.cleanup();
  });

  it('a file: stored under a safe name, traced and reported under the one the browser gave', async () => {
    const given = 'src run #1 (nightly).log';
    // A line that is no trace record, so that the job has a message naming the file.
    const r = await post(`name=${encodeURIComponent(given)}`, Buffer.concat([readFileSync(SAMPLE), Buffer.from('operator note: not a trace line\n')]));
    expect(r.status).toBe(200);
    const { path: stored } = (await r.json()) as { path: string };
    expect(path.dirname(stored)).toBe(uploads);
    expect(path.basename(stored)).not.toContain(' ');
    const { summary, messages } = await ingest([stored]);
    expect(summary.errors).toEqual([]);
    expect(summary.traces.map((t) => [t.path, t.originalName])).toEqual([[stored, given]]);
    // The job's messages name the file as the user knows it, never the stored name.
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.filter((l) => l.includes(path.basename(stored)))).toEqual([]);
    expect(messages.filter((l) => l.startsWith(`${given}: `)).length).toBeGreaterThan(0);
    expect((await session.service.call('listTraces', {})).find((t) => t.path === stored)?.originalName).toBe(given);

    await session.service.call('saveReport', { report: { title: 'Names', items: [{ kind: 'note', id: 'n1', markdown: 'x' }] } });
    const out = await session.service.call('exportReport', { format: 'markdown', redact: false, path: null });
    const md = readFileSync(out.path, 'utf8');
    const inputs = md.slice(md.indexOf('### Inputs'), md.indexOf('### Catalogues'));
    expect(inputs).toContain(`| ${given} (stored as ${stored}) |`);
  });

  it('a picked folder: uploaded as a folder, its non-trace files skipped in one line, each trace named by its path in the folder', async () => {
    const files = readdirSync(RUN).sort();
    let batch: string | undefined;
    let ingestFolder: string | undefined;
    for (const f of files) {
      const r = await post(`path=${encodeURIComponent(`a-precopy/${f}`)}${batch ? `&batch=${batch}` : ''}`, readFileSync(path.join(RUN, f)));
      expect(r.status, f).toBe(200);
      const body = (await r.json()) as { path: string; batch: string; folder: string };
      expect(body.path).toBe(path.join(uploads, body.batch, 'a-precopy', f));
      batch ??= body.batch;
      expect(body.batch).toBe(batch);
      ingestFolder ??= body.folder;
      expect(body.folder).toBe(ingestFolder);
    }
    const { summary, messages } = await ingest([ingestFolder as string]);
    expect(summary.errors).toEqual([]);
    const skipped = summary.skipped.map((s) => path.basename(s.path)).sort();
    expect(skipped.every((f) => f.endsWith('.json'))).toBe(true);
    expect(messages.filter((l) => l.includes('that are not traces'))).toEqual([
      `${ingestFolder}: skipped ${skipped.length} files that are not traces: ${skipped.length} JSON (${skipped.join(', ')})`,
    ]);
    expect(messages.filter((l) => l.startsWith('folder '))).toEqual([]);
    expect(summary.traces.map((t) => t.originalName).sort()).toEqual(files.filter((f) => !skipped.includes(f)).map((f) => `a-precopy/${f}`));
    // The files no trace refers to go once the job is done; the traces' stay.
    for (let waited = 0; skipped.some((f) => existsSync(path.join(ingestFolder as string, f))); waited += 25) {
      if (waited > 20_000) throw new Error('skipped uploads were not removed');
      await new Promise((r) => setTimeout(r, 25));
    }
    for (const t of summary.traces) expect(existsSync(t.path)).toBe(true);
  });

  it('refuses a folder path that climbs out, and a batch it did not make', async () => {
    expect((await post(`path=${encodeURIComponent('../../evil.log')}`, 'x')).status).toBe(400);
    expect((await post(`path=${encodeURIComponent('a/../b.log')}`, 'x')).status).toBe(400);
    expect((await post(`path=a/b.log&batch=${encodeURIComponent('../..')}`, 'x')).status).toBe(400);
    expect(readdirSync(folder).filter((f) => f.endsWith('.log'))).toEqual([]);
  });

  it('a file and a folder of one name in one folder upload: refused in the upload\'s own terms, never with the server\'s path', async () => {
    const first = await post('path=run/src.log', 'x');
    expect(first.status).toBe(200);
    const { batch } = (await first.json()) as { batch: string };
    for (const [p, want] of [
      ['run/src.log/x', 'run/src.log/x: a file and a folder of the same name in one upload'],
      ['run', 'run: a folder and a file of the same name in one upload'],
    ] as const) {
      const r = await post(`path=${encodeURIComponent(p)}&batch=${batch}`, 'y');
      const text = await r.text();
      expect([r.status, text.includes(want), text.includes(tmp.dir)]).toEqual([409, true, false]);
    }
  });
});
