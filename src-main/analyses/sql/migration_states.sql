-- migration_states: every migration state change (migrate_set_state) per trace, with the
-- previous state, the time spent in the new state and the attempt it belongs to.
-- An attempt starts at the first state change of a trace, after a terminal state
-- (completed/failed/cancelled) and whenever the state becomes 'setup' again (QEMU's
-- migrate_init sets none -> setup for every new `migrate` command).
CREATE OR REPLACE VIEW migration_states AS
WITH s AS (
  SELECT trace_id, side, seq, ts_ns, tid, new_state AS state,
         lag(new_state) OVER (PARTITION BY trace_id ORDER BY ts_ns, seq) AS prev_state,
         lead(ts_ns) OVER (PARTITION BY trace_id ORDER BY ts_ns, seq) AS next_ts_ns
  FROM {{events migrate_set_state: new_state VARCHAR}}
)
SELECT (SELECT t.run_id FROM traces t WHERE t.trace_id = s.trace_id) AS run_id, trace_id, side,
       sum(CASE WHEN prev_state IS NULL
                  OR prev_state IN ('none', 'completed', 'failed', 'cancelled')
                  OR (state = 'setup' AND prev_state <> 'setup') THEN 1 ELSE 0 END)
         OVER (PARTITION BY trace_id ORDER BY ts_ns, seq)::INTEGER AS attempt,
       seq, ts_ns, tid, prev_state, state, next_ts_ns,
       (next_ts_ns - ts_ns) / 1e6 AS ms_in_state
FROM s;
