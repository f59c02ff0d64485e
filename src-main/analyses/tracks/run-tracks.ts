// runTracks: one run's analyses as timeline tracks (slices, counters, flows) on the source's
// clock. Every family is aggregated in DuckDB: a kind's rows are put in one TEMP table, then
// counted per track, thinned to at most maxItems per track (slices: the longest; counters: the
// first, last, min and max point of each of maxItems/4 buckets, which keeps a step line's
// shape; flows: evenly in time) and, when thinned, summarised per bucket (count, min, max): one
// GROUP BY over the window, about one bucket per pixel column the caller asks for.
// The families' rows of a run are computed over the analysis views (views over the event
// tables: on a 15 M-event run that takes tens of seconds) once, into TEMP tables of the
// connection kept for the last run asked (`RunCache`); a later window of that run only filters,
// thins and buckets them, and the whole run's answer is kept as well. The cache is keyed by what
// the rows depend on (the run's traces, their events, offsets, catalogues, ingest times): a
// retype, a removal, a new offset or a re-plan of the run makes it anew.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SideName } from '../../contract.ts';
import { ident } from '../../workspace/schema.ts';
import { readEventTables } from '../install.ts';
import { counterSql, flowSql, scopeIds, sectionCountsSql, sliceSql, USER_VIEW_ROW_CAP, userSliceSql, userViewCutSql, type RunScope } from './families.ts';
import type { Track, TrackArgs, TrackBucket, TrackFlow, TrackLaneInfo, TrackPoint, TrackSet, TrackSlice, TrackWindow } from './types.ts';

export const DEFAULT_MAX_ITEMS = 2000;
export const DEFAULT_BUCKETS = 200;
const MAX_ITEMS_CAP = 200_000;
const MAX_BUCKETS = 20_000;

type Kind = Track['kind'];
type Row = readonly unknown[];

let tempSeq = 0;

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function big(v: unknown): bigint | null {
  return v === null || v === undefined ? null : BigInt(v as bigint | number);
}

function sideOf(v: unknown): SideName | null {
  return v === 'src' || v === 'dst' ? v : null;
}

function parseArgs(v: unknown): TrackArgs {
  if (typeof v !== 'string' || v === '') return {};
  const o = JSON.parse(v) as Record<string, unknown>;
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, x] of Object.entries(o)) out[k] = typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? x : x === null ? null : JSON.stringify(x);
  return out;
}

interface TraceFacts {
  readonly traceId: number;
  readonly clock: string | null;
  readonly offset: bigint | null;
  readonly timed: boolean;
}

/** A run's traces as the tracks (and the area selection, area.ts) read them: timed, one clock kind, offsets. */
export async function readScope(conn: DuckDBConnection, runId: number): Promise<{ scope: RunScope; clock: string | null; notes: string[]; src: number | null; dst: number | null }> {
  const r = (await conn.runAndReadAll(`SELECT src_trace_id, dst_trace_id FROM runs WHERE run_id = ${Math.trunc(runId)}`)).getRowsJS();
  if (r.length === 0) throw new Error(`no run ${runId} in this workspace`);
  const [src, dst] = r[0].map((v) => (v === null ? null : Number(v)));
  const ids = [src, dst].filter((x): x is number => x !== null);
  const facts = new Map<number, TraceFacts>();
  if (ids.length) {
    const t = await conn.runAndReadAll(
      `SELECT trace_id, clock, clock_offset_ns, first_ts_ns IS NOT NULL FROM traces WHERE trace_id IN (${ids.join(', ')})`,
    );
    for (const [id, clock, off, timed] of t.getRowsJS()) {
      facts.set(Number(id), { traceId: Number(id), clock: clock === null ? null : String(clock), offset: big(off), timed: timed === true });
    }
  }
  const notes: string[] = [];
  const keep = (id: number | null, what: string): number | null => {
    if (id === null) return null;
    const f = facts.get(id);
    if (!f?.timed || f.clock === 'none') {
      notes.push(`${what} trace ${id} has no time stamps: it gives no tracks`);
      return null;
    }
    return id;
  };
  const s = keep(src, 'source');
  let d = keep(dst, 'destination');
  const srcClock = s === null ? null : (facts.get(s)?.clock ?? null);
  if (d !== null && s !== null && facts.get(d)?.clock !== srcClock) {
    notes.push(`destination trace ${d} is on another clock kind (${facts.get(d)?.clock ?? 'unknown'}) than the source's (${srcClock ?? 'unknown'}): its tracks are left out`);
    d = null;
  }
  if (d !== null && s !== null && facts.get(d)?.offset === null) {
    notes.push(`destination trace ${d} has no clock offset (not estimated): its times are its own clock's`);
  }
  const offsets = new Map<number, bigint>();
  for (const id of [s, d]) if (id !== null) offsets.set(id, facts.get(id)?.offset ?? 0n);
  const clock = s !== null ? srcClock : d !== null ? (facts.get(d)?.clock ?? null) : null;
  return { scope: { src: s, dst: d, offsets }, clock, notes, src, dst };
}

