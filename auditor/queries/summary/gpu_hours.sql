-- Returns one row per group (group_key, project, jobs, gpu_hours, gpu_equiv_hours), sorted by
-- the key. gpu_equiv_hours counts a MIG slice as its share of its GPU (gpu_fraction,
-- macros.sql). $by picks the grouping; jobs still running are left out unless
-- $include_running. A sweep or run is keyed as in the temp table `group_names`
-- (summary/group_names.sql), with its project; for other groupings project is NULL.
WITH keyed AS (
    SELECT
        CASE $by
            WHEN 'project' THEN project
            WHEN 'sweep' THEN coalesce(sweep, '(none)')
            WHEN 'run' THEN coalesce(run, job_id)
            WHEN 'user' THEN user_name
            WHEN 'month' THEN strftime(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)), '%Y-%m')
            WHEN 'gpu_model' THEN gpu_model
            WHEN 'state' THEN state
        END AS group_key,
        -- a sweep is one of its store and project, a run one run (summary/group_names.sql)
        CASE WHEN $by IN ('sweep', 'run') THEN coalesce(project, '(none)') END AS group_project,
        CASE WHEN $by IN ('sweep', 'run') THEN source END AS group_source,
        CASE WHEN $by IN ('sweep', 'run')
            THEN group_store(source, src_file, cluster) END AS group_store,
        CASE WHEN $by = 'run' THEN run_ident(source, job_id) ELSE '' END AS group_ident,
        *
    FROM counted_jobs
    WHERE ($project IS NULL OR project = $project)
      AND ($include_running OR NOT running)
),
grouped AS (
SELECT
    coalesce(group_key, '(none)') AS group_key,
    group_project,
    group_source,
    group_store,
    group_ident,
    count(*) AS jobs,
    fsum(coalesce(gpus, 0) * elapsed_s) / 3600.0 AS gpu_hours,
    fsum(coalesce(gpus, 0) * elapsed_s * gpu_fraction(gpu_model)) / 3600.0 AS gpu_equiv_hours
FROM keyed
GROUP BY ALL
)
SELECT
    CASE WHEN $by IN ('sweep', 'run')
        THEN coalesce(n.group_key, g.group_project || '/' || g.group_key)
        ELSE g.group_key END AS group_key,
    g.group_project AS project,
    g.* EXCLUDE (group_key, group_project, group_source, group_store, group_ident)
FROM grouped g
LEFT JOIN group_names n
    ON n.source = g.group_source AND n.store = g.group_store AND n.project = g.group_project
    AND n.ident = g.group_ident AND n.name = g.group_key
ORDER BY 1, 2;
