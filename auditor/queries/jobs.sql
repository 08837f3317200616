-- Returns the stored allocations and runs, one row each, sorted by project, sweep, start.
SELECT
    source, cluster, job_id, run, project, sweep, user_name AS "user", state,
    start_ts, end_ts, elapsed_s, gpus, gpu_model,
    coalesce(gpus, 0) * elapsed_s / 3600.0 AS gpu_hours,
    running, src_file, src_line
FROM counted_jobs
WHERE ($project IS NULL OR project = $project)
  AND ($sweep IS NULL OR sweep = $sweep)
ORDER BY project, sweep, start_ts NULLS LAST, cluster, job_id, uid;