/** Columns of every kind's TEMP table, beyond the family's own: `tat` (sort time), `v` (summarised value), `inw`. */
function extraColumns(kind: Kind, from: bigint | null, to: bigint | null): string {
  const le = (e: string) => (to === null ? 'true' : `${e} <= ${to}`);
  const ge = (e: string) => (from === null ? 'true' : `${e} >= ${from}`);
  if (kind === 'slice') return `ts AS tat, CAST(dur AS DOUBLE) AS v, (${le('ts')} AND (dur IS NULL OR ${ge('ts + dur')})) AS inw`;
  if (kind === 'counter') return `ts AS tat, value AS v, (${ge('ts')} AND ${le('ts')}) AS inw`;
  return `least(from_ts, to_ts) AS tat, CAST(to_ts - from_ts AS DOUBLE) AS v, (${le('least(from_ts, to_ts)')} AND ${ge('greatest(from_ts, to_ts)')}) AS inw`;
}

const PER_KIND_COLUMNS: Record<Kind, string> = {
  slice: 'ts, dur, name, depth, args',
  counter: 'ts, value',
  flow: 'from_track, from_ts, to_track, to_ts, name, args',
};

interface Meta {
  readonly id: string;
  readonly title: string;
  readonly group: string;
  readonly ord: number;
  readonly unit: string;
  readonly lane: TrackLaneInfo;
  readonly total: number;
  readonly all: number;
}

interface Collected {
  readonly meta: Meta[];
  readonly items: Map<string, Row[]>;
  readonly buckets: Map<string, TrackBucket[]>;
}

