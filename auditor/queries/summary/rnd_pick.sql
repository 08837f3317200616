-- Returns (final_source, final_store, final_ident, final_name, final_key, final_known,
-- tune_source, tune_store, tune_sweep, tune_key) for the jobs of the temp view `rnd_jobs`
-- (the one project $project). The final run is the one $final_* name (source, store, ident,
-- name as summary/group_names.sql has them) when given, else the median completed run by GPU-hours;
-- final_key is its name, or its key in the temp table `run_names` (runs, summary/group_names.sql)
-- when another run shares the name. The tune is the median sweep of two or more runs by
-- GPU-hours (NULLs when there is none), a sweep being one of its store, keyed as in the temp
-- table `group_names` (sweeps). A run is one run, as summary/group_names.sql counts them: runs that
-- merely share a name are two. Medians are the lower middle one when their number is even,
-- ties by name. A job with no state counts as completed. Runs without GPU-hours (CPU jobs,
-- jobs that never started) are no model of a GPU project's cost, so the median final run is
-- over the runs that used GPUs.
WITH runs AS (
    SELECT
        source, store, ident, run_name AS name,
        fsum(gpu_hours) AS gpu_hours,
        bool_and(coalesce(state, 'COMPLETED') = 'COMPLETED') AS completed
    FROM rnd_jobs
    GROUP BY ALL
),
median_run AS (
    SELECT list(
        {'source': source, 'store': store, 'ident': ident, 'name': name}
        ORDER BY gpu_hours, name, store, source, ident
    )[(count(*) + 1) // 2] AS r
    FROM runs
    WHERE completed AND gpu_hours > 0
),
final AS (
    SELECT CASE WHEN $final_name IS NULL THEN m.r ELSE {
        'source': $final_source, 'store': $final_store, 'ident': $final_ident,
        'name': $final_name} END AS r
    FROM median_run m
),
sweeps AS (
    SELECT source, store, sweep, fsum(gpu_hours) AS gpu_hours
    FROM rnd_jobs
    WHERE sweep IS NOT NULL AND sweep <> '(none)'
    GROUP BY ALL
    HAVING count(DISTINCT {'ident': ident, 'name': run_name}) >= 2
),
median_sweep AS (
    SELECT list(
        {'source': source, 'store': store, 'sweep': sweep}
        ORDER BY gpu_hours, sweep, store, source
    )[(count(*) + 1) // 2] AS s
    FROM sweeps
)
SELECT
    f.r.source AS final_source,
    f.r.store AS final_store,
    f.r.ident AS final_ident,
    f.r.name AS final_name,
    coalesce(rn.group_key, f.r.name) AS final_key,
    $final_name IS NULL OR EXISTS (
        SELECT 1 FROM runs u
        WHERE u.source = f.r.source AND u.store = f.r.store AND u.ident = f.r.ident
            AND u.name = f.r.name
    ) AS final_known,
    m.s.source AS tune_source,
    m.s.store AS tune_store,
    m.s.sweep AS tune_sweep,
    CASE WHEN m.s IS NOT NULL
        THEN coalesce(n.group_key, coalesce($project, '(none)') || '/' || m.s.sweep)
    END AS tune_key
FROM final f
CROSS JOIN median_sweep m
LEFT JOIN run_names rn
    ON rn.source = f.r.source AND rn.store = f.r.store
    AND rn.project = coalesce($project, '(none)') AND rn.ident = f.r.ident
    AND rn.name = f.r.name
LEFT JOIN group_names n
    ON n.source = m.s.source AND n.store = m.s.store
    AND n.project = coalesce($project, '(none)') AND n.name = m.s.sweep;
