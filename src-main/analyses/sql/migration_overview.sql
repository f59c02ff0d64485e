-- migration_overview: one row per (trace, attempt), with QEMU's own query-migrate accounting
-- reconstructed from trace events (migration/migration.c, ram.c, postcopy-ram.c, 7.2 to 10.x).
--   run_id       the run (migration) of the trace: migration_attempts.run_id, from traces.run_id.
--   total_ms     source: migrate_init stamps start_time as it sets none -> setup (start_ts_ns).
--                The end is where QEMU computes total_time = end_time - start_time:
--                7.2 .. 8.1 in migration_calculate_complete, called by
--                migration_iteration_finish after the state is 'completed' and just before
--                runstate_set(postmigrate); 8.2 .. 9.x the same function, which now begins with
--                migration_downtime_end (the 'src-downtime-end' checkpoint); 10.x in
--                migration_completion_end, right after that checkpoint and before 'completed'.
--                Postcopy (8.2+) emits 'src-downtime-end' twice: postcopy_start calls
--                migration_downtime_end once the device package is sent (that one ends the
--                downtime, in 'postcopy-device' on 10.2), and the completion emits it again
--                (downtime kept, only the trace). So the end is the LAST 'src-downtime-end' of
--                the attempt (the second one for postcopy), else runstate postmigrate after
--                the terminal state, else the terminal state change. Destination: first state
--                change to 'completed' (QEMU reports no total there).
--   setup_ms     source: migration_thread reads its setup clock (setup_start) on entry and
--                stores setup_time right after qemu_savevm_wait_unplug sets 'active'
--                (migration_thread_setup_complete is traced just after). The thread's entry is
--                not traced: its first traced work is qemu_savevm_state_header
--                (savevm_state_header), except that from 9.0 migration_thread calls
--                multifd_send_setup BEFORE the header (it was in migrate_fd_connect, outside
--                the clock, up to 8.x), so channel creation (multifd_new_send_channel_async,
--                multifd_set_outgoing_channel, multifd_tls_outgoing_handshake_start,
--                multifd_send_thread_start) counts. The start is the earliest of those and the
--                header: never before the thread started (7.2's channels connect
--                asynchronously once migrate_fd_connect has created the thread), and at most
--                the thread's few unlogged allocations late. The end is
--                migration_thread_setup_complete, else the state change to 'active'.
--   downtime_ms  source, precopy: downtime_start is stamped just before the VM is stopped
--                (runstate finish-migrate) and ends with total_ms. Postcopy: from
--                postcopy_start_set_run to the packaged device state being sent
--                (qemu_savevm_send_packaged, slightly early: an approximation). 8.2+: exactly
--                the first 'src-downtime-start' .. first 'src-downtime-end' checkpoints.
--                downtime_source says which one was used.
--   dirty_syncs  migration_bitmap_sync_start events (each bumps dirty-sync-count).
--   normal_pages source: ram_save_page (one per page sent whole outside multifd) plus the
--                normal pages of multifd packets; destination: RAM_SAVE_FLAG_PAGE records of
--                ram_load_loop plus multifd_recv pages (NULL on a 9.x+ multifd destination:
--                multifd_recv_unfill carries no page counts) plus, once postcopy listens,
--                the pages ram_load_postcopy loaded: ram_load only runs ram_load_precopy
--                (ram_load_loop) before the listen and ram_load_postcopy after it, so no page
--                is seen by both. ram_load_postcopy traces every record
--                (ram_load_postcopy_loop, flags as ram_load_loop's: one per target page, as
--                QEMU counts); without that event, postcopy_place_page (normal) and
--                postcopy_place_page_zero (a host page whose target pages were all zero),
--                which ram_load_postcopy calls once per HOST page: equal with 4 KiB host
--                pages, fewer than QEMU's count on hugepage-backed RAM.
--                zero_pages: source only with multifd zero-page detection
--                (multifd_send_ram_fill, 9.x+), destination from RAM_SAVE_FLAG_ZERO records of
--                ram_load_loop and the postcopy records above; NULL when nothing traced shows them.
--                With multifd, query-migrate's ram.normal may run short of the pages sent (7.2,
--                b-multifd4: 51192 against 51414), while its multifd-bytes matches these packets
--                and pages to the byte.
--   postcopy_requests  ram_save_queue_pages (source) / postcopy_ram_fault_thread_request (destination).
--   fault_latency_p50_ms / _p99_ms / _max_ms  destination attempts that went postcopy: each
--                postcopy_ram_fault_thread_request to the placement of that host page
--                (postcopy_place_page / _zero, the pairing postcopy_faults makes, 4 KiB pages
--                assumed), percentiles by linear interpolation (quantile_cont); unresolved
--                requests left out. NULL without any resolved request.
--   postcopy_blocktime_ms  destination attempts that went postcopy: QEMU's postcopy-blocktime,
--                the time ALL vCPUs were blocked on faults at once (total_blocktime of
--                postcopy-ram.c, not the per-vCPU sum postcopy_blocktime gives).
--                postcopy_ram_incoming_cleanup traces it in every version
--                (postcopy_ram_incoming_cleanup_blocktime total): milliseconds up to 10.0,
--                nanoseconds from 10.1 (the blocktime rework keeps all times in ns; told apart
--                by the trace's catalogue defining postcopy_blocktime_begin, the 10.1 name).
--                Without that event, 7.2 .. 10.0's mark_postcopy_blocktime_end carries the
--                running total (its time argument is dc->total_blocktime, ms): the last one.
--                NULL when no blocktime event at all was traced and the total is 0 (QEMU
--                reports 0 too when the postcopy-blocktime capability is off: not measured).
-- QEMU's clocks are whole milliseconds, so its figures may differ from these by up to ~1 ms.
-- A source trace without migrate_set_state (only the 8.2+ vmstate_downtime_* events traced,
-- which is all downtime needs) still gets a row: attempt and final_state NULL, the downtime
-- from its checkpoints, the rest NULL.
CREATE OR REPLACE VIEW migration_overview AS
WITH lm AS (
  SELECT trace_id, ts_ns, coalesce(ts_ns, seq) AS k, 'runstate' AS kind, new_state_str AS txt, NULL::BIGINT AS a, NULL::BIGINT AS b, NULL::BIGINT AS c
    FROM {{events runstate_set: new_state_str VARCHAR}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'checkpoint', checkpoint, NULL, NULL, NULL
    FROM {{events vmstate_downtime_checkpoint: checkpoint VARCHAR}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'header', NULL, NULL, NULL, NULL FROM {{events savevm_state_header}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'setup_done', NULL, NULL, NULL, NULL FROM {{events migration_thread_setup_complete}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'mf_setup', NULL, NULL, NULL, NULL
    FROM {{events multifd_new_send_channel_async|multifd_set_outgoing_channel|multifd_tls_outgoing_handshake_start|multifd_send_thread_start}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'postcopy_run', NULL, NULL, NULL, NULL FROM {{events postcopy_start_set_run}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'packaged', NULL, NULL, NULL, NULL FROM {{events qemu_savevm_send_packaged}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'sync', NULL, NULL, NULL, NULL FROM {{events migration_bitmap_sync_start}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'save_page', NULL, NULL, NULL, NULL FROM {{events ram_save_page}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'mf_pages', NULL, id, normal, zero
    FROM {{events multifd_send|multifd_send_ram_fill|multifd_recv: id BIGINT, normal=normal|used BIGINT, zero BIGINT}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'mf_unfill', NULL, id, NULL, NULL FROM {{events multifd_recv_unfill: id BIGINT}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'mf_channel', NULL, id, NULL, NULL
    FROM {{events multifd_send_thread_start|multifd_recv_thread_start|multifd_new_send_channel_async|multifd_recv_new_channel|multifd_send_thread_end|multifd_recv_thread_end: id BIGINT}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'load_page', NULL, flags, NULL, NULL FROM {{events ram_load_loop: flags BIGINT}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'pc_load', NULL, flags, NULL, NULL FROM {{events ram_load_postcopy_loop: flags BIGINT}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'pc_place', NULL, NULL, NULL, NULL FROM {{events postcopy_place_page}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'pc_place_zero', NULL, NULL, NULL, NULL FROM {{events postcopy_place_page_zero}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'pc_request', NULL, NULL, NULL, NULL
    FROM {{events ram_save_queue_pages|postcopy_ram_fault_thread_request}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'bt_total', NULL, total, NULL, NULL
    FROM {{events postcopy_ram_incoming_cleanup_blocktime: total BIGINT}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'bt_running', NULL, "time", NULL, NULL
    FROM {{events mark_postcopy_blocktime_end: time BIGINT}}
  UNION ALL SELECT trace_id, ts_ns, coalesce(ts_ns, seq), 'bt_event', NULL, NULL, NULL, NULL
    FROM {{events mark_postcopy_blocktime_begin|mark_postcopy_blocktime_end|postcopy_blocktime_begin|postcopy_blocktime_end}}
),
st AS (
  SELECT trace_id, attempt,
         min(ts_ns) FILTER (WHERE state = 'active') AS active_ts_ns
  FROM migration_states GROUP BY trace_id, attempt
),
-- Blocktime unit: nanoseconds when the trace's QEMU is 10.1+ (its catalogue has the reworked
-- postcopy_blocktime_begin, or the trace holds it), milliseconds before.
bt_unit AS (
  SELECT t.trace_id,
         EXISTS (SELECT 1 FROM catalogue_events ce WHERE ce.catalogue_id = t.catalogue_id AND ce.name = 'postcopy_blocktime_begin')
         OR EXISTS (SELECT 1 FROM {{events postcopy_blocktime_begin|postcopy_blocktime_end}} x WHERE x.trace_id = t.trace_id) AS ns_units
  FROM traces t
),
-- Request-to-placement latency of each destination fault (as postcopy_faults pairs them; that
-- view is created after this one, so the pairing is repeated here).
req AS (
  SELECT trace_id, seq, ts_ns, hostaddr // 4096 AS page
  FROM {{events postcopy_ram_fault_thread_request: hostaddr UBIGINT}}
),
placed AS (
  SELECT trace_id, seq, ts_ns, host_addr // 4096 AS page
  FROM {{events postcopy_place_page|postcopy_place_page_zero: host_addr UBIGINT}}
),
lat AS (
  SELECT r.trace_id, r.ts_ns, (pl.ts_ns - r.ts_ns) / 1e6 AS latency_ms
  FROM req r ASOF JOIN placed pl ON pl.trace_id = r.trace_id AND pl.page = r.page AND pl.seq >= r.seq
),
lat_agg AS (
  SELECT ma.trace_id, ma.attempt,
         quantile_cont(l.latency_ms, 0.5) AS p50, quantile_cont(l.latency_ms, 0.99) AS p99, max(l.latency_ms) AS pmax
  FROM migration_attempts ma
  JOIN lat l ON l.trace_id = ma.trace_id AND l.ts_ns >= ma.start_ts_ns
            AND (ma.next_start_ts_ns IS NULL OR l.ts_ns < ma.next_start_ts_ns)
  GROUP BY ma.trace_id, ma.attempt
),
agg AS (
  SELECT ma.trace_id, ma.attempt,
    min(lm.ts_ns) FILTER (WHERE kind = 'checkpoint' AND txt = 'src-downtime-start') AS ck_start,
    min(lm.ts_ns) FILTER (WHERE kind = 'checkpoint' AND txt = 'src-downtime-end') AS ck_end,
    max(lm.ts_ns) FILTER (WHERE kind = 'checkpoint' AND txt = 'src-downtime-end') AS ck_end_last,
    count(*) FILTER (WHERE kind = 'checkpoint' AND txt = 'src-downtime-end') AS ck_ends,
    min(lm.ts_ns) FILTER (WHERE kind = 'runstate' AND txt = 'finish-migrate') AS rs_stop,
    min(lm.ts_ns) FILTER (WHERE kind = 'runstate' AND txt = 'postmigrate' AND lm.ts_ns >= ma.terminal_ts_ns) AS rs_post,
    min(lm.ts_ns) FILTER (WHERE kind = 'header') AS header_ts,
    min(lm.ts_ns) FILTER (WHERE kind = 'setup_done') AS setup_done_ts,
    min(lm.ts_ns) FILTER (WHERE kind = 'mf_setup') AS mf_setup_ts,
    min(lm.ts_ns) FILTER (WHERE kind = 'postcopy_run') AS pc_run,
    min(lm.ts_ns) FILTER (WHERE kind = 'packaged') AS packaged,
    count(*) FILTER (WHERE kind = 'sync') AS syncs,
    count(*) FILTER (WHERE kind = 'save_page') AS save_pages,
    count(*) FILTER (WHERE kind = 'load_page' AND (a & 8) <> 0) AS load_pages,
    count(*) FILTER (WHERE kind = 'load_page' AND (a & 2) <> 0) AS load_zero,
    count(*) FILTER (WHERE kind = 'load_page') AS load_records,
    count(*) FILTER (WHERE kind = 'pc_load' AND (a & 8) <> 0) AS pc_load_pages,
    count(*) FILTER (WHERE kind = 'pc_load' AND (a & 2) <> 0) AS pc_load_zero,
    count(*) FILTER (WHERE kind = 'pc_load') AS pc_load_records,
    count(*) FILTER (WHERE kind = 'pc_place') AS pc_place,
    count(*) FILTER (WHERE kind = 'pc_place_zero') AS pc_place_zero,
    sum(b) FILTER (WHERE kind = 'mf_pages') AS mf_normal,
    sum(c) FILTER (WHERE kind = 'mf_pages') AS mf_zero,
    count(*) FILTER (WHERE kind = 'mf_unfill') AS mf_unfills,
    count(DISTINCT a) FILTER (WHERE kind IN ('mf_channel', 'mf_pages', 'mf_unfill')) AS channels,
    count(*) FILTER (WHERE kind = 'pc_request') AS pc_requests,
    arg_max(a, lm.ts_ns) FILTER (WHERE kind = 'bt_total') AS bt_total,
    max(a) FILTER (WHERE kind = 'bt_running') AS bt_running,
    count(*) FILTER (WHERE kind = 'bt_event') AS bt_events
  FROM migration_attempts ma
  -- By time, or by file order in a trace without time stamps (k: migration_attempts).
  LEFT JOIN lm ON lm.trace_id = ma.trace_id AND lm.k >= ma.start_k
              AND (ma.next_start_k IS NULL OR lm.k < ma.next_start_k)
  GROUP BY ma.trace_id, ma.attempt
),
b AS (
  SELECT ma.*, agg.* EXCLUDE (trace_id, attempt), st.active_ts_ns, u.ns_units,
    la.p50, la.p99, la.pmax,
    CASE WHEN ma.side = 'src' AND ma.final_state = 'completed'
         THEN coalesce(CASE WHEN agg.ck_ends >= CASE WHEN ma.postcopy THEN 2 ELSE 1 END THEN agg.ck_end_last END,
                       agg.rs_post, ma.terminal_ts_ns)
         ELSE ma.terminal_ts_ns END AS end_ts,
    -- Postcopy pages on the destination: per target page when ram_load_postcopy_loop is
    -- traced, else per host page from the placements.
    CASE WHEN agg.pc_load_records > 0 THEN agg.pc_load_pages ELSE agg.pc_place END AS pc_pages,
    CASE WHEN agg.pc_load_records > 0 THEN agg.pc_load_zero ELSE agg.pc_place_zero END AS pc_zero,
    agg.pc_load_records > 0 OR agg.pc_place + agg.pc_place_zero > 0 AS pc_loaded
  FROM migration_attempts ma
  JOIN agg USING (trace_id, attempt)
  LEFT JOIN st USING (trace_id, attempt)
  LEFT JOIN bt_unit u USING (trace_id)
  LEFT JOIN lat_agg la USING (trace_id, attempt)
),
d AS (
  SELECT *,
    CASE WHEN side <> 'src' THEN NULL
         WHEN ck_start IS NOT NULL AND ck_end IS NOT NULL THEN ck_start
         WHEN postcopy THEN coalesce(pc_run, rs_stop)
         ELSE rs_stop END AS dt_start,
    CASE WHEN side <> 'src' THEN NULL
         WHEN ck_start IS NOT NULL AND ck_end IS NOT NULL THEN ck_end
         WHEN postcopy THEN packaged
         WHEN final_state = 'completed' THEN end_ts END AS dt_end,
    CASE WHEN side <> 'src' THEN NULL
         WHEN ck_start IS NOT NULL AND ck_end IS NOT NULL THEN 'vmstate_downtime_checkpoint'
         WHEN postcopy THEN 'postcopy_start_set_run..qemu_savevm_send_packaged (approximate)'
         ELSE 'runstate finish-migrate..completion' END AS dt_source
  FROM b
)
SELECT * FROM (
SELECT side, attempt, run_id, trace_id, final_state, postcopy,
  start_ts_ns, end_ts AS end_ts_ns,
  (end_ts - start_ts_ns) / 1e6 AS total_ms,
  CASE WHEN side = 'src' THEN
    (coalesce(setup_done_ts, active_ts_ns) - coalesce(least(header_ts, mf_setup_ts), start_ts_ns)) / 1e6 END AS setup_ms,
  (dt_end - dt_start) / 1e6 AS downtime_ms,
  CASE WHEN dt_end IS NOT NULL THEN dt_start END AS downtime_start_ts_ns,
  CASE WHEN dt_start IS NOT NULL THEN dt_end END AS downtime_end_ts_ns,
  CASE WHEN dt_end IS NOT NULL AND dt_start IS NOT NULL THEN dt_source END AS downtime_source,
  syncs AS dirty_syncs,
  CASE WHEN side = 'src' THEN save_pages + coalesce(mf_normal, 0)
       WHEN mf_unfills > 0 AND mf_normal IS NULL THEN NULL
       ELSE load_pages + coalesce(mf_normal, 0) + pc_pages END AS normal_pages,
  CASE WHEN side = 'src' THEN mf_zero
       WHEN load_records > 0 OR mf_zero IS NOT NULL OR pc_loaded THEN load_zero + coalesce(mf_zero, 0) + pc_zero END AS zero_pages,
  channels AS multifd_channels,
  pc_requests AS postcopy_requests,
  CASE WHEN side = 'dst' AND postcopy THEN p50 END AS fault_latency_p50_ms,
  CASE WHEN side = 'dst' AND postcopy THEN p99 END AS fault_latency_p99_ms,
  CASE WHEN side = 'dst' AND postcopy THEN pmax END AS fault_latency_max_ms,
  CASE WHEN side <> 'dst' OR NOT postcopy THEN NULL
       WHEN bt_total IS NOT NULL AND (bt_total > 0 OR bt_events > 0) THEN bt_total / CASE WHEN ns_units THEN 1e6 ELSE 1 END
       WHEN bt_running IS NOT NULL AND NOT ns_units THEN bt_running::DOUBLE END AS postcopy_blocktime_ms
FROM d
UNION ALL
SELECT any_value(t.side), NULL, any_value(t.run_id), c.trace_id, NULL, NULL, NULL, NULL, NULL, NULL,
  (min(c.ts_ns) FILTER (WHERE c.txt = 'src-downtime-end') - min(c.ts_ns) FILTER (WHERE c.txt = 'src-downtime-start')) / 1e6,
  min(c.ts_ns) FILTER (WHERE c.txt = 'src-downtime-start'), min(c.ts_ns) FILTER (WHERE c.txt = 'src-downtime-end'),
  'vmstate_downtime_checkpoint', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM lm c JOIN traces t ON t.trace_id = c.trace_id
WHERE c.kind = 'checkpoint' AND c.txt IN ('src-downtime-start', 'src-downtime-end')
  AND c.trace_id NOT IN (SELECT trace_id FROM migration_attempts)
GROUP BY c.trace_id
HAVING count(*) FILTER (WHERE c.txt = 'src-downtime-start') > 0 AND count(*) FILTER (WHERE c.txt = 'src-downtime-end') > 0
)
ORDER BY trace_id, attempt;
