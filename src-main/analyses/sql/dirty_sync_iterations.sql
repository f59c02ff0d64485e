-- dirty_sync_iterations: one row per dirty-bitmap sync (migration_bitmap_sync_start ..
-- migration_bitmap_sync_end), numbered per migration attempt like QEMU's dirty-sync-count.
--   dirty_pages          pages found dirty by this sync (migration_bitmap_sync_end)
--   sync_ms              time the sync itself took
--   interval_ms          time since the previous sync of the attempt started (NULL for its first)
--   dirty_pages_per_s    dirty_pages / interval: the rate the guest dirtied memory at
--   run_id               traces.run_id of the trace
--   throttle_pct         auto-converge CPU throttle in force at the sync (cpu_throttle_set), if traced
-- Each start takes the first end after it and before the next start (docs/qemu-trace-formats.md §5.4):
-- a trace switched on in the middle of a sync begins with an end that has no start, and must not
-- shift every later pair by one.
CREATE OR REPLACE VIEW dirty_sync_iterations AS
WITH starts AS (
  SELECT trace_id, side, ts_ns, seq,
         lead(ts_ns) OVER (PARTITION BY trace_id ORDER BY ts_ns, seq) AS next_start_ts_ns
  FROM {{events migration_bitmap_sync_start}}
),
ends AS (
  SELECT trace_id, ts_ns, dirty_pages FROM {{events migration_bitmap_sync_end: dirty_pages BIGINT}}
),
throttle AS (
  SELECT trace_id, ts_ns, new_throttle_pct FROM {{events cpu_throttle_set: new_throttle_pct INTEGER}}
),
paired AS (
  SELECT s.trace_id, s.side, s.seq, s.ts_ns AS start_ts_ns,
         (SELECT arg_min(e.ts_ns, e.ts_ns) FROM ends e
           WHERE e.trace_id = s.trace_id AND e.ts_ns >= s.ts_ns
             AND (s.next_start_ts_ns IS NULL OR e.ts_ns < s.next_start_ts_ns)) AS end_ts_ns
  FROM starts s
),
syncs AS (
  SELECT p.trace_id, p.side, a.attempt, p.start_ts_ns, p.end_ts_ns,
         (SELECT arg_min(e.dirty_pages, e.ts_ns) FROM ends e WHERE e.trace_id = p.trace_id AND e.ts_ns = p.end_ts_ns) AS dirty_pages,
         row_number() OVER (PARTITION BY p.trace_id, a.attempt ORDER BY p.start_ts_ns, p.seq) AS iteration,
         lag(p.start_ts_ns) OVER (PARTITION BY p.trace_id, a.attempt ORDER BY p.start_ts_ns, p.seq) AS prev_start_ts_ns
  FROM paired p
  LEFT JOIN migration_attempts a ON a.trace_id = p.trace_id AND p.start_ts_ns >= a.start_ts_ns
       AND (a.next_start_ts_ns IS NULL OR p.start_ts_ns < a.next_start_ts_ns)
)
SELECT t.run_id, s.trace_id, s.side, s.attempt, s.iteration, s.start_ts_ns, s.end_ts_ns, s.dirty_pages,
       (s.end_ts_ns - s.start_ts_ns) / 1e6 AS sync_ms,
       (s.start_ts_ns - s.prev_start_ts_ns) / 1e6 AS interval_ms,
       s.dirty_pages / nullif((s.start_ts_ns - s.prev_start_ts_ns) / 1e9, 0) AS dirty_pages_per_s,
       (SELECT arg_max(t.new_throttle_pct, t.ts_ns) FROM throttle t
         WHERE t.trace_id = s.trace_id AND t.ts_ns <= s.start_ts_ns) AS throttle_pct
FROM syncs s
LEFT JOIN traces t ON t.trace_id = s.trace_id
ORDER BY s.trace_id, s.attempt, s.iteration;
