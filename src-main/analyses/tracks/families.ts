// The SQL of each track family, over the analysis views (migration_states, dirty_sync_iterations,
// section_timings, migration_overview, postcopy_faults, multifd_packets, precopy_progress) and,
// where a view lacks a column (the packet's thread), `{{events}}` placeholders: a workspace
// without an event gives an empty relation, never an error. Every relation is one run's rows with
// times on the run's source clock. Column sets, per kind:
//   slice   track_id, title, grp, ord, side, trace_id, tid, channel, ts, dur, name, depth, args
//   counter track_id, title, grp, ord, unit, side, trace_id, tid, channel, ts, value
//   flow    track_id, title, grp, ord, from_track, from_ts, to_track, to_ts, name, args
// `args` is JSON text; u64 values are cast to text first so none is rounded on the way to JS.
import { literal } from '../../workspace/schema.ts';
import { renderTemplate, type TableColumns } from '../template.ts';

/** The traces of one run the tracks are made of (both of one clock kind, or one side only). */
export interface RunScope {
  readonly src: number | null;
  readonly dst: number | null;
  /** traces.clock_offset_ns of each (0 when not stored). */
  readonly offsets: ReadonlyMap<number, bigint>;
}

export function scopeIds(s: RunScope): number[] {
  return [s.src, s.dst].filter((x): x is number => x !== null);
}

/** `col IN (…)` over the run's traces; false when it has none. */
function inRun(s: RunScope, col = 'trace_id'): string {
  const ids = scopeIds(s);
  return ids.length ? `${col} IN (${ids.join(', ')})` : 'false';
}

/** `expr` moved onto the source's clock, for rows whose trace is in `traceCol`. */
export function aligned(s: RunScope, expr: string, traceCol = 'trace_id'): string {
  const shifted = scopeIds(s).filter((id) => (s.offsets.get(id) ?? 0n) !== 0n);
  if (shifted.length === 0) return `(${expr})`;
  return `(${expr} + CASE ${traceCol} ${shifted.map((id) => `WHEN ${id} THEN ${s.offsets.get(id)}`).join(' ')} ELSE 0 END)`;
}

/** `expr` of a known trace moved onto the source's clock. */
function alignedAt(s: RunScope, expr: string, traceId: number): string {
  const off = s.offsets.get(traceId) ?? 0n;
  return off === 0n ? `(${expr})` : `(${expr} + ${off})`;
}

const SIDE_WORD = `CASE side WHEN 'src' THEN 'Source' WHEN 'dst' THEN 'Destination' ELSE 'Trace' END`;

/**
 * The lane of a multifd packet: its thread where the trace has thread ids (each channel runs in
 * a thread of its own), else its channel. Shared by the packet slices and the flows joining them.
 */
function packetTrack(alias: string): string {
  return `'multifd:' || ${alias}.side || CASE WHEN ${alias}.tid IS NULL THEN ':ch:' || ${alias}.channel ELSE ':tid:' || ${alias}.tid END`;
}

/** Packets of the run with the thread that traced them (multifd_packets has no tid column). */
function packetsSql(s: RunScope, tables: TableColumns): string {
  const ev = renderTemplate('{{events multifd_send|multifd_send_fill|multifd_recv|multifd_recv_unfill}}', tables, 'tracks');
  return `SELECT m.trace_id, m.side, m.ts_ns, m.seq, m.channel, m.packet_num, m.pages, m.bytes, m.event, ev.tid
    FROM multifd_packets m JOIN ${ev} ev ON ev.trace_id = m.trace_id AND ev.seq = m.seq
    WHERE ${inRun(s, 'm.trace_id')} AND m.ts_ns IS NOT NULL AND m.event <> 'multifd_send_ram_fill'`;
}

