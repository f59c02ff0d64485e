// Acceptance for source/destination clock alignment on the real samples. Each pair was recorded
// on one host (same wall and monotonic clocks), so the true offset is 0; a destination copy
// with every timestamp moved by +3.7 s must come out at −3.7 s.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { readClockAlignment, setClockOffset, estimateClockOffsets } from '../../../src-main/analyses/clock-alignment.ts';
import type { AlignmentRow } from '../../../src-main/analyses/clock-alignment.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';
import { readMaybeGz, writeShifted } from '../../helpers/alignment-shift.ts';
import { main } from '../../../src-main/hosts/cli/main.ts';

const MS = 1_000_000n;
const SHIFT = 3_700_000_000n;
const abs = (v: bigint) => (v < 0n ? -v : v);

interface Case {
  readonly name: string;
  readonly src: string;
  readonly dst: string;
  readonly catalogue: string;
}

const L72 = path.join(SAMPLES, 'qemu-7.2.22-log');
const Q10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const CAT10 = path.join(Q10, 'trace-events-all');

const CASES: readonly Case[] = [
  { name: '7.2 a-precopy log', src: path.join(L72, 'a-precopy/src.log.gz'), dst: path.join(L72, 'a-precopy/dst.log.gz'), catalogue: DEBIAN_72 },
  { name: '7.2 b-multifd4 log', src: path.join(L72, 'b-multifd4/src.log'), dst: path.join(L72, 'b-multifd4/dst.log.gz'), catalogue: DEBIAN_72 },
  { name: '10.2 a-precopy log', src: path.join(Q10, 'src.log.gz'), dst: path.join(Q10, 'dst.log.gz'), catalogue: CAT10 },
  { name: '10.2 a-precopy simpletrace', src: path.join(Q10, 'src.simple.gz'), dst: path.join(Q10, 'dst.simple.gz'), catalogue: CAT10 },
];

async function rows(engine: WorkspaceEngine, sql: string): Promise<unknown[][]> {
  const out: unknown[][] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (r) => void out.push(...r) });
  return out;
}

async function ingestPair(dir: string, name: string, src: string, dst: string, catalogue: string): Promise<{ engine: WorkspaceEngine; src: number; dst: number }> {
  const engine = await WorkspaceEngine.open(path.join(dir, `${name}.duckdb`));
  const r = await engine.openInputs([src, dst], { catalogues: [catalogue] });
  expect(r.errors).toEqual([]);
  const ids = { src: 0, dst: 0 };
  for (const t of r.traces) if (t.side) ids[t.side] = t.traceId;
  expect(ids.src * ids.dst).toBeGreaterThan(0);
  return { engine, ...ids };
}

function only(rowsOf: AlignmentRow[], dst: number): AlignmentRow {
  const r = rowsOf.filter((x) => x.traceId === dst);
  expect(r).toHaveLength(1);
  return r[0];
}

