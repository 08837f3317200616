-- Returns what the temp view `footprint` lacks or defaulted, one row per kind and key:
-- (kind, key, detail, jobs, example_uid). Kinds: gpu_model (key: partition, detail: cluster),
-- gpu_power (key: GPU), no_grid (key: cluster), grid (key: region, detail: where it was set),
-- price (key: cloud GPU, detail: price table), gpu_power_default, carbon_default,
-- mig_table (key: the MIG profile logged, detail: the GPU the profile table gave it).
WITH flagged AS MATERIALIZED (  -- one pass over the view; usually few rows
    SELECT
        uid, cluster, partition, gpu_model, grid, grid_origin, cloud_gpu, cloud_prices,
        gpu_power_gap, price_gap, logged_gpu_model, gpu_from_mig_table,
        gpu_model_missing, gpu_power_missing, carbon_missing, price_missing,
        gpu_power_defaulted, carbon_defaulted
    FROM footprint
    WHERE may_lack AND (gpu_model_missing OR gpu_power_missing OR carbon_missing OR price_missing
        OR gpu_power_defaulted OR carbon_defaulted OR gpu_from_mig_table)
)
SELECT kind, key, detail, count(*) AS jobs, min(uid) AS example_uid
FROM (
    SELECT 'gpu_model' AS kind, partition AS key, cluster AS detail, uid
    FROM flagged WHERE gpu_model_missing
    UNION ALL
    -- a key of several models names the first card without a power or a price
    SELECT 'gpu_power', coalesce(gpu_power_gap, gpu_model), NULL, uid
    FROM flagged WHERE gpu_power_missing
    UNION ALL
    SELECT 'no_grid', cluster, NULL, uid FROM flagged WHERE carbon_missing AND grid IS NULL
    UNION ALL
    SELECT 'grid', grid, grid_origin, uid FROM flagged WHERE carbon_missing AND grid IS NOT NULL
    UNION ALL
    SELECT 'price', coalesce(price_gap, cloud_gpu), cloud_prices, uid
    FROM flagged WHERE price_missing
    UNION ALL
    SELECT 'gpu_power_default', gpu_model, NULL, uid FROM flagged WHERE gpu_power_defaulted
    UNION ALL
    SELECT 'carbon_default', grid, NULL, uid FROM flagged WHERE carbon_defaulted
    UNION ALL
    SELECT 'mig_table', logged_gpu_model, gpu_model, uid FROM flagged WHERE gpu_from_mig_table
)
GROUP BY ALL
ORDER BY kind, key NULLS FIRST, detail NULLS FIRST;
