-- Returns (final_run, final_known, tune_source, tune_cluster, tune_sweep, tune_key) for the
-- jobs of the temp table `footprint` (the one project $project). final_run is $final when
-- given, else the median completed run by GPU-hours; the tune is the median sweep of two or
-- more runs by GPU-hours (NULLs when there is none), a sweep being one of its source, cluster
-- and name, keyed as in the temp table `group_names` (group_names.sql). Medians are the lower
-- middle one when their number is even, ties by name. A run is a job's `run`, else its
-- job_id; a job with no state counts as completed. Runs without GPU-hours (CPU jobs, jobs
-- that never started) are no model of a GPU project's cost, so the median final run is over
-- the runs that used GPUs.
WITH runs AS (
    SELECT
        coalesce(run, job_id) AS run_id,
        fsum(gpu_hours) AS gpu_hours,
        bool_and(coalesce(state, 'COMPLETED') = 'COMPLETED') AS completed
    FROM footprint
    GROUP BY ALL
),
sweeps AS (
    SELECT source, cluster, sweep, fsum(gpu_hours) AS gpu_hours
    FROM footprint
    WHERE sweep IS NOT NULL AND sweep <> '(none)'
    GROUP BY ALL
    HAVING count(DISTINCT coalesce(run, job_id)) >= 2
),
median_sweep AS (
    SELECT list(
        {'source': source, 'cluster': cluster, 'sweep': sweep}
        ORDER BY gpu_hours, sweep, cluster, source
    )[(count(*) + 1) // 2] AS s
    FROM sweeps
)
SELECT
    coalesce(
        $final,
        (SELECT list(run_id ORDER BY gpu_hours, run_id)[(count(*) + 1) // 2]
         FROM runs WHERE completed AND gpu_hours > 0)
    ) AS final_run,
    $final IS NULL OR $final IN (SELECT run_id FROM runs) AS final_known,
    m.s.source AS tune_source,
    m.s.cluster AS tune_cluster,
    m.s.sweep AS tune_sweep,
    CASE WHEN m.s IS NOT NULL
        THEN coalesce(n.group_key, coalesce($project, '(none)') || '/' || m.s.sweep)
    END AS tune_key
FROM median_sweep m
LEFT JOIN group_names n
    ON n.source = m.s.source AND n.cluster = m.s.cluster
    AND n.project = coalesce($project, '(none)') AND n.name = m.s.sweep;
