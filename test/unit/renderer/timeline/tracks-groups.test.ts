// Lane groups and thinned lanes of the Tracks view (issue 16): the order of groups (both sides'
// migration states on top, then the source, then the destination, then tracks of no side),
// multifd lanes ordered by channel so that channel N sits at the same rank on both sides, a
// collapsed group drawing only its header (and the flows to its lanes left out), bucket
// summaries placed on the time axis and hit when no kept item is, and a lane title cut with an
// ellipsis to the room it has.
import { describe, expect, it } from 'vitest';
import type { TrackData, TrackLaneRef, TrackSetData } from '../../../../src-main/contract.ts';
import { bucketAt, buildModel, ellipsize, GROUP_H, groupAt, hitTest, orderTracks } from '../../../../src-renderer/timeline/tracks-model.ts';

const T0 = 1_700_000_000_000_000_000n;
const at = (ms: number) => (T0 + BigInt(ms) * 1_000_000n).toString();
const lane = (side: 'src' | 'dst' | null, channel: number | null = null, tid: number | null = null): TrackLaneRef => ({ side, traceId: side === 'dst' ? 2 : 1, tid, channel });
const common = { group: 'multifd', total: 1, truncated: false, buckets: null, note: null };
const slice = (id: string, l: TrackLaneRef, ms = 1): TrackData => ({ ...common, id, title: id, lane: l, kind: 'slice', items: [{ tsNs: at(ms), durNs: '0', name: 'x', depth: 0, args: {} }] });

// In the engine's order (side, then its rank: states, sections, multifd packets by thread id, counters).
const TRACKS: TrackData[] = [
  slice('states:src', lane('src')),
  slice('sections:src', lane('src')),
  slice('multifd:src:tid:300', lane('src', 1, 300)),
  slice('multifd:src:tid:301', lane('src', 0, 301)),
  { ...common, id: 'multifd-bytes:src:ch:0', title: 'b0', lane: lane('src', 0), kind: 'counter', unit: 'bytes', items: [{ tsNs: at(1), value: 1 }] },
  { ...common, id: 'remaining:src', title: 'r', lane: lane('src'), kind: 'counter', unit: 'bytes', items: [{ tsNs: at(1), value: 1 }] },
  slice('states:dst', lane('dst')),
  slice('downtime:src', lane('src')),
  slice('multifd:dst:tid:500', lane('dst', 1, 500)),
  slice('multifd:dst:tid:501', lane('dst', 0, 501)),
  slice('user:track_x:', lane(null)),
  {
    ...common, id: 'flows:multifd', title: 'f', lane: lane(null), kind: 'flow',
    items: [{ fromTrackId: 'multifd:src:tid:301', fromTsNs: at(1), toTrackId: 'multifd:dst:tid:501', toTsNs: at(2), name: 'p', args: {} }],
  },
];
const SET: TrackSetData = { runId: 1, srcTraceId: 1, dstTraceId: 2, clock: 'monotonic', fromNs: null, toNs: null, maxItemsPerTrack: 2000, tracks: TRACKS, notes: [] };

describe('tracks lane groups', () => {
  it('orders groups migration, source, destination, other; multifd lanes by channel after the side’s other lanes', () => {
    expect(orderTracks(TRACKS).map((t) => t.id)).toEqual([
      'states:src', 'states:dst', 'downtime:src',
      'sections:src', 'remaining:src', 'multifd:src:tid:301', 'multifd-bytes:src:ch:0', 'multifd:src:tid:300',
      'multifd:dst:tid:501', 'multifd:dst:tid:500',
      'user:track_x:',
      'flows:multifd',
    ]);
    const m = buildModel(SET, T0, BigInt(at(10)));
    expect(m.groups.map((g) => [g.key, g.title, g.count])).toEqual([['migration', 'Migration', 3], ['src', 'Source', 5], ['dst', 'Destination', 2], ['other', 'Other tracks', 1]]);
    // Channel N's packets are at the same rank within each side's multifd lanes.
    const mf = (side: string) => m.lanes.filter((l) => l.id.startsWith(`multifd:${side}:`)).map((l) => l.lane.channel);
    expect(mf('src')).toEqual(mf('dst'));
    // Each header sits right above its first lane.
    for (const g of m.groups) expect(m.lanes.find((l) => l.groupKey === g.key)?.y).toBe(g.y + GROUP_H);
    expect(groupAt(m, m.groups[1]!.y + 1)?.key).toBe('src');
    expect(groupAt(m, m.groups[1]!.y + GROUP_H)).toBeNull();
    expect(m.flows).toHaveLength(1);
  });

  it('a collapsed group keeps its header, draws none of its lanes, and drops the flows that reach them', () => {
    const open = buildModel(SET, T0, BigInt(at(10)));
    const m = buildModel(SET, T0, BigInt(at(10)), new Map(), new Set(['dst']));
    expect(m.groups.find((g) => g.key === 'dst')).toMatchObject({ collapsed: true, count: 2 });
    expect(m.lanes.some((l) => l.groupKey === 'dst')).toBe(false);
    expect(m.lanes.length).toBe(open.lanes.length - 2);
    const other = m.groups.find((g) => g.key === 'other')!;
    expect(other.y).toBe(m.groups.find((g) => g.key === 'dst')!.y + GROUP_H);
    expect(m.flows).toEqual([]);
  });

  it('places a thinned lane’s buckets on the time axis and hits them where no kept item is', () => {
    const thinned: TrackData = {
      ...common, id: 'sections:src', title: 'Source savevm sections', lane: lane('src'), kind: 'slice', total: 30, truncated: true,
      buckets: [
        { fromNs: at(0), toNs: (BigInt(at(10)) - 1n).toString(), count: 20, min: 1000, max: 5_000_000 },
        { fromNs: at(20), toNs: (BigInt(at(30)) - 1n).toString(), count: 10, min: 0, max: 7 },
      ],
      items: [{ tsNs: at(25), durNs: '1000000', name: 'ram', depth: 0, args: {} }],
    };
    const m = buildModel({ ...SET, tracks: [thinned] }, T0, BigInt(at(30)));
    const l = m.lanes[0]!;
    const MS = 1e6;
    expect(l.buckets?.map((b) => [b.t0, b.t1, b.count])).toEqual([[0, 10 * MS, 20], [20 * MS, 30 * MS, 10]]);
    expect(bucketAt(l, 5 * MS)?.count).toBe(20);
    expect(bucketAt(l, 15 * MS)).toBeNull();
    const y = l.y + l.height / 2;
    expect(hitTest(m, 5 * MS, y, 0)).toMatchObject({ kind: 'bucket', item: { count: 20, min: 1000, max: 5_000_000 } });
    // A kept slice wins over its bucket.
    expect(hitTest(m, 25.5 * MS, y, 0)).toMatchObject({ kind: 'slice', item: { name: 'ram' } });
    expect(hitTest(m, 15 * MS, y, 0)).toBeNull();
  });

  it('cuts a title with an ellipsis to the room it has, keeping the longest prefix', () => {
    const w = (s: string) => s.length * 7;
    expect(ellipsize('Source migration state', 1000, w)).toBe('Source migration state');
    const cut = ellipsize('Destination multifd thread 123456', 100, w);
    expect(cut).toBe('Destination m…');
    expect(w(cut)).toBeLessThanOrEqual(100);
    // One character more would not fit.
    expect(w('Destination mu…')).toBeGreaterThan(100);
  });
});
