-- Returns the R&D table of Strubell et al. 2019 (their Table 4) for the jobs of the temp table
-- `footprint` (one project): a row for the run $final_* name ('model', named $final_key), one
-- for the sweep $tune_sweep of the store $tune_source and $tune_store ('tune', named by its
-- key $tune_key) and one for the whole project, each with (scope, name, models, gpu_hours,
-- cloud_cost_usd_low, cloud_cost_usd_high, electricity_cost_usd, energy_kwh, co2e_kg).
-- Runs and stores are as in summary/group_names.sql. models counts distinct runs; a cloud cost is
-- NULL when one of the jobs has no price.
WITH jobs AS (
    SELECT
        *,
        group_store(source, src_file, cluster) AS store,
        run_ident(source, job_id) AS ident,
        coalesce(run, job_id) AS run_name
    FROM footprint
),
scoped AS (
    SELECT 1 AS ord, 'model' AS scope, $final_key AS name, *
    FROM jobs
    WHERE source = $final_source AND store = $final_store AND ident = $final_ident
        AND run_name = $final_name
    UNION ALL
    SELECT 2, 'tune', $tune_key, * FROM jobs
    WHERE source = $tune_source AND store = $tune_store AND sweep = $tune_sweep
    UNION ALL
    SELECT 3, 'project', project, * FROM jobs
)
SELECT
    scope,
    name,
    count(DISTINCT {'source': source, 'store': store, 'ident': ident, 'name': run_name})
        AS models,
    fsum(gpu_hours) AS gpu_hours,
    CASE WHEN bool_or(price_missing) THEN NULL ELSE fsum(cloud_cost_usd_low) END
        AS cloud_cost_usd_low,
    CASE WHEN bool_or(price_missing) THEN NULL ELSE fsum(cloud_cost_usd_high) END
        AS cloud_cost_usd_high,
    fsum(electricity_cost_usd) AS electricity_cost_usd,
    fsum(energy_kwh) AS energy_kwh,
    fsum(co2e_kg) AS co2e_kg
FROM scoped
GROUP BY ord, scope, name
ORDER BY ord;
