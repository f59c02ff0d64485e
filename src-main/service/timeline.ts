// timeline(): one lane per (trace, thread) of the traces shown — one run's, or those the user
// picked — on one axis: ts_aligned_ns (a destination on its source's clock). Traces of two clock
// kinds never share it: an epoch log and a monotonic simpletrace are 10^5 hours apart, and one
// axis over both shows two lines and an empty middle. When a window holds more events than asked
// for, each lane is thinned evenly: sparse lanes (state changes, thread starts) keep every event
// and dense ones (ram_save_page) share what is left.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TimelineData, TimelineEvent, TimelineLane, TimelineRequest } from '../contract.ts';
import { ident, literal } from '../workspace/schema.ts';
import { ServiceError } from './failure.ts';
import { globToLike } from './glob.ts';
import { threadNames } from './thread-names.ts';

export const MAX_TIMELINE_EVENTS = 200_000;

/** A lane before its events in the requested window are counted. */
type LaneKey = Omit<TimelineLane, 'events'>;

/** Lanes of the whole workspace (ids stay put while zooming); cache until traces change. */
export async function readLanes(conn: DuckDBConnection): Promise<LaneKey[]> {
  const tables = await eventTables(conn, null);
  const names = await threadNames(conn, tables);
  const r = await conn.runAndReadAll(
    `SELECT trace_id, CAST(any_value(side) AS VARCHAR), tid, mode(pid) FROM events GROUP BY trace_id, tid ORDER BY trace_id, tid NULLS FIRST`,
  );
  return r.getRowsJS().map(([traceId, side, tid, pid], laneId) => {
    const t = tid === null ? null : Number(tid);
    const p = pid === null ? null : Number(pid);
    let threadName = t === null ? null : (names.get(`${Number(traceId)}:${t}`) ?? null);
    // The main thread's id is the process id (simpletrace, stap and syslog traces carry it).
    if (threadName === null && t !== null && p !== null && t === p) threadName = 'main';
    return { laneId, traceId: Number(traceId), side: side === 'src' || side === 'dst' ? side : null, tid: t, pid: p, threadName };
  });
}

async function eventTables(conn: DuckDBConnection, pattern: string | null): Promise<string[]> {
  const where = pattern === null ? '' : ` WHERE name ILIKE ${literal(globToLike(pattern))} ESCAPE '\\'`;
  const r = await conn.runAndReadAll(`SELECT name FROM qtw_event_tables${where} ORDER BY name`);
  return r.getRows().map((x) => String(x[0]));
}

function parseNs(v: string | null, what: string): bigint | null {
  if (v === null) return null;
  if (!/^-?\d{1,20}$/.test(v)) throw new ServiceError(`${what} must be an integer number of nanoseconds`);
  return BigInt(v);
}

/**
 * Per-lane budgets that add up to at most `budget`: lanes are served smallest first, each taking
 * all its events or an equal share of what remains.
 */
