-- Returns the R&D tables of Strubell et al. 2019 (their Table 4) of every project of the temp
-- view `rnd_jobs` (summary/rnd_jobs.sql), with the runs and sweeps the temp table `rnd_picks`
-- (summary/rnd_pick.sql) picked for each: per project, a row for its final run ('model', named
-- final_key), one for its tune sweep ('tune', named by its key tune_key) and one for the whole
-- project, each with (project, scope, name, models, gpu_hours, cloud_cost_usd_low,
-- cloud_cost_usd_high, owned_cost_usd, electricity_cost_usd, energy_kwh, co2e_kg), and the
-- purchase view of the paper (sec. 4.2): wall_clock_days, from the first start to the last end
-- of the row's jobs; gpus_needed = gpu_equiv_hours / its wall-clock hours (the GPUs busy on
-- average); gpus_bought, that rounded up to whole GPUs; purchase_usd = gpus_bought x the price
-- of a GPU (server_usd / gpus_per_server, weighted by GPU-hours where jobs differ). A project
-- without a pick has no such row. Runs and stores are as in summary/group_names.sql. models
-- counts distinct runs; a cost is NULL when one of the jobs has no price. Sorted by project,
-- then model, tune, project.
WITH scoped AS (
    SELECT 1 AS ord, 'model' AS scope, p.final_key AS name, j.*
    FROM rnd_jobs j
    JOIN rnd_picks p
        ON p.project IS NOT DISTINCT FROM j.project AND j.source = p.final_source
        AND j.store = p.final_store AND j.ident = p.final_ident AND j.run_name = p.final_name
    UNION ALL
    SELECT 2, 'tune', p.tune_key, j.*
    FROM rnd_jobs j
    JOIN rnd_picks p
        ON p.project IS NOT DISTINCT FROM j.project AND j.source = p.tune_source
        AND j.store = p.tune_store AND j.sweep = p.tune_sweep
    UNION ALL
    SELECT 3, 'project', project, * FROM rnd_jobs
)
SELECT
    project,
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
GROUP BY project, ord, scope, name
ORDER BY project, ord;
