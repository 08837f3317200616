-- Returns the R&D table of Strubell et al. 2019 (their Table 4) for the jobs of the temp view
-- `rnd_jobs` (summary/rnd_jobs.sql, one project): a row for the run $final_* name ('model', named $final_key), one
-- for the sweep $tune_sweep of the store $tune_source and $tune_store ('tune', named by its
-- key $tune_key) and one for the whole project, each with (scope, name, models, gpu_hours,
-- cloud_cost_usd_low, cloud_cost_usd_high, electricity_cost_usd, energy_kwh, co2e_kg).
-- Runs and stores are as in summary/group_names.sql. models counts distinct runs; a cloud cost is
-- NULL when one of the jobs has no price.
WITH scoped AS (
    SELECT 1 AS ord, 'model' AS scope, $final_key AS name, *
    FROM rnd_jobs
    WHERE source = $final_source AND store = $final_store AND ident = $final_ident
        AND run_name = $final_name
    UNION ALL
    SELECT 2, 'tune', $tune_key, * FROM rnd_jobs
    WHERE source = $tune_source AND store = $tune_store AND sweep = $tune_sweep
    UNION ALL
    SELECT 3, 'project', project, * FROM rnd_jobs
)
SELECT
    scope,
    name,
    count(DISTINCT {'source': source, 'store': store, 'ident': ident, 'name': run_name})
        AS models,
    fsum(gpu_hours) AS gpu_hours,
    priced_sum(cloud_cost_usd_low, price_missing) AS cloud_cost_usd_low,
    priced_sum(cloud_cost_usd_high, price_missing) AS cloud_cost_usd_high,
    fsum(electricity_cost_usd) AS electricity_cost_usd,
    fsum(energy_kwh) AS energy_kwh,
    fsum(co2e_kg) AS co2e_kg
FROM scoped
GROUP BY ord, scope, name
ORDER BY ord;
