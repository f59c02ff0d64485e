// Which end of a migration a trace was recorded on, judged from the events it contains:
// the outgoing side saves state and runs the migration thread, the incoming side loads it.

const SRC = [
  /^savevm_/,
  /^qemu_savevm_/,
  /^ram_save_/,
  /^migration_thread/,
  /^migration_bitmap_sync_/,
  /^migrate_fd_/,
  /^migration_completion/,
  /^multifd_send/,
  /^multifd_new_send_channel/,
  /^source_return_path_/,
  /^migrate_pending/,
  /^migration_rate_limit/,
  /^vmstate_downtime_save$/,
  /^qmp_enter_migrate$/,
  /^postcopy_start/,
];

const DST = [
  /^loadvm_/,
  /^qemu_loadvm_/,
  /^ram_load_/,
  /^multifd_recv/,
  /^process_incoming_migration/,
  /^migration_incoming/,
  /^postcopy_ram_fault_thread/,
  /^postcopy_place_page/,
  /^vmstate_downtime_load$/,
  /^qmp_enter_migrate_incoming$/,
  /^migrate_send_rp_/,
];

export type Side = 'src' | 'dst';

/** Decide the side from per-event record counts; null when the trace shows neither. */
export function detectSide(counts: ReadonlyMap<string, number>): Side | null {
  let src = 0;
  let dst = 0;
  for (const [name, n] of counts) {
    // Distinct event kinds weigh more than raw volume, so one busy event cannot decide alone.
    const w = Math.log2(1 + n) + 1;
    if (SRC.some((re) => re.test(name))) src += w;
    else if (DST.some((re) => re.test(name))) dst += w;
  }
  if (src === 0 && dst === 0) return null;
  if (src > dst * 1.5) return 'src';
  if (dst > src * 1.5) return 'dst';
  return null;
}
