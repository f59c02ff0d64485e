// Landmarks: pairs of trace events, one on each host, where one event causes the other through
// the migration protocol. A message sent at ts_s on the source and received at ts_d on the
// destination happened in that order in true time, so with offset = src clock − dst clock,
//   src → dst:  offset ≥ ts_s − ts_d   (a lower bound)
//   dst → src:  offset ≤ ts_s − ts_d   (an upper bound)
// Every landmark below yields bound = ts_s − ts_d per pair, in BIGINT arithmetic.
//
// Pairing must never make a bound tighter than the truth: when several records share a key
// (retries, repeated attempts in one trace) a landmark either pairs first occurrences (the first
// receipt of a key follows its first send) or the n-th with the n-th along one FIFO stream.
// Pairing a receipt with a send earlier than its own only loosens a bound.
import { ident } from '../../workspace/schema.ts';

export type Direction = 'src-to-dst' | 'dst-to-src';

/** One side of a landmark: rows (seq, ts_ns, k) of one trace, k being the matching key. */
export interface Endpoint {
  /** Tables and the columns each must have for the endpoint to exist in a workspace. */
  readonly needs: Readonly<Record<string, readonly string[]>>;
  /** SELECT seq, ts_ns, k ... for one trace. */
  readonly sql: (traceId: number) => string;
  /** k is built from arguments (false: every row has the same k, and only order tells them apart). */
  readonly keyed: boolean;
}

export interface Landmark {
  readonly kind: string;
  readonly direction: Direction;
  readonly match: 'first' | 'nth';
  /** Emitted on the source for src-to-dst, on the destination for dst-to-src. */
  readonly sender: Endpoint;
  readonly receiver: Endpoint;
}

function simple(table: string, key: readonly string[], filter?: { columns: readonly string[]; sql: string }): Endpoint {
  const k = key.length === 0 ? `''` : `concat_ws('/', ${key.map((c) => `${ident(c)}::VARCHAR`).join(', ')})`;
  return {
    keyed: key.length > 0,
    needs: { [table]: [...key, ...(filter?.columns ?? [])] },
    sql: (id) => `SELECT seq, ts_ns, ${k} AS k FROM ${ident(table)} WHERE trace_id = ${id}${filter ? ` AND (${filter.sql})` : ''}`,
  };
}

/** RAM_SAVE_FLAG_PAGE: a whole page on the main stream (the only kind ram_save_page traces). */
const RAM_SAVE_FLAG_PAGE = 0x08;

/**
 * Section headers as the destination reads them. QEMU traces no savevm_section_start for the
 * START section of an iterable device (ram), so a startfull of a section that later shows up
 * in partend is that untraced START and is left out; FULL sections of other devices stay.
 */
const dstSections: Endpoint = {
  keyed: true,
  needs: { qemu_loadvm_state_section_partend: ['section_id'], qemu_loadvm_state_section_startfull: ['section_id'] },
  sql: (id) => `SELECT seq, ts_ns, section_id::VARCHAR AS k FROM qemu_loadvm_state_section_partend WHERE trace_id = ${id}
    UNION ALL
    SELECT seq, ts_ns, section_id::VARCHAR FROM qemu_loadvm_state_section_startfull WHERE trace_id = ${id}
      AND section_id NOT IN (SELECT section_id FROM qemu_loadvm_state_section_partend WHERE trace_id = ${id})`,
};

