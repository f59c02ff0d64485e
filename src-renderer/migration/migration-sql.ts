// The SQL behind every Migration chart, built from the columns this workspace's analysis views
// actually have. Each builder returns the query (shown verbatim by "Open query") or why it
// cannot be built, which the chart shows as its empty state.
import type { Catalog } from './catalog-probe.ts';
import { ident } from './query-rows.ts';

export type ChartQuery = { readonly sql: string } | { readonly missing: string };

/** Source rows before destination rows, whether side is a VARCHAR or an ENUM('src','dst',...). */
export const SOURCE_FIRST = `side = 'dst'`;

const missingView = (v: string): ChartQuery => ({ missing: `The ${v} analysis is not in this workspace.` });

export function overviewSql(cat: Catalog): ChartQuery {
  if (!cat.has('migration_overview')) return missingView('migration_overview');
  const order = ['side', 'start_ts_ns', 'attempt'].filter((c) => cat.hasColumns('migration_overview', c));
  const by = order.map((c) => (c === 'side' ? SOURCE_FIRST : c)).join(', ');
  return { sql: `SELECT *\nFROM migration_overview${by ? `\nORDER BY ${by}` : ''}` };
}

/**
 * State intervals of every trace on the source's clock. ts_aligned_ns is ts_ns plus the trace's
 * clock offset (what the events view exposes); computed from migrate_set_state directly so the
 * timeline works before and after the alignment estimate lands. The last state lasts until the
 * trace's last record.
 */
export function stateTimelineSql(cat: Catalog): ChartQuery {
  if (!cat.hasColumns('migrate_set_state', 'trace_id', 'seq', 'ts_ns', 'new_state')) {
    return { missing: 'No migrate_set_state events in these traces.' };
  }
  const offset = cat.hasColumns('traces', 'clock_offset_ns') ? 'coalesce(t.clock_offset_ns, 0)' : '0';
  const clock = cat.hasColumns('traces', 'clock') ? 't.clock' : 'NULL::VARCHAR';
  return {
    sql: `WITH s AS (
  SELECT m.side, m.trace_id, m.seq, m.new_state AS state, ${clock} AS clock,
         m.ts_ns + ${offset} AS ts_aligned_ns,
         t.last_ts_ns + ${offset} AS trace_end_aligned_ns
  FROM migrate_set_state m JOIN traces t USING (trace_id)
), iv AS (
  SELECT side, trace_id, seq, state, clock, ts_aligned_ns,
         coalesce(lead(ts_aligned_ns) OVER (PARTITION BY trace_id ORDER BY seq), trace_end_aligned_ns) AS until_aligned_ns
  FROM s
), o AS (
  -- One origin per clock kind: a wall-clock log and a monotonic simpletrace of the same
  -- migration cannot share an axis.
  SELECT clock, coalesce(min(ts_aligned_ns) FILTER (WHERE side = 'src'), min(ts_aligned_ns)) AS origin_ns FROM iv GROUP BY clock
)
SELECT side, trace_id, state, ts_aligned_ns, until_aligned_ns,
       (ts_aligned_ns - origin_ns) / 1e6 AS start_ms,
       (greatest(until_aligned_ns, ts_aligned_ns) - origin_ns) / 1e6 AS end_ms,
       (greatest(until_aligned_ns, ts_aligned_ns) - ts_aligned_ns) / 1e6 AS duration_ms
FROM iv JOIN o ON o.clock IS NOT DISTINCT FROM iv.clock
ORDER BY ${SOURCE_FIRST}, trace_id, seq`,
  };
}

