// The run planning rules (analyses/runs/plan.ts) on trace facts shaped like the real samples':
// the state sequences and gaps are those of the QEMU 10.2 a-precopy sample's source (log and
// simpletrace of one QEMU), the folders those of a CI output tree.
import { describe, expect, it } from 'vitest';
import { planRuns, sameMigration, sideFreeStem, type StateMark, type TraceFacts } from '../../../../src-main/analyses/runs/plan.ts';

// migrate_set_state of the 10.2 a-precopy source (ns since its setup), as the log stamps them.
const GAPS = [0n, 1_844_000n, 2_742_000_000n, 2_781_000_000n];
const STATES = ['setup', 'active', 'device', 'completed'];

function states(base: bigint, jitter: bigint[] = [0n, 0n, 0n, 0n]): StateMark[] {
  return STATES.map((state, i) => ({ state, ts: base + GAPS[i] + jitter[i] }));
}

let nextId = 1;
function trace(p: Partial<TraceFacts> & { path: string; side: 'src' | 'dst' | null }): TraceFacts {
  return {
    traceId: nextId++,
    member: null,
    originalName: null,
    format: 'log',
    clock: 'epoch',
    pid: null,
    firstTsNs: null,
    emitted: 123_353,
    catalogueVersion: '10.2.50',
    states: states(1_795_636_884_591_689_000n),
    runId: null,
    alternateOf: null,
    batch: null,
    ...p,
  };
}

