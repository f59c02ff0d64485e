// The Tracks view's area selection (issue 16): a window on the run's source clock across some
// lanes, summarised by event (records per side and event name), by thread (records and distinct
// events per side and thread) or by track (slices overlapping the window with their durations
// clipped to it; counters' points in it). The engine builds one self-contained query with literal
// trace ids and per-trace bounds (ts_ns moved back by the trace's clock offset, in BigInt), so the
// SQL the user opens in the editor gives the same rows. The run's traces are the ones runTracks
// draws: its primary source and destination (never an alternate), a side without time stamps or
// on another clock kind left out. Untyped records (`unparsed`) are no events: a note counts those
// of the window.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AreaGrouping, SideName } from '../../contract.ts';
import { literal } from '../../workspace/schema.ts';
import { toCell, type CellValue, type ColumnInfo } from '../../workspace/query.ts';
import { readEventTables } from '../install.ts';
import type { TableColumns } from '../template.ts';
import { counterSql, scopeIds, sliceSql, type RunScope } from './families.ts';
import { readScope } from './run-tracks.ts';

export interface AreaLane {
  readonly trackId: string;
  readonly side: SideName | null;
  readonly tid: number | null;
  readonly channel: number | null;
}

export interface AreaQuery {
  readonly runId: number;
  readonly from: bigint;
  readonly to: bigint;
  readonly groupBy: AreaGrouping;
  /** null: every lane. */
  readonly lanes: readonly AreaLane[] | null;
}

export interface AreaResult {
  readonly sql: string;
  readonly notes: string[];
  readonly columns: ColumnInfo[];
  readonly rows: CellValue[][];
}

/** What a lane filter keeps of one trace: every record, or those of some threads or multifd channels. */
interface Keep {
  whole: boolean;
  readonly tids: Set<number>;
  readonly channels: Set<number>;
}

/** Per trace of the scope, the records the selected lanes keep. */
type SideFilter = Map<number, Keep>;

function sideFilter(scope: RunScope, lanes: readonly AreaLane[] | null, notes: string[]): SideFilter {
  const out: SideFilter = new Map();
  const of = (id: number): Keep => {
    let k = out.get(id);
    if (!k) out.set(id, (k = { whole: lanes === null, tids: new Set(), channels: new Set() }));
    return k;
  };
  if (lanes === null) {
    for (const id of scopeIds(scope)) of(id);
    return out;
  }
  for (const l of lanes) {
    const id = l.side === 'src' ? scope.src : l.side === 'dst' ? scope.dst : null;
    if (id === null) continue;
    const k = of(id);
    // A thread lane keeps its thread; a channel lane (a trace without thread ids) the records of
    // its multifd channel; any other lane of a side (states, counters…) the whole side.
    if (l.tid !== null) k.tids.add(l.tid);
    else if (l.channel !== null) k.channels.add(l.channel);
    else k.whole = true;
  }
  if (out.size === 0) notes.push('no selected lane belongs to a side of the run: no records are counted');
  return out;
}

const sorted = (x: Set<number>) => [...x].sort((a, b) => a - b).join(', ');

/** `trace_id`/`ts_ns` conditions of the window (the bounds moved onto each trace's own clock) and the lanes' threads or channels. */
function recordWindow(scope: RunScope, from: bigint, to: bigint, filter: SideFilter): string {
  const parts: string[] = [];
  for (const [id, k] of filter) {
    const off = scope.offsets.get(id) ?? 0n;
    const some = [k.tids.size ? `tid IN (${sorted(k.tids)})` : null, k.channels.size ? `channel IN (${sorted(k.channels)})` : null].filter((x) => x !== null);
    const lanes = k.whole || some.length === 0 ? '' : ` AND (${some.join(' OR ')})`;
    parts.push(`(trace_id = ${id} AND ts_ns BETWEEN ${from - off} AND ${to - off}${lanes})`);
  }
  return parts.length ? parts.join('\n    OR ') : 'false';
}

/** The events of the scope with the multifd channel of each packet record (multifd_packets). */
function eventsWithChannel(scope: RunScope): string {
  return `events LEFT JOIN (SELECT trace_id, seq, channel FROM multifd_packets WHERE trace_id IN (${scopeIds(scope).join(', ') || 'NULL'})) USING (trace_id, seq)`;
}

function header(runId: number, from: bigint, to: bigint, what: string): string {
  return `-- Area selection of run ${runId}: ${from} .. ${to} ns on the run's source clock (ts_ns + clock offset), ${what}\n`;
}

/** The query of one area summary and what it leaves out. Pure: the scope and tables are read by the caller. */
/**
 * Records of the window the summary cannot count (they are not events): the lanes' untyped
 * records (`unparsed`), for a note. Null when the lanes pick multifd channels (an untyped record
 * has none).
 */
function untypedSql(scope: RunScope, from: bigint, to: bigint, filter: SideFilter): string | null {
  if ([...filter.values()].some((k) => !k.whole && k.channels.size > 0)) return null;
  return `SELECT count(*) FROM unparsed WHERE ${recordWindow(scope, from, to, filter)}`;
}

