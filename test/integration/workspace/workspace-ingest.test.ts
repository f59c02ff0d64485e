// Workspace behaviour: the same traces through gzip, tar.gz and zip give identical tables;
// a workspace reopens without re-parsing; re-ingesting is a no-op; an interrupted ingest leaves
// the workspace consistent.
import { afterAll, describe, expect, it } from 'vitest';
import { createWriteStream, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import yazl from 'yazl';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';

const A = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');
const B = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const tmp = scratch();
afterAll(() => tmp.cleanup());

const srcText = readFileSync(path.join(B, 'src.log'));
const dstText = gunzipSync(readFileSync(path.join(B, 'dst.log.gz')));

async function rows(engine: WorkspaceEngine, sql: string): Promise<unknown[][]> {
  const out: unknown[][] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (r) => void out.push(...r) });
  return out;
}

/** Everything a workspace holds about its traces' records, independent of trace ids and paths. */
async function snapshot(ws: string): Promise<Record<string, unknown>> {
  const engine = await WorkspaceEngine.open(ws, { readOnly: true });
  try {
    const traces = await rows(engine, `SELECT side, format, prefix_style, sha256, records, events, unparsed FROM traces ORDER BY side`);
    const tables = (await rows(engine, `SELECT DISTINCT name FROM events ORDER BY 1`)).map((r) => String(r[0]));
    const data: Record<string, unknown> = { traces };
    for (const t of tables) {
      data[t] = await rows(engine, `SELECT * EXCLUDE (trace_id) FROM "${t}" ORDER BY side, seq`);
    }
    return data;
  } finally {
    engine.close();
  }
}

async function ingestInto(ws: string, inputs: string[]): Promise<void> {
  const engine = await WorkspaceEngine.open(ws);
  try {
    const r = await engine.openInputs(inputs, { catalogues: [DEBIAN_72] });
    expect(r.errors).toEqual([]);
    expect(r.traces).toHaveLength(2);
  } finally {
    engine.close();
  }
}

describe('the same traces in every container give identical tables', () => {
  it('plain, gzip, tar.gz and zip', async () => {
    const plainDir = path.join(tmp.dir, 'plain');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(plainDir);
    writeFileSync(path.join(plainDir, 'src.log'), srcText);
    writeFileSync(path.join(plainDir, 'dst.log'), dstText);
    // A companion file in a directory is skipped, not an error.
    writeFileSync(path.join(plainDir, 'manifest.json'), JSON.stringify({ scenario: 'b-multifd4' }, null, 1));
    const gzSrc = path.join(tmp.dir, 'src.trace.gz');
    const gzDst = path.join(tmp.dir, 'dst.trace.gz');
    writeFileSync(gzSrc, gzipSync(srcText));
    writeFileSync(gzDst, gzipSync(dstText));

    const tgz = path.join(tmp.dir, 'bug-1234.tar.gz');
    const pack = tarStream.pack();
    pack.entry({ name: 'bug/manifest.txt' }, 'not a trace\n');
    pack.entry({ name: 'bug/src.log' }, srcText);
    pack.entry({ name: 'bug/dst.log' }, dstText);
    pack.finalize();
    const { createGzip } = await import('node:zlib');
    await pipeline(pack, createGzip(), createWriteStream(tgz));

    const zip = path.join(tmp.dir, 'bug-1234.zip');
    const z = new yazl.ZipFile();
    z.addBuffer(srcText, 'traces/src.log');
    z.addBuffer(dstText, 'traces/dst.log', { compress: false });
    z.end();
    await pipeline(z.outputStream, createWriteStream(zip));

    const variants: Record<string, string[]> = {
      plain: [path.join(plainDir, 'src.log'), path.join(plainDir, 'dst.log')],
      dir: [plainDir],
      gzip: [gzSrc, gzDst],
      tgz: [tgz],
      zip: [zip],
    };
    const snaps: Record<string, Record<string, unknown>> = {};
    for (const [k, inputs] of Object.entries(variants)) {
      const ws = path.join(tmp.dir, `${k}.duckdb`);
      await ingestInto(ws, inputs);
      snaps[k] = await snapshot(ws);
    }
    const ref = snaps.plain;
    expect(Object.keys(ref).length).toBeGreaterThan(40);
    for (const k of Object.keys(variants)) expect(snaps[k], k).toEqual(ref);
  });
});

describe('workspace lifecycle', () => {
  const ws = path.join(tmp.dir, 'life.duckdb');
  const src = path.join(tmp.dir, 'life-src.log');
  copyFileSync(path.join(B, 'src.log'), src);

  it('reopens without re-parsing and re-ingest of the same content is a no-op', async () => {
    let engine = await WorkspaceEngine.open(ws);
    let r = await engine.openInputs([src], { catalogues: [DEBIAN_72] });
    expect(r.traces).toHaveLength(1);
    engine.close();

    engine = await WorkspaceEngine.open(ws, { readOnly: true });
    const [[n]] = await rows(engine, 'SELECT count(*) FROM multifd_send');
    expect(Number(n)).toBeGreaterThan(400);
    engine.close();

    engine = await WorkspaceEngine.open(ws);
    const messages: string[] = [];
    r = await engine.openInputs([src], { catalogues: [DEBIAN_72] }, { onMessage: (m) => messages.push(m) });
    expect(r.traces).toHaveLength(0);
    expect(r.skipped[0].reason).toMatch(/already in the workspace as trace 1/);
    expect(messages.join('\n')).toMatch(/already in the workspace/);
    // The same content, gzipped and renamed, is recognised by its decompressed sha256.
    const gz = path.join(tmp.dir, 'renamed.gz');
    writeFileSync(gz, gzipSync(srcText));
    r = await engine.openInputs([gz], { catalogues: [DEBIAN_72] });
    expect(r.traces).toHaveLength(0);
    // Another trace adds to the workspace.
    r = await engine.openInputs([path.join(A, 'dst.log.gz')], { catalogues: [DEBIAN_72] });
    expect(r.traces.map((t) => t.traceId)).toEqual([2]);
    const [[traces]] = await rows(engine, 'SELECT count(*) FROM traces');
    expect(Number(traces)).toBe(2);
    engine.close();
  });

  it('an interrupted ingest leaves the workspace as it was', async () => {
    const engine = await WorkspaceEngine.open(ws);
    const before = await rows(engine, 'SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM traces), (SELECT count(*) FROM unparsed)');
    const ac = new AbortController();
    const r = await engine.openInputs([path.join(A, 'src.log.gz')], { catalogues: [DEBIAN_72] }, {
      signal: ac.signal,
      // Abort as soon as ingest reports progress: records are being written by then.
      onProgress: () => ac.abort(),
    });
    expect(r.cancelled).toBe(true);
    const after = await rows(engine, 'SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM traces), (SELECT count(*) FROM unparsed)');
    expect(after).toEqual(before);
    engine.close();
  });

  it('--src/--dst override the detected side', async () => {
    const w = path.join(tmp.dir, 'sides.duckdb');
    const engine = await WorkspaceEngine.open(w);
    const r = await engine.openInputs([], { catalogues: [DEBIAN_72], dst: [path.join(B, 'src.log')] });
    expect(r.traces[0].side).toBe('dst');
    const [[s]] = await rows(engine, `SELECT side_source FROM traces`);
    expect(s).toBe('option');
    engine.close();
  });
});
