// The track model as the contract carries it: BigInt ns become decimal strings (values beyond
// 2^53 cross process boundaries as text).
import type { TrackBucketSummary, TrackData, TrackSetData } from '../../contract.ts';
import type { Track, TrackBucket, TrackSet } from './types.ts';

function buckets(b: readonly TrackBucket[] | null): TrackBucketSummary[] | null {
  return b === null ? null : b.map((x) => ({ fromNs: x.from.toString(), toNs: x.to.toString(), count: x.count, min: x.min, max: x.max }));
}

export function trackToWire(t: Track): TrackData {
  const common = { id: t.id, title: t.title, group: t.group, lane: t.lane, total: t.total, truncated: t.truncated, buckets: buckets(t.buckets), note: t.note };
  switch (t.kind) {
    case 'slice':
      return {
        ...common,
        kind: 'slice',
        items: t.items.map((s) => ({ tsNs: s.ts.toString(), durNs: s.dur === null ? null : s.dur.toString(), name: s.name, depth: s.depth, args: s.args })),
      };
    case 'counter':
      return { ...common, kind: 'counter', unit: t.unit, items: t.items.map((p) => ({ tsNs: p.ts.toString(), value: p.value })) };
    case 'flow':
      return {
        ...common,
        kind: 'flow',
        items: t.items.map((f) => ({ fromTrackId: f.fromTrackId, fromTsNs: f.fromTs.toString(), toTrackId: f.toTrackId, toTsNs: f.toTs.toString(), name: f.name, args: f.args })),
      };
  }
}

export function trackSetToWire(s: TrackSet): TrackSetData {
  return {
    runId: s.runId,
    srcTraceId: s.srcTraceId,
    dstTraceId: s.dstTraceId,
    clock: s.clock,
    fromNs: s.from === null ? null : s.from.toString(),
    toNs: s.to === null ? null : s.to.toString(),
    maxItemsPerTrack: s.maxItems,
    tracks: s.tracks.map(trackToWire),
    notes: s.notes,
  };
}