export function areaSql(runId: number, scope: RunScope, tables: TableColumns, q: Omit<AreaQuery, 'runId'>): { sql: string; notes: string[]; untyped: string | null } {
  const { from, to } = q;
  const notes: string[] = [];
  if (q.groupBy === 'event' || q.groupBy === 'thread') {
    const filter = sideFilter(scope, q.lanes, notes);
    const where = recordWindow(scope, from, to, filter);
    const byChannel = [...filter.values()].some((k) => !k.whole && k.channels.size > 0);
    const untyped = untypedSql(scope, from, to, filter);
    if (q.groupBy === 'event') {
      return {
        notes,
        untyped,
        sql: `${header(runId, from, to, 'records per side and event')}SELECT side, name AS event, count(*) AS records
FROM ${byChannel ? eventsWithChannel(scope) : 'events'}
WHERE ${where}
GROUP BY side, name
ORDER BY side, records DESC, event`,
      };
    }
    return {
      notes,
      untyped,
      sql: `${header(runId, from, to, 'records per side and thread (and multifd channel where the trace has no thread ids)')}SELECT side, tid, CASE WHEN tid IS NULL THEN channel END AS channel, count(*) AS records, count(DISTINCT name) AS events,
       arg_max(name, {'ts_ns': ts_ns, 'seq': seq}) AS last_event
FROM ${eventsWithChannel(scope)}
WHERE ${where}
GROUP BY ALL
ORDER BY side, records DESC, tid NULLS LAST, channel NULLS LAST`,
    };
  }
  const ids = q.lanes === null ? null : [...new Set(q.lanes.map((l) => l.trackId))];
  if (ids?.some((id) => id.startsWith('user:'))) notes.push("users' track_* views are not summarised");
  notes.push(
    "clipped_dur_ns sums the parts of the slices inside the window (both ends included); longest_slice_dur_ns is the longest overlapping slice, whole; a slice without a traced end counts as lasting to the window's end (unended); a counter is summarised by its points inside the window",
  );
  const keep = ids === null ? '' : ` AND track_id IN (${ids.length ? ids.map(literal).join(', ') : 'NULL'})`;
  const sql = `${header(runId, from, to, 'slices and counters per track')}WITH s AS (
  ${sliceSql(scope, tables)}
), c AS (
  ${counterSql(scope, tables)}
)
SELECT track_id, title, kind, items, unended, clipped_dur_ns, longest_slice_dur_ns, min_value, max_value, last_value FROM (
  SELECT track_id, any_value(title) AS title, 'slice' AS kind, min(ord) AS ord, any_value(side) AS side, count(*) AS items,
         count(*) FILTER (WHERE dur IS NULL) AS unended,
         sum(least(coalesce(ts + dur, ${to}), ${to}) - greatest(ts, ${from})) AS clipped_dur_ns,
         max(dur) AS longest_slice_dur_ns, NULL::DOUBLE AS min_value, NULL::DOUBLE AS max_value, NULL::DOUBLE AS last_value
  FROM s WHERE ts <= ${to} AND coalesce(ts + dur, ${to}) >= ${from}${keep}
  GROUP BY track_id
  UNION ALL
  SELECT track_id, any_value(title), 'counter', min(ord), any_value(side), count(*), NULL, NULL, NULL,
         min(value), max(value), arg_max(value, {'ts': ts, 'value': value})
  FROM c WHERE ts BETWEEN ${from} AND ${to}${keep}
  GROUP BY track_id
)
ORDER BY ord, CASE side WHEN 'src' THEN 0 WHEN 'dst' THEN 1 ELSE 2 END, track_id`;
  return { sql, notes, untyped: null };
}

/** The run's traces as its tracks have them (run-tracks.ts): a side without stamps or on another clock kind is left out, said in a note. */
export async function areaScope(conn: DuckDBConnection, runId: number): Promise<{ scope: RunScope; notes: string[] }> {
  const { scope, notes } = await readScope(conn, runId);
  return { scope, notes };
}

/** Builds and runs one area summary on `conn`. */
export async function areaSummary(conn: DuckDBConnection, q: AreaQuery): Promise<AreaResult> {
  if (q.from > q.to) throw new Error(`fromNs (${q.from}) is after toNs (${q.to})`);
  const { scope, notes: scopeNotes } = await areaScope(conn, q.runId);
  const tables = await readEventTables(conn);
  const { sql, notes, untyped } = areaSql(q.runId, scope, tables, q);
  const r = await conn.runAndReadAll(sql);
  const n = untyped === null ? 0 : Number((await conn.runAndReadAll(untyped)).getRowsJS()[0]?.[0] ?? 0);
  if (n > 0) notes.push(`${n.toLocaleString('en-US')} untyped record${n === 1 ? '' : 's'} in the range ${n === 1 ? 'is' : 'are'} not counted (table unparsed)`);
  const types = r.columnTypes();
  return {
    sql,
    notes: [...scopeNotes, ...notes],
    columns: r.columnNames().map((name, i) => ({ name, type: types[i].toString() })),
    rows: r.getRowsJS().map((row) => row.map(toCell)),
  };
}
