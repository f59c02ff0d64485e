// Clock alignment when a simpletrace lost events (slow reader: a `dropped` record stands for the
// run it lost). The 10.2 a-precopy pair was recorded on one host, so the true offset is 0. Copies
// with a run of 8,150 records replaced by one dropped record must not move the estimate beyond
// the undamaged estimate's uncertainty: occurrence ordinals past the first dropped record pair
// the wrong messages. The pre-fix estimate (every pair trusted) is what the same SQL gives with
// the `dropped` table hidden behind an empty temporary one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { estimatePair } from '../../../src-main/analyses/clock-alignment.ts';
import { methodText, type OffsetEstimate } from '../../../src-main/analyses/alignment/estimate.ts';
import { formatAlignment } from '../../../src-main/analyses/alignment/format.ts';
import { SAMPLES, scratch } from '../../helpers/paths.ts';
import { readMaybeGz } from '../../helpers/alignment-shift.ts';
import { dropEventRun } from '../../helpers/simpletrace-damage.ts';
import { v4Frames } from '../../helpers/simpletrace-framing.ts';

const Q10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const CAT10 = path.join(Q10, 'trace-events-all');
const LOST = 8150;
const MS = 1_000_000n;
const abs = (v: bigint) => (v < 0n ? -v : v);

interface Pair {
  readonly conn: DuckDBConnection;
  readonly src: number;
  readonly dst: number;
  readonly close: () => void;
}

async function ingest(dir: string, name: string, src: string, dst: string): Promise<Pair> {
  const file = path.join(dir, `${name}.duckdb`);
  const engine = await WorkspaceEngine.open(file);
  const ids = { src: 0, dst: 0 };
  try {
    const r = await engine.openInputs([src, dst], { catalogues: [CAT10] });
    expect(r.errors).toEqual([]);
    for (const t of r.traces) if (t.side) ids[t.side] = t.traceId;
  } finally {
    engine.close();
  }
  expect(ids.src * ids.dst).toBeGreaterThan(0);
  const inst = await DuckDBInstance.create(file);
  const conn = await inst.connect();
  return { conn, ...ids, close: () => (conn.closeSync(), inst.closeSync()) };
}

/** The estimate as it was before dropped records were taken into account: none are seen. */
async function trustingEveryPair(p: Pair): Promise<OffsetEstimate> {
  await p.conn.run('CREATE OR REPLACE TEMP TABLE dropped AS SELECT * FROM main.dropped WHERE false');
  try {
    return await estimatePair(p.conn, p.src, p.dst);
  } finally {
    await p.conn.run('DROP TABLE temp.dropped');
  }
}

function entry(e: OffsetEstimate) {
  const s = (v: bigint | null) => (v === null ? null : v.toString());
  return { srcTraceId: 1, dstTraceId: 2, offsetNs: s(e.offsetNs), uncertaintyNs: s(e.uncertaintyNs), estimateNs: s(e.offsetNs), lowerNs: s(e.lowerNs), upperNs: s(e.upperNs), pairs: e.pairs, method: methodText(e), overridden: false };
}

describe('clock alignment across dropped records (10.2 a-precopy simpletrace)', () => {
  const tmp = scratch('qtw-align-dropped-');
  let same: Pair;
  let dstLost: Pair;
  let srcLost: Pair;
  let base: OffsetEstimate;

  beforeAll(async () => {
    const write = (side: 'src' | 'dst', first: (events: number) => number) => {
      const data = readMaybeGz(path.join(Q10, `${side}.simple.gz`));
      const events = v4Frames(data, true).filter((f) => f.kind === 'event').length;
      const out = path.join(tmp.dir, `${side}-lost.simple`);
      writeFileSync(out, dropEventRun(data, first(events), LOST));
      return out;
    };
    // The destination loses a run in the middle of its page stream; the source loses one early in
    // its first pass over RAM, before most pages are sent.
    const dst = write('dst', (n) => Math.floor(n / 2) - LOST / 2);
    const src = write('src', () => 20_000);
    same = await ingest(tmp.dir, 'same', path.join(Q10, 'src.simple.gz'), path.join(Q10, 'dst.simple.gz'));
    dstLost = await ingest(tmp.dir, 'dst-lost', path.join(Q10, 'src.simple.gz'), dst);
    srcLost = await ingest(tmp.dir, 'src-lost', src, path.join(Q10, 'dst.simple.gz'));
    base = await estimatePair(same.conn, same.src, same.dst);
  }, 240_000);

  afterAll(() => {
    for (const p of [same, dstLost, srcLost]) p?.close();
    tmp.cleanup();
  });

  it('the damaged copies hold one dropped record for the lost run', async () => {
    for (const [p, id] of [
      [dstLost, dstLost.dst],
      [srcLost, srcLost.src],
    ] as const) {
      const r = (await p.conn.runAndReadAll(`SELECT count(*), sum(count) FROM dropped WHERE trace_id = ${id}`)).getRows()[0];
      expect(r.map(Number)).toEqual([1, LOST]);
    }
  });

  it('leaves the undamaged estimate as it was: no pair is discarded without dropped records', async () => {
    expect(base.offsetNs).not.toBeNull();
    expect(base.discarded).toBe(0);
    expect(methodText(base)).toBe(base.method);
    expect(await trustingEveryPair(same)).toEqual(base);
    // Same host, so the truth (0) is within a millisecond of it.
    expect(abs(base.offsetNs as bigint)).toBeLessThan(MS);
  });

  /** The estimate of a damaged copy, which must say that it left pairs out. */
  async function damaged(p: Pair): Promise<OffsetEstimate> {
    const e = await estimatePair(p.conn, p.src, p.dst);
    expect(e.discarded).toBeGreaterThan(0);
    expect(methodText(e)).toBe(`${e.method}; ${e.discarded} landmark pairs discarded (dropped records)`);
    expect(formatAlignment([entry(e)])[0]).toContain(`${e.discarded} landmark pairs discarded (dropped records)`);
    return e;
  }

  it('a destination that lost events keeps the estimate within the undamaged uncertainty', async () => {
    const e = await damaged(dstLost);
    if (e.offsetNs === null) expect(e.method).toBe('none');
    else expect(abs(e.offsetNs - (base.offsetNs as bigint))).toBeLessThanOrEqual(base.uncertaintyNs as bigint);
  });

  it('a source that lost events early still gives a lower bound that holds, from the pairs before its loss', async () => {
    const e = await damaged(srcLost);
    expect(e.method).toBe('lower-bound');
    // Fewer pairs: a looser bound, never one past the undamaged estimate, and still close to it.
    expect(e.lowerNs as bigint).toBeLessThanOrEqual((base.offsetNs as bigint) + (base.uncertaintyNs as bigint));
    expect(abs((e.offsetNs as bigint) - (base.offsetNs as bigint))).toBeLessThan(MS);
  });

  it('trusting every pair across the source’s dropped record would have been hundreds of ms off', async () => {
    const before = await trustingEveryPair(srcLost);
    expect(before.discarded).toBe(0);
    expect(before.offsetNs).not.toBeNull();
    expect(abs((before.offsetNs as bigint) - (base.offsetNs as bigint))).toBeGreaterThan(100n * MS);
  });
});
