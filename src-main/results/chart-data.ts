// chartData: chart points computed in SQL over a result's temp table, downsampled on the engine
// so that a result of millions of rows reaches the renderer as at most maxPoints per series.
// Lines: SQL reduces each series to first/last/min/max per bucket, then LTTB picks maxPoints.
// Time x values are absolute: ns since the trace clock's epoch (Unix for log traces) as float ms.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ChartData, ChartSeries, ChartSpec, QueryColumn } from '../contract.ts';
import { QueryError } from '../workspace/query.ts';
import { ident } from '../workspace/schema.ts';
import { isNanosecondColumn, isNumericType, isTemporalType, isTimeColumn } from './column-kinds.ts';
import { lttb } from './lttb.ts';
import { DEFAULT_BINS } from './chart-suggest.ts';

/** Series beyond this many (by row count) are left out of one chart. */
export const MAX_SERIES = 16;
export const MAX_POINTS_LIMIT = 100_000;
const MAX_BINS = 1000;

/** A chart this result cannot give (a spec naming a missing or non-numeric column): the request's fault. */
function chartRefused(message: string): QueryError {
  return new QueryError(message, null, 'invalid-input');
}

function column(columns: readonly QueryColumn[], name: string): QueryColumn {
  const c = columns.find((k) => k.name === name);
  if (!c) throw chartRefused(`no column ${JSON.stringify(name)} in this result`);
  return c;
}

/** SQL for a column as a DOUBLE: time columns become ms since their epoch. */
function asNumber(c: QueryColumn): string {
  const q = ident(c.name);
  if (isNanosecondColumn(c)) return `(${q} / 1e6)`;
  if (c.type === 'DATE') return `(epoch_us(CAST(${q} AS TIMESTAMP)) / 1000.0)`;
  if (c.type === 'TIMESTAMP_NS') return `(epoch_ns(${q}) / 1e6)`;
  if (isTemporalType(c.type)) return `(epoch_us(${q}) / 1000.0)`;
  if (c.type === 'BOOLEAN') return `CAST(${q} AS DOUBLE)`;
  if (isNumericType(c.type)) return `CAST(${q} AS DOUBLE)`;
  throw chartRefused(`column ${JSON.stringify(c.name)} (${c.type}) is not numeric`);
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number(v ?? NaN);
}

export async function chartData(
  conn: DuckDBConnection,
  table: string,
  columns: readonly QueryColumn[],
  rowCount: number,
  spec: ChartSpec,
): Promise<ChartData> {
  const maxPoints = Math.max(2, Math.min(MAX_POINTS_LIMIT, Math.floor(spec.maxPoints)));
  const x = column(columns, spec.x);
  const ys = spec.y.map((n) => column(columns, n));
  const series = spec.series === null ? null : column(columns, spec.series);
  const base = { kind: spec.kind, xName: x.name, sourceRows: rowCount };
  switch (spec.kind) {
    case 'line':
    case 'scatter': {
      if (ys.length === 0) throw chartRefused(`a ${spec.kind} chart needs at least one y column`);
      const out: ChartSeries[] = [];
      let sampled = false;
      for (const y of ys) {
        const r = await xySeries(conn, table, x, y, series, maxPoints, spec.kind, spec.xRange ?? null);
        sampled ||= r.sampled;
        for (const s of r.series) out.push({ ...s, name: series === null ? s.name : ys.length > 1 ? `${s.name} ${y.name}` : s.name });
      }
      return finish({ ...base, xType: isTimeColumn(x) ? 'time' : 'value', yName: ys.map((c) => c.name).join(', ') }, out, sampled);
    }
    case 'bar':
      if (ys.length === 0) throw chartRefused('a bar chart needs at least one y column');
      return bars(conn, table, x, ys, maxPoints, base);
    case 'histogram':
      return histogram(conn, table, x, spec.bins ?? DEFAULT_BINS, base);
  }
}

function finish(
  head: Omit<ChartData, 'series' | 'points' | 'sampled'>,
  series: ChartSeries[],
  sampled: boolean,
): ChartData {
  return { ...head, series, points: series.reduce((a, s) => a + s.x.length, 0), sampled };
}

