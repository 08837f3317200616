-- Creates the temp view `rnd_jobs` for summary/rnd_pick.sql and summary/rnd_table.sql: the
-- jobs of the temp view `footprint` (one project, or every project of a report) with where
-- their run lives (store), what tells it from runs of the same name (ident) and its name
-- (run_name), as summary/group_names.sql has them.
CREATE OR REPLACE TEMP VIEW rnd_jobs AS
SELECT
    *,
    group_store(source, src_file, cluster) AS store,
    run_ident(source, job_id) AS ident,
    coalesce(run, job_id) AS run_name
FROM footprint;
