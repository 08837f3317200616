-- Spark SQL, not DuckDB: returns (jobs, gpu_hours) of the rows of the temp view `lake_jobs`
-- still running, which totals leave out unless asked, as footprint/running_left_out.sql
-- counts them; :project (NULL: all) keeps one project.
SELECT
    count(*) AS jobs,
    coalesce(sum(coalesce(gpus, 0.0D) * greatest(coalesce(elapsed_s, 0.0D), 0.0D)), 0.0D)
        / 3600.0D AS gpu_hours
FROM lake_jobs
WHERE running AND (:project IS NULL OR project = :project)
