// The Fleet page's logic without the DOM: filtering and sorting the engine's rows (one per run),
// grouping runs by QEMU version or by a label pattern, and box-plot statistics with the outlier
// rule the page states.
import type { WireCell } from '../../src-main/contract.ts';
import { num, str, type Row } from '../migration/query-rows.ts';

export type { Row };

/** Quartiles by linear interpolation between order statistics (DuckDB's quantile_cont). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Fewer runs than this in a group: quartiles say too little to call any run unusual. */
export const MIN_RUNS_FOR_OUTLIERS = 5;

/** Tukey's fences: outside [Q1 − k·IQR, Q3 + k·IQR] is outside the usual range. */
export const IQR_FACTOR = 1.5;

export const OUTLIER_RULE =
  `Outlier: a run more than ${IQR_FACTOR}×IQR below Q1 or above Q3 of its group (quartiles interpolated, as DuckDB's quantile_cont); ` +
  `groups of fewer than ${MIN_RUNS_FOR_OUTLIERS} runs mark none. Whiskers reach the farthest runs inside the fences.`;

export interface BoxStats {
  readonly group: string;
  /** Runs with a value (NULLs are not drawn). */
  readonly n: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly low: number;
  readonly high: number;
  /** Whisker ends: the farthest values inside the fences. */
  readonly whiskerLow: number;
  readonly whiskerHigh: number;
  /** Every run of the group with its value (drawn as dots over the box). */
  readonly points: readonly { readonly runId: number; readonly value: number }[];
  /** Run ids outside the fences, with their value (empty when n < MIN_RUNS_FOR_OUTLIERS). */
  readonly outliers: readonly { readonly runId: number; readonly value: number }[];
}

export function boxStats(group: string, points: readonly { runId: number; value: number }[]): BoxStats | null {
  if (points.length === 0) return null;
  const values = points.map((p) => p.value).sort((a, b) => a - b);
  const q1 = quantile(values, 0.25);
  const q3 = quantile(values, 0.75);
  const iqr = q3 - q1;
  const low = q1 - IQR_FACTOR * iqr;
  const high = q3 + IQR_FACTOR * iqr;
  const judge = points.length >= MIN_RUNS_FOR_OUTLIERS;
  const outliers = judge ? points.filter((p) => p.value < low || p.value > high) : [];
  const inside = judge ? values.filter((v) => v >= low && v <= high) : values;
  return {
    group, n: points.length, q1, median: quantile(values, 0.5), q3, low, high,
    whiskerLow: inside[0] ?? q1, whiskerHigh: inside[inside.length - 1] ?? q3,
    points: points.map((p) => ({ runId: p.runId, value: p.value })),
    outliers: outliers.map((p) => ({ runId: p.runId, value: p.value })),
  };
}

/** How runs are grouped for the box plots. */
export type Grouping = { readonly by: 'qemu_version' } | { readonly by: 'label'; readonly pattern: RegExp };

/**
 * A run's group. A label pattern's first capture group names it (the whole match without one);
 * a label it does not match goes to '(no match)', a run without a known version to '(unknown)'.
 */
export function groupOf(row: Row, g: Grouping): string {
  if (g.by === 'qemu_version') return str(row.qemu_version ?? null) ?? '(unknown)';
  const m = g.pattern.exec(str(row.label ?? null) ?? '');
  if (!m) return '(no match)';
  return m[1] ?? m[0];
}

/** A label pattern as typed (a regular expression), or why it is not one. */
export function parsePattern(text: string): RegExp | { error: string } {
  try {
    return new RegExp(text, 'i');
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Box statistics of one measure per group, groups in natural order (10.2 after 7.2). */
export function groupStats(rows: readonly Row[], measure: string, g: Grouping): BoxStats[] {
  const groups = new Map<string, { runId: number; value: number }[]>();
  for (const r of rows) {
    const v = num(r[measure]);
    const id = num(r.run_id);
    if (v === null || id === null) continue;
    const k = groupOf(r, g);
    let list = groups.get(k);
    if (!list) groups.set(k, (list = []));
    list.push({ runId: id, value: v });
  }
  const names = [...groups.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return names.map((k) => boxStats(k, groups.get(k)!)).filter((s): s is BoxStats => s !== null);
}

/** Run ids outside their group's usual range for each measure. */
export function outlierRuns(stats: readonly BoxStats[]): Set<number> {
  return new Set(stats.flatMap((s) => s.outliers.map((o) => o.runId)));
}

// ---------------------------------------------------------------------------------------------
// Filtering and sorting.

const COMPARISON = /^([a-z_][a-z0-9_]*)(<=|>=|!=|=|<|>)(.+)$/i;

/**
 * Whether a row passes a filter text: space-separated terms, all of which must hold. A term
 * `column<op>value` (op one of = != < <= > >=) compares that column (numbers as numbers, text
 * case-insensitively); any other term must appear in one of the row's cells.
 */
export function rowFilter(text: string, columns: readonly string[]): (row: Row) => boolean {
  const known = new Set(columns);
  const tests = text
    .trim()
    .split(/\s+/)
    .filter((t) => t.length > 0)
    .map((term): ((row: Row) => boolean) => {
      const m = COMPARISON.exec(term);
      if (m && known.has(m[1]!.toLowerCase())) {
        const col = m[1]!.toLowerCase();
        const op = m[2]!;
        const want = m[3]!;
        const wantNum = num(want);
        return (row) => {
          const cell = row[col] ?? null;
          const have = num(cell);
          let c: number;
          if (wantNum !== null && have !== null && typeof cell !== 'boolean') c = have - wantNum;
          else {
            const s = str(cell);
            if (s === null) return op === '!=';
            c = s.toLowerCase().localeCompare(want.toLowerCase());
          }
          switch (op) {
            case '=': return c === 0;
            case '!=': return c !== 0;
            case '<': return c < 0;
            case '<=': return c <= 0;
            case '>': return c > 0;
            default: return c >= 0;
          }
        };
      }
      const needle = term.toLowerCase();
      return (row) => columns.some((c) => (str(row[c] ?? null) ?? '').toLowerCase().includes(needle));
    });
  return (row) => tests.every((t) => t(row));
}

export interface SortSpec {
  readonly column: string;
  readonly desc: boolean;
}

function compareCells(a: WireCell | undefined, b: WireCell | undefined): number {
  const x = num(a ?? null);
  const y = num(b ?? null);
  if (x !== null && y !== null && typeof a !== 'string' && typeof b !== 'string') return x - y;
  if (x !== null && y !== null && /^-?\d+$/.test(String(a)) && /^-?\d+$/.test(String(b))) {
    // BIGINTs past 2^53 arrive as decimal strings: compare them exactly.
    const p = BigInt(String(a));
    const q = BigInt(String(b));
    return p < q ? -1 : p > q ? 1 : 0;
  }
  return (str(a ?? null) ?? '').localeCompare(str(b ?? null) ?? '', 'en', { numeric: true });
}

/** Rows sorted by one column; NULLs last in both directions; ties keep the engine's order. */
export function sortRows(rows: readonly Row[], sort: SortSpec | null): Row[] {
  const out = rows.map((r, i) => ({ r, i }));
  if (sort) {
    out.sort((p, q) => {
      const a = p.r[sort.column] ?? null;
      const b = q.r[sort.column] ?? null;
      if (a === null && b === null) return p.i - q.i;
      if (a === null) return 1;
      if (b === null) return -1;
      const c = compareCells(a, b);
      return c === 0 ? p.i - q.i : sort.desc ? -c : c;
    });
  }
  return out.map((x) => x.r);
}
