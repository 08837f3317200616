-- Creates the temp table {{names}} as summary/group_names.sql does, from the keys the lake
-- holds (sweep_key, run_key: computed at export over every counted job): the sweeps ($by =
-- 'sweep') or runs ($by = 'run') whose key is not simply `project/name`; none for another $by.
CREATE OR REPLACE TEMP TABLE {{names}} AS
SELECT DISTINCT source, store, project, ident, name, group_key
FROM (
    SELECT
        source,
        store_key AS store,
        coalesce(project, '(none)') AS project,
        CASE WHEN $by = 'run' THEN run_ident ELSE '' END AS ident,
        CASE $by WHEN 'sweep' THEN coalesce(sweep, '(none)') ELSE coalesce(run, job_id) END
            AS name,
        CASE $by WHEN 'sweep' THEN sweep_key ELSE run_key END AS group_key
    FROM lake_jobs
    WHERE $by IN ('sweep', 'run')
)
WHERE group_key <> project || '/' || name;
