-- dirty_sync_iterations: one row per dirty-bitmap sync (migration_bitmap_sync_start ..
-- migration_bitmap_sync_end), numbered per trace like QEMU's dirty-sync-count.
--   dirty_pages          pages found dirty by this sync (migration_bitmap_sync_end)
--   sync_ms              time the sync itself took
--   interval_ms          time since the previous sync started (NULL for the first)
--   dirty_pages_per_s    dirty_pages / interval: the rate the guest dirtied memory at
--   throttle_pct         auto-converge CPU throttle in force at the sync (cpu_throttle_set), if traced
CREATE OR REPLACE VIEW dirty_sync_iterations AS
WITH starts AS (
  SELECT trace_id, side, ts_ns, seq, row_number() OVER (PARTITION BY trace_id ORDER BY ts_ns, seq) AS n
  FROM {{events migration_bitmap_sync_start}}
),
ends AS (
  SELECT trace_id, ts_ns, dirty_pages, row_number() OVER (PARTITION BY trace_id ORDER BY ts_ns, seq) AS n
  FROM {{events migration_bitmap_sync_end: dirty_pages BIGINT}}
),
throttle AS (
  SELECT trace_id, ts_ns, new_throttle_pct FROM {{events cpu_throttle_set: new_throttle_pct INTEGER}}
),
syncs AS (
  SELECT s.trace_id, s.side, s.n AS iteration, s.ts_ns AS start_ts_ns, e.ts_ns AS end_ts_ns, e.dirty_pages,
         lag(s.ts_ns) OVER (PARTITION BY s.trace_id ORDER BY s.n) AS prev_start_ts_ns
  FROM starts s LEFT JOIN ends e ON e.trace_id = s.trace_id AND e.n = s.n
)
SELECT s.trace_id, s.side, a.attempt, s.iteration, s.start_ts_ns, s.end_ts_ns, s.dirty_pages,
       (s.end_ts_ns - s.start_ts_ns) / 1e6 AS sync_ms,
       (s.start_ts_ns - s.prev_start_ts_ns) / 1e6 AS interval_ms,
       s.dirty_pages / nullif((s.start_ts_ns - s.prev_start_ts_ns) / 1e9, 0) AS dirty_pages_per_s,
       (SELECT arg_max(t.new_throttle_pct, t.ts_ns) FROM throttle t
         WHERE t.trace_id = s.trace_id AND t.ts_ns <= s.start_ts_ns) AS throttle_pct
FROM syncs s
LEFT JOIN migration_attempts a ON a.trace_id = s.trace_id AND s.start_ts_ns >= a.start_ts_ns
     AND (a.next_start_ts_ns IS NULL OR s.start_ts_ns < a.next_start_ts_ns)
ORDER BY s.trace_id, s.iteration;
