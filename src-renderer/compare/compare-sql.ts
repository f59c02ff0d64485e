// SQL for comparing two migration attempts (A and B) side by side: overview metrics and time in
// each state ("phases"), and per-event counts and rates inside each attempt's time window.
// Deltas are B − A and ratios B / A, so "B is slower" reads as a positive delta, ratio > 1.
import type { Catalog } from '../migration/catalog-probe.ts';
import { SOURCE_FIRST } from '../migration/migration-sql.ts';
import { ident, lit } from '../migration/query-rows.ts';

export interface AttemptRef {
  readonly side: string;
  readonly attempt: number | null;
  readonly traceId: number | null;
}

const O = 'migration_overview';
/** Columns that identify or locate an attempt rather than measure it. */
const NOT_METRICS = /^(side|attempt|trace_id|.*_ts_ns|ts_.*|final_state)$/;

export function attemptFilter(cat: Catalog, a: AttemptRef, alias = ''): string {
  const p = alias ? `${alias}.` : '';
  const parts = [`${p}side = ${lit(a.side)}`];
  if (a.attempt !== null && cat.hasColumns(O, 'attempt')) parts.push(`${p}attempt = ${a.attempt}`);
  if (a.traceId !== null && cat.hasColumns(O, 'trace_id')) parts.push(`${p}trace_id = ${a.traceId}`);
  return parts.join(' AND ');
}

export function metricColumns(cat: Catalog): string[] {
  return cat.columnsOf(O).filter((c) => !NOT_METRICS.test(c) && cat.isNumeric(O, c));
}

export function attemptsSql(cat: Catalog): string | null {
  if (!cat.has(O)) return null;
  const order = ['side', 'start_ts_ns', 'attempt'].filter((c) => cat.hasColumns(O, c)).map((c) => (c === 'side' ? SOURCE_FIRST : c));
  return `SELECT * FROM ${O}${order.length ? ` ORDER BY ${order.join(', ')}` : ''}`;
}

export function phasesSql(cat: Catalog, a: AttemptRef, b: AttemptRef): string | null {
  if (!cat.has(O)) return null;
  const metrics = metricColumns(cat);
  const rows = metrics.map((m) => `  SELECT ${lit(m)} AS metric, ${metrics.indexOf(m)} AS ord, a.${ident(m)}::DOUBLE AS a, b.${ident(m)}::DOUBLE AS b FROM a FULL JOIN b ON true`);
  const withStates = cat.hasColumns('migration_states', 'trace_id', 'side', 'attempt', 'state', 'ms_in_state') && cat.hasColumns(O, 'trace_id');
  if (withStates) {
    rows.push(`  SELECT 'ms in ' || state AS metric, 1000 + min(ord) AS ord, max(ms) FILTER (WHERE pick = 'A') AS a, max(ms) FILTER (WHERE pick = 'B') AS b
  FROM (SELECT s.pick, s.state, min(s.seq) AS ord, sum(s.ms_in_state) AS ms FROM st s GROUP BY ALL)
  GROUP BY state`);
  }
  if (rows.length === 0) return null;
  const st = withStates
    ? `,
st AS (
  SELECT 'A' AS pick, state, seq, ms_in_state FROM migration_states s WHERE ${attemptFilter(cat, a, 's')}
  UNION ALL
  SELECT 'B', state, seq, ms_in_state FROM migration_states s WHERE ${attemptFilter(cat, b, 's')}
)`
    : '';
  return `WITH a AS (SELECT * FROM ${O} WHERE ${attemptFilter(cat, a)}),
b AS (SELECT * FROM ${O} WHERE ${attemptFilter(cat, b)})${st}
SELECT metric, a, b, b - a AS delta, round(b / nullif(a, 0), 3) AS ratio
FROM (
${rows.join('\n  UNION ALL\n')}
)
ORDER BY ord`;
}

/**
 * Per-event counts and rates within each attempt's window [start_ts_ns, end_ts_ns] of its own
 * trace (an unfinished attempt runs to the trace's last record).
 */
export function eventsSql(cat: Catalog, a: AttemptRef, b: AttemptRef): string | null {
  if (!cat.hasColumns(O, 'side', 'start_ts_ns') || !cat.has('events')) return null;
  const byTrace = cat.hasColumns(O, 'trace_id');
  const end = cat.hasColumns(O, 'end_ts_ns') ? 'coalesce(o.end_ts_ns, t.last_ts_ns)' : 't.last_ts_ns';
  const win = (pick: string, r: AttemptRef) =>
    byTrace
      ? `  SELECT ${lit(pick)} AS pick, o.trace_id, o.start_ts_ns AS t0, ${end} AS t1 FROM ${O} o JOIN traces t USING (trace_id) WHERE ${attemptFilter(cat, r, 'o')}`
      : `  SELECT ${lit(pick)} AS pick, t.trace_id, o.start_ts_ns AS t0, ${end} AS t1 FROM ${O} o JOIN traces t ON t.side = o.side AND o.start_ts_ns BETWEEN t.first_ts_ns AND t.last_ts_ns WHERE ${attemptFilter(cat, r, 'o')}`;
  return `WITH win AS (
${win('A', a)}
  UNION ALL
${win('B', b)}
),
c AS (
  SELECT w.pick, e.name, count(*) AS n, any_value(w.t1 - w.t0) AS span_ns
  FROM win w JOIN events e ON e.trace_id = w.trace_id AND e.ts_ns BETWEEN w.t0 AND w.t1
  GROUP BY ALL
),
ca AS (SELECT * FROM c WHERE pick = 'A'),
cb AS (SELECT * FROM c WHERE pick = 'B')
SELECT coalesce(ca.name, cb.name) AS event,
       coalesce(ca.n, 0) AS a_count, coalesce(cb.n, 0) AS b_count,
       coalesce(cb.n, 0) - coalesce(ca.n, 0) AS delta,
       round(cb.n / nullif(ca.n, 0), 3) AS ratio,
       round(coalesce(ca.n, 0) / nullif((SELECT max(t1 - t0) FROM win WHERE pick = 'A') / 1e9, 0), 1) AS a_per_s,
       round(coalesce(cb.n, 0) / nullif((SELECT max(t1 - t0) FROM win WHERE pick = 'B') / 1e9, 0), 1) AS b_per_s
FROM ca FULL JOIN cb ON ca.name = cb.name
ORDER BY greatest(coalesce(ca.n, 0), coalesce(cb.n, 0)) DESC, event`;
}
