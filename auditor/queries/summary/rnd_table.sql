-- Returns the R&D table of Strubell et al. 2019 (their Table 4) for the jobs of the temp view
-- `rnd_jobs` (summary/rnd_jobs.sql, one project): a row for the run $final_* name ('model', named $final_key), one
-- for the sweep $tune_sweep of the store $tune_source and $tune_store ('tune', named by its
-- key $tune_key) and one for the whole project, each with (scope, name, models, gpu_hours,
-- cloud_cost_usd_low, cloud_cost_usd_high, owned_cost_usd, electricity_cost_usd, energy_kwh,
-- co2e_kg), and the purchase view of the paper (sec. 4.2): wall_clock_days, from the first
-- start to the last end of the row's jobs; gpus_needed = gpu_equiv_hours / its wall-clock
-- hours (the GPUs busy on average); gpus_bought, that rounded up to whole GPUs; purchase_usd =
-- gpus_bought x the price of a GPU (server_usd / gpus_per_server, weighted by GPU-hours where
-- jobs differ). Runs and stores are as in summary/group_names.sql. models counts distinct
-- runs; a cost is NULL when one of the jobs has no price.
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
    priced_sum(owned_cost_usd, owned_missing) AS owned_cost_usd,
    fsum(electricity_cost_usd) AS electricity_cost_usd,
    fsum(energy_kwh) AS energy_kwh,
    fsum(co2e_kg) AS co2e_kg,
    (epoch(max(end_ts)) - epoch(min(start_ts))) / 86400.0 AS wall_clock_days,
    fsum(gpu_equiv_hours) / nullif(wall_clock_days * 24, 0) AS gpus_needed,
    ceil(round(gpus_needed, 9)) AS gpus_bought,  -- not 3 for 2.0000000000001
    gpus_bought * CASE WHEN NOT bool_or(gpu_equiv_hours > 0 AND server_usd IS NULL)
        THEN fsum(gpu_equiv_hours * server_usd / gpus_per_server) / nullif(fsum(gpu_equiv_hours), 0)
        END AS purchase_usd
FROM scoped
GROUP BY ord, scope, name
ORDER BY ord;