export function dirtyPagesSql(cat: Catalog): ChartQuery {
  const v = 'dirty_sync_iterations';
  if (!cat.has(v)) return missingView(v);
  const iter = cat.pick(v, 'iteration', 'sync', 'dirty_sync');
  const dirty = cat.pick(v, 'dirty_pages', 'pages');
  if (!iter || !dirty) return { missing: `${v} has no iteration/dirty_pages columns.` };
  const side = cat.pick(v, 'side');
  const extra = ['attempt', 'dirty_pages_per_s', 'sync_ms', 'interval_ms', 'throttle_pct'].filter((c) => cat.hasColumns(v, c));
  const cols = [side ?? `'src' AS side`, iter, dirty, ...extra].map((c) => (c === side || c.includes(' AS ') ? c : ident(c)));
  return { sql: `SELECT ${cols.join(', ')}\nFROM ${v}\nORDER BY ${side ? `${SOURCE_FIRST}, ` : ''}${extra.includes('attempt') ? 'attempt, ' : ''}${ident(iter)}` };
}

/**
 * The time axis every migration chart shares: ms since the source's first migration state change
 * (the `migrate` command), on the source's clock (ts_ns + clock_offset_ns). A destination
 * started with -incoming sits in 'setup' long before that; its wait is left of zero.
 * `clockOf`: the SQL of the row's trace clock, so that traces of another clock kind (a
 * monotonic simpletrace beside a wall-clock log) get an origin of their own.
 */
export function originExpr(cat: Catalog, clockOf: string): string | null {
  if (!cat.hasColumns('migrate_set_state', 'trace_id', 'ts_ns')) return null;
  const offset = cat.hasColumns('traces', 'clock_offset_ns') ? ' + coalesce(o_t.clock_offset_ns, 0)' : '';
  const sameClock = cat.hasColumns('traces', 'clock') ? ` WHERE o_t.clock IS NOT DISTINCT FROM ${clockOf}` : '';
  return `(SELECT coalesce(min(o_m.ts_ns${offset}) FILTER (WHERE o_m.side = 'src'), min(o_m.ts_ns${offset})) FROM migrate_set_state o_m JOIN traces o_t USING (trace_id)${sameClock})`;
}

/** The SQL of the clock of traces alias `t`, where the workspace records one. */
function clockOfT(cat: Catalog): string {
  return cat.hasColumns('traces', 'clock') ? 't.clock' : 'NULL';
}

/** Throughput in Mb/s per progress report (or between samples), per side, on the aligned clock. */
export function throughputSql(cat: Catalog): ChartQuery {
  const v = 'precopy_progress';
  const origin = originExpr(cat, clockOfT(cat));
  // 7.2+ migrate_transferred: bytes sent in each ~100 ms rate-limit period and its length.
  if (origin && cat.hasColumns(v, 'trace_id', 'side', 'ts_ns', 'kind', 'transferred_bytes', 'time_spent_ms')) {
    const offset = cat.hasColumns('traces', 'clock_offset_ns') ? 'coalesce(t.clock_offset_ns, 0)' : '0';
    return {
      sql: `SELECT p.side, p.ts_ns + ${offset} AS ts_aligned_ns,
       (p.ts_ns + ${offset} - ${origin}) / 1e6 AS t_ms,
       p.transferred_bytes * 8 / nullif(p.time_spent_ms, 0) / 1e3 AS mbps
FROM precopy_progress p JOIN traces t USING (trace_id)
WHERE p.kind = 'transferred' AND p.transferred_bytes IS NOT NULL
ORDER BY p.side = 'dst', ts_aligned_ns`,
    };
  }
  const ts = cat.pick(v, 'ts_aligned_ns', 'ts_ns');
  if (!ts) return multifdThroughputSql(cat) ?? (cat.has(v) ? { missing: `${v} has no timestamp column.` } : missingView(v));
  const side = cat.pick(v, 'side') ? 'side' : `'src'`;
  const rate = cat.pick(v, 'mbps', 'throughput_mbps', 'bandwidth_mbps', 'rate_mbps');
  if (rate) {
    return {
      sql: `SELECT ${side} AS side, ${ident(ts)}, (${ident(ts)} - min(${ident(ts)}) OVER ()) / 1e6 AS t_ms, ${ident(rate)} AS mbps\nFROM ${v}\nWHERE ${ident(rate)} IS NOT NULL\nORDER BY ${SOURCE_FIRST}, 2`,
    };
  }
  const bytes = cat.pick(v, 'cumulative_bytes', 'bytes_sent', 'sent_bytes', 'bytes');
  if (!bytes) return multifdThroughputSql(cat) ?? { missing: `${v} has no bytes or rate column.` };
  return {
    sql: `WITH p AS (
  SELECT ${side} AS side, ${ident(ts)} AS ts, ${ident(bytes)}::DOUBLE AS bytes
  FROM ${v} WHERE ${ident(bytes)} IS NOT NULL
)
SELECT side, ts, (ts - min(ts) OVER ()) / 1e6 AS t_ms,
       (bytes - lag(bytes) OVER w) * 8 / 1e6 / nullif((ts - lag(ts) OVER w) / 1e9, 0) AS mbps
FROM p
WINDOW w AS (PARTITION BY side ORDER BY ts)
QUALIFY mbps IS NOT NULL
ORDER BY ${SOURCE_FIRST}, ts`,
  };
}