export function sliceSql(s: RunScope, tables: TableColumns): string {
  const queued = renderTemplate('{{events ram_save_queue_pages: rbname VARCHAR, start UBIGINT, len UBIGINT}}', tables, 'tracks');
  const parts = [
    // Migration states: each lasts until the next change; the last one has no traced end.
    `SELECT 'states:' || side, ${SIDE_WORD} || ' migration state', 'migration', 10, side, trace_id, NULL::INTEGER, NULL::INTEGER,
       ${aligned(s, 'ts_ns')}, next_ts_ns - ts_ns, state, 0,
       json_object('attempt', attempt, 'prev_state', prev_state, 'seq', seq)::VARCHAR
     FROM migration_states WHERE ${inRun(s)} AND ts_ns IS NOT NULL`,
    `SELECT 'downtime:' || side, ${SIDE_WORD} || ' downtime', 'migration', 12, side, trace_id, NULL, NULL,
       ${aligned(s, 'downtime_start_ts_ns')}, downtime_end_ts_ns - downtime_start_ts_ns, 'downtime', 0,
       json_object('attempt', attempt, 'downtime_ms', downtime_ms, 'source', downtime_source)::VARCHAR
     FROM migration_overview WHERE ${inRun(s)} AND downtime_start_ts_ns IS NOT NULL AND downtime_end_ts_ns IS NOT NULL`,
    `SELECT 'dirty-sync:' || side, ${SIDE_WORD} || ' dirty bitmap syncs', 'migration', 20, side, trace_id, NULL, NULL,
       ${aligned(s, 'start_ts_ns')}, end_ts_ns - start_ts_ns, 'sync ' || iteration, NULL,
       json_object('attempt', attempt, 'iteration', iteration, 'dirty_pages', dirty_pages, 'throttle_pct', throttle_pct)::VARCHAR
     FROM dirty_sync_iterations WHERE ${inRun(s)} AND start_ts_ns IS NOT NULL`,
    `SELECT 'sections:' || side, ${SIDE_WORD} || CASE side WHEN 'dst' THEN ' loadvm sections' ELSE ' savevm sections' END, 'sections', 30,
       side, trace_id, NULL, NULL,
       ${aligned(s, 'start_ts_ns')}, end_ts_ns - start_ts_ns, coalesce(idstr, 'section ' || section_id), NULL,
       json_object('section_id', section_id, 'instance_id', instance_id, 'section_type', section_type,
                   'in_downtime', in_downtime, 'ret', ret, 'attempt', attempt)::VARCHAR
     FROM section_timings WHERE ${inRun(s)} AND start_ts_ns IS NOT NULL`,
    // Postcopy faults: request on the destination until the page is placed.
    `SELECT 'postcopy-faults:dst', 'Destination postcopy faults', 'postcopy', 40, 'dst', dst_trace_id, NULL, NULL,
       ${aligned(s, 'request_ts_ns', 'dst_trace_id')}, resolved_ts_ns - request_ts_ns, coalesce(ramblock, '?') || '+0x' || lower(hex("offset")), NULL,
       json_object('ramblock', ramblock, 'offset', "offset"::VARCHAR, 'hostaddr', hostaddr::VARCHAR, 'vcpu', vcpu,
                   'fault_pid', fault_pid::VARCHAR, 'latency_ms', latency_ms)::VARCHAR
     FROM postcopy_faults WHERE side = 'dst' AND ${inRun(s, 'dst_trace_id')} AND request_ts_ns IS NOT NULL`,
    // The source's half of each request (ram_save_queue_pages), an instant the flows point at.
    `SELECT 'postcopy-requests:src', 'Source postcopy page requests', 'postcopy', 41, 'src', trace_id, NULL, NULL,
       ${aligned(s, 'ts_ns')}, 0::BIGINT, coalesce(rbname, '?') || '+0x' || lower(hex(start)), 0,
       json_object('ramblock', rbname, 'start', start::VARCHAR, 'len', len::VARCHAR)::VARCHAR
     FROM ${queued} q WHERE side = 'src' AND ${inRun(s)} AND ts_ns IS NOT NULL`,
    // multifd packets: instants (a packet's event is traced as it is filled or read; its
    // transfer time is not), so that a flow can join the two records of one packet.
    `SELECT ${packetTrack('p')}, ${SIDE_WORD.replaceAll('side', 'p.side')} || ' multifd ' || CASE WHEN p.tid IS NULL THEN 'channel ' || p.channel ELSE 'thread ' || p.tid END,
       'multifd', 50, p.side, p.trace_id, p.tid, p.channel,
       ${aligned(s, 'p.ts_ns', 'p.trace_id')}, 0::BIGINT, 'packet ' || p.packet_num, 0,
       json_object('channel', p.channel, 'packet_num', p.packet_num::VARCHAR, 'pages', p.pages, 'bytes', p.bytes, 'event', p.event)::VARCHAR
     FROM (${packetsSql(s, tables)}) p`,
  ];
  return `SELECT * FROM (${parts.join('\nUNION ALL\n')}) AS x(track_id, title, grp, ord, side, trace_id, tid, channel, ts, dur, name, depth, args)`;
}

