// The analyses shipped with the workbench, in creation order (later views read earlier ones).
export interface AnalysisInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** File name under src-main/analyses/sql/. */
  readonly sqlFile: string;
}

export const ANALYSES: readonly AnalysisInfo[] = [
  {
    name: 'migration_states',
    title: 'Migration states',
    description: 'Every migrate_set_state change per trace, with the previous state, time in state and attempt number.',
    sqlFile: 'migration_states.sql',
  },
  {
    name: 'migration_attempts',
    title: 'Migration attempts',
    description: 'One row per trace and attempt: start, start of the next attempt, final state, whether postcopy was entered.',
    sqlFile: 'migration_attempts.sql',
  },
  {
    name: 'migration_pairs',
    title: 'Source/destination pairs',
    description: 'Which destination trace belongs to which source trace (same format and clock, nearest start of the active phase).',
    sqlFile: 'migration_pairs.sql',
  },
  {
    name: 'migration_overview',
    title: 'Migration overview',
    description:
      "One row per side and attempt: outcome, total/setup/downtime in ms as QEMU's query-migrate counts them, dirty syncs, pages, multifd channels, postcopy requests.",
    sqlFile: 'migration_overview.sql',
  },
  {
    name: 'dirty_sync_iterations',
    title: 'Dirty bitmap syncs',
    description: 'Per dirty-bitmap sync: iteration, dirty pages, sync duration, interval since the previous sync, dirty rate, CPU throttle.',
    sqlFile: 'dirty_sync_iterations.sql',
  },
  {
    name: 'multifd_channels',
    title: 'Multifd channels',
    description:
      'Per side and multifd channel: packets, pages, bytes, active time, throughput. The macro multifd_throughput(bucket_ms) buckets it over time.',
    sqlFile: 'multifd_channels.sql',
  },
  {
    name: 'postcopy_faults',
    title: 'Postcopy page faults',
    description:
      'Postcopy page requests (source and destination), resolution latency on the destination, per-vCPU blocktime where traced; postcopy_latency_histogram buckets the latencies.',
    sqlFile: 'postcopy_faults.sql',
  },
  {
    name: 'section_timings',
    title: 'Section timings',
    description: 'Per device/section: save time on the source, load time on the destination, and whether it fell in the downtime.',
    sqlFile: 'section_timings.sql',
  },
  {
    name: 'downtime_breakdown',
    title: 'Downtime breakdown',
    description:
      'Downtime checkpoints (8.2+) and per-device save/load times of both hosts joined; on 7.2 an approximation from runstate and section events (approximate = true).',
    sqlFile: 'downtime_breakdown.sql',
  },
  {
    name: 'precopy_progress',
    title: 'Precopy progress',
    description: 'Bytes transferred and remaining estimate over time, per dirty-sync iteration.',
    sqlFile: 'precopy_progress.sql',
  },
];
