// Names for trace threads, inferred from events only one QEMU thread emits. Names follow what
// QEMU gives those threads (qemu_thread_create), so they match `top -H` / gdb on the host.
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal } from '../workspace/schema.ts';

interface Rule {
  /** Event names: exact, or a prefix ending in `*`. */
  readonly events: readonly string[];
  /** A fixed name, or one built from the `id` argument (multifd channel). */
  readonly name: string | ((id: string) => string);
}

/** Earlier rules win: a multifd channel thread also emits generic events. */
const RULES: readonly Rule[] = [
  { events: ['multifd_send_thread_start', 'multifd_send_thread_end'], name: (id) => `multifdsend_${id}` },
  { events: ['multifd_recv_thread_start', 'multifd_recv_thread_end'], name: (id) => `multifdrecv_${id}` },
  { events: ['postcopy_ram_fault_thread_*'], name: 'postcopy/fault' },
  { events: ['postcopy_ram_listen_thread_*'], name: 'postcopy/listen' },
  { events: ['postcopy_preempt_thread_*'], name: 'postcopy/preempt' },
  { events: ['source_return_path_thread_*'], name: 'return path' },
  { events: ['migration_thread_*', 'savevm_state_iterate'], name: 'live_migration' },
  // QMP commands are dispatched in the main loop; with an out-of-band capable monitor the
  // parsing (handle_qmp_command) happens in the monitor I/O thread.
  {
    events: ['qmp_enter_*', 'qmp_exit_*', 'monitor_qmp_cmd_in_band', 'process_incoming_migration_co_*', 'loadvm_state_setup'],
    name: 'main',
  },
  { events: ['handle_qmp_command'], name: 'mon_iothread' },
];

function matches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** `trace_id:tid` → thread name, for the threads some rule recognises. */
export async function threadNames(conn: DuckDBConnection, eventTables: readonly string[]): Promise<Map<string, string>> {
  const parts: string[] = [];
  RULES.forEach((rule, priority) => {
    for (const t of eventTables) {
      if (!rule.events.some((p) => matches(p, t))) continue;
      const value = typeof rule.name === 'string' ? literal(rule.name) : `CAST(arg_min("id", seq) AS VARCHAR)`;
      parts.push(`SELECT trace_id, tid, ${priority} AS p, ${value} AS v FROM ${ident(t)} WHERE tid IS NOT NULL GROUP BY trace_id, tid`);
    }
  });
  const out = new Map<string, string>();
  if (parts.length === 0) return out;
  let rows: unknown[][];
  try {
    rows = (await conn.runAndReadAll(`SELECT trace_id, tid, p, v FROM (${parts.join(' UNION ALL ')}) ORDER BY p`)).getRowsJS();
  } catch {
    // A catalogue whose multifd events lack an `id` argument: names are hints, carry on without.
    return out;
  }
  for (const [traceId, tid, p, v] of rows) {
    const key = `${Number(traceId)}:${Number(tid)}`;
    if (out.has(key)) continue;
    const rule = RULES[Number(p)];
    out.set(key, typeof rule.name === 'string' ? rule.name : rule.name(String(v)));
  }
  return out;
}
