// What the Timeline is asked to show: a run or a pick of traces that never mixes clock kinds, the
// picker's rows, and the status line's window offset rounded to what the window can show. The
// traces are the QEMU 10.2.50 a-precopy sample's as listTraces reports them (ids, sides, clocks,
// first stamps), reduced to the fields the picker reads.
import { describe, expect, it } from 'vitest';
import type { RunInfo, TimelineData, TraceInfo } from '../../../../src-main/contract.ts';
import { formatRelative } from '../../../../src-renderer/timeline/time-window.ts';
import { axisZero, clockGroups, NEWEST, pickable, requestOf, togglePick, traceLabel, zeroCaption } from '../../../../src-renderer/timeline/trace-pick.ts';

function trace(traceId: number, side: 'src' | 'dst', file: string, clock: string, alternateOf: number | null, runId = 1): TraceInfo {
  return {
    traceId, path: `uploads/${traceId}-${file}`, member: null, format: clock === 'epoch' ? 'log' : 'simpletrace', prefixStyle: null, side, clock,
    catalogueId: 'c', catalogueMisfits: 0, continuationLines: 0, catalogueVersion: '10.2.50', catalogueFit: 1, pasteNormalized: null, yearAssumed: null,
    bytes: '0', sha256: '', firstTsNs: null, lastTsNs: null, records: 0, events: 0, unparsed: 0, dropped: 0, error: null,
    runId, originalName: file, alternateOf,
  };
}

const TRACES = [
  trace(1, 'src', 'src.log.gz', 'epoch', null),
  trace(2, 'dst', 'dst.log.gz', 'epoch', null),
  trace(3, 'src', 'src.simple.gz', 'monotonic', 1),
  trace(4, 'dst', 'dst.simple.gz', 'monotonic', 2),
  trace(5, 'src', 'other-src.log', 'epoch', null, 2),
];
const RUN: RunInfo = {
  runId: 1, label: 'a-precopy', labelSource: 'layout', srcTraceId: 1, dstTraceId: 2, qemuVersion: '10.2.50', startTsNs: '1795636884591689000',
  clock: 'epoch', pairedBy: 'layout', traceIds: [1, 2, 3, 4], alternates: [{ traceId: 3, alternateOf: 1 }, { traceId: 4, alternateOf: 2 }],
};

describe('trace pick', () => {
  it('asks for the newest run, a run, or exactly the picked traces', () => {
    expect(requestOf(NEWEST)).toEqual({ runId: null, traceIds: null });
    expect(requestOf({ kind: 'run', runId: 7 })).toEqual({ runId: 7, traceIds: null });
    expect(requestOf({ kind: 'traces', traceIds: [3, 4] })).toEqual({ runId: null, traceIds: [3, 4] });
  });

  it('offers the run\'s traces, primaries before alternates; every trace without a run', () => {
    expect(pickable(TRACES, RUN).map((t) => t.traceId)).toEqual([1, 2, 3, 4]);
    expect(pickable(TRACES, null).map((t) => t.traceId)).toEqual([1, 2, 5, 3, 4]);
    expect(traceLabel(TRACES[2])).toBe('#3 src src.simple.gz · monotonic · alternate of #1');
    expect(traceLabel(TRACES[0])).toBe('#1 src src.log.gz · epoch');
  });

  it('never mixes clocks: a trace of another clock starts a new pick', () => {
    expect(togglePick([1, 2], 3, true, TRACES)).toEqual([3]);
    expect(togglePick([3], 4, true, TRACES)).toEqual([3, 4]);
    expect(togglePick([1, 2], 5, true, TRACES)).toEqual([1, 2, 5]);
    expect(togglePick([3, 4], 4, false, TRACES)).toEqual([3]);
    expect(togglePick([3], 3, false, TRACES)).toEqual([]);
  });

  it('groups every trace by clock kind', () => {
    expect(clockGroups(TRACES)).toEqual([
      { clock: 'epoch', traceIds: [1, 2, 5] },
      { clock: 'monotonic', traceIds: [3, 4] },
    ]);
  });

  it('counts the axis from the migration start when traced, else from the first event', () => {
    const base = { originNs: '3131761397827', fromNs: '3131761397827', toNs: '3148386117262', lanes: [], events: [], truncated: false, totalInWindow: 0, runId: 1, traceIds: [3, 4], clock: 'monotonic', note: null };
    const d: TimelineData = { ...base, startNs: '3143014614337' };
    expect(axisZero(d)).toBe(3143014614337n);
    expect(zeroCaption(d).short).toBe('0 = migration start');
    expect(zeroCaption(d).title).toContain('3143.014614337 s (monotonic)');
    const none: TimelineData = { ...base, startNs: null };
    expect(axisZero(none)).toBe(3131761397827n);
    expect(zeroCaption(none).short).toBe('0 = first event');
  });
});

describe('window offsets', () => {
  it('rounds to about a thousandth of the window, in the axis\'s unit', () => {
    // The sample's window: 16.6 s starting 11.25 s before the migration.
    expect(formatRelative(3131761397827n - 3143014614337n, 16_624_719_435n)).toBe('-11.25 s');
    expect(formatRelative(-107_854_684n, 1_610_000_000n)).toBe('-0.108 s');
    expect(formatRelative(2_345_678n, 20_000_000n)).toBe('+2.35 ms');
    expect(formatRelative(0n, 50n)).toBe('+0 ns');
  });
});