describe('planRuns', () => {
  it('a folder holding one source and one destination is one run named after the folder', () => {
    const s = trace({ path: 'ci/a-precopy/src.log.gz', side: 'src' });
    const d = trace({ path: 'ci/a-precopy/dst.log.gz', side: 'dst', states: states(1_795_636_884_600_000_000n) });
    const plan = planRuns([s, d], [], 0);
    expect(plan.runs).toHaveLength(1);
    expect(plan.runs[0]).toMatchObject({ runId: 1, label: 'a-precopy', srcTraceId: s.traceId, dstTraceId: d.traceId, pairedBy: 'layout' });
  });

  it('the log and the simpletrace of one QEMU are one side: the wall-clock one is analysed, the other is its alternate', () => {
    const simple = trace({ path: 'r/src.simple.gz', side: 'src', format: 'simpletrace', clock: 'monotonic', pid: 15560, states: states(81_000_000_000n, [0n, 900n, -1_200n, 40n]) });
    const log = trace({ path: 'r/src.log.gz', side: 'src' });
    const dst = trace({ path: 'r/dst.log.gz', side: 'dst' });
    expect(sameMigration(simple, log)).toBe(true);
    const plan = planRuns([simple, log, dst], [], 0);
    expect(plan.runs).toHaveLength(1);
    expect(plan.runs[0].srcTraceId).toBe(log.traceId);
    expect(plan.traces.get(simple.traceId)).toEqual({ runId: 1, alternateOf: log.traceId });
    expect(plan.runs[0].traceIds).toEqual([simple.traceId, log.traceId, dst.traceId].sort((a, b) => a - b));
  });

  it('not the same QEMU: another pid, another state sequence, or gaps further apart than clock precision', () => {
    const a = trace({ path: 'r/a.simple', side: 'src', pid: 1 });
    expect(sameMigration(a, { ...a, traceId: 99, pid: 2 })).toBe(false);
    expect(sameMigration(a, { ...a, traceId: 99, states: a.states.map((x, i) => (i === 2 ? { ...x, state: 'cancelling' } : x)) })).toBe(false);
    // A second migration with the same states but 3 ms more setup is another migration.
    expect(sameMigration(a, { ...a, traceId: 99, states: states(5n, [0n, 3_000_000n, 3_000_000n, 3_000_000n]) })).toBe(false);
    expect(sameMigration(a, { ...a, traceId: 99, side: 'dst' })).toBe(false);
    // A second run of one test: same states and gaps, but other moments on the same clock, or other record counts.
    expect(sameMigration(a, { ...a, traceId: 99, states: states(60_000_000_000n) })).toBe(false);
    expect(sameMigration(a, { ...a, traceId: 99, clock: 'monotonic', emitted: 120_000 })).toBe(false);
    // A simpletrace that lost events says how many: they count.
    expect(sameMigration(a, { ...a, traceId: 99, clock: 'monotonic', emitted: 123_353 + 40 })).toBe(false);
  });

  it('a trace that stopped early (QEMU killed before its simpletrace buffer was flushed) is still an alternate, not a second run', () => {
    const log = trace({ path: 'k/src.log.gz', side: 'src' });
    const cut = trace({ path: 'k/src.simple.gz', side: 'src', format: 'simpletrace', clock: 'monotonic', emitted: 119_652, states: states(81_000_000_000n).slice(0, 3) });
    expect(sameMigration(log, cut)).toBe(true);
    // Setup alone (two states) is what every run of a test shares: not enough.
    expect(sameMigration(log, { ...cut, states: cut.states.slice(0, 2) })).toBe(false);
    // More records than the whole trace: not a prefix of it.
    expect(sameMigration(log, { ...cut, emitted: 130_000 })).toBe(false);
    const plan = planRuns([log, cut, trace({ path: 'k/dst.log.gz', side: 'dst' })], [], 0);
    expect(plan.runs).toHaveLength(1);
    expect(plan.traces.get(cut.traceId)?.alternateOf).toBe(log.traceId);
  });

  it('backends written to sibling folders (log/, simple/) are one run; sides in src/ and dst/ folders pair by file name', () => {
    const t0 = 1_800_000_000_000_000_000n;
    const list = [
      trace({ path: 'r/log/src.log.gz', side: 'src', states: states(t0) }),
      trace({ path: 'r/log/dst.log.gz', side: 'dst', states: states(t0 + 3_000_000n) }),
      trace({ path: 'r/simple/src.simple.gz', side: 'src', format: 'simpletrace', clock: 'monotonic', states: states(5_000_000_000n) }),
      trace({ path: 'r/simple/dst.simple.gz', side: 'dst', format: 'simpletrace', clock: 'monotonic', states: states(5_003_000_000n) }),
    ];
    const plan = planRuns(list, [], 0);
    expect(plan.runs.map((r) => [r.srcTraceId, r.dstTraceId, r.traceIds.length])).toEqual([[list[0].traceId, list[1].traceId, 4]]);
    // Per-side folders, host clocks 6 s apart, two runs 10 s apart: file names pair them.
    const skew = 6_000_000_000n;
    const sd = [
      trace({ path: 'sd/src/run1.log', side: 'src', states: states(t0) }),
      trace({ path: 'sd/src/run2.log', side: 'src', states: states(t0 + 10_000_000_000n, [0n, 0n, -1_400_000_000n, -1_400_000_000n]) }),
      trace({ path: 'sd/dst/run1.log', side: 'dst', states: states(t0 + skew) }),
      trace({ path: 'sd/dst/run2.log', side: 'dst', states: states(t0 + skew + 10_000_000_000n, [0n, 0n, -1_400_000_000n, -1_400_000_000n]) }),
    ];
    expect(planRuns(sd, [], 0).runs.map((r) => [r.label, r.srcTraceId, r.dstTraceId, r.pairedBy])).toEqual([
      ['run1', sd[0].traceId, sd[2].traceId, 'stem'],
      ['run2', sd[1].traceId, sd[3].traceId, 'stem'],
    ]);
  });

  it('by content, a destination pairs only with a source whose migration took as long (host clocks may be seconds apart)', () => {
    const t0 = 1_800_000_000_000_000_000n;
    const skew = 12_000_000_000n;
    // A 2.8 s precopy and a 1.3 s multifd run, destination host 12 s ahead.
    const short = [0n, 0n, -1_450_000_000n, -1_450_000_000n];
    const list = [
      trace({ path: 'skew/hostA-1.log', side: 'src', states: states(t0) }),
      trace({ path: 'skew/hostA-2.log', side: 'src', states: states(t0 + 20_000_000_000n, short) }),
      trace({ path: 'skew/hostB-1.log', side: 'dst', states: states(t0 + skew + 4_000_000n) }),
      trace({ path: 'skew/hostB-2.log', side: 'dst', states: states(t0 + skew + 20_004_000_000n, short) }),
    ];
    // Nearest in time alone would pair hostA-2 (t0+20 s) with hostB-1 (t0+12 s).
    expect(planRuns(list, [], 0).runs.map((r) => [r.srcTraceId, r.dstTraceId, r.pairedBy])).toEqual([
      [list[0].traceId, list[2].traceId, 'content'],
      [list[1].traceId, list[3].traceId, 'content'],
    ]);
  });

  it('a flat folder of several migrations is split by file names, then by migration times, and says how', () => {
    const t0 = 1_800_000_000_000_000_000n;
    const list = [
      trace({ path: 'nightly/run1-src.log', side: 'src', states: states(t0) }),
      trace({ path: 'nightly/run1-dst.log', side: 'dst', states: states(t0 + 5_000_000n) }),
      trace({ path: 'nightly/run2-src.log', side: 'src', states: states(t0 + 60_000_000_000n) }),
      trace({ path: 'nightly/run2-dst.log', side: 'dst', states: states(t0 + 60_004_000_000n) }),
      trace({ path: 'nightly/a.log', side: 'src', states: states(t0 + 120_000_000_000n) }),
      trace({ path: 'nightly/b.log', side: 'dst', states: states(t0 + 120_001_000_000n) }),
    ];
    const plan = planRuns(list, [], 0);
    const shape = plan.runs.map((r) => [r.label, r.srcTraceId, r.dstTraceId, r.pairedBy]);
    expect(shape).toEqual([
      ['run1', list[0].traceId, list[1].traceId, 'stem'],
      ['run2', list[2].traceId, list[3].traceId, 'stem'],
      ['a', list[4].traceId, list[5].traceId, 'content'],
    ]);
  });

  it('halves given from different folders pair when their migrations went active within an hour; else each stays alone', () => {
    const t0 = 1_800_000_000_000_000_000n;
    const s = trace({ path: 'host-a/out/qemu.log', side: 'src', states: states(t0) });
    const d = trace({ path: 'host-b/out/qemu.log', side: 'dst', states: states(t0 + 2_000_000n) });
    const far = trace({ path: 'host-c/qemu.log', side: 'dst', states: states(t0 + 7_200_000_000_000n) });
    const plan = planRuns([s, d, far], [], 0);
    expect(plan.runs.map((r) => [r.srcTraceId, r.dstTraceId, r.pairedBy])).toEqual([
      [s.traceId, d.traceId, 'content'],
      [null, far.traceId, 'single'],
    ]);
  });

  it('a run keeps its label when another run arrives, unless the two would share it', () => {
    const a = trace({ path: 'ci/2026-12-01/precopy/src.log', side: 'src' });
    const first = planRuns([a], [], 0);
    expect(first.runs[0].label).toBe('precopy');
    const b = trace({ path: 'ci/2026-12-01/multifd/src.log', side: 'src', states: states(9_000_000_000n) });
    const kept = { ...a, runId: 1 };
    expect(planRuns([kept, b], [{ runId: 1, label: 'precopy', labelSource: 'layout' }], 1).runs.map((r) => r.label)).toEqual(['precopy', 'multifd']);
    const c = trace({ path: 'ci/2026-12-02/precopy/src.log', side: 'src', states: states(19_000_000_000n) });
    expect(planRuns([kept, c], [{ runId: 1, label: 'precopy', labelSource: 'layout' }], 1).runs.map((r) => r.label)).toEqual(['precopy', '2026-12-02/precopy']);
    // A new run that would be named as an old one takes a longer name; the old one keeps its own.
    const d = trace({ path: 'ci/2026-12-03/other/precopy/src.log', side: 'src', states: states(29_000_000_000n) });
    expect(planRuns([kept, d], [{ runId: 1, label: 'precopy', labelSource: 'layout' }], 1).runs.map((r) => r.label)).toEqual(['precopy', 'other/precopy']);
  });

  it('halves from different folders given by one command pair whatever their times (a 7.2 source with a 10.2 destination)', () => {
    const s = trace({ path: 'samples/qemu-7.2.22-log/a-precopy/src.log.gz', side: 'src', batch: 4, states: states(1_000_000_000_000_000_000n) });
    const d = trace({ path: 'samples/qemu-10.2.50/a-precopy/dst.log.gz', side: 'dst', batch: 4, states: states(1_795_000_000_000_000_000n, [0n, 0n, 95_000_000n, 95_000_000n]) });
    const other = trace({ path: 'elsewhere/dst.log.gz', side: 'dst', batch: 5, states: states(1_000_000_000_005_000_000n) });
    expect(planRuns([s, d, other], [], 0).runs.map((r) => [r.srcTraceId, r.dstTraceId, r.pairedBy])).toEqual([
      [s.traceId, d.traceId, 'given'],
      [null, other.traceId, 'single'],
    ]);
    // Two lone sources in one command: nothing says which destination goes with which.
    const s2 = { ...trace({ path: 'x/y/src.log', side: 'src', batch: 4, states: states(7_000_000_000n) }) };
    expect(planRuns([s, d, s2], [], 0).runs.every((r) => r.pairedBy !== 'given')).toBe(true);
  });

  it('run ids and user labels survive a new plan; a removed run id is never given again', () => {
    const s = trace({ path: 'x/a-precopy/src.log', side: 'src' });
    const d = trace({ path: 'x/a-precopy/dst.log', side: 'dst' });
    const first = planRuns([s, d], [], 0);
    const kept = (t: TraceFacts): TraceFacts => ({ ...t, runId: first.traces.get(t.traceId)?.runId ?? null });
    const s2 = trace({ path: 'x/b-multifd4/src.log', side: 'src', states: states(2_000_000_000_000_000_000n) });
    const second = planRuns([kept(s), kept(d), s2], [{ runId: 1, label: 'my run', labelSource: 'user' }], first.lastRunId);
    expect(second.runs.map((r) => [r.runId, r.label, r.labelSource])).toEqual([
      [1, 'my run', 'user'],
      [2, 'b-multifd4', 'layout'],
    ]);
    // Run 2 removed (its trace gone); the next new run is 3.
    const third = planRuns([kept(s), kept(d), trace({ path: 'x/c/src.log', side: 'src', states: states(3_000_000_000_000_000_000n) })], [{ runId: 1, label: 'my run', labelSource: 'user' }], second.lastRunId);
    expect(third.runs.map((r) => r.runId)).toEqual([1, 3]);
  });

  it('labels take as many folder names as it takes to tell runs apart', () => {
    const list = [
      trace({ path: 'samples/qemu-10.2.50/a-precopy/src.log.gz', side: 'src' }),
      trace({ path: 'samples/qemu-7.2.22-log/a-precopy/src.log.gz', side: 'src', states: states(5_000_000_000n) }),
      trace({ path: 'samples/qemu-7.2.22-log/qemu-7.2.22-log-nots-multifd-src.log', side: 'src', states: states(9_000_000_000n) }),
      trace({ path: 'samples/qemu-7.2.22-log/qemu-7.2.22-log-nots-multifd-dst.log', side: 'dst', states: states(9_000_000_000n) }),
    ];
    expect(planRuns(list, [], 0).runs.map((r) => r.label)).toEqual(['qemu-10.2.50/a-precopy', 'qemu-7.2.22-log/a-precopy', 'qemu-7.2.22-log-nots-multifd']);
  });

  it('uploads: a folder upload groups by its relative path; a file uploaded alone is named by its id until paired', () => {
    const up = (name: string, side: 'src' | 'dst', n: number) =>
      trace({ path: `ws/qtw-uploads/1796654344384-${n}-${name.split('/').pop()}`, originalName: name, side });
    const a = up('run7/src.log.gz', 'src', 1);
    const b = up('run7/dst.log.gz', 'dst', 2);
    const c = { ...up('src.log.gz', 'src', 3), states: states(7_000_000_000n) };
    const plan = planRuns([a, b, c], [], 0);
    expect(plan.runs.map((r) => [r.label, r.srcTraceId, r.dstTraceId])).toEqual([
      ['run7', a.traceId, b.traceId],
      [`run ${plan.runs[1].runId}`, c.traceId, null],
    ]);
  });

  it('side-free stems', () => {
    const f = (p: string) => sideFreeStem(trace({ path: p, side: null }));
    expect(f('d/qemu-7.2.22-log-nots-multifd-src.log')).toBe('qemu-7.2.22-log-nots-multifd');
    expect(f('d/run3_dst.simple.gz')).toBe('run3');
    expect(f('d/src.log.gz')).toBe('');
    expect(f('d/source-host1.trace.zst')).toBe('host1');
  });
});