/** Bucket width for multifd throughput over time: fine enough for a few-second migration. */
export const MULTIFD_BUCKET_MS = 100;

/** Per-side multifd throughput over time (sum of its channels), from the multifd_throughput macro. */
export function multifdThroughputSql(cat: Catalog): ChartQuery | null {
  if (!cat.hasMacro('multifd_throughput')) return null;
  const offset = cat.hasColumns('traces', 'clock_offset_ns') ? 'coalesce(t.clock_offset_ns, 0)' : '0';
  return {
    sql: `WITH b AS (
  SELECT m.side, ${clockOfT(cat)} AS clock, m.bucket_ts_ns + ${offset} AS ts_aligned_ns, sum(m.mbps) AS mbps
  FROM multifd_throughput(${MULTIFD_BUCKET_MS}) m JOIN traces t USING (trace_id)
  GROUP BY ALL
)
SELECT side, ts_aligned_ns, (ts_aligned_ns - ${originExpr(cat, 'b.clock') ?? 'min(ts_aligned_ns) OVER ()'}) / 1e6 AS t_ms, mbps
FROM b
ORDER BY ${SOURCE_FIRST}, ts_aligned_ns`,
  };
}

/**
 * One lane per (side, channel): Mb/s in MULTIFD_BUCKET_MS buckets on the shared time axis, from
 * the multifd_throughput macro; per-channel totals from multifd_channels where it is absent.
 */
export function multifdLanesSql(cat: Catalog): ChartQuery {
  const origin = originExpr(cat, clockOfT(cat));
  if (cat.hasMacro('multifd_throughput') && origin) {
    const offset = cat.hasColumns('traces', 'clock_offset_ns') ? 'coalesce(t.clock_offset_ns, 0)' : '0';
    return {
      sql: `SELECT m.side || ' ch' || m.channel AS lane, m.side, m.channel,
       m.bucket_ts_ns + ${offset} AS ts_aligned_ns,
       (m.bucket_ts_ns + ${offset} - ${origin}) / 1e6 AS t_ms,
       m.packets, m.pages, m.bytes, m.mbps
FROM multifd_throughput(${MULTIFD_BUCKET_MS}) m JOIN traces t USING (trace_id)
ORDER BY m.side = 'dst', m.channel, ts_aligned_ns`,
    };
  }
  return multifdTotalsSql(cat);
}

export function multifdTotalsSql(cat: Catalog): ChartQuery {
  const v = 'multifd_channels';
  if (!cat.has(v)) return missingView(v);
  const ch = cat.pick(v, 'channel', 'id', 'channel_id');
  if (!ch) return { missing: `${v} has no channel column.` };
  const values = ['pages', 'mbps', 'bytes', 'packets', 'active_ms'].filter((c) => cat.hasColumns(v, c));
  if (values.length === 0) return { missing: `${v} has no pages/packets/bytes columns.` };
  const side = cat.pick(v, 'side') ? 'side' : `'src' AS side`;
  return { sql: `SELECT ${side}, ${ident(ch)} AS channel, ${values.map(ident).join(', ')}\nFROM ${v}\nORDER BY ${SOURCE_FIRST}, 2` };
}

