-- Returns the $limit sweeps of the temp view `report_base` with the most GPU-hours, largest
-- first, then by key: group_key, project, runs (distinct, as report/sections.sql counts
-- them) and the figures of group_figures (report/macros.sql). A sweep is keyed as in the
-- temp table `group_names` (summary/group_names.sql): by its project and name, and what
-- tells its store apart where needed; jobs without a sweep are the sweep '(none)' of their
-- project.
WITH keyed AS NOT MATERIALIZED (
    SELECT
        coalesce(
            n.group_key,
            coalesce(b.project, '(none)') || '/' || coalesce(b.sweep, '(none)')) AS group_key,
        b.*
    FROM report_base b
    LEFT JOIN group_names n
        ON n.source = b.source AND n.store = b.store
        AND n.project = coalesce(b.project, '(none)') AND n.name = coalesce(b.sweep, '(none)')
),
top AS (
    -- the sweeps kept are found by their GPU-hours alone, and only their jobs are summed in
    -- full: a million sweeps' counts of distinct runs and priced sums cost four times this
    SELECT group_key, project
    FROM keyed
    GROUP BY ALL
    ORDER BY -coalesce(fsum(gpu_hours), 0.0), group_key, project
    LIMIT $limit
)
SELECT * EXCLUDE (sums), sums.*
FROM (
    SELECT group_key, project, runs, figures.*
    FROM (
        SELECT
            group_key,
            project,
            count(DISTINCT run_key) AS runs,
            group_figures(gpu_hours, measured_energy_kwh, energy_kwh, co2e_kg,
                cloud_cost_usd_low, cloud_cost_usd_high, price_missing, electricity_cost_usd,
                carbon_g_per_kwh, pue, month, embodied_kg, water_l, water_missing,
                owned_cost_usd, owned_missing) AS figures
        FROM keyed
        -- a row's NULL project equals the top row's: DuckDB compares rows field by field,
        -- NULLs equal
        WHERE (group_key, project) IN (SELECT (group_key, project) FROM top)
        GROUP BY ALL
    )
)
ORDER BY -gpu_hours, group_key, project;
