// Which result columns can go where, and how many points to ask the engine for. Pure.
import type { ChartKind, ChartSpec, QueryColumn } from '../../src-main/contract.ts';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT\d*|FLOAT\d*|DOUBLE|REAL|DECIMAL.*|NUMERIC.*)$/i;
const TEMPORAL = /^(TIMESTAMP.*|DATE|TIME|TIMESTAMPTZ)$/i;

export function isNumericColumn(c: QueryColumn): boolean {
  return NUMERIC.test(c.type.trim());
}

/** ns timestamps by name (`ts_ns`, `first_ts_ns`, `t_ns`) or by SQL type. */
export function isTimeColumn(c: QueryColumn): boolean {
  if (TEMPORAL.test(c.type.trim())) return true;
  return isNumericColumn(c) && /(^|_)ts(_ns)?$|(^|_)time_ns$|^t_ns$/i.test(c.name);
}

/**
 * Columns that are identifiers, not measurements: poor default y choices. The names the engine's
 * suggestion reads as identifiers too (src-main/results/column-kinds.ts isIdentifierName).
 */
export function isIdLike(c: QueryColumn): boolean {
  return /^(trace_id|seq|tid|pid|line_no|offset|id|channel|chan|cpu|vcpu|cpu_index|idx|index|run|attempt)$|(^|_)(id|idx|no|index|channel)$/i.test(c.name);
}

/** Columns a chart is split by in one click: text/category columns and identifier-like numbers. */
export const MAX_SPLIT_CHOICES = 6;

export function splitCandidates(columns: readonly QueryColumn[], spec: ChartSpec | null): QueryColumn[] {
  if (!spec || spec.kind === 'histogram' || spec.kind === 'bar') return [];
  const used = (c: QueryColumn) => c.name === spec.x || spec.y.includes(c.name);
  const ids = columns.filter((c) => !used(c) && isNumericColumn(c) && !isTimeColumn(c) && isIdLike(c) && !/^(seq|line_no|offset)$/i.test(c.name));
  const texts = columns.filter((c) => !used(c) && !isNumericColumn(c) && !isTimeColumn(c) && !/^(BLOB|STRUCT|MAP|LIST)/i.test(c.type) && !/\[\]$/.test(c.type));
  const out = [...ids, ...texts].slice(0, MAX_SPLIT_CHOICES);
  // The current split stays offered, whatever it is.
  const cur = spec.series === null ? undefined : columns.find((c) => c.name === spec.series);
  if (cur && !out.includes(cur)) out.push(cur);
  return out;
}

export function xCandidates(kind: ChartKind, columns: readonly QueryColumn[]): QueryColumn[] {
  if (kind === 'histogram' || kind === 'scatter' || kind === 'line') return columns.filter((c) => isNumericColumn(c) || isTimeColumn(c));
  return [...columns];
}

export function yCandidates(columns: readonly QueryColumn[], x: string | null): QueryColumn[] {
  return columns.filter((c) => c.name !== x && isNumericColumn(c) && !isTimeColumn(c));
}

/** A reasonable spec for `kind`, keeping as much of `prev` as still fits. Null when nothing fits. */
export function specForKind(kind: ChartKind, columns: readonly QueryColumn[], prev: ChartSpec | null): ChartSpec | null {
  const xs = xCandidates(kind, columns);
  // x means different things per kind (time for lines, category for bars, the binned value for
  // histograms), so it carries over only between line and scatter.
  const xy = (k: ChartKind) => k === 'line' || k === 'scatter';
  const keepX = prev && xs.some((c) => c.name === prev.x) && (prev.kind === kind || (xy(prev.kind) && xy(kind))) ? prev.x : null;
  let x: string | null = keepX;
  if (!x) {
    if (kind === 'histogram') {
      const wanted = prev?.y[0] ?? null;
      x = xs.find((c) => c.name === wanted)?.name ?? (xs.find((c) => !isTimeColumn(c) && !isIdLike(c)) ?? xs.find((c) => !isTimeColumn(c)) ?? xs[0])?.name ?? null;
    } else if (kind === 'bar') {
      x = (columns.find((c) => !isNumericColumn(c) && !isTimeColumn(c)) ?? columns[0])?.name ?? null;
    } else {
      x = (xs.find(isTimeColumn) ?? xs[0])?.name ?? null;
    }
  }
  if (!x) return null;
  if (kind === 'histogram') return { kind, x, y: [], series: null, maxPoints: 0, bins: prev?.bins };
  const ys = yCandidates(columns, x);
  const kept = (prev?.y ?? []).filter((n) => ys.some((c) => c.name === n));
  const y = kept.length ? kept : (() => {
    const measures = ys.filter((c) => !isIdLike(c));
    return (measures.length ? measures : ys).slice(0, 1).map((c) => c.name);
  })();
  if (y.length === 0) return null;
  const series = prev?.series && columns.some((c) => c.name === prev.series) && prev.series !== x && !y.includes(prev.series) ? prev.series : null;
  return { kind, x, y, series, maxPoints: prev?.maxPoints ?? 0, bins: prev?.bins };
}

/** The most points per series the engine accepts in one chartData request. */
export const MAX_POINTS_PER_SERIES = 100_000;

/**
 * Points per series to ask for. A line needs about two samples per pixel column (LTTB keeps the
 * peaks); scatter is drawn in ECharts' large mode, so it can take far more before it stops being
 * interactive; bars beyond a few thousand categories are unreadable anyway.
 */
export function pointsBudget(kind: ChartKind, widthPx: number, seriesCount: number): number {
  const w = Math.max(200, Math.round(widthPx));
  const n = Math.max(1, seriesCount);
  switch (kind) {
    case 'line': return Math.min(20_000, 2 * w);
    case 'scatter': return Math.max(5_000, Math.floor(MAX_POINTS_PER_SERIES / n));
    case 'bar': return 2_000;
    case 'histogram': return binsFor(widthPx);
  }
}

export function binsFor(widthPx: number): number {
  return Math.max(10, Math.min(200, Math.round(widthPx / 8)));
}
