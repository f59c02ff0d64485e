-- downtime_breakdown: where the downtime went, source and destination side by side
-- (traces paired by migration_pairs). run_id: traces.run_id of the pair's source trace (of the
-- destination trace when there is no source).
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
--                      A pair with QEMU's measurements on one side only (an 8.2+ QEMU and an
--                      older one) takes the other side's from its sections: approximate = true.
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
p AS (SELECT src_trace_id, dst_trace_id FROM migration_pairs),
st AS (SELECT * FROM section_timings WHERE in_downtime),
-- Which side has QEMU's own per-device measurements; a pair of an 8.2+ and an older QEMU has
-- them on one side only, and the other side's come from its section timings.
sides AS (
  SELECT p.*, EXISTS (SELECT 1 FROM sv WHERE sv.trace_id = p.src_trace_id) AS src_exact,
         EXISTS (SELECT 1 FROM ld WHERE ld.trace_id = p.dst_trace_id) AS dst_exact,
         EXISTS (SELECT 1 FROM st WHERE st.trace_id = p.src_trace_id) AS src_sections,
         EXISTS (SELECT 1 FROM st WHERE st.trace_id = p.dst_trace_id) AS dst_sections
  FROM p
),
mixed_pairs AS (
  SELECT src_trace_id, dst_trace_id, src_exact FROM sides
  WHERE (src_exact AND NOT dst_exact AND dst_sections) OR (dst_exact AND NOT src_exact AND src_sections)
),
exact_pairs AS (
  SELECT src_trace_id, dst_trace_id FROM sides WHERE src_exact OR dst_exact
  EXCEPT SELECT src_trace_id, dst_trace_id FROM mixed_pairs
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
approx_pairs AS (SELECT * FROM p EXCEPT SELECT * FROM exact_pairs EXCEPT SELECT src_trace_id, dst_trace_id FROM mixed_pairs),
-- Mixed pairs: each side's rows in order, the k-th save of a device matched with its k-th load
-- (sections of several instances of one device carry no instance id on the approximate side).
mixed_src AS (
  SELECT mp.src_trace_id, mp.dst_trace_id, x.*, row_number() OVER (PARTITION BY mp.src_trace_id, mp.dst_trace_id, x.idstr ORDER BY x.ts_ns) AS k
  FROM mixed_pairs mp,
  LATERAL (SELECT sv.idstr, sv.instance_id, sv.type, sv.ts_ns, sv.downtime / 1e3 AS ms FROM sv WHERE mp.src_exact AND sv.trace_id = mp.src_trace_id
           UNION ALL
           SELECT st.idstr, NULL, NULL, st.start_ts_ns, st.ms FROM st WHERE NOT mp.src_exact AND st.trace_id = mp.src_trace_id) x
),
mixed_dst AS (
  SELECT mp.src_trace_id, mp.dst_trace_id, x.*, row_number() OVER (PARTITION BY mp.src_trace_id, mp.dst_trace_id, x.idstr ORDER BY x.ts_ns) AS k
  FROM mixed_pairs mp,
  LATERAL (SELECT ld.idstr, ld.instance_id, ld.type, ld.ts_ns, ld.downtime / 1e3 AS ms FROM ld WHERE NOT mp.src_exact AND ld.trace_id = mp.dst_trace_id
           UNION ALL
           SELECT st.idstr, st.instance_id,
                  CASE WHEN coalesce(st.section_type, '') = 'end' OR st.idstr = 'ram' THEN 'iterable' ELSE 'non-iterable' END,
                  st.start_ts_ns, st.ms FROM st WHERE mp.src_exact AND st.trace_id = mp.dst_trace_id) x
),
dev_mixed AS (
  SELECT coalesce(s.src_trace_id, d.src_trace_id) AS src_trace_id, coalesce(s.dst_trace_id, d.dst_trace_id) AS dst_trace_id,
         coalesce(s.idstr, d.idstr) AS name, coalesce(s.instance_id, d.instance_id) AS instance_id,
         coalesce(s.type, d.type, CASE WHEN s.idstr = 'ram' THEN 'iterable' ELSE 'non-iterable' END) AS type,
         s.ts_ns AS src_ts_ns, d.ts_ns AS dst_ts_ns, s.ms AS save_ms, d.ms AS load_ms
  FROM mixed_src s FULL JOIN mixed_dst d
    ON d.src_trace_id = s.src_trace_id AND d.dst_trace_id = s.dst_trace_id AND d.idstr = s.idstr AND d.k = s.k
),
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
SELECT rt.run_id, u.* FROM (
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
UNION ALL
SELECT src_trace_id, dst_trace_id, 'device', name, instance_id, type, NULL, src_ts_ns, dst_ts_ns, save_ms, load_ms, NULL, true
FROM dev_mixed
) u
LEFT JOIN traces rt ON rt.trace_id = coalesce(u.src_trace_id, u.dst_trace_id)
ORDER BY src_trace_id, dst_trace_id, kind, coalesce(src_ts_ns, dst_ts_ns);
