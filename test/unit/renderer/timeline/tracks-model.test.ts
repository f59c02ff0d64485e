// The Tracks view's pure parts: lanes laid out from a TrackSetData (flows are arrows, not lanes;
// a slice lane is as tall as its deepest row), the axis's zero and span, hit testing of slices
// (nesting rows, instants within a tolerance, open-ended slices) and counters (the step in
// force), and the colour of a slice name. The set mimics what runTracks gives for a multifd run:
// epoch ns beyond 2^53, a state whose end is not traced.
import { describe, expect, it } from 'vitest';
import type { TrackData, TrackLaneRef, TrackSetData } from '../../../../src-main/contract.ts';
import { PALETTE } from '../../../../src-renderer/charts/palette.ts';
import { axisTicks } from '../../../../src-renderer/timeline/time-window.ts';
import { boundsOf, buildModel, COUNTER_H, counterRanges, flowsOf, formatValue, GROUP_H, hitTest, LANE_PAD, laneAt, ROW_H, sliceColor, zeroOf } from '../../../../src-renderer/timeline/tracks-model.ts';

const T0 = 1_700_000_000_123_456_789n;
const at = (ms: number) => (T0 + BigInt(ms) * 1_000_000n).toString();
const lane = (side: 'src' | 'dst', channel: number | null = null): TrackLaneRef => ({ side, traceId: side === 'src' ? 1 : 2, tid: null, channel });
const common = { group: 'migration', total: 0, truncated: false, buckets: null, note: null };

const TRACKS: TrackData[] = [
  {
    ...common, id: 'states:src', title: 'Source migration state', lane: lane('src'), kind: 'slice',
    items: [
      { tsNs: at(0), durNs: '5000000', name: 'setup', depth: 0, args: { attempt: 1 } },
      { tsNs: at(5), durNs: null, name: 'active', depth: 0, args: {} },
    ],
  },
  {
    ...common, id: 'sections:src', title: 'Source savevm sections', lane: lane('src'), kind: 'slice',
    items: [
      { tsNs: at(10), durNs: '20000000', name: 'ram', depth: 0, args: {} },
      { tsNs: at(12), durNs: '2000000', name: 'inner', depth: 1, args: {} },
    ],
  },
  { ...common, id: 'remaining:src', title: 'Source remaining RAM', lane: lane('src'), kind: 'counter', unit: 'bytes', items: [{ tsNs: at(1), value: 4096 }, { tsNs: at(20), value: 1024 }] },
  { ...common, id: 'multifd:src:ch:0', title: 'Source multifd channel 0', group: 'multifd', lane: lane('src', 0), kind: 'slice', items: [{ tsNs: at(15), durNs: '0', name: 'packet 1', depth: 0, args: {} }] },
  { ...common, id: 'multifd:dst:ch:0', title: 'Destination multifd channel 0', group: 'multifd', lane: lane('dst', 0), kind: 'slice', items: [{ tsNs: at(16), durNs: '0', name: 'packet 1', depth: 0, args: {} }] },
  {
    ...common, id: 'flows:multifd', title: 'multifd packets', group: 'multifd', lane: { side: null, traceId: null, tid: null, channel: null }, kind: 'flow',
    items: [{ fromTrackId: 'multifd:src:ch:0', fromTsNs: at(15), toTrackId: 'multifd:dst:ch:0', toTsNs: at(40), name: 'packet 1', args: {} }],
  },
];
const SET: TrackSetData = { runId: 1, srcTraceId: 1, dstTraceId: 2, clock: 'epoch', fromNs: null, toNs: null, maxItemsPerTrack: 2000, tracks: TRACKS, notes: [] };
const MS = 1_000_000;