async function xySeries(
  conn: DuckDBConnection,
  table: string,
  x: QueryColumn,
  y: QueryColumn,
  series: QueryColumn | null,
  maxPoints: number,
  kind: 'line' | 'scatter',
  xRange: readonly [number, number] | null,
): Promise<{ series: ChartSeries[]; sampled: boolean }> {
  const xs = asNumber(x);
  const yv = asNumber(y);
  const sv = series === null ? `${literalText(y.name)}` : `coalesce(CAST(${ident(series.name)} AS VARCHAR), 'NULL')`;
  // Numbers validated finite by the caller's contract; written as exact decimal doubles.
  const inRange = xRange === null ? '' : ` AND ${xs} BETWEEN ${doubleLiteral(xRange[0])} AND ${doubleLiteral(xRange[1])}`;
  const src = `src AS (SELECT ${sv} AS s, ${xs} AS x, ${yv} AS y FROM ${ident(table)}
      WHERE ${ident(x.name)} IS NOT NULL AND ${ident(y.name)} IS NOT NULL${inRange}),
    top AS (SELECT s FROM src GROUP BY s ORDER BY count(*) DESC, s LIMIT ${MAX_SERIES}),
    num AS (SELECT s, x, y, row_number() OVER (PARTITION BY s ORDER BY x, y) - 1 AS i, count(*) OVER (PARTITION BY s) AS cnt
      FROM src WHERE s IN (SELECT s FROM top))`;
  if (kind === 'scatter') {
    const r = await conn.runAndReadAll(`WITH ${src}
      SELECT s, x, y, cnt FROM num WHERE i % greatest(1, ceil(cnt / ${maxPoints}))::BIGINT = 0 ORDER BY s, i`);
    const by = new Map<string, { x: number[]; y: number[]; cnt: number }>();
    for (const [s, xv, yvv, cnt] of r.getRowsJS()) {
      const e = by.get(String(s)) ?? { x: [], y: [], cnt: num(cnt) };
      e.x.push(num(xv));
      e.y.push(num(yvv));
      by.set(String(s), e);
    }
    const list = [...by].map(([name, e]) => ({ name, x: e.x.slice(0, maxPoints), y: e.y.slice(0, maxPoints), cnt: e.cnt }));
    return { series: list.map(({ name, x: px, y: py }) => ({ name, x: px, y: py })), sampled: list.some((e) => e.cnt > maxPoints) };
  }
  // Buckets small enough that keeping first, last, min and max of each preserves every peak
  // LTTB could pick; series that fit are passed through row by row.
  const raw = maxPoints * 4;
  const r = await conn.runAndReadAll(`WITH ${src},
    bk AS (SELECT s, x, y, i, cnt, CASE WHEN cnt <= ${raw} THEN i ELSE (i * ${maxPoints}) // cnt END AS b FROM num)
    SELECT s, b, any_value(cnt), arg_min(x, i), arg_min(y, i), arg_max(x, i), arg_max(y, i),
           arg_min(x, y), min(y), arg_max(x, y), max(y)
      FROM bk GROUP BY s, b ORDER BY s, b`);
  const by = new Map<string, { pts: [number, number][]; cnt: number }>();
  for (const row of r.getRowsJS()) {
    const s = String(row[0]);
    const e = by.get(s) ?? { pts: [], cnt: num(row[2]) };
    const cand: [number, number][] = [
      [num(row[3]), num(row[4])],
      [num(row[7]), num(row[8])],
      [num(row[9]), num(row[10])],
      [num(row[5]), num(row[6])],
    ];
    cand.sort((a, b) => a[0] - b[0]);
    let prev: [number, number] | null = null;
    for (const p of cand) {
      if (prev && prev[0] === p[0] && prev[1] === p[1]) continue;
      e.pts.push(p);
      prev = p;
    }
    by.set(s, e);
  }
  const out: ChartSeries[] = [];
  let sampled = false;
  for (const [name, e] of by) {
    const px = e.pts.map((p) => p[0]);
    const py = e.pts.map((p) => p[1]);
    if (e.cnt > maxPoints) sampled = true;
    const d = lttb(px, py, maxPoints);
    out.push({ name, x: d.x, y: d.y });
  }
  return { series: out, sampled };
}

function doubleLiteral(v: number): string {
  if (!Number.isFinite(v)) throw chartRefused(`x range bound ${v} is not a finite number`);
  return `CAST('${String(v)}' AS DOUBLE)`;
}

function literalText(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

async function bars(
  conn: DuckDBConnection,
  table: string,
  x: QueryColumn,
  ys: readonly QueryColumn[],
  maxPoints: number,
  base: { kind: ChartSpec['kind']; xName: string; sourceRows: number },
): Promise<ChartData> {
  const label = `coalesce(CAST(${ident(x.name)} AS VARCHAR), 'NULL')`;
  const sums = ys.map((y) => `sum(${asNumber(y)})`).join(', ');
  const r = await conn.runAndReadAll(
    `SELECT ${label} AS c, count(*) OVER () AS n, ${sums} FROM ${ident(table)} GROUP BY c ORDER BY min(rowid) LIMIT ${maxPoints}`,
  );
  const rows = r.getRowsJS();
  const categories = rows.map((row) => String(row[0]));
  const total = rows.length > 0 ? num(rows[0][1]) : 0;
  const series: ChartSeries[] = ys.map((y, k) => ({ name: y.name, x: categories, y: rows.map((row) => num(row[2 + k] ?? 0)) }));
  return finish({ ...base, xType: 'category', yName: ys.map((c) => c.name).join(', ') }, series, total > maxPoints);
}

async function histogram(
  conn: DuckDBConnection,
  table: string,
  x: QueryColumn,
  binsAsked: number,
  base: { kind: ChartSpec['kind']; xName: string; sourceRows: number },
): Promise<ChartData> {
  const bins = Math.max(1, Math.min(MAX_BINS, Math.floor(binsAsked)));
  const v = asNumber(x);
  const r = await conn.runAndReadAll(`
    WITH v AS (SELECT ${v} AS v FROM ${ident(table)} WHERE ${ident(x.name)} IS NOT NULL AND isfinite(${v})),
         r AS (SELECT min(v) AS lo, max(v) AS hi FROM v)
    SELECT any_value(lo), any_value(hi), CASE WHEN hi = lo THEN 0 ELSE least(${bins - 1}, floor((v - lo) / (hi - lo) * ${bins}))::INTEGER END AS b, count(*)
      FROM v, r GROUP BY b ORDER BY b`);
  const rows = r.getRowsJS();
  const counts = new Array<number>(bins).fill(0);
  let lo = 0;
  let hi = 0;
  for (const row of rows) {
    lo = num(row[0]);
    hi = num(row[1]);
    counts[num(row[2])] = num(row[3]);
  }
  const width = hi > lo ? (hi - lo) / bins : 1;
  const xsOut = rows.length === 0 ? [] : counts.map((_, i) => lo + i * width);
  const ysOut = rows.length === 0 ? [] : counts;
  return finish(
    { ...base, xType: isTimeColumn(x) ? 'time' : 'value', yName: 'count' },
    rows.length === 0 ? [] : [{ name: 'count', x: xsOut, y: ysOut }],
    false,
  );
}