/** Resolution latency in power-of-two microsecond buckets (log scale suits fault latencies). */
export function postcopyLatencySql(cat: Catalog): ChartQuery {
  const v = 'postcopy_faults';
  if (!cat.has(v)) return missingView(v);
  const candidates: [string, number][] = [['latency_us', 1], ['latency_ms', 1000], ['latency_ns', 0.001], ['resolution_us', 1], ['resolution_ns', 0.001], ['latency', 0.001]];
  const found = candidates.find(([c]) => cat.hasColumns(v, c));
  if (!found) return { missing: `${v} has no latency column.` };
  const [col, toUs] = found;
  return {
    sql: `WITH l AS (
  SELECT ${ident(col)} * ${toUs} AS latency_us FROM ${v} WHERE ${ident(col)} IS NOT NULL
)
SELECT floor(log2(greatest(latency_us, 1)))::INTEGER AS bucket,
       pow(2, floor(log2(greatest(latency_us, 1)))) AS from_us,
       count(*) AS faults
FROM l
GROUP BY ALL
ORDER BY bucket`,
  };
}

/** One bar per labelled row: VARCHAR columns make the label, the duration column the length. */
export function downtimeSql(cat: Catalog): ChartQuery {
  const v = 'downtime_breakdown';
  if (!cat.has(v)) return missingView(v);
  // Checkpoint phases and per-device save (source) / load (destination) times, longest first;
  // '≈' marks 7.2's approximation from section timings.
  if (cat.hasColumns(v, 'kind', 'name', 'save_ms', 'load_ms', 'phase_ms')) {
    const inst = cat.hasColumns(v, 'instance_id') ? ` || coalesce('/' || instance_id, '')` : '';
    const approx = cat.hasColumns(v, 'approximate') ? `CASE WHEN approximate THEN '≈ ' ELSE '' END || ` : '';
    const side = cat.hasColumns(v, 'side') ? ` || coalesce(' (' || side || ')', '')` : '';
    return {
      sql: `SELECT ${approx}CASE WHEN kind = 'checkpoint' THEN name${side} ELSE name${inst} END AS label,
       kind, save_ms, load_ms, phase_ms
FROM ${v}
WHERE coalesce(save_ms, load_ms, phase_ms) IS NOT NULL
ORDER BY greatest(coalesce(save_ms, 0), coalesce(load_ms, 0), coalesce(phase_ms, 0)) DESC
LIMIT 30`,
    };
  }
  const cols = cat.columnsOf(v);
  const value =
    cat.pick(v, 'duration_ms', 'ms', 'time_ms', 'duration_us', 'duration_ns') ??
    cols.find((c) => /(_ms|_us|_ns)$/.test(c) && !/^ts|_ts_|start|end/.test(c) && cat.isNumeric(v, c)) ??
    null;
  if (!value) return { missing: `${v} has no duration column.` };
  const scale = value.endsWith('_us') ? ' / 1e3' : value.endsWith('_ns') ? ' / 1e6' : '';
  const labels = cols.filter((c) => c !== value && (cat.typeOf(v, c) === 'VARCHAR' || c === 'side')).slice(0, 4);
  const label = labels.length ? `concat_ws(' · ', ${labels.map(ident).join(', ')})` : `'row ' || row_number() OVER ()`;
  return {
    sql: `SELECT ${label} AS label, ${ident(value)}${scale} AS ms${labels.length ? `, ${labels.map(ident).join(', ')}` : ''}\nFROM ${v}\nWHERE ${ident(value)} IS NOT NULL\nORDER BY ms DESC\nLIMIT 40`,
  };
}