export const LANDMARKS: readonly Landmark[] = [
  // Main stream: every section header the source writes is read by the destination in order.
  { kind: 'section', direction: 'src-to-dst', match: 'nth', sender: simple('savevm_section_start', ['section_id']), receiver: dstSections },
  // Pages on the main stream, per (block, offset) in stream order: a page re-sent in a later
  // dirty iteration arrives again after its earlier copy.
  {
    kind: 'ram-page',
    direction: 'src-to-dst',
    match: 'nth',
    sender: simple('ram_save_page', ['rbname', 'offset']),
    receiver: simple('ram_load_loop', ['rbname', 'addr'], { columns: ['flags'], sql: `flags & ${RAM_SAVE_FLAG_PAGE} <> 0` }),
  },
  // The QMP `migrate` command starts, and sets state `setup` (migrate_init), before the source
  // connects; the destination accepts the connection after. Not the source's
  // migration_socket_outgoing_connected: connect() can return before the destination accepts.
  {
    kind: 'connect',
    direction: 'src-to-dst',
    match: 'first',
    sender: simple('qmp_enter_migrate', []),
    receiver: simple('migration_socket_incoming_accepted', []),
  },
  {
    kind: 'connect',
    direction: 'src-to-dst',
    match: 'first',
    sender: simple('migrate_set_state', [], { columns: ['new_state'], sql: `new_state = 'setup'` }),
    receiver: simple('migration_socket_incoming_accepted', []),
  },
  // Main-stream commands (PING, PACKAGED, POSTCOPY_*, SWITCHOVER_START...) in stream order; the
  // two sides name them differently (number vs name), so order alone pairs them.
  { kind: 'command', direction: 'src-to-dst', match: 'nth', sender: simple('savevm_command_send', []), receiver: simple('loadvm_process_command', []) },
  { kind: 'ping', direction: 'src-to-dst', match: 'first', sender: simple('savevm_send_ping', ['val']), receiver: simple('loadvm_process_command_ping', ['val']) },
  // The destination answers each ping with a pong on the return path right after tracing it.
  { kind: 'pong', direction: 'dst-to-src', match: 'first', sender: simple('loadvm_process_command_ping', ['val']), receiver: simple('source_return_path_thread_pong', ['val']) },
  // multifd packets: QEMU ≤ 8.2 names, then 9.x+ names; packet_num is unique per migration.
  { kind: 'multifd', direction: 'src-to-dst', match: 'first', sender: simple('multifd_send', ['id', 'packet_num']), receiver: simple('multifd_recv', ['id', 'packet_num']) },
  { kind: 'multifd', direction: 'src-to-dst', match: 'first', sender: simple('multifd_send_fill', ['id', 'packet_num']), receiver: simple('multifd_recv_unfill', ['id', 'packet_num']) },
  // Postcopy page requests: the destination's fault thread traces the request, then sends it.
  {
    kind: 'postcopy-request',
    direction: 'dst-to-src',
    match: 'first',
    sender: simple('postcopy_ram_fault_thread_request', ['ramblock', 'offset']),
    receiver: simple('migrate_handle_rp_req_pages', ['rbname', 'start']),
  },
];

/** The first dropped-events record of a trace: every record before it is complete. */
const cutSql = (id: number) => `(SELECT coalesce(min(seq), 9223372036854775807) FROM dropped WHERE trace_id = ${id})`;

/**
 * Bounds one landmark gives for one (source, destination) pair of traces, and how many pairs
 * were discarded because of dropped records. A simpletrace `dropped` record means events before
 * it were lost, so an occurrence ordinal counted past the first such record of either trace may
 * be shifted (the n-th surviving send is a later message than the n-th receipt): a pair is
 * trusted only when both occurrences lie before their trace's first dropped record, or, for a
 * keyed first-occurrence landmark, when its key occurs exactly once on each side (the key, not
 * an ordinal, matches the two). Without dropped records every pair is trusted, as before.
 */
export function landmarkBoundsSql(l: Landmark, srcTrace: number, dstTrace: number): string {
  const [sTrace, rTrace] = l.direction === 'src-to-dst' ? [srcTrace, dstTrace] : [dstTrace, srcTrace];
  const side = (e: Endpoint, id: number) =>
    l.match === 'first'
      ? `SELECT k, min(ts_ns) AS ts_ns, bool_and(ts_ns % 1000 = 0) AS us, min(seq) < ${cutSql(id)} AS clean, count(*) AS c FROM (${e.sql(id)}) GROUP BY k`
      : `SELECT k, ts_ns, ts_ns % 1000 = 0 AS us, row_number() OVER (PARTITION BY k ORDER BY seq) AS n, seq < ${cutSql(id)} AS clean FROM (${e.sql(id)})`;
  const on = l.match === 'first' ? 's.k = r.k' : 's.k = r.k AND s.n = r.n';
  const keyed = l.match === 'first' && l.sender.keyed && l.receiver.keyed;
  const trusted = `s.clean AND r.clean${keyed ? ' OR (s.c = 1 AND r.c = 1)' : ''}`;
  const bound = l.direction === 'src-to-dst' ? 's.ts_ns - r.ts_ns' : 'r.ts_ns - s.ts_ns';
  const best = l.direction === 'src-to-dst' ? 'max' : 'min';
  return `SELECT count(b) FILTER (WHERE ok) AS pairs, ${best}(b) FILTER (WHERE ok) AS best, ${best}(b, 5) FILTER (WHERE ok) AS top,
      coalesce(bool_and(us) FILTER (WHERE ok), false) AS coarse, count(b) FILTER (WHERE NOT ok) AS discarded
    FROM (SELECT ${bound} AS b, s.us AND r.us AS us, (${trusted}) AS ok FROM (${side(l.sender, sTrace)}) s JOIN (${side(l.receiver, rTrace)}) r ON ${on})`;
}
