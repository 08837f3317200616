-- Returns the sweeps ($by = 'sweep') or runs ($by = 'run') of the counted jobs that $ident
-- names, by their key or by their bare name, within $project when it is given: (source,
-- store, project, ident, name, group_key, exact), exact when $ident is the key. Groups and
-- keys are as in summary/group_names.sql, whose temp table {{names}} holds the keys that are not
-- simply `project/name`. Sorted by key.
WITH named AS (
    SELECT DISTINCT
        source,
        group_store(source, src_file, cluster) AS store,
        coalesce(project, '(none)') AS project,
        CASE WHEN $by = 'run' THEN run_ident(source, job_id) ELSE '' END AS ident,
        CASE $by WHEN 'sweep' THEN coalesce(sweep, '(none)') ELSE coalesce(run, job_id) END
            AS name
    FROM counted_jobs
    WHERE $project IS NULL OR project = $project
),
keyed AS (
    SELECT n.*, coalesce(g.group_key, n.project || '/' || n.name) AS group_key
    FROM named n
    LEFT JOIN {{names}} g
        ON g.source = n.source AND g.store = n.store AND g.project = n.project
        AND g.ident = n.ident AND g.name = n.name
)
SELECT source, store, project, ident, name, group_key, group_key = $ident AS exact
FROM keyed
WHERE group_key = $ident OR name = $ident
ORDER BY group_key;
