-- Creates the temp table `group_names` (source, cluster, project, name, group_key): one row
-- per sweep ($by = 'sweep') or run ($by = 'run') of the counted jobs, none for another $by.
-- A sweep or run is named within its source, cluster and project: two MLflow experiments'
-- parent runs `lr-sweep`, or array job 7000 on two clusters, are two groups. Its key is
-- `project/name`; only when several groups share that, `project/name@cluster` if their
-- clusters tell them apart, else `project/name@source:cluster`. Every stored job counts
-- (running ones too), so a key does not change with a command's filters.
CREATE OR REPLACE TEMP TABLE group_names AS
WITH named AS (
    SELECT DISTINCT
        source,
        cluster,
        coalesce(project, '(none)') AS project,
        CASE $by WHEN 'sweep' THEN coalesce(sweep, '(none)') ELSE coalesce(run, job_id) END
            AS name
    FROM counted_jobs
    WHERE $by IN ('sweep', 'run')
),
shared AS (
    -- the few (project, name) pairs that more than one group has
    SELECT project, name, count(DISTINCT cluster) = count(*) AS clusters_differ
    FROM named
    GROUP BY ALL
    HAVING count(*) > 1
)
SELECT
    n.source, n.cluster, n.project, n.name,
    n.project || '/' || n.name || CASE
        WHEN s.project IS NULL THEN ''
        WHEN s.clusters_differ THEN '@' || n.cluster
        ELSE '@' || n.source || ':' || n.cluster
    END AS group_key
FROM named n
LEFT JOIN shared s USING (project, name);
