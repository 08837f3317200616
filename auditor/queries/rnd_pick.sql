-- Returns (final_run, tune_sweep, final_known, tune_known) for the jobs of the temp table
-- `footprint` (one project). $final and $tune when given; otherwise the median completed run
-- and the median sweep of two or more runs, both by GPU-hours (the lower middle one when
-- their number is even, ties by name). A run is a job's `run`, else its job_id; a job with
-- no state counts as completed. Runs without GPU-hours (CPU jobs, jobs that never started)
-- are no model of a GPU project's cost, so the median is over the runs that used GPUs.
WITH runs AS (
    SELECT
        coalesce(run, job_id) AS run_id,
        fsum(gpu_hours) AS gpu_hours,
        bool_and(coalesce(state, 'COMPLETED') = 'COMPLETED') AS completed
    FROM footprint
    GROUP BY ALL
),
sweeps AS (
    SELECT sweep, fsum(gpu_hours) AS gpu_hours
    FROM footprint
    WHERE sweep IS NOT NULL AND sweep <> '(none)'
    GROUP BY ALL
    HAVING count(DISTINCT coalesce(run, job_id)) >= 2
)
SELECT
    coalesce(
        $final,
        (SELECT list(run_id ORDER BY gpu_hours, run_id)[(count(*) + 1) // 2]
         FROM runs WHERE completed AND gpu_hours > 0)
    ) AS final_run,
    coalesce(
        $tune,
        (SELECT list(sweep ORDER BY gpu_hours, sweep)[(count(*) + 1) // 2] FROM sweeps)
    ) AS tune_sweep,
    $final IS NULL OR $final IN (SELECT run_id FROM runs) AS final_known,
    $tune IS NULL OR $tune IN (SELECT sweep FROM footprint) AS tune_known;
