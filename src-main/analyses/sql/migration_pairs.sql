-- migration_pairs: which destination trace belongs to which source trace, so analyses can join
-- the two hosts. A workspace may hold several migrations, or one migration traced twice (log and
-- simpletrace). Traces of the same format and clock are paired when each is the other's nearest
-- by the time their migration went 'active' (after adding traces.clock_offset_ns where one is
-- stored), so a destination belongs to one source at most. A trace holding several attempts (a
-- cancelled migration retried) is placed by its last attempt that went active: the destination
-- of the retry is the one paired. Unpaired traces appear with the other side NULL.
CREATE OR REPLACE VIEW migration_pairs AS
WITH active AS (
  SELECT trace_id, attempt, min(ts_ns) AS ts_ns FROM migration_states WHERE state = 'active' GROUP BY trace_id, attempt
),
t AS (
  SELECT t.trace_id, t.side, t.format, t.clock, coalesce(t.clock_offset_ns, 0) AS offset_ns,
         (SELECT arg_max(a.ts_ns, a.attempt) FROM active a WHERE a.trace_id = t.trace_id) AS active_ts_ns
  FROM traces t
),
cand AS (
  SELECT s.trace_id AS src_trace_id, d.trace_id AS dst_trace_id,
         abs((d.active_ts_ns + d.offset_ns) - (s.active_ts_ns + s.offset_ns)) AS distance
  FROM t s JOIN t d ON s.side = 'src' AND d.side = 'dst' AND d.format IS NOT DISTINCT FROM s.format
                   AND d.clock IS NOT DISTINCT FROM s.clock
),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY src_trace_id ORDER BY distance NULLS LAST, dst_trace_id) AS r_src,
            row_number() OVER (PARTITION BY dst_trace_id ORDER BY distance NULLS LAST, src_trace_id) AS r_dst
  FROM cand
),
best AS (SELECT src_trace_id, dst_trace_id FROM ranked WHERE r_src = 1 AND r_dst = 1)
SELECT s.trace_id AS src_trace_id, b.dst_trace_id
FROM t s LEFT JOIN best b ON b.src_trace_id = s.trace_id WHERE s.side = 'src'
UNION ALL
SELECT NULL, d.trace_id FROM t d
WHERE d.side = 'dst' AND d.trace_id NOT IN (SELECT dst_trace_id FROM best);
