-- Creates the temp table `rnd_picks`: for each project of the temp view `rnd_jobs`, one row
-- (project, final_source, final_store, final_ident, final_name, final_key, tune_source,
-- tune_store, tune_sweep, tune_key), which summary/rnd_table.sql reads. The final run is the one
-- $final_* name (source, store, ident, name as summary/group_names.sql has them) when given, else
-- the median completed run by GPU-hours; final_key is its name, or its key in the temp table
-- `run_names` (runs, summary/group_names.sql) when another run shares the name. The tune is the
-- sweep $tune_* name (source, store, sweep and key) when given, else the median sweep of two or
-- more runs by GPU-hours (NULLs when there is none), a sweep being one of its store, keyed as in
-- the temp table `group_names` (sweeps). $final_* and $tune_* are given only when `rnd_jobs`
-- holds one project. A run is one run, as summary/group_names.sql counts them: runs that merely
-- share a name are two. Medians are the lower middle one when their number is even, ties by
-- name. A job with no state counts as completed. Runs without GPU-hours (CPU jobs, jobs that
-- never started) are no model of a GPU project's cost, so the median final run is over the
-- runs that used GPUs. Every project at once: the report's R&D tables are one pass, not one
-- per project.
CREATE OR REPLACE TEMP TABLE rnd_picks AS
WITH run_jobs AS NOT MATERIALIZED (
    SELECT
        project, source, store, ident, run_name AS name, gpu_hours,
        coalesce(state, 'COMPLETED') = 'COMPLETED' AS completed,
        hash(project, source, store, ident, run_name) AS run_hash
    FROM rnd_jobs
),
several_runs AS (
    -- the runs of two jobs or more, by a hash of what a run is: most runs are one job, and
    -- one cheap key groups them fast; a shared hash only adds to these
    SELECT run_hash FROM run_jobs GROUP BY run_hash HAVING count(*) >= 2
),
runs AS (
    SELECT project, source, store, ident, name, gpu_hours, completed
    FROM run_jobs
    ANTI JOIN several_runs USING (run_hash)
    UNION ALL
    SELECT project, source, store, ident, name, fsum(gpu_hours), bool_and(completed)
    FROM run_jobs
    SEMI JOIN several_runs USING (run_hash)
    GROUP BY ALL
),
median_run AS (
    -- the lower middle one in the order of the struct's fields, found without a sort
    SELECT project, quantile_disc(
        {'gpu_hours': gpu_hours, 'name': name, 'store': store, 'source': source, 'ident': ident},
        0.5) AS r
    FROM runs
    WHERE completed AND gpu_hours > 0
    GROUP BY project
),
sweep_jobs AS NOT MATERIALIZED (
    SELECT
        project, source, store, sweep, ident, run_name, gpu_hours,
        hash(project, source, store, sweep) AS sweep_hash
    FROM rnd_jobs
    WHERE sweep IS NOT NULL AND sweep <> '(none)'
),
several AS (
    -- the sweeps of two jobs or more, by a hash of what a sweep is: most sweeps of a large
    -- store are one job, and one cheap key groups them fast; a shared hash only adds to these
    SELECT sweep_hash FROM sweep_jobs GROUP BY sweep_hash HAVING count(*) >= 2
),
sweeps AS (
    SELECT project, source, store, sweep, fsum(gpu_hours) AS gpu_hours
    FROM sweep_jobs
    SEMI JOIN several USING (sweep_hash)
    GROUP BY project, source, store, sweep
    -- two runs or more: exact, and a third of the time of counting the distinct runs
    HAVING min({'ident': ident, 'name': run_name}) <> max({'ident': ident, 'name': run_name})
),
median_sweep AS (
    SELECT project, quantile_disc(
        {'gpu_hours': gpu_hours, 'sweep': sweep, 'store': store, 'source': source}, 0.5) AS s
    FROM sweeps
    GROUP BY project
),
picked AS (
    SELECT
        p.project,
        CASE WHEN $final_name IS NULL THEN m.r ELSE {
            'gpu_hours': NULL::DOUBLE, 'name': $final_name, 'store': $final_store,
            'source': $final_source, 'ident': $final_ident} END AS r,
        CASE WHEN $tune_sweep IS NULL THEN t.s ELSE {
            'gpu_hours': NULL::DOUBLE, 'sweep': $tune_sweep, 'store': $tune_store,
            'source': $tune_source} END AS s
    FROM (SELECT DISTINCT project FROM rnd_jobs) p
    LEFT JOIN median_run m ON m.project IS NOT DISTINCT FROM p.project
    LEFT JOIN median_sweep t ON t.project IS NOT DISTINCT FROM p.project
)
SELECT
    f.project,
    f.r.source AS final_source,
    f.r.store AS final_store,
    f.r.ident AS final_ident,
    f.r.name AS final_name,
    coalesce(rn.group_key, f.r.name) AS final_key,
    f.s.source AS tune_source,
    f.s.store AS tune_store,
    f.s.sweep AS tune_sweep,
    CASE WHEN f.s IS NOT NULL
        THEN coalesce($tune_key, n.group_key, coalesce(f.project, '(none)') || '/' || f.s.sweep)
    END AS tune_key
FROM picked f
LEFT JOIN run_names rn
    ON rn.source = f.r.source AND rn.store = f.r.store
    AND rn.project = coalesce(f.project, '(none)') AND rn.ident = f.r.ident
    AND rn.name = f.r.name
LEFT JOIN group_names n
    ON n.source = f.s.source AND n.store = f.s.store
    AND n.project = coalesce(f.project, '(none)') AND n.name = f.s.sweep;