export function counterSql(s: RunScope, tables: TableColumns): string {
  const savePage = renderTemplate('{{events ram_save_page}}', tables, 'tracks');
  const parts = [
    `SELECT 'dirty-pages:' || side, ${SIDE_WORD} || ' dirty pages per sync', 'progress', 60, 'pages', side, trace_id, NULL::INTEGER, NULL::INTEGER,
       ${aligned(s, 'end_ts_ns')}, dirty_pages::DOUBLE
     FROM dirty_sync_iterations WHERE ${inRun(s)} AND end_ts_ns IS NOT NULL AND dirty_pages IS NOT NULL`,
    `SELECT 'bytes-transferred:' || side, ${SIDE_WORD} || ' bytes transferred', 'progress', 61, 'bytes', side, trace_id, NULL, NULL,
       ${aligned(s, 'ts_ns')}, cumulative_bytes::DOUBLE
     FROM precopy_progress WHERE ${inRun(s)} AND kind = 'transferred' AND cumulative_bytes IS NOT NULL AND ts_ns IS NOT NULL`,
    `SELECT 'throughput:' || side, ${SIDE_WORD} || ' throughput', 'progress', 63, 'bytes/s', side, trace_id, NULL, NULL,
       ${aligned(s, 'ts_ns')}, bandwidth_bytes_per_ms * 1000.0
     FROM precopy_progress WHERE ${inRun(s)} AND kind = 'transferred' AND bandwidth_bytes_per_ms IS NOT NULL AND ts_ns IS NOT NULL`,
    `SELECT 'remaining:' || side, ${SIDE_WORD} || ' remaining RAM', 'progress', 64, 'bytes', side, trace_id, NULL, NULL,
       ${aligned(s, 'ts_ns')}, remaining_bytes::DOUBLE
     FROM precopy_progress WHERE ${inRun(s)} AND kind = 'pending' AND remaining_bytes IS NOT NULL AND ts_ns IS NOT NULL`,
    // Pages sent, as migration_overview's normal_pages counts them on the source (a page sent
    // whole, ram_save_page, plus the normal pages of multifd packets), from 0 at each attempt.
    `SELECT 'pages-transferred:src', 'Source pages transferred', 'progress', 62, 'pages', 'src', x.trace_id, NULL, NULL,
       ${aligned(s, 'x.ts_ns', 'x.trace_id')},
       sum(x.n) OVER (PARTITION BY x.trace_id, a.attempt ORDER BY x.ts_ns, x.seq ROWS UNBOUNDED PRECEDING)::DOUBLE
     FROM (SELECT trace_id, ts_ns, seq, 1 AS n FROM ${savePage} r WHERE side = 'src' AND ${inRun(s)} AND ts_ns IS NOT NULL
           UNION ALL
           SELECT trace_id, ts_ns, seq, pages FROM multifd_packets WHERE side = 'src' AND ${inRun(s)} AND ts_ns IS NOT NULL AND pages > 0) x
     ASOF LEFT JOIN migration_attempts a ON a.trace_id = x.trace_id AND x.ts_ns >= a.start_ts_ns`,
    // Bytes per multifd channel (multifd_channels' payload measure), cumulative over the trace.
    `SELECT 'multifd-bytes:' || side || ':ch:' || channel, ${SIDE_WORD} || ' multifd bytes, channel ' || channel, 'multifd', 65, 'bytes',
       side, trace_id, NULL, channel,
       ${aligned(s, 'ts_ns')},
       sum(coalesce(bytes, 0)) OVER (PARTITION BY trace_id, channel ORDER BY ts_ns, seq ROWS UNBOUNDED PRECEDING)::DOUBLE
     FROM multifd_packets WHERE ${inRun(s)} AND ts_ns IS NOT NULL AND channel IS NOT NULL AND event <> 'multifd_send_ram_fill'`,
  ];
  return `SELECT * FROM (${parts.join('\nUNION ALL\n')}) AS x(track_id, title, grp, ord, unit, side, trace_id, tid, channel, ts, value)`;
}

