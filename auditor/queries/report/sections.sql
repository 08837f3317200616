-- Returns the groupings of the report's sections over the temp view `report_base`, one row
-- per group: section ('all', 'project', 'month', 'gpu_model', 'user', 'state'), group_key
-- (the project, month, GPU model, user or state; 'all' for the one row of 'all'; '(none)'
-- for none), project (NULL: a sweep's in report/top_sweeps.sql), runs and the figures of
-- group_figures (report/macros.sql). Sorted by section, then by GPU-hours, largest first,
-- for 'gpu_model' and 'user', then by key. One pass for every section's figures (grouping
-- sets). Runs are distinct (runs that merely share a name are two,
-- summary/group_names.sql): a group's runs are its jobs, less the jobs of runs of several
-- jobs, plus those runs counted distinct, per section, over their jobs alone. A distinct
-- count over every job costs more than all the rest, per section, and most runs are one
-- job.
WITH shared AS (
    -- the runs of more than one job of the report, by a hash of run_key: one cheap key
    -- groups a million runs fast; a shared hash only adds runs of one job, which the
    -- distinct counts below count right
    SELECT hash(run_key) AS run_hash FROM report_base GROUP BY run_hash HAVING count(*) > 1
),
keyed AS NOT MATERIALIZED (
    -- a NULL key and the name '(none)' are one group, as every summary shows them
    SELECT
        *,
        coalesce(project, '(none)') AS project_key,
        coalesce(month, '(none)') AS month_key,
        coalesce(user_name, '(none)') AS user_key
    FROM report_base
),
figures AS (
    -- grouping_id sets a bit for each key a set leaves out, the first key the highest: 31
    -- leaves out all five, 15 all but project_key, 30 all but state
    SELECT
        CASE grouping_id(project_key, month_key, gpu_model, user_key, state)
            WHEN 31 THEN 'all'
            WHEN 15 THEN 'project'
            WHEN 23 THEN 'month'
            WHEN 27 THEN 'gpu_model'
            WHEN 29 THEN 'user'
            WHEN 30 THEN 'state'
        END AS section,
        CASE grouping_id(project_key, month_key, gpu_model, user_key, state)
            WHEN 31 THEN 'all'
            WHEN 15 THEN project_key
            WHEN 23 THEN month_key
            WHEN 27 THEN gpu_model
            WHEN 29 THEN user_key
            WHEN 30 THEN state
        END AS group_key,
        group_figures(gpu_hours, measured_energy_kwh, energy_kwh, co2e_kg, cloud_cost_usd_low,
            cloud_cost_usd_high, price_missing, electricity_cost_usd, carbon_g_per_kwh, pue,
            month, embodied_kg, water_l, water_missing, owned_cost_usd, owned_missing)
            AS figures
    FROM keyed
    GROUP BY GROUPING SETS ((), (project_key), (month_key), (gpu_model), (user_key), (state))
),
shared_jobs AS MATERIALIZED (
    SELECT project_key, month_key, gpu_model, user_key, state, run_key
    FROM keyed
    WHERE hash(run_key) IN (SELECT run_hash FROM shared)
),
shared_runs AS (
    -- each group's jobs of runs of several jobs, and those runs
    SELECT 'all' AS section, 'all' AS group_key, count(*) AS jobs,
        count(DISTINCT run_key) AS runs
    FROM shared_jobs
    UNION ALL
    SELECT 'project', project_key, count(*), count(DISTINCT run_key)
    FROM shared_jobs GROUP BY project_key
    UNION ALL
    SELECT 'month', month_key, count(*), count(DISTINCT run_key)
    FROM shared_jobs GROUP BY month_key
    UNION ALL
    SELECT 'gpu_model', gpu_model, count(*), count(DISTINCT run_key)
    FROM shared_jobs GROUP BY gpu_model
    UNION ALL
    SELECT 'user', user_key, count(*), count(DISTINCT run_key) FROM shared_jobs GROUP BY user_key
    UNION ALL
    SELECT 'state', state, count(*), count(DISTINCT run_key) FROM shared_jobs GROUP BY state
)
SELECT * EXCLUDE (sums), sums.*
FROM (
    SELECT
        f.section, f.group_key, NULL::VARCHAR AS project,
        f.figures.jobs - coalesce(r.jobs, 0) + coalesce(r.runs, 0) AS runs,
        figures.*
    FROM figures f
    LEFT JOIN shared_runs r USING (section, group_key)
)
ORDER BY
    section,
    CASE WHEN section IN ('gpu_model', 'user') THEN -gpu_hours END,
    group_key;
