// A zoomed line or scatter chart shows its window at full detail: the engine is asked again for
// the rows inside the window only, and those points replace the overview's there. Outside the
// window the overview stays, so zooming out shows the whole at once while the next detail loads.
import type { ChartData, ChartSeries } from '../../src-main/contract.ts';

/** Zoom covering at least this share of the data shows the overview: a refetch would add nothing. */
const WHOLE = 0.98;

/** The smallest and largest x of a chart's series, or null when it has no points. */
export function xExtent(data: ChartData): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of data.series) {
    for (const v of s.x) {
      const x = Number(v);
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * The x window a zoom of `start`..`end` percent of `extent` shows, or null when that is (nearly)
 * the whole extent.
 */
export function zoomWindow(start: number, end: number, extent: readonly [number, number]): [number, number] | null {
  if (!Number.isFinite(start) || !Number.isFinite(end)) return null;
  const [lo, hi] = extent;
  const span = hi - lo;
  if (!(span > 0) || (end - start) / 100 >= WHOLE) return null;
  const a = lo + (span * Math.max(0, Math.min(start, end))) / 100;
  const b = lo + (span * Math.min(100, Math.max(start, end))) / 100;
  return [a, b];
}

/**
 * The overview with its points inside [lo, hi] replaced, series by series, by the detail's
 * (which the engine computed from the rows in that window alone). Both are sorted by x.
 */
export function withDetail(overview: ChartData, detail: ChartData, lo: number, hi: number): ChartData {
  const byName = new Map(detail.series.map((s) => [s.name, s]));
  const series: ChartSeries[] = overview.series.map((o) => {
    const x: number[] = [];
    const y: number[] = [];
    let i = 0;
    for (; i < o.x.length && Number(o.x[i]) < lo; i++) {
      x.push(Number(o.x[i]));
      y.push(o.y[i]);
    }
    const d = byName.get(o.name);
    if (d !== undefined) {
      for (let k = 0; k < d.x.length; k++) {
        x.push(Number(d.x[k]));
        y.push(d.y[k]);
      }
    }
    for (; i < o.x.length; i++) {
      if (Number(o.x[i]) > hi) {
        x.push(Number(o.x[i]));
        y.push(o.y[i]);
      }
    }
    return { name: o.name, x, y };
  });
  return { ...overview, series, points: series.reduce((n, s) => n + s.x.length, 0) };
}
