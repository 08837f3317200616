-- Creates the temp table `group_names` (source, cluster, project, name, group_key): the
-- sweeps ($by = 'sweep') or runs ($by = 'run') of the counted jobs whose key is not simply
-- `project/name`; no row for another $by.
-- A sweep or run is named within its source, cluster and project: two MLflow experiments'
-- parent runs `lr-sweep`, or array job 7000 on two clusters, are two groups. Its key is
-- `project/name`; only when several groups share that, `project/name@cluster` if their
-- clusters tell them apart, else `project/name@source:cluster`. Every stored job counts
-- (running ones too), so a key does not change with a command's filters. Only the shared
-- names are kept: they are few, and a summary of a million groups joins them at no cost.
CREATE OR REPLACE TEMP TABLE group_names AS
WITH named AS (
    SELECT
        source,
        cluster,
        coalesce(project, '(none)') AS project,
        CASE $by WHEN 'sweep' THEN coalesce(sweep, '(none)') ELSE coalesce(run, job_id) END
            AS name
    FROM counted_jobs
    WHERE $by IN ('sweep', 'run')
),
shared AS (
    -- the smallest and largest hash of (source, cluster) differ: one cheap pass over the
    -- jobs, where a count of distinct pairs or min and max of strings take twice as long
    SELECT project, name
    FROM named
    GROUP BY ALL
    HAVING min(hash(source, cluster)) <> max(hash(source, cluster))
),
groups AS (
    SELECT DISTINCT n.source, n.cluster, n.project, n.name
    FROM named n
    SEMI JOIN shared s ON s.project = n.project AND s.name = n.name
),
differ AS (
    SELECT project, name, count(DISTINCT cluster) = count(*) AS clusters_differ
    FROM groups
    GROUP BY ALL
)
SELECT
    g.source, g.cluster, g.project, g.name,
    g.project || '/' || g.name || '@'
        || CASE WHEN d.clusters_differ THEN g.cluster ELSE g.source || ':' || g.cluster END
        AS group_key
FROM groups g
JOIN differ d ON d.project = g.project AND d.name = g.name;
