// timeline(): one lane per (trace, thread), events placed on a common ns axis. When a window
// holds more events than asked for, each lane is thinned evenly: sparse lanes (state changes,
// thread starts) keep every event and dense ones (ram_save_page) share what is left.
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

export async function readTimeline(conn: DuckDBConnection, lanes: readonly LaneKey[], req: TimelineRequest): Promise<TimelineData> {
  const maxEvents = Math.max(0, Math.min(MAX_TIMELINE_EVENTS, Math.floor(req.maxEvents)));
  const span = await conn.runAndReadAll('SELECT min(ts_ns), max(ts_ns) FROM events');
  const [minV, maxV] = span.getRowsJS()[0] as [bigint | null, bigint | null];
  const origin = minV ?? 0n;
  const from = parseNs(req.fromNs, 'fromNs') ?? origin;
  const to = parseNs(req.toNs, 'toNs') ?? maxV ?? origin;
  const laneOf = new Map(lanes.map((l) => [`${l.traceId}:${l.tid ?? ''}`, l]));
  const tables = await eventTables(conn, req.namePattern);
  const empty = (truncated: boolean, total: number): TimelineData => ({
    originNs: origin.toString(),
    fromNs: from.toString(),
    toNs: to.toString(),
    lanes: lanes.map((l) => ({ ...l, events: 0 })),
    events: [],
    truncated,
    totalInWindow: total,
  });
  if (tables.length === 0 || to < from) return empty(false, 0);
  const win = tables
    .map((t) => `SELECT trace_id, tid, seq, ts_ns, ${literal(t)} AS name FROM ${ident(t)} WHERE ts_ns BETWEEN ${from} AND ${to}`)
    .join('\nUNION ALL ');
  const c = await conn.runAndReadAll(`SELECT trace_id, tid, count(*) FROM (${win}) GROUP BY ALL`);
  const counted = c.getRowsJS().map(([t, tid, n]) => ({ key: `${Number(t)}:${tid === null ? '' : Number(tid)}`, traceId: Number(t), tid, n: Number(n) }));
  const total = counted.reduce((a, x) => a + x.n, 0);
  const perLane = new Map(counted.map((x) => [x.key, x.n]));
  const laneList: TimelineLane[] = lanes.map((l) => ({ ...l, events: perLane.get(`${l.traceId}:${l.tid ?? ''}`) ?? 0 }));
  if (total === 0) return { ...empty(false, 0), lanes: laneList };
  const truncated = total > maxEvents;
  let sql: string;
  if (!truncated) {
    sql = `SELECT trace_id, tid, seq, CAST(ts_ns - ${origin} AS DOUBLE), name FROM (${win}) ORDER BY ts_ns, trace_id, seq`;
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
      n AS (SELECT w.*, row_number() OVER (PARTITION BY w.trace_id, w.tid ORDER BY w.ts_ns, w.seq) - 1 AS i FROM w)
      SELECT n.trace_id, n.tid, n.seq, CAST(n.ts_ns - ${origin} AS DOUBLE), n.name
        FROM n JOIN q ON n.trace_id = q.trace_id AND n.tid IS NOT DISTINCT FROM q.tid
       WHERE n.i % q.step = 0 ORDER BY n.ts_ns, n.trace_id, n.seq`;
  }
  const rows = (await conn.runAndReadAll(sql)).getRowsJS();
  const events: TimelineEvent[] = [];
  for (const [traceId, tid, seq, t, name] of rows) {
    const lane = laneOf.get(`${Number(traceId)}:${tid === null ? '' : Number(tid)}`);
    if (!lane) continue;
    events.push({ laneId: lane.laneId, t: Number(t), name: String(name), traceId: Number(traceId), seq: Number(seq) });
  }
  return { originNs: origin.toString(), fromNs: from.toString(), toNs: to.toString(), lanes: laneList, events, truncated, totalInWindow: total };
}
