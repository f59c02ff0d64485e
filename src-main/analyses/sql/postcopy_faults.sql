-- postcopy_faults: one row per postcopy page request. run_id: traces.run_id of the destination
-- trace (of the source trace on source-only rows).
-- Destination rows: each postcopy_ram_fault_thread_request (a vCPU or other thread faulted on a
-- page not yet received), resolved when the page is placed (postcopy_place_page or
-- postcopy_place_page_zero at the same host page, 4 KiB pages assumed), latency_ms in between;
-- vcpu from the blocktime events (mark_postcopy_blocktime_begin in 7.2,
-- postcopy_blocktime_begin in later releases) when traced. src_queue_ts_ns is when the paired source
-- trace queued that page (ram_save_queue_pages, same ramblock and offset), the other half of
-- the request; both clocks are aligned by adding traces.clock_offset_ns where one is stored.
-- Source rows without a destination trace come from ram_save_queue_pages alone.
-- postcopy_blocktime: per trace and vCPU, how long vCPUs were blocked on faults (run_id first).
-- blocked_ms sums each vCPU's own blocked time (QEMU's postcopy-vcpu-blocktime); QEMU's
-- postcopy-blocktime (all vCPUs blocked at once) is migration_overview.postcopy_blocktime_ms.
-- postcopy_latency_histogram(bucket_ms): request-to-placement latencies in buckets.
CREATE OR REPLACE VIEW postcopy_faults AS
WITH off AS (SELECT trace_id, coalesce(clock_offset_ns, 0) AS offset_ns FROM traces),
req AS (
  SELECT r.trace_id, r.seq, r.ts_ns, r.hostaddr, r.ramblock, r."offset", r.fault_pid,
         r.ts_ns + coalesce(o.offset_ns, 0) AS ts_aligned
  FROM {{events postcopy_ram_fault_thread_request: hostaddr UBIGINT, ramblock VARCHAR, offset UBIGINT, fault_pid=pid_arg UBIGINT}} r
  LEFT JOIN off o USING (trace_id)
),
placed AS (
  SELECT trace_id, seq, ts_ns, host_addr // 4096 AS page
  FROM {{events postcopy_place_page|postcopy_place_page_zero: host_addr UBIGINT}}
),
bt AS (
  SELECT trace_id, seq, ts_ns, addr // 4096 AS page, cpu
  FROM {{events mark_postcopy_blocktime_begin|postcopy_blocktime_begin: addr UBIGINT, cpu INTEGER}}
),
queued AS (
  SELECT q.trace_id, q.ts_ns, q.rbname, q.start, q.len, q.ts_ns + coalesce(o.offset_ns, 0) AS ts_aligned
  FROM {{events ram_save_queue_pages: rbname VARCHAR, start UBIGINT, len UBIGINT}} q
  LEFT JOIN off o USING (trace_id)
),
dst AS (
  SELECT p.src_trace_id, r.trace_id AS dst_trace_id, r.ts_ns AS request_ts_ns, r.ramblock, r."offset",
         r.hostaddr, r.fault_pid, r.seq, r.ts_aligned
  FROM req r LEFT JOIN migration_pairs p ON p.dst_trace_id = r.trace_id
),
with_place AS (
  SELECT d.*, pl.ts_ns AS resolved_ts_ns
  FROM dst d ASOF LEFT JOIN placed pl
    ON pl.trace_id = d.dst_trace_id AND pl.page = d.hostaddr // 4096 AND pl.seq >= d.seq
),
with_cpu AS (
  SELECT w.*, b.cpu AS vcpu
  FROM with_place w ASOF LEFT JOIN bt b
    ON b.trace_id = w.dst_trace_id AND b.page = w.hostaddr // 4096 AND b.seq >= w.seq
),
with_src AS (
  SELECT w.*, q.ts_ns AS src_queue_ts_ns
  FROM with_cpu w ASOF LEFT JOIN queued q
    ON q.trace_id = w.src_trace_id AND q.rbname = w.ramblock AND q.start = w."offset" AND q.ts_aligned >= w.ts_aligned
)
SELECT (SELECT t.run_id FROM traces t WHERE t.trace_id = dst_trace_id) AS run_id, 'dst' AS side, src_trace_id, dst_trace_id, request_ts_ns, ramblock, "offset", hostaddr, fault_pid, vcpu,
       resolved_ts_ns, (resolved_ts_ns - request_ts_ns) / 1e6 AS latency_ms, src_queue_ts_ns, NULL::UBIGINT AS len
FROM with_src
UNION ALL
SELECT (SELECT t.run_id FROM traces t WHERE t.trace_id = q.trace_id), 'src', q.trace_id, NULL, NULL, q.rbname, q.start, NULL, NULL, NULL, NULL, NULL, q.ts_ns, q.len
FROM queued q
WHERE NOT EXISTS (SELECT 1 FROM migration_pairs p WHERE p.src_trace_id = q.trace_id AND p.dst_trace_id IS NOT NULL
                    AND EXISTS (SELECT 1 FROM req r WHERE r.trace_id = p.dst_trace_id));

CREATE OR REPLACE VIEW postcopy_blocktime AS
WITH b AS (
  SELECT trace_id, side, seq, ts_ns, addr, cpu FROM {{events mark_postcopy_blocktime_begin|postcopy_blocktime_begin: addr UBIGINT, cpu INTEGER}}
),
e AS (
  SELECT trace_id, seq, ts_ns, addr FROM {{events mark_postcopy_blocktime_end|postcopy_blocktime_end: addr UBIGINT}}
),
pairs AS (
  SELECT b.trace_id, b.side, b.cpu, b.ts_ns AS begin_ts_ns, e.ts_ns AS end_ts_ns
  FROM b ASOF LEFT JOIN e ON e.trace_id = b.trace_id AND e.addr = b.addr AND e.seq >= b.seq
)
SELECT (SELECT t.run_id FROM traces t WHERE t.trace_id = pairs.trace_id) AS run_id, trace_id, side, cpu AS vcpu, count(*) AS faults, count(end_ts_ns) AS resolved,
       sum(end_ts_ns - begin_ts_ns) / 1e6 AS blocked_ms, max(end_ts_ns - begin_ts_ns) / 1e6 AS max_blocked_ms
FROM pairs GROUP BY trace_id, side, cpu ORDER BY trace_id, vcpu;

CREATE OR REPLACE MACRO postcopy_latency_histogram(bucket_ms) AS TABLE
SELECT run_id, dst_trace_id, floor(latency_ms / bucket_ms) * bucket_ms AS latency_from_ms,
       (floor(latency_ms / bucket_ms) + 1) * bucket_ms AS latency_to_ms, count(*) AS requests
FROM postcopy_faults WHERE latency_ms IS NOT NULL
GROUP BY ALL ORDER BY dst_trace_id, latency_from_ms;
