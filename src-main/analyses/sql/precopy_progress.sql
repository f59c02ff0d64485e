-- precopy_progress: the source's view of progress over time, one row per report.
--   kind 'pending'      remaining estimate: migrate_pending (7.2: size = pre + compat + post),
--                       migrate_pending_exact / migrate_pending_estimate (8.0+); max = the
--                       threshold below which QEMU completes (7.2 only)
--   kind 'transferred'  migrate_transferred every ~100 ms: bytes sent in the period
--                       (transferred), cumulative bytes, bandwidth (bytes/ms) and the
--                       downtime threshold size
-- run_id = traces.run_id of the trace.
-- iteration = dirty-bitmap syncs of the attempt so far (the precopy pass the report belongs to);
-- iteration and cumulative bytes start again with each migration attempt of a trace.
CREATE OR REPLACE VIEW precopy_progress AS
WITH p AS (
  SELECT trace_id, side, seq, ts_ns, event, size AS remaining_bytes, max AS threshold_bytes, pre, post
  FROM {{events migrate_pending|migrate_pending_exact|migrate_pending_estimate: size UBIGINT, max UBIGINT, pre UBIGINT, post UBIGINT}}
),
t AS (
  SELECT trace_id, side, seq, ts_ns, event, transferred, time_spent, bandwidth, size
  FROM {{events migrate_transferred: transferred=transferred|tranferred UBIGINT, time_spent UBIGINT, bandwidth UBIGINT, size UBIGINT}}
),
syncs AS (SELECT trace_id, ts_ns FROM {{events migration_bitmap_sync_start}}),
rows_ AS (
  SELECT trace_id, side, seq, ts_ns, 'pending' AS kind, event, remaining_bytes, threshold_bytes, pre, post,
         NULL::UBIGINT AS transferred_bytes, NULL::UBIGINT AS time_spent_ms, NULL::UBIGINT AS bandwidth_bytes_per_ms
  FROM p
  UNION ALL
  SELECT trace_id, side, seq, ts_ns, 'transferred', event, NULL, size, NULL, NULL, transferred, time_spent, bandwidth
  FROM t
)
SELECT tr.run_id, r.trace_id, r.side, a.attempt,
       (SELECT count(*) FROM syncs s WHERE s.trace_id = r.trace_id AND s.ts_ns <= r.ts_ns
          AND (a.start_ts_ns IS NULL OR s.ts_ns >= a.start_ts_ns)) AS iteration,
       r.ts_ns, r.kind, r.event, r.remaining_bytes, r.threshold_bytes, r.pre AS precopy_bytes, r.post AS postcopy_bytes,
       r.transferred_bytes,
       sum(r.transferred_bytes) OVER (PARTITION BY r.trace_id, a.attempt ORDER BY r.ts_ns, r.seq) AS cumulative_bytes,
       r.time_spent_ms, r.bandwidth_bytes_per_ms
FROM rows_ r
LEFT JOIN migration_attempts a ON a.trace_id = r.trace_id AND r.ts_ns >= a.start_ts_ns
     AND (a.next_start_ts_ns IS NULL OR r.ts_ns < a.next_start_ts_ns)
LEFT JOIN traces tr ON tr.trace_id = r.trace_id
ORDER BY r.trace_id, r.ts_ns, r.seq;
