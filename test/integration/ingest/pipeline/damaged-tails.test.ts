// Records cut off and never completed: by a host crash (a run of NUL bytes, shorter than the line
// cap, glued to the first record written after the restart) or by the input itself ending early
// (a truncated archive or compressed stream). The cut-off text is an `unparsed` row saying why;
// it is never typed, and never merged with the record after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ingestOne } from '../../../helpers/ingest-one.ts';
import { segmentedStats } from '../../../../src-main/ingest/pipeline/parse-segmented.ts';
import { tar } from '../../../helpers/archives.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../../helpers/paths.ts';

const tmp = scratch('qtw-damaged-tails-');
afterAll(tmp.cleanup);

const lines = gunzipSync(readFileSync(path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/src.log.gz'))).toString('latin1').split('\n').filter(Boolean);
const text = (from: number, to: number) => Buffer.from(lines.slice(from, to).join('\n') + '\n', 'latin1');

interface Tables {
  traces: unknown[][];
  events: unknown[][];
  rsp: unknown[][];
  unparsed: unknown[][];
}

const SINGLE = { QTW_PARSE_WORKER: '0' };
const WORKER = { QTW_PARSE_WORKER: '1', QTW_PARSE_WORKERS: '1' };
const SEGMENTS = { QTW_PARSE_WORKER: '1', QTW_PARSE_WORKERS: '2', QTW_PARSE_SEGMENT_BYTES: String(16 << 10) };

async function ingestWith(label: string, data: Buffer, name: string, env: Record<string, string>): Promise<Tables> {
  const file = path.join(tmp.dir, `${label}-${name}`);
  writeFileSync(file, data);
  return ingestOne(path.join(tmp.dir, `${label}.duckdb`), file, [DEBIAN_72], env, async (rows) => ({
    traces: await rows(`SELECT records, events, unparsed, error FROM traces`),
    events: await rows(`SELECT name, ts_ns, tid FROM events ORDER BY seq`),
    rsp: await rows(`SELECT ts_ns, tid, rbname, "offset", host FROM ram_save_page ORDER BY seq`),
    unparsed: await rows(`SELECT seq, line_no, "offset", reason, raw FROM unparsed ORDER BY seq`),
  }));
}

describe('a record cut off by a NUL run under the line cap', () => {
  // A real record of the log, cut in its last value, as a crash leaves it.
  const whole = '27968@1795635789.778445:ram_save_page pc.ram: offset: 0x6e12000 host: 0x7f66b2c12000';
  const cut = '27968@1795635789.778445:ram_save_page pc.ram: offset: 0x6e12000 host: 0x7f';
  const before = text(0, 1000);
  const after = text(1000, 1050);
  const damaged = Buffer.concat([before, Buffer.from(cut, 'latin1'), Buffer.alloc(4096), after]);
  let ref: Tables;

  beforeAll(async () => {
    ref = await ingestWith('nul-clean', Buffer.concat([before, after]), 'clean.log', SINGLE);
  });

  function expectSplit(got: Tables): void {
    expect(got.traces).toEqual([[1051n, 1050n, 1n, null]]);
    expect(got.unparsed).toEqual([
      [1000n, 1001n, BigInt(before.length), 'cut off by a run of 4096 NUL bytes (host crash?) (the rest of the line is read on its own)', cut + '\0'.repeat(4096)],
    ]);
    // The record after the run is typed on its own, with its own timestamp and values; nothing
    // of the cut-off record reaches a typed table.
    expect(got.events).toEqual(ref.events);
    expect(got.rsp).toEqual(ref.rsp);
    expect(got.rsp.some((r) => r[0] === 1795635789778445000n)).toBe(false);
  }

  it('is one unparsed row, and the record glued after it is typed on its own (single-thread decode)', async () => {
    expect(lines).toContain(whole);
    expect(ref.traces).toEqual([[1050n, 1050n, 0n, null]]);
    expectSplit(await ingestWith('nul-single', damaged, 'damaged.log', SINGLE));
  });

  it('gives the same tables from one parse worker and from segments decoded by several', async () => {
    expectSplit(await ingestWith('nul-worker', damaged, 'damaged.log', WORKER));
    const segments = segmentedStats.segments;
    expectSplit(await ingestWith('nul-segments', damaged, 'damaged.log', SEGMENTS));
    expect(segmentedStats.segments - segments).toBeGreaterThan(3);
  });

  it('a NUL run that ends its line leaves no record typed with NULs in it', async () => {
    // The cut-off record, NULs, then the newline: nothing after the run to read.
    const got = await ingestWith('nul-eol', Buffer.concat([before, Buffer.from(cut, 'latin1'), Buffer.alloc(64), Buffer.from('\n'), after]), 'eol.log', SINGLE);
    expect(got.traces).toEqual([[1051n, 1050n, 1n, null]]);
    expect(got.unparsed).toEqual([[1000n, 1001n, BigInt(before.length), 'cut off by a run of 64 NUL bytes (host crash?)', cut + '\0'.repeat(64)]]);
    expect(got.rsp).toEqual(ref.rsp);
  });
});

describe('an input that ends early, in the middle of a line', () => {
  const log = text(0, 3000);
  /** Where line 2001 (lines[2000]) starts in the log. */
  const lineStart = text(0, 2000).length;
  let ref: Tables;

  beforeAll(async () => {
    ref = await ingestWith('early-clean', log, 'clean.log', SINGLE);
  });

  /** The first `n` lines typed as in the whole log, and line n + 1, cut, kept with the read error. */
  function expectCut(got: Tables, n: number, raw: string): void {
    const error = got.traces[0][3];
    expect(typeof error).toBe('string');
    expect(got.traces.map((r) => r.slice(0, 3))).toEqual([[BigInt(n + 1), BigInt(n), 1n]]);
    expect(got.unparsed).toEqual([[BigInt(n), BigInt(n + 1), BigInt(text(0, n).length), `truncated: the input ended early (${error as string})`, raw]]);
    expect(got.events).toEqual(ref.events.slice(0, n));
    expect(got.rsp).toEqual(ref.rsp.slice(0, got.rsp.length));
    // The last typed record is the last complete line, with its values whole.
    const last = lines[n - 1];
    const m = /^27968@(\d+)\.(\d+):ram_save_page pc\.ram: offset: (0x[0-9a-f]+) host: (0x[0-9a-f]+)$/.exec(last) as RegExpExecArray;
    expect(m).not.toBeNull();
    expect(got.rsp[got.rsp.length - 1]).toEqual([BigInt(m[1]) * 1_000_000_000n + BigInt(m[2]) * 1000n, 27968, 'pc.ram', BigInt(m[3]), BigInt(m[4])]);
  }

  it('a .tar cut inside a line keeps that line in unparsed, untyped, on every decoding path', async () => {
    expect(ref.traces).toEqual([[3000n, 3000n, 0n, null]]);
    // Cut inside the host value of line 2001: `host: 0x7f` would type as a wrong pointer.
    const line = lines[2000];
    const keep = line.indexOf('host: 0x') + 'host: 0x7f'.length;
    const whole = await tar([{ name: 'src.log', data: log }]);
    const cut = whole.subarray(0, 512 + lineStart + keep);
    for (const [label, env] of [
      ['tar-single', SINGLE],
      ['tar-worker', WORKER],
      ['tar-segments', SEGMENTS],
    ] as const) {
      const got = await ingestWith(label, cut, 'cut.tar', env);
      expect(got.traces[0][3]).toMatch(/src\.log/);
      expectCut(got, 2000, line.slice(0, keep));
    }
  });

  it('a .gz cut inside a line keeps that line in unparsed, untyped', async () => {
    const gz = gzipSync(log);
    const got = await ingestWith('gz', gz.subarray(0, gz.length >> 1), 'cut.log.gz', SINGLE);
    expect(got.unparsed).toHaveLength(1);
    const n = Number(got.unparsed[0][1]) - 1;
    const raw = got.unparsed[0][4] as string;
    // What zlib gave before the cut: a strict prefix of the next line, which would have typed.
    expect(n).toBeGreaterThan(100);
    expect(raw.length).toBeGreaterThan(0);
    expect(raw.length).toBeLessThan(lines[n].length);
    expect(lines[n].startsWith(raw)).toBe(true);
    expectCut(got, n, raw);
  });
});
