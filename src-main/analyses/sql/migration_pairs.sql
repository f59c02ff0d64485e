-- migration_pairs: which destination trace belongs to which source trace, so analyses can join
-- the two hosts: the run of each migration (analyses/runs/, the runs table) with the traces
-- analyses use for its sides. How a run was put together is in paired_by: `layout` (one folder
-- held the migration), `stem` (file names equal but for src/dst), `content` (nearest time the
-- migration went active), `single` (one side only: the other column is NULL).
CREATE OR REPLACE VIEW migration_pairs AS
SELECT run_id, src_trace_id, dst_trace_id, paired_by
FROM runs;