/** Counts, thinned items and bucket summaries of one kind's relation. */
async function collect(conn: DuckDBConnection, kind: Kind, relation: string, from: bigint | null, to: bigint | null, maxItems: number, nBuckets: number,
  memo?: { meta?: Row[] }): Promise<Collected> {
  const t = ident(`qtw_tracks_${process.pid}_${++tempSeq}`);
  const withExtra = `(SELECT *, ${extraColumns(kind, from, to)} FROM (${relation}) x)`;
  // Only the window's rows: the run's rows can be millions. Over a cached relation (sorted by
  // track and time) a view is cheaper than a copy, its filter skipping row groups; over a user's
  // view the rows are copied once.
  const kindOfT = memo ? 'VIEW' : 'TABLE';
  const tm = ident(`qtw_tracks_${process.pid}_${++tempSeq}_m`);
  const tf = ident(`qtw_tracks_${process.pid}_${++tempSeq}_f`);
  await conn.run(`CREATE TEMP ${kindOfT} ${t} AS SELECT * FROM ${withExtra} WHERE inw`);
  try {
    const laneCols = kind === 'flow' ? 'NULL, NULL, NULL, NULL' : ['side', 'trace_id', 'tid', 'channel'].map((c) => `CASE WHEN count(DISTINCT ${c}) = 1 THEN any_value(${c}) END`).join(', ');
    // What does not depend on the window is read once per cached relation.
    const metaRows = memo?.meta ?? (
      await conn.runAndReadAll(
        `SELECT track_id, any_value(title), any_value(grp), min(ord), ${kind === 'counter' ? 'any_value(unit)' : "''"}, ${laneCols}, count(*)
         FROM (${relation}) x WHERE track_id IS NOT NULL GROUP BY track_id`,
      )
    ).getRowsJS();
    if (memo) memo.meta = metaRows;
    // Each track's count and span in the window, once: the thinning and the buckets read it.
    await conn.run(`CREATE TEMP TABLE ${tm} AS
      SELECT track_id, count(*) AS n, ${from === null ? 'min(tat)' : `${from}::BIGINT`} AS lo, ${to === null ? 'max(tat)' : `${to}::BIGINT`} AS hi
      FROM ${t} GROUP BY track_id`);
    const inWindow = new Map((await conn.runAndReadAll(`SELECT track_id, n FROM ${tm} WHERE track_id IS NOT NULL`)).getRowsJS().map(([id, n]) => [String(id), Number(n)]));
    const meta: Meta[] = metaRows.map(([id, title, grp, ord, unit, side, traceId, tid, channel, all]) => ({
      id: String(id),
      title: String(title),
      group: String(grp),
      ord: Number(ord),
      unit: String(unit ?? ''),
      lane: { side: sideOf(side), traceId: num(traceId), tid: num(tid), channel: num(channel) },
      total: inWindow.get(String(id)) ?? 0,
      all: Number(all),
    }));
    const m4 = Math.max(1, Math.floor(maxItems / 4));
    const lohi = `m AS (SELECT * FROM ${tm}), mw AS (
        SELECT *, (hi - lo) // ${nBuckets} + 1 AS w, (hi - lo) // ${m4} + 1 AS w4 FROM m
      )`;
    const clamp = 'greatest(least(x.tat, mw.hi), mw.lo)';
    let extra = '';
    const keep = kind === 'slice' ? `rk <= ${maxItems}` : `(rk - 1) % CAST(ceil(n / ${maxItems}) AS BIGINT) = 0`;
    const prio = kind === 'slice' ? 'x.dur DESC NULLS FIRST, x.tat, x.name' : 'x.tat, x.v';
    // A counter's value holds until its next point: the last point before the window starts it
    // (the latest, and of those the highest value).
    if (kind === 'counter' && from !== null) {
      extra = `UNION ALL SELECT track_id, max(ts), arg_max(value, {'t': ts, 'v': value}), max(ts) FROM (${relation}) x
        WHERE ts < ${from} AND track_id IS NOT NULL GROUP BY track_id`;
    }
    // Counters: one GROUP BY over the window's rows per (summary bucket, thinning bucket) pair
    // (count, lowest, highest, first and last time; at most nBuckets + maxItems/4 groups a track)
    // gives both the bucket summary and each thinning bucket's first/last time and lowest/highest
    // value; a second, filtered pass over the rows that hold one of those picks the points with
    // the tie rules: first (earliest, then the lowest value), last (latest, then the highest
    // value), lowest and highest (the earliest of equal values). Struct-keyed arg_min/arg_max
    // did this in one pass but cost five times as much on a 3 M-point counter.
    if (kind === 'counter') {
      await conn.run(`CREATE TEMP TABLE ${tf} AS WITH ${lohi}
        SELECT track_id, bw, b, count(*) AS n, min(v) AS mn, max(v) AS mx, min(tat) AS f, max(tat) AS l
        FROM (SELECT x.track_id, (${clamp} - mw.lo) // mw.w AS bw, (${clamp} - mw.lo) // mw.w4 AS b, x.tat, x.v
              FROM ${t} x JOIN mw USING (track_id) WHERE mw.n > ${maxItems})
        GROUP BY track_id, bw, b`);
    }
    const counterItemsSql = `WITH ${lohi},
      a AS (SELECT track_id, b, min(f) AS f, max(l) AS l, min(mn) AS mn, max(mx) AS mx FROM ${tf} GROUP BY track_id, b),
      ties AS (
        SELECT y.track_id, a.f, min(y.v) FILTER (y.tat = a.f) AS fv, a.l, max(y.v) FILTER (y.tat = a.l) AS lv,
               min(y.tat) FILTER (y.v = a.mn) AS mnt, a.mn, min(y.tat) FILTER (y.v = a.mx) AS mxt, a.mx
        FROM (SELECT x.track_id, (${clamp} - mw.lo) // mw.w4 AS b, x.tat, x.v FROM ${t} x JOIN mw USING (track_id) WHERE mw.n > ${maxItems}) y
        JOIN a ON y.track_id = a.track_id AND y.b = a.b
        WHERE y.tat = a.f OR y.tat = a.l OR y.v = a.mn OR y.v = a.mx
        GROUP BY y.track_id, y.b, a.f, a.l, a.mn, a.mx
      )
      SELECT track_id, ts, value, tat FROM ${t} x JOIN mw USING (track_id) WHERE mw.n <= ${maxItems}
      UNION ALL
      SELECT DISTINCT * FROM (
        SELECT track_id, f, fv, f FROM ties UNION ALL SELECT track_id, l, lv, l FROM ties
        UNION ALL SELECT track_id, mnt, mn, mnt FROM ties UNION ALL SELECT track_id, mxt, mx, mxt FROM ties
      )
      ${extra}
      ORDER BY 1, 4, 3`;
    const itemsSql = kind === 'counter' ? counterItemsSql : `WITH ${lohi},
      r AS (
        SELECT x.*, mw.n, row_number() OVER (PARTITION BY x.track_id ORDER BY ${prio}) AS rk
        FROM (SELECT x.*, (${clamp} - mw.lo) // mw.w4 AS b FROM ${t} x JOIN mw USING (track_id) WHERE x.inw) x
        JOIN mw USING (track_id)
      )
      SELECT track_id, ${PER_KIND_COLUMNS[kind]}, tat FROM r WHERE n <= ${maxItems} OR ${keep}
      ${extra}
      ORDER BY track_id, tat`;
    const items = new Map<string, Row[]>();
    for (const row of (await conn.runAndReadAll(itemsSql)).getRowsJS()) {
      const id = String(row[0]);
      let list = items.get(id);
      if (!list) items.set(id, (list = []));
      list.push(row.slice(1));
    }
    const buckets = new Map<string, TrackBucket[]>();
    if (meta.some((x) => x.total > maxItems)) {
      const bucketSql = kind === 'counter' ? `WITH ${lohi}
        SELECT f.track_id, mw.lo + bw * mw.w, mw.lo + (bw + 1) * mw.w - 1, sum(f.n), min(f.mn), max(f.mx)
        FROM ${tf} f JOIN mw USING (track_id)
        GROUP BY f.track_id, bw, mw.lo, mw.w ORDER BY f.track_id, bw` : `WITH ${lohi}
        SELECT x.track_id, mw.lo + b * mw.w, mw.lo + (b + 1) * mw.w - 1, count(*), min(x.v), max(x.v)
        FROM (SELECT x.*, (${clamp} - mw.lo) // mw.w AS b FROM ${t} x JOIN mw USING (track_id) WHERE x.inw AND mw.n > ${maxItems}) x
        JOIN mw USING (track_id)
        GROUP BY x.track_id, b, mw.lo, mw.w ORDER BY x.track_id, b`;
      for (const [id, lo, hi, n, mn, mx] of (await conn.runAndReadAll(bucketSql)).getRowsJS()) {
        let list = buckets.get(String(id));
        if (!list) buckets.set(String(id), (list = []));
        list.push({ from: big(lo) as bigint, to: big(hi) as bigint, count: Number(n), min: num(mn), max: num(mx) });
      }
    }
    return { meta, items, buckets };
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${tm}`);
    await conn.run(`DROP TABLE IF EXISTS ${tf}`);
    await conn.run(`DROP ${kindOfT} IF EXISTS ${t}`);
  }
}

/**
 * Nesting rows for slices without a given depth: a slice inside an open one goes one row deeper;
 * one that overlaps without nesting also goes deeper, so that no two slices of a row overlap.
 */
export function assignDepths(items: readonly { ts: bigint; dur: bigint | null; depth: number | null }[]): number[] {
  const order = items.map((_, i) => i).sort((a, b) => {
    const x = items[a];
    const y = items[b];
    if (x.ts !== y.ts) return x.ts < y.ts ? -1 : 1;
    // The longer first: it encloses the other.
    const dx = x.dur ?? -1n;
    const dy = y.dur ?? -1n;
    if (dx === dy) return a - b;
    if (dx === -1n) return -1;
    if (dy === -1n) return 1;
    return dx > dy ? -1 : 1;
  });
  const out = new Array<number>(items.length).fill(0);
  // End of the last slice of each row (null: open to the end).
  const ends: (bigint | null)[] = [];
  for (const i of order) {
    const s = items[i];
    if (s.depth !== null) {
      out[i] = s.depth;
      continue;
    }
    // The first row free at its start: below every slice still open above it.
    const end = s.dur === null ? null : s.ts + s.dur;
    let d = ends.findIndex((e) => e !== null && e <= s.ts);
    if (d < 0) d = ends.push(end) - 1;
    else ends[d] = end;
    out[i] = d;
  }
  return out;
}

function toSlices(rows: readonly Row[]): TrackSlice[] {
  const raw = rows.map(([ts, dur, name, depth, args]) => ({ ts: big(ts) as bigint, dur: big(dur), name: String(name), depth: num(depth), args: parseArgs(args) }));
  const depths = assignDepths(raw);
  return raw.map((r, i) => ({ ts: r.ts, dur: r.dur, name: r.name, depth: depths[i], args: r.args }));
}

function toPoints(rows: readonly Row[]): TrackPoint[] {
  return rows.map(([ts, value]) => ({ ts: big(ts) as bigint, value: Number(value) }));
}

function toFlows(rows: readonly Row[]): TrackFlow[] {
  return rows.map(([fromTrack, fromTs, toTrack, toTs, name, args]) => ({
    fromTrackId: String(fromTrack),
    fromTs: big(fromTs) as bigint,
    toTrackId: String(toTrack),
    toTs: big(toTs) as bigint,
    name: String(name),
    args: parseArgs(args),
  }));
}

function build(kind: Kind, c: Collected, maxItems: number, notes: ReadonlyMap<string, string>): Track[] {
  return c.meta.map((m) => {
    const rows = c.items.get(m.id) ?? [];
    const common = {
      id: m.id,
      title: m.title,
      group: m.group,
      lane: m.lane,
      total: m.total,
      truncated: m.total > maxItems,
      buckets: m.total > maxItems ? (c.buckets.get(m.id) ?? []) : null,
      note: notes.get(m.id) ?? null,
    };
    if (kind === 'slice') return { ...common, kind, items: toSlices(rows) };
    if (kind === 'counter') return { ...common, kind, unit: m.unit, items: toPoints(rows) };
    return { ...common, kind, items: toFlows(rows) };
  });
}

/** `track_*` views (the user's, or TEMP ones of this connection) with the columns a slice needs. */
async function userViews(conn: DuckDBConnection): Promise<{ name: string; cols: Set<string> }[]> {
  const r = await conn.runAndReadAll(
    `SELECT v.view_name, list(lower(c.column_name)) FROM duckdb_views() v
     JOIN duckdb_columns() c ON c.table_oid = v.view_oid
     WHERE NOT v.internal AND v.view_name LIKE 'track\\_%' ESCAPE '\\'
     GROUP BY v.view_name ORDER BY v.view_name`,
  );
  return r.getRowsJS().map(([name, cols]) => ({ name: String(name), cols: new Set((cols as unknown[]).map(String)) }));
}

const USER_COLUMNS = ['ts_ns', 'dur_ns', 'name', 'track'];

function rankOf(t: Track, ord: ReadonlyMap<string, number>): (string | number)[] {
  const o = ord.get(t.id) ?? 0;
  const side = t.lane.side === 'src' ? 0 : t.lane.side === 'dst' ? 1 : 2;
  return [o >= 90 ? 1 : 0, side, o, t.lane.tid ?? -1, t.lane.channel ?? -1, t.id];
}

function compareRank(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

interface RunCache {
  readonly key: string;
  /** TEMP tables of the run's slice, counter and flow rows. */
  readonly tables: Record<Kind, string>;
  /** The whole run's answer (no window), by maxItems and buckets: what the timeline asks first. */
  readonly whole: Map<string, { tracks: Track[]; ord: Map<string, number>; notes: Map<string, string> }>;
  /** Section ids the two sides traced a different number of times (idstr, id, n_src, n_dst). */
  badSections?: Row[];
  /** Per kind: the tracks' titles, lanes and row counts, which no window changes. */
  readonly memo: Record<Kind, { meta?: Row[] }>;
}

const caches = new WeakMap<DuckDBConnection, RunCache>();

/** What a run's family rows depend on; a change of any makes the cache anew. */
async function cacheKey(conn: DuckDBConnection, runId: number, scope: RunScope): Promise<string> {
  const ids = scopeIds(scope);
  const r = await conn.runAndReadAll(
    `SELECT list(concat_ws('|', trace_id, events, records, clock_offset_ns, catalogue_id, ingested_at) ORDER BY trace_id)::VARCHAR FROM traces WHERE trace_id IN (${ids.join(', ')})`,
  );
  return `${runId}:${ids.join(',')}:${[...scope.offsets].join(',')}:${String(r.getRowsJS()[0]?.[0])}`;
}

async function tablesExist(conn: DuckDBConnection, tables: readonly string[]): Promise<boolean> {
  const names = tables.map((t) => `'${t.replaceAll('"', '').replaceAll("'", "''")}'`).join(', ');
  const r = await conn.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name IN (${names})`);
  return Number(r.getRowsJS()[0][0]) === tables.length;
}

