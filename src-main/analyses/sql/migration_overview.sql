-- migration_overview: one row per (trace, attempt), with QEMU's own query-migrate accounting
-- reconstructed from trace events (migration/migration.c, 7.2 to 10.x):
--   total_ms     source: migrate_init stamps start_time as it sets none -> setup; the end is
--                taken in migration_calculate_complete, just before runstate postmigrate
--                (8.2+: right at the 'src-downtime-end' checkpoint). Destination: first state
--                change to 'completed' (QEMU reports no total there).
--   setup_ms     source: migration_thread starts its setup clock just before
--                qemu_savevm_state_header (savevm_state_header) and stops it as the state
--                becomes 'active'.
--   downtime_ms  source, precopy: downtime_start is stamped just before the VM is stopped
--                (runstate finish-migrate) and ends with total_ms. Postcopy: from
--                postcopy_start_set_run to the packaged device state being sent
--                (qemu_savevm_send_packaged, slightly early: an approximation). 8.2+: exactly
--                the 'src-downtime-start' .. 'src-downtime-end' checkpoints. downtime_source
--                says which one was used.
--   dirty_syncs  migration_bitmap_sync_start events (each bumps dirty-sync-count).
--   normal_pages source: ram_save_page (one per page sent whole outside multifd) plus the
--                normal pages of multifd packets; destination: RAM_SAVE_FLAG_PAGE records of
--                ram_load_loop plus multifd_recv pages (NULL on a 9.x+ multifd destination:
--                multifd_recv_unfill carries no page counts). zero_pages: source only with multifd
--                zero-page detection (multifd_send_ram_fill, 9.x+), destination from
--                RAM_SAVE_FLAG_ZERO records of ram_load_loop; NULL when nothing traced shows them.
--                With multifd, query-migrate's ram.normal may run short of the pages sent (7.2,
--                b-multifd4: 51192 against 51414), while its multifd-bytes matches these packets
--                and pages to the byte.
--   postcopy_requests  ram_save_queue_pages (source) / postcopy_ram_fault_thread_request (destination).
-- QEMU's clocks are whole milliseconds, so its figures may differ from these by up to ~1 ms.
-- A source trace without migrate_set_state (only the 8.2+ vmstate_downtime_* events traced,
-- which is all downtime needs) still gets a row: attempt and final_state NULL, the downtime
-- from its checkpoints, the rest NULL.
CREATE OR REPLACE VIEW migration_overview AS
WITH lm AS (
  SELECT trace_id, ts_ns, 'runstate' AS kind, new_state_str AS txt, NULL::BIGINT AS a, NULL::BIGINT AS b, NULL::BIGINT AS c
    FROM {{events runstate_set: new_state_str VARCHAR}}
  UNION ALL SELECT trace_id, ts_ns, 'checkpoint', checkpoint, NULL, NULL, NULL
    FROM {{events vmstate_downtime_checkpoint: checkpoint VARCHAR}}
  UNION ALL SELECT trace_id, ts_ns, 'header', NULL, NULL, NULL, NULL FROM {{events savevm_state_header}}
  UNION ALL SELECT trace_id, ts_ns, 'postcopy_run', NULL, NULL, NULL, NULL FROM {{events postcopy_start_set_run}}
  UNION ALL SELECT trace_id, ts_ns, 'packaged', NULL, NULL, NULL, NULL FROM {{events qemu_savevm_send_packaged}}
  UNION ALL SELECT trace_id, ts_ns, 'sync', NULL, NULL, NULL, NULL FROM {{events migration_bitmap_sync_start}}
  UNION ALL SELECT trace_id, ts_ns, 'save_page', NULL, NULL, NULL, NULL FROM {{events ram_save_page}}
  UNION ALL SELECT trace_id, ts_ns, 'mf_pages', NULL, id, normal, zero
    FROM {{events multifd_send|multifd_send_ram_fill|multifd_recv: id BIGINT, normal=normal|used BIGINT, zero BIGINT}}
  UNION ALL SELECT trace_id, ts_ns, 'mf_unfill', NULL, id, NULL, NULL FROM {{events multifd_recv_unfill: id BIGINT}}
  UNION ALL SELECT trace_id, ts_ns, 'mf_channel', NULL, id, NULL, NULL
    FROM {{events multifd_send_thread_start|multifd_recv_thread_start|multifd_new_send_channel_async|multifd_recv_new_channel|multifd_send_thread_end|multifd_recv_thread_end: id BIGINT}}
  UNION ALL SELECT trace_id, ts_ns, 'load_page', NULL, flags, NULL, NULL FROM {{events ram_load_loop: flags BIGINT}}
  UNION ALL SELECT trace_id, ts_ns, 'pc_request', NULL, NULL, NULL, NULL
    FROM {{events ram_save_queue_pages|postcopy_ram_fault_thread_request}}
),
st AS (
  SELECT trace_id, attempt,
         min(ts_ns) FILTER (WHERE state = 'active') AS active_ts_ns
  FROM migration_states GROUP BY trace_id, attempt
),
agg AS (
  SELECT ma.trace_id, ma.attempt,
    min(lm.ts_ns) FILTER (WHERE kind = 'checkpoint' AND txt = 'src-downtime-start') AS ck_start,
    min(lm.ts_ns) FILTER (WHERE kind = 'checkpoint' AND txt = 'src-downtime-end') AS ck_end,
    min(lm.ts_ns) FILTER (WHERE kind = 'runstate' AND txt = 'finish-migrate') AS rs_stop,
    min(lm.ts_ns) FILTER (WHERE kind = 'runstate' AND txt = 'postmigrate' AND lm.ts_ns >= ma.terminal_ts_ns) AS rs_post,
    min(lm.ts_ns) FILTER (WHERE kind = 'header') AS header_ts,
    min(lm.ts_ns) FILTER (WHERE kind = 'postcopy_run') AS pc_run,
    min(lm.ts_ns) FILTER (WHERE kind = 'packaged') AS packaged,
    count(*) FILTER (WHERE kind = 'sync') AS syncs,
    count(*) FILTER (WHERE kind = 'save_page') AS save_pages,
    count(*) FILTER (WHERE kind = 'load_page' AND (a & 8) <> 0) AS load_pages,
    count(*) FILTER (WHERE kind = 'load_page' AND (a & 2) <> 0) AS load_zero,
    count(*) FILTER (WHERE kind = 'load_page') AS load_records,
    sum(b) FILTER (WHERE kind = 'mf_pages') AS mf_normal,
    sum(c) FILTER (WHERE kind = 'mf_pages') AS mf_zero,
    count(*) FILTER (WHERE kind = 'mf_unfill') AS mf_unfills,
    count(DISTINCT a) FILTER (WHERE kind IN ('mf_channel', 'mf_pages', 'mf_unfill')) AS channels,
    count(*) FILTER (WHERE kind = 'pc_request') AS pc_requests
  FROM migration_attempts ma
  LEFT JOIN lm ON lm.trace_id = ma.trace_id AND lm.ts_ns >= ma.start_ts_ns
              AND (ma.next_start_ts_ns IS NULL OR lm.ts_ns < ma.next_start_ts_ns)
  GROUP BY ma.trace_id, ma.attempt
),
b AS (
  SELECT ma.*, agg.* EXCLUDE (trace_id, attempt), st.active_ts_ns,
    CASE WHEN ma.side = 'src' AND ma.final_state = 'completed'
         THEN coalesce(agg.ck_end, agg.rs_post, ma.terminal_ts_ns)
         ELSE ma.terminal_ts_ns END AS end_ts
  FROM migration_attempts ma
  JOIN agg USING (trace_id, attempt)
  LEFT JOIN st USING (trace_id, attempt)
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
SELECT side, attempt, trace_id, final_state, postcopy,
  start_ts_ns, end_ts AS end_ts_ns,
  (end_ts - start_ts_ns) / 1e6 AS total_ms,
  CASE WHEN side = 'src' THEN (active_ts_ns - coalesce(header_ts, start_ts_ns)) / 1e6 END AS setup_ms,
  (dt_end - dt_start) / 1e6 AS downtime_ms,
  CASE WHEN dt_end IS NOT NULL THEN dt_start END AS downtime_start_ts_ns,
  CASE WHEN dt_start IS NOT NULL THEN dt_end END AS downtime_end_ts_ns,
  CASE WHEN dt_end IS NOT NULL AND dt_start IS NOT NULL THEN dt_source END AS downtime_source,
  syncs AS dirty_syncs,
  CASE WHEN side = 'src' THEN save_pages + coalesce(mf_normal, 0)
       WHEN mf_unfills > 0 AND mf_normal IS NULL THEN NULL
       ELSE load_pages + coalesce(mf_normal, 0) END AS normal_pages,
  CASE WHEN side = 'src' THEN mf_zero
       WHEN load_records > 0 OR mf_zero IS NOT NULL THEN load_zero + coalesce(mf_zero, 0) END AS zero_pages,
  channels AS multifd_channels,
  pc_requests AS postcopy_requests
FROM d
UNION ALL
SELECT any_value(t.side), NULL, c.trace_id, NULL, NULL, NULL, NULL, NULL, NULL,
  (min(c.ts_ns) FILTER (WHERE c.txt = 'src-downtime-end') - min(c.ts_ns) FILTER (WHERE c.txt = 'src-downtime-start')) / 1e6,
  min(c.ts_ns) FILTER (WHERE c.txt = 'src-downtime-start'), min(c.ts_ns) FILTER (WHERE c.txt = 'src-downtime-end'),
  'vmstate_downtime_checkpoint', NULL, NULL, NULL, NULL, NULL
FROM lm c JOIN traces t ON t.trace_id = c.trace_id
WHERE c.kind = 'checkpoint' AND c.txt IN ('src-downtime-start', 'src-downtime-end')
  AND c.trace_id NOT IN (SELECT trace_id FROM migration_attempts)
GROUP BY c.trace_id
HAVING count(*) FILTER (WHERE c.txt = 'src-downtime-start') > 0 AND count(*) FILTER (WHERE c.txt = 'src-downtime-end') > 0
)
ORDER BY trace_id, attempt;