describe.each(CASES)('clock alignment: $name', (c) => {
  const tmp = scratch('qtw-align-');
  let same: { engine: WorkspaceEngine; src: number; dst: number };
  let shifted: { engine: WorkspaceEngine; src: number; dst: number };
  let shiftedLines = 0;

  beforeAll(async () => {
    same = await ingestPair(tmp.dir, 'same', c.src, c.dst, c.catalogue);
    const moved = path.join(tmp.dir, `dst-shifted${c.dst.includes('.simple') ? '.simple' : '.log'}`);
    shiftedLines = writeShifted(c.dst, moved, SHIFT);
    shifted = await ingestPair(tmp.dir, 'shifted', c.src, moved, c.catalogue);
  }, 120_000);
  afterAll(() => {
    same?.engine.close();
    shifted?.engine.close();
    tmp.cleanup();
  });

  it('the shifted copy moved every record', async () => {
    const [[records]] = await rows(shifted.engine, `SELECT records FROM traces WHERE trace_id = ${shifted.dst}`);
    expect(shiftedLines).toBe(Number(records));
    const [[a]] = await rows(same.engine, `SELECT min(ts_ns) FROM events WHERE trace_id = ${same.dst}`);
    const [[b]] = await rows(shifted.engine, `SELECT min(ts_ns) FROM events WHERE trace_id = ${shifted.dst}`);
    expect(BigInt(b as bigint) - BigInt(a as bigint)).toBe(SHIFT);
  });

  it('same host: the estimate is within 1 ms of 0, with an uncertainty and landmark pairs', async () => {
    const a = only(await readClockAlignment(same.engine.ws.conn), same.dst);
    expect(a.srcTraceId).toBe(same.src);
    expect(a.method).not.toBe('none');
    expect(a.pairs).toBeGreaterThan(0);
    expect(a.offsetNs).not.toBeNull();
    expect(abs(a.offsetNs as bigint)).toBeLessThanOrEqual(MS);
    expect(a.uncertaintyNs).not.toBeNull();
    expect(a.uncertaintyNs as bigint).toBeGreaterThan(0n);
    expect(a.uncertaintyNs as bigint).toBeLessThanOrEqual(MS);
    // Causality: a src→dst bound can never exceed the true offset (0).
    if (a.lowerNs !== null) expect(a.lowerNs).toBeLessThanOrEqual(0n);
    if (a.upperNs !== null) expect(a.upperNs).toBeGreaterThanOrEqual(0n);
  });

  it('destination shifted by +3.7 s: the estimate is −3.7 s within 1 ms, exactly 3.7 s below the unshifted one', async () => {
    const a = only(await readClockAlignment(same.engine.ws.conn), same.dst);
    const b = only(await readClockAlignment(shifted.engine.ws.conn), shifted.dst);
    expect(abs((b.offsetNs as bigint) + SHIFT)).toBeLessThanOrEqual(MS);
    expect((b.offsetNs as bigint) - (a.offsetNs as bigint)).toBe(-SHIFT);
    expect(b.pairs).toBe(a.pairs);
    expect(b.method).toBe(a.method);
  });

  it('events.ts_aligned_ns puts the shifted destination back on the source clock; source traces are the reference', async () => {
    const b = only(await readClockAlignment(shifted.engine.ws.conn), shifted.dst);
    const [[off, srcOff]] = await rows(
      shifted.engine,
      `SELECT (SELECT clock_offset_ns FROM traces WHERE trace_id = ${shifted.dst}), (SELECT clock_offset_ns FROM traces WHERE trace_id = ${shifted.src})`,
    );
    expect(off).toBe(b.offsetNs);
    expect(srcOff).toBe(0n);
    const bad = await rows(
      shifted.engine,
      `SELECT count(*) FILTER (WHERE ts_aligned_ns IS DISTINCT FROM ts_ns + CASE trace_id WHEN ${shifted.dst} THEN ${String(off)} ELSE 0 END),
              count(*) FROM events`,
    );
    expect(bad[0][0]).toBe(0n);
    expect(Number(bad[0][1])).toBeGreaterThan(1000);
    // Aligned, the shifted destination's span matches the unshifted one's within 1 ms.
    const [[x]] = await rows(same.engine, `SELECT min(ts_aligned_ns) FROM events WHERE trace_id = ${same.dst}`);
    const [[y]] = await rows(shifted.engine, `SELECT min(ts_aligned_ns) FROM events WHERE trace_id = ${shifted.dst}`);
    expect(abs(BigInt(x as bigint) - BigInt(y as bigint))).toBeLessThanOrEqual(MS);
  });
});

describe('clock alignment across clock kinds: wall-clock log source, monotonic simpletrace destination', () => {
  const tmp = scratch('qtw-align-x-');
  let pair: { engine: WorkspaceEngine; src: number; dst: number };
  beforeAll(async () => {
    pair = await ingestPair(tmp.dir, 'x', path.join(Q10, 'src.log.gz'), path.join(Q10, 'dst.simple.gz'), CAT10);
  }, 120_000);
  afterAll(() => {
    pair?.engine.close();
    tmp.cleanup();
  });

  /** Wall-clock ns of the destination's first `active` state, from dst.log (µs resolution). */
  function dstWallNsOfActive(): bigint {
    const log = readMaybeGz(path.join(Q10, 'dst.log.gz')).toString('latin1');
    const m = /^(\S+Z) migrate_set_state new state active$/m.exec(log);
    expect(m).not.toBeNull();
    const iso = (m as RegExpExecArray)[1];
    const frac = /\.(\d+)Z$/.exec(iso)?.[1] ?? '0';
    const wallNs = BigInt(Date.parse(iso.replace(/\.\d+Z$/, 'Z'))) * MS + BigInt(frac.padEnd(9, '0'));
    return wallNs;
  }

  it('the offset is the host wall-minus-monotonic difference, within 1 ms, in exact integer ns', async () => {
    const a = only(await readClockAlignment(pair.engine.ws.conn), pair.dst);
    expect(a.srcTraceId).toBe(pair.src);
    // The same state change in the simple file: its monotonic time.
    const [[mono]] = await rows(
      pair.engine,
      `SELECT ts_ns FROM migrate_set_state WHERE trace_id = ${pair.dst} AND new_state = 'active' ORDER BY seq LIMIT 1`,
    );
    const expected = dstWallNsOfActive() - BigInt(mono as bigint);
    expect(expected).toBeGreaterThan(10n ** 18n);
    expect(abs((a.offsetNs as bigint) - expected)).toBeLessThanOrEqual(MS);
  });
});