export function flowSql(s: RunScope, tables: TableColumns): string {
  if (s.src === null || s.dst === null) {
    return `SELECT NULL::VARCHAR AS track_id, NULL::VARCHAR AS title, NULL::VARCHAR AS grp, NULL::INTEGER AS ord, NULL::VARCHAR AS from_track,
      NULL::BIGINT AS from_ts, NULL::VARCHAR AS to_track, NULL::BIGINT AS to_ts, NULL::VARCHAR AS name, NULL::VARCHAR AS args WHERE false`;
  }
  const { src, dst } = s;
  const parts = [
    // One packet's two records: the k-th record of (channel, packet_num) on each side. A number
    // recurs: up to 8.x a sync packet carries its channel's last packet number, and numbers
    // start again with a new attempt.
    `SELECT 'flows:multifd', 'multifd packets', 'multifd', 100, ${packetTrack('a')}, ${alignedAt(s, 'a.ts_ns', src)},
       ${packetTrack('b')}, ${alignedAt(s, 'b.ts_ns', dst)}, 'packet ' || a.packet_num,
       json_object('channel', a.channel, 'packet_num', a.packet_num::VARCHAR, 'occurrence', a.k, 'bytes', a.bytes, 'dst_bytes', b.bytes)::VARCHAR
     FROM pk a JOIN pk b ON a.trace_id = ${src} AND b.trace_id = ${dst}
      AND a.channel = b.channel AND a.packet_num = b.packet_num AND a.k = b.k`,
    `SELECT 'flows:postcopy', 'postcopy page requests', 'postcopy', 101, 'postcopy-faults:dst', ${alignedAt(s, 'request_ts_ns', dst)},
       'postcopy-requests:src', ${alignedAt(s, 'src_queue_ts_ns', src)}, coalesce(ramblock, '?') || '+0x' || lower(hex("offset")),
       json_object('ramblock', ramblock, 'offset', "offset"::VARCHAR, 'latency_ms', latency_ms)::VARCHAR
     FROM postcopy_faults WHERE side = 'dst' AND dst_trace_id = ${dst} AND src_trace_id = ${src}
      AND request_ts_ns IS NOT NULL AND src_queue_ts_ns IS NOT NULL`,
    // A section saved on the source and loaded on the destination: the k-th of its section id
    // on each side, only where both sides hold as many (sectionMismatches names the others).
    `SELECT 'flows:sections', 'section loads', 'sections', 102, 'sections:src', ${alignedAt(s, 'a.start_ts_ns', src)},
       'sections:dst', ${alignedAt(s, 'b.start_ts_ns', dst)}, coalesce(a.idstr, b.idstr, 'section ' || a.section_id),
       json_object('section_id', a.section_id, 'section_type', b.section_type, 'k', a.k)::VARCHAR
     FROM sec a JOIN sec b ON a.trace_id = ${src} AND b.trace_id = ${dst} AND a.section_id = b.section_id AND a.k = b.k
     WHERE a.section_id NOT IN (SELECT section_id FROM sec_bad)`,
  ];
  return `WITH pk AS (
      SELECT p.*, row_number() OVER (PARTITION BY p.trace_id, p.channel, p.packet_num ORDER BY p.ts_ns, p.seq) AS k
      FROM (${packetsSql(s, tables)}) p WHERE p.packet_num IS NOT NULL
    ),
    sec AS (
      SELECT trace_id, section_id, idstr, section_type, start_ts_ns,
             row_number() OVER (PARTITION BY trace_id, section_id ORDER BY start_ts_ns) AS k
      FROM section_timings WHERE ${inRun(s)} AND start_ts_ns IS NOT NULL
    ),
    sec_bad AS (SELECT section_id FROM (${sectionCountsSql(s)}) WHERE n_src <> n_dst)
    SELECT * FROM (${parts.join('\nUNION ALL\n')}) AS x(track_id, title, grp, ord, from_track, from_ts, to_track, to_ts, name, args)`;
}

