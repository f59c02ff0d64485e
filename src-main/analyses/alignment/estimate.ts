// From landmark bounds to one offset with an uncertainty. All arithmetic is BigInt: offsets
// between a wall clock and a monotonic clock are ~1.8e18 ns, far beyond float precision.

/** What one landmark kind contributed for one (source, destination) pair of traces. */
export interface LandmarkBounds {
  readonly kind: string;
  readonly direction: 'src-to-dst' | 'dst-to-src';
  readonly pairs: number;
  /** The tightest bound (max for src-to-dst, min for dst-to-src); null without pairs. */
  readonly best: bigint | null;
  /** Up to five tightest bounds, tightest first. */
  readonly top: readonly bigint[];
  /** Timestamps of every pair were whole microseconds (log backend before 8.x prints µs). */
  readonly coarse: boolean;
  /** Pairs left out because an occurrence lay past a dropped-events record (landmarks.ts). */
  readonly discarded?: number;
}

export type AlignmentMethod = 'bounds' | 'lower-bound' | 'upper-bound' | 'inconsistent' | 'none';

export interface OffsetEstimate {
  readonly offsetNs: bigint | null;
  readonly uncertaintyNs: bigint | null;
  /** offset ≥ lowerNs (from src → dst messages), offset ≤ upperNs (from dst → src). */
  readonly lowerNs: bigint | null;
  readonly upperNs: bigint | null;
  readonly pairs: number;
  readonly method: AlignmentMethod;
  /** kind → pairs, for the report. */
  readonly landmarks: Readonly<Record<string, number>>;
  /** Landmark pairs not trusted because of dropped-events records (0: none were). */
  readonly discarded: number;
}

/**
 * The method as stored and shown: the AlignmentMethod, then why landmark pairs were left out
 * when some were, so that an estimate made from fewer landmarks says so on its row.
 */
export function methodText(e: Pick<OffsetEstimate, 'method' | 'discarded'>): string {
  return e.discarded > 0 ? `${e.method}; ${e.discarded} landmark pairs discarded (dropped records)` : e.method;
}

/** The AlignmentMethod at the head of a stored method text. */
export function baseMethod(text: string): string {
  return text.split(';')[0];
}

const US = 1000n;
/** How many of the tightest one-sided bounds describe the envelope's sharpness. */
const ENVELOPE = 5;

const bmax = (a: bigint, b: bigint) => (a > b ? a : b);
const babs = (a: bigint) => (a < 0n ? -a : a);

/**
 * Combine bounds. Both directions: the offset lies in [lower, upper]; report the midpoint and
 * half-width. One direction only: the offset lies on one side of the tightest bound, which is
 * reached when the fastest message took no time; the estimate is that bound and the uncertainty
 * is how far the next tightest bounds fall behind it (how sharp the latency floor is) — a
 * spread, not a guarantee, so the missing side stays null in lowerNs/upperNs.
 */
export function combineBounds(all: readonly LandmarkBounds[]): OffsetEstimate {
  const used = all.filter((b) => b.pairs > 0 && b.best !== null);
  const discarded = all.reduce((n, b) => n + (b.discarded ?? 0), 0);
  const landmarks: Record<string, number> = {};
  for (const b of used) landmarks[b.kind] = (landmarks[b.kind] ?? 0) + b.pairs;
  const pairs = used.reduce((n, b) => n + b.pairs, 0);
  const lowers = used.filter((b) => b.direction === 'src-to-dst');
  const uppers = used.filter((b) => b.direction === 'dst-to-src');
  const resolution = used.some((b) => b.coarse) ? US : 1n;
  const lower = lowers.length ? lowers.map((b) => b.best as bigint).reduce((a, b) => (b > a ? b : a)) : null;
  const upper = uppers.length ? uppers.map((b) => b.best as bigint).reduce((a, b) => (b < a ? b : a)) : null;
  if (lower === null && upper === null) {
    return { offsetNs: null, uncertaintyNs: null, lowerNs: null, upperNs: null, pairs: 0, method: 'none', landmarks, discarded };
  }
  if (lower !== null && upper !== null) {
    const mid = lower + (upper - lower) / 2n;
    const half = babs(upper - lower + 1n) / 2n;
    return {
      offsetNs: mid,
      uncertaintyNs: half + resolution,
      lowerNs: lower,
      upperNs: upper,
      pairs,
      method: lower <= upper ? 'bounds' : 'inconsistent',
      landmarks,
      discarded,
    };
  }
  const oneSided = lower !== null ? lowers : uppers;
  const edge = (lower ?? upper) as bigint;
  const top = oneSided.flatMap((b) => [...b.top]).sort((a, b) => (lower !== null ? (b > a ? 1 : b < a ? -1 : 0) : a > b ? 1 : a < b ? -1 : 0));
  const kth = top[Math.min(ENVELOPE, top.length) - 1] ?? edge;
  return {
    offsetNs: edge,
    uncertaintyNs: bmax(babs(edge - kth), resolution),
    lowerNs: lower,
    upperNs: upper,
    pairs,
    method: lower !== null ? 'lower-bound' : 'upper-bound',
    landmarks,
    discarded,
  };
}
