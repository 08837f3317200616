-- Returns the stored allocations and runs, one row each, sorted by project, sweep, start.
-- $sweep_* name one sweep as summary/group_names.sql does (source, store, project, name), or NULL.
SELECT
    source, cluster, job_id, run, project, sweep, user_name AS "user", state,
    start_ts, end_ts, elapsed_s, gpus, gpu_model,
    coalesce(gpus, 0) * elapsed_s / 3600.0 AS gpu_hours,
    running, src_file, src_line
FROM counted_jobs
WHERE ($project IS NULL OR project = $project)
  AND ($sweep_name IS NULL OR (
      source = $sweep_source
      AND group_store(source, src_file, cluster) = $sweep_store
      AND coalesce(project, '(none)') = $sweep_project
      AND coalesce(sweep, '(none)') = $sweep_name))
ORDER BY project, sweep, start_ts NULLS LAST, cluster, job_id, uid;