describe('clock alignment: no landmarks, user overrides', () => {
  const tmp = scratch('qtw-align-o-');
  afterAll(() => tmp.cleanup());

  it('traces without timestamps (no-prefix logs) get no estimate: method none, offset NULL, ts_aligned_ns = ts_ns', async () => {
    const p = await ingestPair(
      tmp.dir,
      'nots',
      path.join(L72, 'qemu-7.2.22-log-nots-multifd-src.log'),
      path.join(L72, 'qemu-7.2.22-log-nots-multifd-dst.log'),
      DEBIAN_72,
    );
    try {
      const a = only(await readClockAlignment(p.engine.ws.conn), p.dst);
      expect(a).toMatchObject({ method: 'none', offsetNs: null, estimateNs: null, pairs: 0 });
      const [[n]] = await rows(p.engine, `SELECT count(*) FROM events WHERE ts_aligned_ns IS DISTINCT FROM ts_ns`);
      expect(n).toBe(0n);
    } finally {
      p.engine.close();
    }
  }, 60_000);

  it('an override wins, survives a later ingest, and reset returns to the estimate (engine API too)', async () => {
    const c = CASES[0];
    const p = await ingestPair(tmp.dir, 'override', c.src, c.dst, c.catalogue);
    const estimate = only(await readClockAlignment(p.engine.ws.conn), p.dst).estimateNs;
    expect(estimate).not.toBeNull();
    const pinned = only(await setClockOffset(p.engine.ws.conn, p.dst, -42_000_000_000n), p.dst);
    expect(pinned).toMatchObject({ offsetNs: -42_000_000_000n, overrideNs: -42_000_000_000n, estimateNs: estimate });
    // Another ingest re-estimates every pair; the pin stays.
    const more = await p.engine.openInputs([path.join(L72, 'qemu-7.2.22-log-nots-multifd-src.log')], { catalogues: [DEBIAN_72] });
    expect(more.errors).toEqual([]);
    const after = only(await estimateClockOffsets(p.engine.ws.conn), p.dst);
    expect(after.offsetNs).toBe(-42_000_000_000n);
    const [[eventsOff]] = await rows(p.engine, `SELECT DISTINCT ts_aligned_ns - ts_ns FROM events WHERE trace_id = ${p.dst}`);
    expect(eventsOff).toBe(-42_000_000_000n);
    p.engine.close();

    const svc = await EngineService.open(path.join(tmp.dir, 'override.duckdb'), { host: 'server' });
    try {
      let changed = 0;
      svc.onEvent((e) => void (e.type === 'tracesChanged' && changed++));
      const list = await svc.call('clockAlignment', {});
      const entry = list.find((e) => e.dstTraceId === p.dst);
      expect(entry).toMatchObject({ srcTraceId: p.src, offsetNs: '-42000000000', overridden: true, estimateNs: String(estimate) });
      const reset = await svc.call('setClockOffset', { traceId: p.dst, offsetNs: null });
      expect(reset.find((e) => e.dstTraceId === p.dst)).toMatchObject({ offsetNs: String(estimate), overridden: false });
      expect(changed).toBe(1);
      await expect(svc.call('setClockOffset', { traceId: 999, offsetNs: '1' })).rejects.toMatchObject({ message: expect.stringContaining('999') });
    } finally {
      await svc.close();
    }
  }, 60_000);

  it('qtw align prints the estimate, pins with --set, unpins with --reset; a read-only session refuses to pin', async () => {
    const c = CASES[1];
    const p = await ingestPair(tmp.dir, 'cli', c.src, c.dst, c.catalogue);
    const estimate = only(await readClockAlignment(p.engine.ws.conn), p.dst).estimateNs as bigint;
    p.engine.close();
    const ws = path.join(tmp.dir, 'cli.duckdb');
    const run = async (args: string[]) => {
      let text = '';
      const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((text += String(chunk)), true));
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        return { code: await main(args), text };
      } finally {
        out.mockRestore();
        err.mockRestore();
      }
    };
    const shown = await run(['align', ws]);
    expect(shown.code).toBe(0);
    expect(shown.text).toContain(`trace ${p.dst} → source ${p.src}`);
    const secs = `${estimate < 0n ? '-' : '+'}0.${(estimate < 0n ? -estimate : estimate).toString().padStart(9, '0')}`;
    expect(shown.text).toContain(`offset ${secs} s`);
    const set = await run(['align', ws, '--set', `${p.dst}=-3700000000`, '--json']);
    expect(set.code).toBe(0);
    const entries = JSON.parse(set.text) as { dstTraceId: number; offsetNs: string; overridden: boolean }[];
    expect(entries.find((e) => e.dstTraceId === p.dst)).toMatchObject({ offsetNs: '-3700000000', overridden: true });
    expect((await run(['align', ws, '--set', 'x=1'])).code).toBe(2);

    const ro = await EngineService.open(ws, { host: 'server', readOnly: true });
    try {
      const list = await ro.call('clockAlignment', {});
      expect(list.find((e) => e.dstTraceId === p.dst)).toMatchObject({ offsetNs: '-3700000000', overridden: true });
      await expect(ro.call('setClockOffset', { traceId: p.dst, offsetNs: null })).rejects.toMatchObject({ message: expect.stringContaining('read-only') });
    } finally {
      await ro.close();
    }
    const reset = await run(['align', ws, '--reset', String(p.dst), '--json']);
    const back = JSON.parse(reset.text) as { dstTraceId: number; offsetNs: string; overridden: boolean }[];
    expect(back.find((e) => e.dstTraceId === p.dst)).toMatchObject({ offsetNs: String(estimate), overridden: false });
  }, 60_000);
});
