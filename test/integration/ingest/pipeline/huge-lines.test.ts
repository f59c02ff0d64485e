// What a damaged log does to ingest: a line far over the cap (the run of NUL bytes a log holds
// where the host crashed) is one `unparsed` row with its length, on every decoding path and in
// every container, and every line before and after it is typed; a stream of zeros is refused
// after the sniff window; a directory or archive without a trace, or with a symlink loop, is an
// error in one line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ingestOne } from '../../../helpers/ingest-one.ts';
import { MAX_LINE_BYTES } from '../../../../src-main/formats/lines.ts';
import { segmentedStats } from '../../../../src-main/ingest/pipeline/parse-segmented.ts';
import { decompress } from '../../../../src-main/ingest/sources/codecs.ts';
import { tar, xz, zip } from '../../../helpers/archives.ts';
import { DEBIAN_72, REPO, SAMPLES, scratch } from '../../../helpers/paths.ts';
import { zstdBuffer } from '../../../helpers/zstd.ts';

const tmp = scratch('qtw-huge-lines-');
afterAll(tmp.cleanup);

const lines = gunzipSync(readFileSync(path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/src.log.gz'))).toString('latin1').split('\n').filter(Boolean);
const before = Buffer.from(lines.slice(0, 3000).join('\n') + '\n', 'latin1');
const after = Buffer.from(lines.slice(3000, 3100).join('\n') + '\n', 'latin1');
/** Five times the cap, without a newline: glued to the first line after it, as after a crash. */
const RUN = 5 * MAX_LINE_BYTES;
const damaged = Buffer.concat([before, Buffer.alloc(RUN), after]);
const clean = Buffer.concat([before, after]);

interface Tables {
  traces: unknown[][];
  events: unknown[][];
  rsp: unknown[][];
  unparsed: unknown[][];
}

async function ingestWith(label: string, file: string, env: Record<string, string> = {}): Promise<Tables> {
  return ingestOne(path.join(tmp.dir, `${label}.duckdb`), file, [DEBIAN_72], env, async (rows) => ({
    traces: await rows(`SELECT records, events, unparsed FROM traces`),
    // Typed values with their order, not their seq (the unparsed row takes one).
    events: await rows(`SELECT name, ts_ns, tid FROM events ORDER BY seq`),
    rsp: await rows(`SELECT ts_ns, tid, rbname, "offset", host FROM ram_save_page ORDER BY seq`),
    unparsed: await rows(`SELECT line_no, "offset", reason, length(raw), raw = repeat(chr(0), 4096) FROM unparsed ORDER BY seq`),
  }));
}

function put(name: string, data: Buffer): string {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, data);
  return file;
}

function qtw(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin/qtw.mjs'), ...args], { encoding: 'utf8', cwd: tmp.dir, env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 });
  return { code: r.status, err: r.stderr };
}

describe('a line over the cap', () => {
  let ref: Tables;
  let expected: Tables;
  const damagedLog = put('damaged.log', damaged);

  beforeAll(async () => {
    ref = await ingestWith('clean', put('clean.log', clean), { QTW_PARSE_WORKER: '0' });
    expected = await ingestWith('thread', damagedLog, { QTW_PARSE_WORKER: '0' });
  });

  /** The NUL run is one row; the lines before and after it give the clean log's records. */
  function expectDamaged(got: Tables): void {
    expect(got.traces).toEqual([[3101n, 3100n, 1n]]);
    expect(got.unparsed).toEqual([[3001n, BigInt(before.length), `line of ${RUN} bytes, over the ${MAX_LINE_BYTES}-byte line limit (raw keeps its first 4096 bytes)`, 4096n, true]]);
    expect(got.events).toEqual(ref.events);
    expect(got.rsp).toEqual(ref.rsp);
  }

  it('is one unparsed row naming its line and length (single-thread decode); every line before and after is typed', () => {
    expect(ref.traces).toEqual([[3100n, 3100n, 0n]]);
    expectDamaged(expected);
    // The last line, typed from its text.
    expect(lines[3099]).toBe('27968@1795635788.527535:ram_save_page pc.ram: offset: 0x1489000 host: 0x7f66ad289000');
    expect(expected.rsp[expected.rsp.length - 1]).toEqual([1795635788527535000n, 27968, 'pc.ram', 0x1489000n, 0x7f66ad289000n]);
  });

  it('gives the same tables from one parse worker and from segments decoded by several', async () => {
    expectDamaged(await ingestWith('worker', damagedLog, { QTW_PARSE_WORKER: '1', QTW_PARSE_WORKERS: '1' }));
    const segments = segmentedStats.segments;
    expectDamaged(await ingestWith('segments', damagedLog, { QTW_PARSE_WORKER: '1', QTW_PARSE_WORKERS: '2', QTW_PARSE_SEGMENT_BYTES: String(64 << 10) }));
    expect(segmentedStats.segments - segments).toBeGreaterThan(3);
  });

  it('gives the same tables inside .zst, .gz, .xz, .tar and .zip', async () => {
    const containers: [string, Buffer][] = [
      ['damaged.log.zst', zstdBuffer([before, { byte: 0, count: RUN }, after])],
      ['damaged.log.gz', gzipSync(damaged)],
      ['damaged.log.xz', await xz(damaged)],
      ['damaged.tar', await tar([{ name: 'damaged.log', data: damaged }])],
      ['damaged.zip', await zip([{ name: 'damaged.log', data: damaged }])],
    ];
    for (const [name, data] of containers) {
      expectDamaged(await ingestWith(name, put(name, data), { QTW_PARSE_WORKER: '0' }));
    }
  });

  it('a log that starts with a NUL run under the cap (within the sniff window) is read, the record glued to the run too', async () => {
    const run = 64 << 10;
    const got = await ingestWith('nul-head', put('nul-head.log', Buffer.concat([Buffer.alloc(run), clean])), { QTW_PARSE_WORKER: '0' });
    expect(got.traces).toEqual([[3101n, 3100n, 1n]]);
    expect(got.unparsed.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([[1n, 0n, `${run} bytes of NUL padding, up to its last NUL byte (the rest of the line is read on its own)`, BigInt(run)]]);
    expect(got.events).toEqual(ref.events);
    expect(got.rsp).toEqual(ref.rsp);
    // The same mid-file, on the multi-worker path.
    const mid = await ingestWith('nul-mid', put('nul-mid.log', Buffer.concat([before, Buffer.alloc(8192), after])), {
      QTW_PARSE_WORKER: '1',
      QTW_PARSE_WORKERS: '2',
      QTW_PARSE_SEGMENT_BYTES: String(64 << 10),
    });
    expect(mid.traces).toEqual([[3101n, 3100n, 1n]]);
    expect(mid.unparsed.map((r) => [r[0], r[1], r[3]])).toEqual([[3001n, BigInt(before.length), 8192n]]);
    expect(mid.events).toEqual(ref.events);
  });

  it('a file whose first 2 MiB are NUL bytes is refused as binary, in one line naming it and the offset', () => {
    const file = put('nul-start.log', Buffer.concat([Buffer.alloc(3 << 20), clean]));
    const r = qtw('ingest', '-q', '-o', path.join(tmp.dir, 'nul-start.duckdb'), '--catalogue', DEBIAN_72, file);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(`${file}: offset 0: binary data where a text trace was expected`);
  });
});

describe('a stream of zeros', () => {
  const ZEROS = 64 << 20;

  it('is decompressed a bounded amount at a time (a zstd run of zeros is 30000 times its size)', async () => {
    // After text, as in a crashed log: what came before says nothing about the ratio to come.
    const src = zstdBuffer([before, { byte: 0, count: ZEROS }]);
    expect(src.length).toBeLessThan(before.length + 4096);
    const gen = decompress(
      'zstd',
      (async function* () {
        yield src;
      })(),
    );
    const held = process.memoryUsage().arrayBuffers;
    let got = 0;
    while (got < before.length + (2 << 20)) {
      const r = await gen.next();
      if (r.done === true) break;
      got += r.value.byteLength;
    }
    // What the decoder made and holds, waiting to be read: a few pushes' worth, not the stream.
    expect(process.memoryUsage().arrayBuffers - held).toBeLessThan(24 << 20);
    await gen.return(undefined);
  });

  it('is refused after the sniff window with one line, and the CLI exits 1', () => {
    for (const [name, data] of [
      ['zeros.zst', zstdBuffer([{ byte: 0, count: ZEROS }])],
      ['zeros.gz', gzipSync(Buffer.alloc(ZEROS))],
    ] as const) {
      const file = put(name, data);
      const r = qtw('ingest', '-q', '-o', path.join(tmp.dir, `${name}.duckdb`), '--catalogue', DEBIAN_72, file);
      expect(r.code, name).toBe(1);
      expect(r.err.trim()).toBe(`${file}: offset 0: binary data where a text trace was expected`);
    }
  });
});

describe('inputs that hold no trace', () => {
  it('a .zip whose only member is not a trace: exit 1, one line naming the member', async () => {
    const file = put('notes.zip', await zip([{ name: 'notes.txt', data: Buffer.from('a note, not a trace\n') }]));
    const r = qtw('ingest', '-q', '-o', path.join(tmp.dir, 'notes.duckdb'), '--catalogue', DEBIAN_72, file);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(`${file}:notes.txt: not a QEMU trace (no QEMU trace records recognised in the first 1 lines)`);
  });

  it('a folder with a symlink loop: the loop is an error naming it, the traces beside it are ingested', () => {
    const dir = path.join(tmp.dir, 'looping');
    mkdirSync(path.join(dir, 'x'), { recursive: true });
    writeFileSync(path.join(dir, 'src.log'), clean);
    symlinkSync('.', path.join(dir, 'a'));
    symlinkSync('..', path.join(dir, 'x', 'b'));
    const ws = path.join(tmp.dir, 'looping.duckdb');
    const r = qtw('ingest', '-q', '-o', ws, '--catalogue', DEBIAN_72, dir);
    expect(r.code).toBe(1);
    const err = r.err.trim().split('\n');
    expect(err).toContain(`${path.join(dir, 'a')}: symbolic link loop: leads back to ${dir} (not followed)`);
    expect(err).toContain(`${path.join(dir, 'x', 'b')}: symbolic link loop: leads back to ${dir} (not followed)`);
    expect(err.filter((l) => /^trace 1: .*src\.log: log .* 3100 events/.test(l))).toHaveLength(1);
    expect(err).toHaveLength(3);
  });

  it('an empty folder, or one with only a loop, is an error', () => {
    const empty = path.join(tmp.dir, 'empty');
    mkdirSync(empty);
    const e = qtw('ingest', '-q', '-o', path.join(tmp.dir, 'empty.duckdb'), '--catalogue', DEBIAN_72, empty);
    expect([e.code, e.err.trim()]).toEqual([1, `${empty}: no QEMU trace found (nothing to read in it)`]);
    const only = path.join(tmp.dir, 'only-loop');
    mkdirSync(only);
    symlinkSync('.', path.join(only, 'self'));
    const l = qtw('ingest', '-q', '-o', path.join(tmp.dir, 'only-loop.duckdb'), '--catalogue', DEBIAN_72, only);
    expect([l.code, l.err.trim()]).toEqual([1, `${path.join(only, 'self')}: symbolic link loop: leads back to ${only} (not followed)`]);
  });
});