export function laneQuotas(counts: readonly number[], budget: number): number[] {
  const order = counts.map((n, i) => [n, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(counts.length).fill(0);
  let left = Math.max(0, Math.floor(budget));
  let lanes = counts.length;
  for (const [n, i] of order) {
    const share = Math.floor(left / lanes);
    out[i] = Math.min(n, share);
    left -= out[i];
    lanes--;
  }
  return out;
}

/** A trace as the timeline chooses among them. */
interface TraceRow {
  readonly traceId: number;
  readonly clock: string | null;
  readonly offset: bigint;
  readonly runId: number | null;
  readonly alternateOf: number | null;
}

/** The traces one timeline shows, all of one clock kind. */
export interface TimelineChoice {
  readonly runId: number | null;
  readonly traces: readonly TraceRow[];
  readonly clock: string | null;
  readonly note: string | null;
}

async function traceRows(conn: DuckDBConnection): Promise<TraceRow[]> {
  const r = await conn.runAndReadAll(
    `SELECT trace_id, clock, coalesce(clock_offset_ns, 0), run_id, alternate_of FROM traces ORDER BY trace_id`,
  );
  return r.getRowsJS().map(([id, clock, off, run, alt]) => ({
    traceId: Number(id),
    clock: clock === null ? null : String(clock),
    offset: BigInt(off as bigint | number),
    runId: run === null ? null : Number(run),
    alternateOf: alt === null ? null : Number(alt),
  }));
}

function clockName(c: string | null): string {
  return c ?? 'unknown';
}

function idList(ts: readonly TraceRow[]): string {
  return ts.map((t) => t.traceId).join(', ');
}

/** `traces 1, 2 (epoch) and 3, 4 (monotonic)`. */
function byClock(ts: readonly TraceRow[]): string {
  const groups = new Map<string, TraceRow[]>();
  for (const t of ts) groups.set(clockName(t.clock), [...(groups.get(clockName(t.clock)) ?? []), t]);
  const parts = [...groups].map(([c, g]) => `${g.length === 1 ? 'trace' : 'traces'} ${idList(g)} (${c})`);
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * Keep the traces of one clock kind: that of `lead` (the run's source). What is dropped is named
 * in the note, so a run whose sides were traced on different clocks is shown half, and says so.
 */
function oneClock(runId: number | null, ts: readonly TraceRow[], lead: TraceRow | undefined, where: string): TimelineChoice {
  const clock = (lead ?? ts[0])?.clock ?? null;
  const shown = ts.filter((t) => t.clock === clock);
  const left = ts.filter((t) => t.clock !== clock);
  const note = left.length === 0 ? null : `${byClock(left)} of ${where} not shown: another clock kind than ${clockName(clock)} (pick them to see them on their own axis)`;
  return { runId, traces: shown, clock: shown.length ? clock : null, note };
}

/** Which traces to show: the request's ids (one clock kind), a run's primaries, or the newest run's. */
export async function chooseTraces(conn: DuckDBConnection, runId: number | null, traceIds: readonly number[] | null): Promise<TimelineChoice> {
  const all = await traceRows(conn);
  const byId = new Map(all.map((t) => [t.traceId, t]));
  if (traceIds !== null) {
    if (traceIds.length === 0) throw new ServiceError('traceIds: pick at least one trace (or give null for a run)');
    const missing = [...new Set(traceIds.filter((id) => !byId.has(id)))];
    // Named once each and at most 10: the request may repeat an id thousands of times.
    const named = missing.length > 10 ? `${missing.slice(0, 10).join(', ')} and ${(missing.length - 10).toLocaleString('en-US')} more` : missing.join(', ');
    if (missing.length) throw new ServiceError(`no trace ${named} in this workspace`, 'not-found');
    const picked = [...new Set(traceIds)].sort((a, b) => a - b).map((id) => byId.get(id) as TraceRow);
    const clocks = new Set(picked.map((t) => t.clock));
    if (clocks.size > 1) throw new ServiceError(`${byClock(picked)} have different clock kinds; one timeline shows one clock: pick traces of one`);
    const runs = new Set(picked.map((t) => t.runId));
    if (runId !== null && (runs.size !== 1 || !runs.has(runId))) {
      throw new ServiceError(`trace ${idList(picked.filter((t) => t.runId !== runId))} not in run ${runId}`);
    }
    return { runId: runs.size === 1 ? [...runs][0]! : null, traces: picked, clock: picked[0]!.clock, note: null };
  }
  const runs = await conn.runAndReadAll(`SELECT run_id, src_trace_id, dst_trace_id FROM runs ORDER BY run_id`);
  const runRows = runs.getRowsJS().map(([id, src, dst]) => ({ runId: Number(id), src: src === null ? null : Number(src), dst: dst === null ? null : Number(dst) }));
  // The newest run: the highest id (runs are numbered as they appear, oldest migration first).
  const run = runId === null ? runRows[runRows.length - 1] : runRows.find((r) => r.runId === runId);
  if (runId !== null && !run) throw new ServiceError(`no run ${runId} in this workspace`, 'not-found');
  if (run) {
    let members = all.filter((t) => t.runId === run.runId && t.alternateOf === null);
    // traces.run_id not written (yet): the sides the runs row names.
    if (members.length === 0) members = [run.src, run.dst].map((id) => (id === null ? undefined : byId.get(id))).filter((t): t is TraceRow => t !== undefined);
    return oneClock(run.runId, members, members.find((t) => t.traceId === run.src), `run ${run.runId}`);
  }
  // No runs assigned (yet): the primary traces of the clock kind of the newest one.
  const prim = all.filter((t) => t.alternateOf === null);
  return oneClock(null, prim, prim[prim.length - 1], 'this workspace');
}

/** `ts_ns + offset` of the chosen traces, as SQL over an event table's columns. */
function alignedSql(traces: readonly TraceRow[]): string {
  const shifted = traces.filter((t) => t.offset !== 0n);
  if (shifted.length === 0) return 'ts_ns';
  return `ts_ns + CASE trace_id ${shifted.map((t) => `WHEN ${t.traceId} THEN ${t.offset}`).join(' ')} ELSE 0 END`;
}

/** The chosen traces' records within [from, to] on the aligned axis, per trace so ts_ns zone maps still prune. */
function windowWhere(traces: readonly TraceRow[], from: bigint, to: bigint): string {
  return traces.map((t) => `(trace_id = ${t.traceId} AND ts_ns BETWEEN ${from - t.offset} AND ${to - t.offset})`).join(' OR ');
}

/**
 * The migration's start on this axis: the first state change of a shown source, else of a shown
 * destination (what the Migration page's state timeline counts from).
 */
async function migrationStart(conn: DuckDBConnection, traces: readonly TraceRow[], tables: ReadonlySet<string>): Promise<bigint | null> {
  if (!tables.has('migrate_set_state') || traces.length === 0) return null;
  const ids = traces.map((t) => t.traceId).join(', ');
  const r = await conn.runAndReadAll(
    `SELECT coalesce(min(${alignedSql(traces)}) FILTER (WHERE side = 'src'), min(${alignedSql(traces)})) FROM migrate_set_state WHERE trace_id IN (${ids})`,
  );
  const v = r.getRowsJS()[0]?.[0];
  return v === null || v === undefined ? null : BigInt(v as bigint);
}

export async function readTimeline(conn: DuckDBConnection, lanes: readonly LaneKey[], req: TimelineRequest): Promise<TimelineData> {
  const maxEvents = Math.max(0, Math.min(MAX_TIMELINE_EVENTS, Math.floor(req.maxEvents)));
  const choice = await chooseTraces(conn, req.runId, req.traceIds);
  const chosen = choice.traces;
  const ids = chosen.map((t) => t.traceId);
  const shown = new Set(ids);
  const myLanes = lanes.filter((l) => shown.has(l.traceId));
  const allTables = await eventTables(conn, null);
  const aligned = alignedSql(chosen);
  let minV: bigint | null = null;
  let maxV: bigint | null = null;
  if (chosen.length && allTables.length) {
    const span = await conn.runAndReadAll(`SELECT min(${aligned}), max(${aligned}) FROM events WHERE trace_id IN (${ids.join(', ')})`);
    [minV, maxV] = span.getRowsJS()[0] as [bigint | null, bigint | null];
  }
  const start = await migrationStart(conn, chosen, new Set(allTables));
  const origin = minV ?? 0n;
  const from = parseNs(req.fromNs, 'fromNs') ?? origin;
  const to = parseNs(req.toNs, 'toNs') ?? maxV ?? origin;
  const laneOf = new Map(myLanes.map((l) => [`${l.traceId}:${l.tid ?? ''}`, l]));
  const tables = req.namePattern === null ? allTables : await eventTables(conn, req.namePattern);
  const shownAs = { runId: choice.runId, traceIds: ids, clock: choice.clock, startNs: start === null ? null : start.toString(), note: choice.note };
  const empty = (truncated: boolean, total: number): TimelineData => ({
    originNs: origin.toString(),
    fromNs: from.toString(),
    toNs: to.toString(),
    lanes: myLanes.map((l) => ({ ...l, events: 0 })),
    events: [],
    truncated,
    totalInWindow: total,
    ...shownAs,
  });
  if (tables.length === 0 || chosen.length === 0 || to < from) return empty(false, 0);
  const where = windowWhere(chosen, from, to);
  const win = tables
    .map((t) => `SELECT trace_id, tid, seq, ${aligned} AS ts, ${literal(t)} AS name FROM ${ident(t)} WHERE ${where}`)
    .join('\nUNION ALL ');
  const c = await conn.runAndReadAll(`SELECT trace_id, tid, count(*) FROM (${win}) GROUP BY ALL`);
  const counted = c.getRowsJS().map(([t, tid, n]) => ({ key: `${Number(t)}:${tid === null ? '' : Number(tid)}`, traceId: Number(t), tid, n: Number(n) }));
  const total = counted.reduce((a, x) => a + x.n, 0);
  const perLane = new Map(counted.map((x) => [x.key, x.n]));
  const laneList: TimelineLane[] = myLanes.map((l) => ({ ...l, events: perLane.get(`${l.traceId}:${l.tid ?? ''}`) ?? 0 }));
  if (total === 0) return { ...empty(false, 0), lanes: laneList };
  const truncated = total > maxEvents;
  let sql: string;
  if (!truncated) {
    sql = `SELECT trace_id, tid, seq, CAST(ts - ${origin} AS DOUBLE), name FROM (${win}) ORDER BY ts, trace_id, seq`;
  } else {
    const quotas = laneQuotas(
      counted.map((x) => x.n),
      maxEvents,
    );
    const steps = counted
      .map((x, i) => (quotas[i] > 0 ? `(${x.traceId}, ${x.tid === null ? 'NULL::INTEGER' : Number(x.tid)}, ${Math.ceil(x.n / quotas[i])})` : null))
      .filter((v): v is string => v !== null);
    if (steps.length === 0) return { ...empty(true, total), lanes: laneList };
    sql = `WITH w AS (${win}),
      q(trace_id, tid, step) AS (VALUES ${steps.join(', ')}),
      n AS (SELECT w.*, row_number() OVER (PARTITION BY w.trace_id, w.tid ORDER BY w.ts, w.seq) - 1 AS i FROM w)
      SELECT n.trace_id, n.tid, n.seq, CAST(n.ts - ${origin} AS DOUBLE), n.name
        FROM n JOIN q ON n.trace_id = q.trace_id AND n.tid IS NOT DISTINCT FROM q.tid
       WHERE n.i % q.step = 0 ORDER BY n.ts, n.trace_id, n.seq`;
  }
  const rows = (await conn.runAndReadAll(sql)).getRowsJS();
  const events: TimelineEvent[] = [];
  for (const [traceId, tid, seq, t, name] of rows) {
    const lane = laneOf.get(`${Number(traceId)}:${tid === null ? '' : Number(tid)}`);
    if (!lane) continue;
    events.push({ laneId: lane.laneId, t: Number(t), name: String(name), traceId: Number(traceId), seq: Number(seq) });
  }
  return { originNs: origin.toString(), fromNs: from.toString(), toNs: to.toString(), lanes: laneList, events, truncated, totalInWindow: total, ...shownAs };
}