/** The run's family rows as TEMP tables, made once per run (and data) on this connection. */
async function runCache(conn: DuckDBConnection, runId: number, scope: RunScope): Promise<RunCache> {
  const key = await cacheKey(conn, runId, scope);
  const old = caches.get(conn);
  if (old && old.key === key && (await tablesExist(conn, Object.values(old.tables)))) return old;
  if (old) for (const t of Object.values(old.tables)) await conn.run(`DROP TABLE IF EXISTS ${ident(t)}`);
  caches.delete(conn);
  const tables = await readEventTables(conn);
  const seq = ++tempSeq;
  const names: Record<Kind, string> = { slice: `qtw_tracks_run_${process.pid}_${seq}_slice`, counter: `qtw_tracks_run_${process.pid}_${seq}_counter`, flow: `qtw_tracks_run_${process.pid}_${seq}_flow` };
  const sql: Record<Kind, string> = { slice: sliceSql(scope, tables), counter: counterSql(scope, tables), flow: flowSql(scope, tables) };
  try {
    // Sorted by track and time: DuckDB's per-row-group min/max then skip what a window filters out.
    const order: Record<Kind, string> = { slice: 'track_id, ts', counter: 'track_id, ts', flow: 'track_id, least(from_ts, to_ts)' };
    for (const k of ['slice', 'counter', 'flow'] as const) await conn.run(`CREATE TEMP TABLE ${ident(names[k])} AS SELECT * FROM (${sql[k]}) x ORDER BY ${order[k]}`);
  } catch (e) {
    for (const t of Object.values(names)) await conn.run(`DROP TABLE IF EXISTS ${ident(t)}`).catch(() => undefined);
    throw e;
  }
  const c: RunCache = { key, tables: names, whole: new Map(), memo: { slice: {}, counter: {}, flow: {} } };
  caches.set(conn, c);
  return c;
}