/** Per section id, how many sections each side of the run traced (to pair them k-th to k-th). */
export function sectionCountsSql(s: RunScope): string {
  return `SELECT section_id, any_value(idstr) AS idstr,
      count(*) FILTER (WHERE trace_id = ${s.src ?? 'NULL'}) AS n_src, count(*) FILTER (WHERE trace_id = ${s.dst ?? 'NULL'}) AS n_dst
    FROM section_timings WHERE ${inRun(s)} AND start_ts_ns IS NOT NULL GROUP BY section_id`;
}

/**
 * Rows of a user's `track_*` view read at most: the view can be anything (a range of 10^11 rows
 * ran for ever and spilled gigabytes), so it is cut before anything sorts or counts it.
 */
export const USER_VIEW_ROW_CAP = 200_000;

function quoted(view: string): string {
  return `"${view.replaceAll('"', '""')}"`;
}

/** One row when the view has more than USER_VIEW_ROW_CAP rows (it reads at most one more). */
export function userViewCutSql(view: string): string {
  return `SELECT 1 FROM (SELECT 1 FROM ${quoted(view)} LIMIT 1 OFFSET ${USER_VIEW_ROW_CAP})`;
}

/** A user's `track_*` view as slices: ts_ns, dur_ns, name, track; trace_id and depth when it has them. Its first USER_VIEW_ROW_CAP rows only. */
export function userSliceSql(s: RunScope, view: string, cols: ReadonlySet<string>): string {
  const q = `(SELECT * FROM ${quoted(view)} LIMIT ${USER_VIEW_ROW_CAP}) AS u`;
  const hasTrace = cols.has('trace_id');
  const side = hasTrace ? `CASE trace_id ${s.src === null ? '' : `WHEN ${s.src} THEN 'src'`} ${s.dst === null ? '' : `WHEN ${s.dst} THEN 'dst'`} END` : 'NULL';
  const ts = hasTrace ? aligned(s, 'TRY_CAST(ts_ns AS BIGINT)') : 'TRY_CAST(ts_ns AS BIGINT)';
  return `SELECT ${literal(`user:${view}:`)} || coalesce(CAST(track AS VARCHAR), '') AS track_id,
      coalesce(CAST(track AS VARCHAR), ${literal(view)}) AS title, 'user' AS grp, 90 AS ord,
      ${side} AS side, ${hasTrace ? 'TRY_CAST(trace_id AS INTEGER)' : 'NULL::INTEGER'} AS trace_id, NULL::INTEGER AS tid, NULL::INTEGER AS channel,
      ${ts} AS ts, TRY_CAST(dur_ns AS BIGINT) AS dur, coalesce(CAST(name AS VARCHAR), '') AS name,
      ${cols.has('depth') ? 'TRY_CAST(depth AS INTEGER)' : 'NULL::INTEGER'} AS depth, '{}' AS args
    FROM ${q} WHERE TRY_CAST(ts_ns AS BIGINT) IS NOT NULL${hasTrace ? ` AND ${inRun(s)}` : ''}`;
}