describe('tracks model', () => {
  it('spans every item (a flow end included) and counts from the source migration start', () => {
    expect(boundsOf(SET)).toEqual({ from: T0, to: BigInt(at(40)) });
    expect(zeroOf(SET)).toEqual({ zero: T0, caption: '0 = migration start' });
    const noStates = { ...SET, tracks: TRACKS.filter((t) => !t.id.startsWith('states')) };
    expect(zeroOf(noStates)).toEqual({ zero: T0 + 1_000_000n, caption: '0 = first item' });
    expect(boundsOf({ ...SET, tracks: [] })).toBeNull();
  });

  it('lays out one lane per slice or counter track, as tall as its rows; flows join lanes', () => {
    const m = buildModel(SET, T0, BigInt(at(40)));
    // Under group headers: the migration states on top, then the source's lanes, then the destination's.
    const G = GROUP_H;
    expect(m.groups.map((g) => [g.key, g.y, g.count])).toEqual([['migration', 0, 1], ['src', G + ROW_H + 2 * LANE_PAD, 3], ['dst', 2 * G + 4 * ROW_H + 6 * LANE_PAD + COUNTER_H, 1]]);
    expect(m.lanes.map((l) => [l.id, l.y, l.height])).toEqual([
      ['states:src', G, ROW_H + 2 * LANE_PAD],
      ['sections:src', 2 * G + ROW_H + 2 * LANE_PAD, 2 * ROW_H + 2 * LANE_PAD],
      ['remaining:src', 2 * G + 3 * ROW_H + 4 * LANE_PAD, COUNTER_H],
      ['multifd:src:ch:0', 2 * G + 3 * ROW_H + 4 * LANE_PAD + COUNTER_H, ROW_H + 2 * LANE_PAD],
      ['multifd:dst:ch:0', 3 * G + 4 * ROW_H + 6 * LANE_PAD + COUNTER_H, ROW_H + 2 * LANE_PAD],
    ]);
    expect(m.height).toBe(3 * G + 5 * ROW_H + 8 * LANE_PAD + COUNTER_H);
    expect(m.flows).toEqual([{ from: 'multifd:src:ch:0', to: 'multifd:dst:ch:0', t0: 15 * MS, t1: 40 * MS, name: 'packet 1' }]);
    // An untraced end reaches the end given (the run's last instant).
    const st = m.lanes[0];
    expect(st?.kind === 'slice' && st.items.map((s) => [s.name, s.t0, s.t1])).toEqual([['setup', 0, 5 * MS], ['active', 5 * MS, 40 * MS]]);
    expect(laneAt(m, -1)).toBeNull();
    expect(laneAt(m, m.height)).toBeNull();
    expect(laneAt(m, 2 * GROUP_H + ROW_H + 2 * LANE_PAD)?.id).toBe('sections:src');
    expect(laneAt(m, 0)).toBeNull();
  });

  it('hit tests slices per depth row, instants within the tolerance, and the counter step in force', () => {
    const m = buildModel(SET, T0, BigInt(at(40)));
    const rowY = (id: string, depth: number) => (m.lanes.find((l) => l.id === id)?.y ?? NaN) + LANE_PAD + depth * ROW_H + ROW_H / 2;
    const name = (t: number, y: number, tol = 0) => {
      const hit = hitTest(m, t, y, tol);
      return hit?.kind === 'slice' ? hit.item.name : hit?.kind === 'counter' ? hit.item.value : null;
    };
    expect(name(2 * MS, rowY('states:src', 0))).toBe('setup');
    expect(name(30 * MS, rowY('states:src', 0))).toBe('active');
    expect(name(13 * MS, rowY('sections:src', 0))).toBe('ram');
    expect(name(13 * MS, rowY('sections:src', 1))).toBe('inner');
    expect(name(20 * MS, rowY('sections:src', 1))).toBeNull();
    expect(name(15.5 * MS, rowY('multifd:src:ch:0', 0))).toBeNull();
    expect(name(15.5 * MS, rowY('multifd:src:ch:0', 0), MS)).toBe('packet 1');
    const cy = (m.lanes.find((l) => l.id === 'remaining:src')?.y ?? NaN) + 5;
    expect(name(0, cy)).toBeNull();
    expect(name(19 * MS, cy)).toBe(4096);
    expect(name(25 * MS, cy)).toBe(1024);
  });

  it("keeps the whole run's counter scale in a window, and finds a slice's flows by lane and time", () => {
    const whole = buildModel(SET, T0, BigInt(at(40)));
    const win = { ...SET, tracks: SET.tracks.map((t) => (t.kind === 'counter' ? { ...t, items: [{ tsNs: at(20), value: 1024 }] } : t)) };
    const own = buildModel(win, T0, BigInt(at(40))).lanes.find((l) => l.id === 'remaining:src');
    const kept = buildModel(win, T0, BigInt(at(40)), counterRanges(whole)).lanes.find((l) => l.id === 'remaining:src');
    expect(own?.kind === 'counter' && [own.min, own.max]).toEqual([0, 1024]);
    expect(kept?.kind === 'counter' && [kept.min, kept.max]).toEqual([0, 4096]);
    expect(flowsOf(whole, 'multifd:src:ch:0', { t0: 15 * MS, t1: 15 * MS }).map((f) => f.name)).toEqual(['packet 1']);
    expect(flowsOf(whole, 'multifd:dst:ch:0', { t0: 40 * MS, t1: 40 * MS })).toHaveLength(1);
    expect(flowsOf(whole, 'multifd:dst:ch:0', { t0: 15 * MS, t1: 16 * MS })).toHaveLength(0);
  });

  it('ticks the axis relative to the zero, in ms for a window of ms and in s when zoomed out', () => {
    const ms = axisTicks({ from: T0, to: T0 + 40_000_000n }, T0, 900);
    expect(ms[0]?.label).toBe('+0 ms');
    expect(ms.every((t) => t.label.endsWith(' ms'))).toBe(true);
    const s = axisTicks({ from: T0, to: T0 + 40_000_000_000n }, T0, 900);
    expect(s.every((t) => t.label.endsWith(' s'))).toBe(true);
  });

  it('gives a slice name one palette colour, the same every time', () => {
    const names = ['setup', 'active', 'device', 'completed', 'ram', 'packet 1', 'packet 2'];
    for (const n of names) {
      expect(PALETTE).toContain(sliceColor(n));
      expect(sliceColor(n)).toBe(sliceColor(`${n}`.slice(0)));
    }
    expect(new Set(names.map(sliceColor)).size).toBeGreaterThan(3);
  });

  it('formats counter values in their unit', () => {
    expect(formatValue(1536, 'bytes')).toBe('1.5 KiB');
    expect(formatValue(512, 'bytes')).toBe('512 B');
    expect(formatValue(12_345, 'pages')).toBe('12.3k pages');
  });
});
