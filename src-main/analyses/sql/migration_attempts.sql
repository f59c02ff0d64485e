-- migration_attempts: one row per (trace, attempt): where it starts, where the next attempt
-- of the same trace starts (events in between belong to it) and how it ended. start_k and
-- next_start_k bound it by time, or by file order (seq) in a trace without time stamps, so
-- that its events are still counted there.
CREATE OR REPLACE VIEW migration_attempts AS
WITH a AS (
  SELECT any_value(run_id) AS run_id, trace_id, any_value(side) AS side, attempt,
         min(ts_ns) AS start_ts_ns,
         coalesce(min(ts_ns), min(seq)) AS start_k,
         coalesce(arg_max(state, ts_ns), arg_max(state, seq)) AS last_state,
         min(ts_ns) FILTER (WHERE state IN ('completed', 'failed', 'cancelled')) AS terminal_ts_ns,
         bool_or(state LIKE 'postcopy%') AS postcopy
  FROM migration_states
  GROUP BY trace_id, attempt
)
SELECT run_id, trace_id, side, attempt, start_ts_ns,
       lead(start_ts_ns) OVER (PARTITION BY trace_id ORDER BY attempt) AS next_start_ts_ns,
       last_state AS final_state, terminal_ts_ns, postcopy,
       start_k, lead(start_k) OVER (PARTITION BY trace_id ORDER BY attempt) AS next_start_k
FROM a;
