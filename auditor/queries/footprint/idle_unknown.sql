-- Returns the jobs of the temp view `footprint` whose GPUs' mean use is known but whose GPU
-- model has no idle power, so the utilisation model could not be used (util_without_idle),
-- as footprint/problems.sql's rows (each project's with $by_project): (project, kind
-- 'util_without_idle', key: the GPU model, or the first card of several without one,
-- detail, cluster, jobs, example_uid). Its own pass: a narrow one over the view, where
-- problems.sql's would compute every flag.
SELECT
    CASE WHEN $by_project THEN project END AS project,
    'util_without_idle' AS kind, gpu_idle_gap AS key, NULL AS detail, NULL AS cluster,
    count(*) AS jobs, min(uid) AS example_uid
FROM footprint
WHERE util_without_idle
GROUP BY ALL
ORDER BY project, key NULLS FIRST;
