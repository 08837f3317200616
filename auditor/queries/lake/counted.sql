-- Redefines the view `counted_jobs` of an in-memory store as the lake's rows (the temp view
-- `jobs`, lake/tagged.sql): what the lake holds is what was counted, so the queries that
-- read counted_jobs (footprint/running_left_out.sql ...) read the lake.
CREATE OR REPLACE VIEW counted_jobs AS SELECT * FROM jobs;
