// LTTB downsampling: bounds, endpoints, order, and that peaks survive.
import { describe, expect, it } from 'vitest';
import { lttb, lttbIndexes } from '../../../src-main/results/lttb.ts';

function series(n: number, f: (i: number) => number): { x: number[]; y: number[] } {
  const x = Array.from({ length: n }, (_, i) => i);
  return { x, y: x.map(f) };
}

describe('lttb', () => {
  it('returns everything when there are no more points than the threshold', () => {
    const s = series(10, (i) => i * i);
    expect(lttb(s.x, s.y, 10)).toEqual(s);
    expect(lttb(s.x, s.y, 50)).toEqual(s);
  });

  it('keeps exactly threshold points, first and last included, in ascending order', () => {
    const s = series(100_000, (i) => Math.sin(i / 500) + ((i * 7919) % 13) / 100);
    for (const t of [3, 10, 1000, 4999]) {
      const idx = lttbIndexes(s.x, s.y, t);
      expect(idx).toHaveLength(t);
      expect(idx[0]).toBe(0);
      expect(idx[idx.length - 1]).toBe(99_999);
      for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
    }
  });

  it('keeps isolated spikes that stride sampling would miss', () => {
    const spikes = new Set([12_345, 54_321, 77_777]);
    const s = series(100_000, (i) => (spikes.has(i) ? 1000 : 0));
    const d = lttb(s.x, s.y, 500);
    for (const at of spikes) expect(d.x).toContain(at);
    // The stride sample of the same size does not contain them (why LTTB is used at all).
    const stride = s.x.filter((i) => i % 200 === 0);
    expect(stride.some((i) => spikes.has(i))).toBe(false);
  });

  it('handles degenerate thresholds', () => {
    const s = series(10, (i) => i);
    expect(lttbIndexes(s.x, s.y, 0)).toEqual([]);
    expect(lttbIndexes(s.x, s.y, 1)).toEqual([0]);
    expect(lttbIndexes(s.x, s.y, 2)).toEqual([0, 9]);
    expect(lttbIndexes([], [], 5)).toEqual([]);
  });
});
