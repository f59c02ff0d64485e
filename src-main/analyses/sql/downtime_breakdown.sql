-- downtime_breakdown: where the downtime went, source and destination side by side
-- (traces paired by migration_pairs).
--   kind 'checkpoint'  8.2+ vmstate_downtime_checkpoint events (src-downtime-start,
--                      src-vm-stopped, src-iterable-saved, src-non-iterable-saved,
--                      src-downtime-end, dst-precopy-loadvm-completed, dst-precopy-bh-*...);
--                      phase_ms = time since the previous checkpoint of the same trace.
--   kind 'device'      per device (idstr, instance_id, type iterable/non-iterable): save_ms on
--                      the source (vmstate_downtime_save) and load_ms on the destination
--                      (vmstate_downtime_load), QEMU's own per-device measurements (8.2+).
--                      Without those events (7.2) the rows come from section_timings inside
--                      the downtime, joined by section id, and approximate = true: section
--                      save/load time includes the stream writes/reads around the device.
CREATE OR REPLACE VIEW downtime_breakdown AS
WITH ck AS (
  SELECT trace_id, side, ts_ns, checkpoint,
         (ts_ns - lag(ts_ns) OVER (PARTITION BY trace_id ORDER BY ts_ns, seq)) / 1e6 AS phase_ms
  FROM {{events vmstate_downtime_checkpoint: checkpoint VARCHAR}}
),
sv AS (
  SELECT trace_id, type, idstr, instance_id, ts_ns, downtime
  FROM {{events vmstate_downtime_save: type VARCHAR, idstr VARCHAR, instance_id BIGINT, downtime BIGINT}}
),
ld AS (
  SELECT trace_id, type, idstr, instance_id, ts_ns, downtime
  FROM {{events vmstate_downtime_load: type VARCHAR, idstr VARCHAR, instance_id BIGINT, downtime BIGINT}}
),
p AS (SELECT * FROM migration_pairs),
exact_pairs AS (
  SELECT p.* FROM p
  WHERE EXISTS (SELECT 1 FROM sv WHERE sv.trace_id = p.src_trace_id)
     OR EXISTS (SELECT 1 FROM ld WHERE ld.trace_id = p.dst_trace_id)
),
dev_exact AS (
  SELECT coalesce(s.src_trace_id, l.src_trace_id) AS src_trace_id, coalesce(s.dst_trace_id, l.dst_trace_id) AS dst_trace_id,
         coalesce(s.idstr, l.idstr) AS name, coalesce(s.instance_id, l.instance_id) AS instance_id,
         coalesce(s.type, l.type) AS type, s.ts_ns AS src_ts_ns, l.ts_ns AS dst_ts_ns,
         s.downtime / 1e3 AS save_ms, l.downtime / 1e3 AS load_ms
  FROM (SELECT ep.src_trace_id, ep.dst_trace_id, sv.* EXCLUDE (trace_id) FROM exact_pairs ep JOIN sv ON sv.trace_id = ep.src_trace_id) s
  FULL JOIN (SELECT ep.src_trace_id, ep.dst_trace_id, ld.* EXCLUDE (trace_id) FROM exact_pairs ep JOIN ld ON ld.trace_id = ep.dst_trace_id) l
    ON l.src_trace_id IS NOT DISTINCT FROM s.src_trace_id AND l.dst_trace_id IS NOT DISTINCT FROM s.dst_trace_id
   AND l.idstr = s.idstr AND l.instance_id = s.instance_id AND l.type = s.type
),
st AS (SELECT * FROM section_timings WHERE in_downtime),
approx_pairs AS (SELECT * FROM p EXCEPT SELECT * FROM exact_pairs),
dev_approx AS (
  SELECT coalesce(s.src_trace_id, d.src_trace_id) AS src_trace_id, coalesce(s.dst_trace_id, d.dst_trace_id) AS dst_trace_id,
         coalesce(d.idstr, s.idstr) AS name, d.instance_id,
         CASE WHEN coalesce(d.section_type, '') = 'end' OR s.idstr = 'ram' THEN 'iterable' ELSE 'non-iterable' END AS type,
         s.start_ts_ns AS src_ts_ns, d.start_ts_ns AS dst_ts_ns, s.ms AS save_ms, d.ms AS load_ms
  FROM (SELECT ap.src_trace_id, ap.dst_trace_id, st.* EXCLUDE (trace_id) FROM approx_pairs ap JOIN st ON st.trace_id = ap.src_trace_id) s
  FULL JOIN (SELECT ap.src_trace_id, ap.dst_trace_id, st.* EXCLUDE (trace_id) FROM approx_pairs ap JOIN st ON st.trace_id = ap.dst_trace_id) d
    ON d.src_trace_id IS NOT DISTINCT FROM s.src_trace_id AND d.dst_trace_id IS NOT DISTINCT FROM s.dst_trace_id
   AND d.section_id = s.section_id
)
SELECT * FROM (
SELECT p.src_trace_id, p.dst_trace_id, 'checkpoint' AS kind, ck.checkpoint AS name, NULL::BIGINT AS instance_id,
       NULL::VARCHAR AS type, ck.side,
       CASE WHEN ck.side = 'src' THEN ck.ts_ns END AS src_ts_ns, CASE WHEN ck.side = 'dst' THEN ck.ts_ns END AS dst_ts_ns,
       NULL::DOUBLE AS save_ms, NULL::DOUBLE AS load_ms, ck.phase_ms, false AS approximate
FROM ck JOIN p ON ck.trace_id = p.src_trace_id OR ck.trace_id = p.dst_trace_id
UNION ALL
SELECT src_trace_id, dst_trace_id, 'device', name, instance_id, type, NULL, src_ts_ns, dst_ts_ns, save_ms, load_ms, NULL, false
FROM dev_exact
UNION ALL
SELECT src_trace_id, dst_trace_id, 'device', name, instance_id, type, NULL, src_ts_ns, dst_ts_ns, save_ms, load_ms, NULL, true
FROM dev_approx
)
ORDER BY src_trace_id, dst_trace_id, kind, coalesce(src_ts_ns, dst_ts_ns);
