// Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013): keeps the first and last
// point and, from each bucket between them, the point that spans the largest triangle with the
// point kept before it and the mean of the next bucket — the shape of a line survives.

/** Indexes of the points to keep, ascending; all of them when n ≤ threshold. */
export function lttbIndexes(xs: ArrayLike<number>, ys: ArrayLike<number>, threshold: number): number[] {
  const n = Math.min(xs.length, ys.length);
  const keep = Math.floor(threshold);
  if (keep >= n || n === 0) return Array.from({ length: n }, (_, i) => i);
  if (keep <= 0) return [];
  if (keep === 1) return [0];
  if (keep === 2) return [0, n - 1];
  const out: number[] = [0];
  // Inner points are split into keep-2 buckets of (almost) equal size.
  const size = (n - 2) / (keep - 2);
  let a = 0;
  for (let b = 0; b < keep - 2; b++) {
    const start = Math.floor(b * size) + 1;
    const end = Math.min(Math.floor((b + 1) * size) + 1, n - 1);
    // Mean of the next bucket (the last point alone after the final bucket).
    const nStart = end;
    const nEnd = b === keep - 3 ? n : Math.min(Math.floor((b + 2) * size) + 1, n - 1);
    let mx = 0;
    let my = 0;
    for (let i = nStart; i < nEnd; i++) {
      mx += xs[i];
      my += ys[i];
    }
    const cnt = Math.max(1, nEnd - nStart);
    mx /= cnt;
    my /= cnt;
    const ax = xs[a];
    const ay = ys[a];
    let best = start;
    let bestArea = -1;
    for (let i = start; i < end; i++) {
      const area = Math.abs((ax - mx) * (ys[i] - ay) - (ax - xs[i]) * (my - ay));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    out.push(best);
    a = best;
  }
  out.push(n - 1);
  return out;
}

export function lttb(xs: readonly number[], ys: readonly number[], threshold: number): { x: number[]; y: number[] } {
  const idx = lttbIndexes(xs, ys, threshold);
  return { x: idx.map((i) => xs[i]), y: idx.map((i) => ys[i]) };
}
