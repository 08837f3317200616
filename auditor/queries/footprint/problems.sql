-- Returns what the temp view `footprint` lacks or defaulted, one row per kind and key:
-- (project, kind, key, detail, cluster, jobs, example_uid); project is NULL unless
-- $by_project, which gives each project's rows. Kinds: gpu_model (key: partition, detail:
-- cluster), gpu_power (key: GPU), no_grid (key: cluster), grid (key: region, detail: where it
-- was set, cluster: the jobs' cluster), price (key: cloud GPU, detail: price table),
-- gpu_power_default, carbon_default, grid_filled (key: the job log's region the tables lack,
-- detail: the setting that filled it, cluster), electricity_default (key: the grid's country
-- that has no price), mig_table (key: the MIG profile logged, detail: the GPU the profile
-- table gave it), water (key: the grid's country that has no EWIF, NULL for none).
WITH flagged AS MATERIALIZED (  -- one pass over the view; usually few rows
    SELECT
        uid, CASE WHEN $by_project THEN project END AS project, cluster, partition,
        gpu_model, grid, grid_origin, cloud_gpu, cloud_prices,
        gpu_power_gap, price_gap, logged_gpu_model, gpu_from_mig_table,
        gpu_model_missing, gpu_power_missing, carbon_missing, price_missing,
        gpu_power_defaulted, carbon_defaulted,
        CASE WHEN coalesce(energy_kwh > 0, TRUE) THEN unknown_job_grid END AS filled_grid,
        CASE WHEN coalesce(energy_kwh > 0, TRUE) THEN elec_unpriced_country END
            AS unpriced_country,
        water_missing, water_country
    FROM footprint
    WHERE may_lack AND (gpu_model_missing OR gpu_power_missing OR carbon_missing OR price_missing
        OR gpu_power_defaulted OR carbon_defaulted OR gpu_from_mig_table
        OR unknown_job_grid IS NOT NULL OR elec_unpriced_country IS NOT NULL OR water_missing)
)
SELECT project, kind, key, detail, cluster, count(*) AS jobs, min(uid) AS example_uid
FROM (
    SELECT 'gpu_model' AS kind, partition AS key, cluster AS detail, NULL AS cluster, uid, project
    FROM flagged WHERE gpu_model_missing
    UNION ALL
    -- a key of several models names the first card without a power or a price
    SELECT 'gpu_power', coalesce(gpu_power_gap, gpu_model), NULL, NULL, uid, project
    FROM flagged WHERE gpu_power_missing
    UNION ALL
    SELECT 'no_grid', cluster, NULL, cluster, uid, project
    FROM flagged WHERE carbon_missing AND grid IS NULL
    UNION ALL
    SELECT 'grid', grid, grid_origin, cluster, uid, project
    FROM flagged WHERE carbon_missing AND grid IS NOT NULL
    UNION ALL
    SELECT 'price', coalesce(price_gap, cloud_gpu), cloud_prices, NULL, uid, project
    FROM flagged WHERE price_missing
    UNION ALL
    SELECT 'gpu_power_default', gpu_model, NULL, NULL, uid, project
    FROM flagged WHERE gpu_power_defaulted
    UNION ALL
    SELECT 'carbon_default', grid, NULL, NULL, uid, project FROM flagged WHERE carbon_defaulted
    UNION ALL
    SELECT 'grid_filled', filled_grid, grid_origin, cluster, uid, project
    FROM flagged WHERE filled_grid IS NOT NULL AND NOT carbon_missing
    UNION ALL
    SELECT 'electricity_default', unpriced_country, NULL, NULL, uid, project
    FROM flagged WHERE unpriced_country IS NOT NULL
    UNION ALL
    SELECT 'mig_table', logged_gpu_model, gpu_model, NULL, uid, project
    FROM flagged WHERE gpu_from_mig_table
    UNION ALL
    SELECT 'water', water_country, NULL, NULL, uid, project FROM flagged WHERE water_missing
)
GROUP BY ALL
ORDER BY project, kind, key NULLS FIRST, detail NULLS FIRST, cluster NULLS FIRST;
