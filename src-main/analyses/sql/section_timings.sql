-- section_timings: per device/section, how long each save (source) and load (destination) took.
-- Source: savevm_section_start .. the next savevm_section_end of the same section.
-- Destination: a section is read from its qemu_loadvm_state_section header (followed by
-- qemu_loadvm_state_section_startfull or _partend naming it) to the next section header; the
-- name of a 'part'/'end' section comes from its 'start' section.
--   run_id        traces.run_id of the trace
--   section_type  destination only: start, part, end, full (QEMU_VM_SECTION_*)
--   in_downtime   source: inside migration_overview's downtime window; destination: 'end' and
--                 'full' sections, which precopy only sends once the source VM is stopped
CREATE OR REPLACE VIEW section_timings AS
WITH s_start AS (SELECT * FROM {{events savevm_section_start: idstr=id VARCHAR, section_id BIGINT}}),
s_end AS (SELECT * FROM {{events savevm_section_end: idstr=id VARCHAR, section_id BIGINT, ret INTEGER}}),
src AS (
  SELECT s.trace_id, s.side, s.section_id, s.idstr, NULL::BIGINT AS instance_id, NULL::VARCHAR AS section_type,
         s.ts_ns AS start_ts_ns, e.ts_ns AS end_ts_ns, e.ret
  FROM s_start s ASOF LEFT JOIN s_end e
    ON e.trace_id = s.trace_id AND e.section_id = s.section_id AND e.seq >= s.seq
),
ticks AS (
  SELECT trace_id, side, ts_ns, seq, section_type,
         lead(ts_ns) OVER (PARTITION BY trace_id ORDER BY seq) AS next_ts_ns
  FROM {{events qemu_loadvm_state_section: section_type INTEGER}}
),
full_start AS (
  SELECT * FROM {{events qemu_loadvm_state_section_startfull: section_id BIGINT, idstr VARCHAR, instance_id BIGINT}}
),
opens AS (
  SELECT trace_id, seq, section_id, idstr, instance_id FROM full_start
  UNION ALL
  SELECT trace_id, seq, section_id, NULL, NULL FROM {{events qemu_loadvm_state_section_partend: section_id BIGINT}}
),
names AS (
  SELECT trace_id, section_id, any_value(idstr) AS idstr, any_value(instance_id) AS instance_id
  FROM full_start GROUP BY trace_id, section_id
),
dst AS (
  SELECT o.trace_id, t.side, o.section_id, coalesce(o.idstr, n.idstr) AS idstr,
         coalesce(o.instance_id, n.instance_id) AS instance_id,
         CASE t.section_type WHEN 1 THEN 'start' WHEN 2 THEN 'part' WHEN 3 THEN 'end' WHEN 4 THEN 'full' END AS section_type,
         t.ts_ns AS start_ts_ns, t.next_ts_ns AS end_ts_ns, NULL::INTEGER AS ret
  FROM opens o
  ASOF JOIN ticks t ON t.trace_id = o.trace_id AND o.seq >= t.seq
  LEFT JOIN names n ON n.trace_id = o.trace_id AND n.section_id = o.section_id
),
allsec AS (SELECT * FROM src UNION ALL SELECT * FROM dst)
SELECT t.run_id, x.trace_id, x.side, a.attempt, x.section_id, x.idstr, x.instance_id, x.section_type,
       x.start_ts_ns, x.end_ts_ns, (x.end_ts_ns - x.start_ts_ns) / 1e6 AS ms, x.ret,
       CASE WHEN x.side = 'src' THEN coalesce(x.start_ts_ns BETWEEN o.downtime_start_ts_ns AND o.downtime_end_ts_ns, false)
            ELSE x.section_type IN ('end', 'full') END AS in_downtime
FROM allsec x
LEFT JOIN migration_attempts a ON a.trace_id = x.trace_id AND x.start_ts_ns >= a.start_ts_ns
     AND (a.next_start_ts_ns IS NULL OR x.start_ts_ns < a.next_start_ts_ns)
LEFT JOIN migration_overview o ON o.trace_id = x.trace_id AND o.attempt = a.attempt
LEFT JOIN traces t ON t.trace_id = x.trace_id
ORDER BY x.trace_id, x.start_ts_ns;