/** One run's tracks within `window` (whole run by default), times on its source's clock. */
export async function runTracks(conn: DuckDBConnection, runId: number, window: TrackWindow = {}): Promise<TrackSet> {
  const from = window.from ?? null;
  const to = window.to ?? null;
  const maxItems = Math.max(4, Math.min(MAX_ITEMS_CAP, Math.floor(window.maxItems ?? DEFAULT_MAX_ITEMS)));
  // Buckets are asked per pixel column of the plot: independent of maxItems, bounded so a reply stays small.
  const nBuckets = Math.max(1, Math.min(MAX_BUCKETS, Math.floor(window.buckets ?? DEFAULT_BUCKETS)));
  const { scope, clock, notes, src, dst } = await readScope(conn, runId);
  const set = (tracks: Track[]): TrackSet => ({ runId, srcTraceId: src, dstTraceId: dst, clock, from, to, maxItems, tracks, notes });
  if (scopeIds(scope).length === 0) return set([]);
  const cache = await runCache(conn, runId, scope);
  const wholeKey = from === null && to === null ? `${maxItems}:${nBuckets}` : null;
  const kept = wholeKey === null ? undefined : cache.whole.get(wholeKey);
  const trackNotes = new Map<string, string>(kept?.notes ?? []);
  const ord = new Map<string, number>(kept?.ord ?? []);
  const tracks: Track[] = [...(kept?.tracks ?? [])];
  if (!kept) await familyTracks(conn, cache, scope, { from, to, maxItems, nBuckets }, tracks, ord, trackNotes);
  if (wholeKey !== null && !kept) cache.whole.set(wholeKey, { tracks: [...tracks], ord: new Map(ord), notes: new Map(trackNotes) });
  const add = (kind: Kind, c: Collected) => {
    for (const m of c.meta) ord.set(m.id, m.ord);
    tracks.push(...build(kind, c, maxItems, trackNotes));
  };

  for (const v of await userViews(conn)) {
    const missing = USER_COLUMNS.filter((c) => !v.cols.has(c));
    const id = `user:${v.name}:`;
    if (missing.length) {
      trackNotes.set(id, `view ${v.name} lacks ${missing.join(', ')} (a track view needs ts_ns, dur_ns, name, track)`);
      tracks.push(emptyUserTrack(id, v.name, trackNotes.get(id) as string));
      ord.set(id, 90);
      continue;
    }
    try {
      const c = await collect(conn, 'slice', userSliceSql(scope, v.name, v.cols), from, to, maxItems, nBuckets);
      const cut = (await conn.runAndReadAll(userViewCutSql(v.name))).getRowsJS().length > 0;
      for (const m of c.meta) {
        const said = [
          cut ? `view ${v.name} has more than ${USER_VIEW_ROW_CAP.toLocaleString('en-US')} rows: only its first ${USER_VIEW_ROW_CAP.toLocaleString('en-US')} were read` : null,
          v.cols.has('trace_id') ? null : `view ${v.name} has no trace_id column: every row is shown, its ts_ns taken as on the run's source clock`,
        ].filter((x) => x !== null);
        if (said.length) trackNotes.set(m.id, said.join('; '));
      }
      add('slice', c);
    } catch (e) {
      // A cancel (cancelQuery, a client gone) ends the whole call, not just this view.
      if (e instanceof Error && /^INTERRUPT Error:/.test(e.message)) throw e;
      const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      tracks.push(emptyUserTrack(id, v.name, `view ${v.name} failed: ${msg}`));
      ord.set(id, 90);
    }
  }
  tracks.sort((a, b) => compareRank(rankOf(a, ord), rankOf(b, ord)));
  return set(tracks);
}

