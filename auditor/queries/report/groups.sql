-- Returns the jobs of the temp table `report_base` grouped by $by (project, sweep, user,
-- month, gpu_model, state or all): group_key, project (of a sweep, else NULL), jobs, runs,
-- gpu_hours, energy_kwh, measured_energy_kwh, co2e_kg, cloud_cost_usd_low|high (NULL when one
-- of the group's jobs has no price: a partial sum would mislead), electricity_cost_usd,
-- measured_share (footprint_sums, footprint/macros.sql), the range of grid intensity and PUE over the jobs that used energy
-- (carbon_min|max_g_per_kwh, pue_min|max) and the first and last month. Sorted by the key ($order = 'key') or by GPU-hours, largest first, then key;
-- at most $limit rows (all when NULL; those summed in full alone). A sweep is keyed as in the temp table `group_names`
-- (summary/group_names.sql): by its project and name, and what tells its store apart where needed.
-- Also embodied_kg, co2e_total_kg (co2e_kg + embodied_kg), water_l and owned_cost_usd (each
-- NULL when one of the group's jobs has none).
WITH keyed AS (
    SELECT
        CASE $by
            WHEN 'project' THEN b.project
            WHEN 'sweep' THEN coalesce(
                n.group_key,
                coalesce(b.project, '(none)') || '/' || coalesce(b.sweep, '(none)'))
            WHEN 'user' THEN b.user_name
            WHEN 'month' THEN b.month
            WHEN 'gpu_model' THEN b.gpu_model
            WHEN 'state' THEN b.state
            WHEN 'all' THEN 'all'
        END AS key_raw,
        CASE WHEN $by = 'sweep' THEN b.project END AS group_project,
        b.*
    FROM report_base b
    LEFT JOIN group_names n
        ON $by = 'sweep' AND n.source = b.source AND n.store = b.store
        AND n.project = coalesce(b.project, '(none)') AND n.name = coalesce(b.sweep, '(none)')
),
top AS (
    -- with $limit by GPU-hours, the groups kept are found by their GPU-hours alone, and only
    -- their jobs are summed in full: a million sweeps' counts of distinct runs and priced
    -- sums cost four times this pass
    SELECT coalesce(key_raw, '(none)') AS group_key, group_project AS project
    FROM keyed
    WHERE $limit IS NOT NULL AND $order <> 'key'
    GROUP BY ALL
    ORDER BY -coalesce(fsum(gpu_hours), 0.0), group_key, project
    LIMIT $limit
)
SELECT * EXCLUDE (sums), sums.*, sums.co2e_kg + embodied_kg AS co2e_total_kg
FROM (
SELECT
    coalesce(key_raw, '(none)') AS group_key,
    group_project AS project,
    count(*) AS jobs,
    -- runs that merely share a name are two (summary/group_names.sql)
    count(DISTINCT {'source': source, 'store': store,
        'run': CASE WHEN source = 'mlflow' THEN uid ELSE run END}) AS runs,
    coalesce(fsum(gpu_hours), 0.0) AS gpu_hours,
    fsum(measured_energy_kwh) AS measured_energy_kwh,
    footprint_sums(energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high,
        price_missing, electricity_cost_usd, measured_energy_kwh) AS sums,
    min(carbon_g_per_kwh) FILTER (WHERE energy_kwh > 0) AS carbon_min_g_per_kwh,
    max(carbon_g_per_kwh) FILTER (WHERE energy_kwh > 0) AS carbon_max_g_per_kwh,
    min(pue) FILTER (WHERE energy_kwh > 0) AS pue_min,
    max(pue) FILTER (WHERE energy_kwh > 0) AS pue_max,
    min(month) AS first_month,
    max(month) AS last_month,
    fsum(embodied_kg) AS embodied_kg,
    priced_sum(water_l, water_missing) AS water_l,
    priced_sum(owned_cost_usd, owned_missing) AS owned_cost_usd
FROM keyed
-- a row's NULL project equals the top row's: DuckDB compares rows field by field, NULLs equal
WHERE $limit IS NULL OR $order = 'key' OR (coalesce(key_raw, '(none)'), group_project) IN (
    SELECT (group_key, project) FROM top)
GROUP BY ALL
)
ORDER BY
    CASE WHEN $order = 'key' THEN NULL ELSE -gpu_hours END,
    group_key, project
LIMIT $limit;
