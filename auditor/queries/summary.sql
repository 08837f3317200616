-- Returns one row per group (group_key, jobs, gpu_hours, gpu_equiv_hours), sorted by the key.
-- gpu_equiv_hours counts a MIG slice as its share of its GPU (gpu_fraction, macros.sql).
-- $by picks the grouping; jobs still running are left out unless $include_running.
WITH keyed AS (
    SELECT
        CASE $by
            WHEN 'project' THEN project
            WHEN 'sweep' THEN sweep
            WHEN 'run' THEN cluster || ':' || run
            WHEN 'user' THEN user_name
            WHEN 'month' THEN strftime(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)), '%Y-%m')
            WHEN 'gpu_model' THEN gpu_model
            WHEN 'state' THEN state
        END AS group_key,
        *
    FROM counted_jobs
    WHERE ($project IS NULL OR project = $project)
      AND ($include_running OR NOT running)
)
SELECT
    coalesce(group_key, '(none)') AS group_key,
    count(*) AS jobs,
    fsum(coalesce(gpus, 0) * elapsed_s) / 3600.0 AS gpu_hours,
    fsum(coalesce(gpus, 0) * elapsed_s * gpu_fraction(gpu_model)) / 3600.0 AS gpu_equiv_hours
FROM keyed
GROUP BY ALL
ORDER BY group_key;
