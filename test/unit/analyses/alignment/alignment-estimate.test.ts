// Combining landmark bounds into an offset: causality in both directions gives an interval,
// one direction gives a one-sided bound, none gives no estimate; BigInt all the way.
import { describe, expect, it } from 'vitest';
import { combineBounds, type LandmarkBounds } from '../../../../src-main/analyses/alignment/estimate.ts';

function bounds(kind: string, direction: LandmarkBounds['direction'], values: bigint[], coarse = false): LandmarkBounds {
  const sorted = [...values].sort((a, b) => (direction === 'src-to-dst' ? (b > a ? 1 : b < a ? -1 : 0) : a > b ? 1 : a < b ? -1 : 0));
  return { kind, direction, pairs: values.length, best: sorted[0] ?? null, top: sorted.slice(0, 5), coarse };
}

/** Landmarks between two clocks with a known offset: transit delays are added in true time. */
function simulate(offset: bigint, forwardDelays: bigint[], backwardDelays: bigint[]): LandmarkBounds[] {
  // src clock = true time; dst clock = true time − offset. A src→dst message sent at t arrives at t + d.
  const fwd = forwardDelays.map((d, i) => {
    const t = 1_000_000n * BigInt(i);
    return t - (t + d - offset);
  });
  const bwd = backwardDelays.map((d, i) => {
    const t = 1_000_000n * BigInt(i);
    return t + d - (t - offset);
  });
  return [bounds('section', 'src-to-dst', fwd), bounds('pong', 'dst-to-src', bwd)].filter((b) => b.pairs > 0);
}

describe('combineBounds', () => {
  it('brackets the true offset between src→dst and dst→src bounds and reports midpoint ± half-width', () => {
    const offset = -3_700_000_000n;
    const e = combineBounds(simulate(offset, [40_000n, 25_000n, 90_000n], [30_000n, 70_000n]));
    expect(e.method).toBe('bounds');
    expect(e.lowerNs).toBe(offset - 25_000n);
    expect(e.upperNs).toBe(offset + 30_000n);
    expect(e.pairs).toBe(5);
    expect(e.offsetNs).not.toBeNull();
    expect(e.uncertaintyNs).not.toBeNull();
    const off = e.offsetNs as bigint;
    const unc = e.uncertaintyNs as bigint;
    expect(off - unc <= offset && offset <= off + unc).toBe(true);
    expect(unc).toBeLessThanOrEqual(28_000n);
    expect(e.landmarks).toEqual({ section: 3, pong: 2 });
  });

  it('keeps exact nanoseconds for wall-clock vs monotonic offsets (~1.8e18 ns)', () => {
    const offset = 1_795_636_873_378_446_123n - 3_131_801_366_500n;
    const e = combineBounds(simulate(offset, [1_001n], [999n]));
    expect(e.lowerNs).toBe(offset - 1_001n);
    expect(e.upperNs).toBe(offset + 999n);
    expect(e.offsetNs).toBe(offset - 1n);
  });

  it('with src→dst landmarks only, reports the lower bound and leaves the upper side open', () => {
    const offset = 123_456_789n;
    const delays = [15_000n, 12_000n, 20_000n, 13_000n, 50_000n, 14_000n, 300_000n];
    const e = combineBounds(simulate(offset, delays, []));
    expect(e.method).toBe('lower-bound');
    expect(e.upperNs).toBeNull();
    expect(e.offsetNs).toBe(offset - 12_000n);
    // Spread of the five tightest bounds: 12, 13, 14, 15, 20 µs → 8 µs.
    expect(e.uncertaintyNs).toBe(8_000n);
  });

  it('never reports less than the timestamps resolution (µs log prefixes)', () => {
    const e = combineBounds([bounds('section', 'src-to-dst', [-5_000n], true)]);
    expect(e.uncertaintyNs).toBe(1_000n);
  });

  it('flags crossing bounds as inconsistent instead of hiding them', () => {
    const e = combineBounds([bounds('section', 'src-to-dst', [500n]), bounds('pong', 'dst-to-src', [100n])]);
    expect(e.method).toBe('inconsistent');
    expect(e.offsetNs).toBe(300n);
  });

  it('gives no estimate without landmark pairs', () => {
    const e = combineBounds([{ kind: 'section', direction: 'src-to-dst', pairs: 0, best: null, top: [], coarse: false }]);
    expect(e).toMatchObject({ method: 'none', offsetNs: null, uncertaintyNs: null, pairs: 0 });
  });
});