/** The analyses' tracks of the run (from its cached rows) into `tracks`, `ord` and `trackNotes`. */
async function familyTracks(conn: DuckDBConnection, cache: RunCache, scope: RunScope,
  w: { from: bigint | null; to: bigint | null; maxItems: number; nBuckets: number }, tracks: Track[], ord: Map<string, number>, trackNotes: Map<string, string>): Promise<void> {
  const { from, to, maxItems, nBuckets } = w;
  const from_ = (k: Kind) => `SELECT * FROM ${ident(cache.tables[k])}`;
  const slices = await collect(conn, 'slice', from_('slice'), from, to, maxItems, nBuckets, cache.memo.slice);
  const counters = await collect(conn, 'counter', from_('counter'), from, to, maxItems, nBuckets, cache.memo.counter);
  const flows = await collect(conn, 'flow', from_('flow'), from, to, maxItems, nBuckets, cache.memo.flow);
  trackNotes.set('postcopy-faults:dst', 'resolved when the same 4 KiB host page is placed (postcopy_faults); an unresolved request has no end');
  trackNotes.set('flows:postcopy', "each destination request joined to the source's queueing of the same ramblock and offset (postcopy_faults)");
  if (scope.src !== null && scope.dst !== null) {
    // Counted over the analysis view once per cached run: it does not depend on the window.
    cache.badSections ??= (await conn.runAndReadAll(`SELECT idstr, section_id, n_src, n_dst FROM (${sectionCountsSql(scope)}) WHERE n_src <> n_dst AND n_src > 0 AND n_dst > 0 ORDER BY section_id`)).getRowsJS();
    const bad = cache.badSections;
    if (bad.length) {
      trackNotes.set(
        'flows:sections',
        `not paired (the two sides traced a different number of them): ${bad.map(([idstr, id, a, b]) => `${String(idstr ?? 'section')} (id ${Number(id)}): ${Number(a)} source, ${Number(b)} destination`).join('; ')}`,
      );
    }
    const packets = slices.meta.filter((m) => m.group === 'multifd');
    const nSrc = packets.filter((m) => m.lane.side === 'src').reduce((a, m) => a + m.all, 0);
    const nDst = packets.filter((m) => m.lane.side === 'dst').reduce((a, m) => a + m.all, 0);
    const joined = flows.meta.find((m) => m.id === 'flows:multifd')?.all ?? 0;
    if (joined !== nSrc || joined !== nDst) {
      trackNotes.set('flows:multifd', `${joined} packets joined of ${nSrc} source and ${nDst} destination records (by channel, packet number and its occurrence)`);
    }
  }
  const add = (kind: Kind, c: Collected) => {
    for (const m of c.meta) ord.set(m.id, m.ord);
    tracks.push(...build(kind, c, maxItems, trackNotes));
  };
  add('slice', slices);
  add('counter', counters);
  add('flow', flows);
}

function emptyUserTrack(id: string, view: string, note: string): Track {
  return {
    kind: 'slice',
    id,
    title: view,
    group: 'user',
    lane: { side: null, traceId: null, tid: null, channel: null },
    total: 0,
    truncated: false,
    buckets: null,
    note,
    items: [],
  };
}

