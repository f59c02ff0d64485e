// The Tracks view's area selection, pure parts: the instant under a fraction of the window stays
// exact for epoch ns beyond 2^53 (the SQL's bounds come from it), the lanes a vertical drag
// covers, the range ordered whichever way the drag went, and the table's cells.
import { describe, expect, it } from 'vitest';
import { formatAreaCell, lanesBetween, selectionOf, timeAt } from '../../../../src-renderer/timeline/area-selection.ts';
import type { Lane } from '../../../../src-renderer/timeline/tracks-model.ts';

const T0 = 1_700_000_000_123_456_789n;
const view = { from: T0, to: T0 + 2_000_000_000n };

function lane(id: string, y: number, height: number, side: 'src' | 'dst', tid: number | null = null, channel: number | null = null): Lane {
  return { id, title: id, group: 'g', lane: { side, traceId: 1, tid, channel }, y, height, truncated: false, total: 0, note: null, kind: 'slice', rows: 1, items: [] } as unknown as Lane;
}

const LANES = [lane('states:src', 0, 22, 'src'), lane('multifd:src:tid:7', 22, 22, 'src', 7), lane('multifd:dst:ch:1', 44, 22, 'dst', null, 1), lane('states:dst', 66, 22, 'dst')];

describe('area selection', () => {
  it('timeAt is exact beyond 2^53 and clamps to the window', () => {
    expect(timeAt(view, 0)).toBe(T0);
    expect(timeAt(view, 0.5)).toBe(T0 + 1_000_000_000n);
    expect(timeAt(view, 0.25)).toBe(T0 + 500_000_000n);
    expect(timeAt(view, -1)).toBe(T0);
    expect(timeAt(view, 2)).toBe(view.to);
  });

  it('lanesBetween keeps every lane the drag touched, in either direction', () => {
    expect(lanesBetween(LANES, 30, 50).map((l) => l.id)).toEqual(['multifd:src:tid:7', 'multifd:dst:ch:1']);
    expect(lanesBetween(LANES, 50, 30).map((l) => l.id)).toEqual(['multifd:src:tid:7', 'multifd:dst:ch:1']);
    expect(lanesBetween(LANES, 5, 5).map((l) => l.id)).toEqual(['states:src']);
  });

  it('selectionOf orders the range and carries each lane as the engine takes it', () => {
    const s = selectionOf(view, 0.75, 0.25, LANES.slice(1, 3));
    expect(s.from).toBe(T0 + 500_000_000n);
    expect(s.to).toBe(T0 + 1_500_000_000n);
    expect(s.lanes).toEqual([
      { trackId: 'multifd:src:tid:7', side: 'src', tid: 7, channel: null },
      { trackId: 'multifd:dst:ch:1', side: 'dst', tid: null, channel: 1 },
    ]);
  });

  it('formats durations, counts, big decimal strings and NULLs', () => {
    expect(formatAreaCell('clipped_dur_ns', 1_500_000)).toMatch(/^1\.50* ms$/);
    expect(formatAreaCell('longest_slice_dur_ns', '2000000000')).toMatch(/^2(\.0+)? s$/);
    expect(formatAreaCell('records', 12345)).toBe('12,345');
    expect(formatAreaCell('records', '9007199254740993')).toBe('9,007,199,254,740,993');
    expect(formatAreaCell('last_value', null)).toBe('—');
    expect(formatAreaCell('event', 'multifd_send')).toBe('multifd_send');
  });
});
