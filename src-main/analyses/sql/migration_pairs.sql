-- migration_pairs: which destination trace belongs to which source trace, so analyses can join
-- the two hosts. A workspace may hold several migrations, or one migration traced twice (log and
-- simpletrace): each source trace is paired with the destination trace of the same format and
-- clock whose first 'active' state is nearest in time (after adding traces.clock_offset_ns
-- correction where one is stored). Unpaired traces appear with the other side NULL.
CREATE OR REPLACE VIEW migration_pairs AS
WITH t AS (
  SELECT t.trace_id, t.side, t.format, t.clock, coalesce(t.clock_offset_ns, 0) AS offset_ns,
         (SELECT min(s.ts_ns) FROM migration_states s WHERE s.trace_id = t.trace_id AND s.state = 'active') AS active_ts_ns
  FROM traces t
),
cand AS (
  SELECT s.trace_id AS src_trace_id, d.trace_id AS dst_trace_id,
         row_number() OVER (PARTITION BY s.trace_id ORDER BY
           abs((d.active_ts_ns + d.offset_ns) - (s.active_ts_ns + s.offset_ns)) NULLS LAST, d.trace_id) AS r
  FROM t s JOIN t d ON s.side = 'src' AND d.side = 'dst' AND d.format IS NOT DISTINCT FROM s.format
                   AND d.clock IS NOT DISTINCT FROM s.clock
),
best AS (SELECT src_trace_id, dst_trace_id FROM cand WHERE r = 1)
SELECT s.trace_id AS src_trace_id, b.dst_trace_id
FROM t s LEFT JOIN best b ON b.src_trace_id = s.trace_id WHERE s.side = 'src'
UNION ALL
SELECT NULL, d.trace_id FROM t d
WHERE d.side = 'dst' AND d.trace_id NOT IN (SELECT dst_trace_id FROM best);
