-- Returns the factors the report's jobs used (factor, key, value, unit, source, as_of, jobs):
-- one row per distinct value and source, from the temp table `report_factor_classes` (the
-- report's jobs grouped by factor, report/factor_classes.sql, or a lake's classes,
-- lake/report_classes.sql). Sorted by factor (in the formula's order), key, value and source.
WITH used AS (
    SELECT 1 AS ord, 'pue' AS factor, NULL AS key, pue AS value, 'ratio' AS unit,
        pue_source AS source, pue_as_of AS as_of, jobs
    FROM report_factor_classes WHERE has_hours
    UNION ALL
    SELECT 2, 'gpu_power_w', gpu_model, gpu_power_w, 'W per GPU', gpu_power_source,
        gpu_power_as_of, jobs
    FROM report_factor_classes
    WHERE has_gpus AND has_hours AND energy_source IN ('modeled', 'utilisation-modeled')
    UNION ALL
    SELECT 2.5, 'gpu_idle_w', gpu_model, gpu_idle_w, 'W per GPU', gpu_idle_source,
        gpu_idle_as_of, jobs
    FROM report_factor_classes WHERE has_hours AND energy_source = 'utilisation-modeled'
    UNION ALL
    SELECT 3, 'gpu_use', NULL, gpu_use, 'fraction', gpu_use_source, NULL, jobs
    FROM report_factor_classes
    WHERE has_gpus AND has_hours AND energy_source = 'modeled' AND gpu_util_unknown
    UNION ALL
    SELECT 4, 'cpu_power_w_per_core', NULL, cpu_power_w_per_core, 'W per core',
        cpu_power_source, cpu_power_as_of, jobs
    FROM report_factor_classes WHERE has_hours AND energy_source <> 'measured'
    UNION ALL
    SELECT 5, 'cpu_use', NULL, cpu_use, 'fraction', cpu_use_source, NULL, jobs
    FROM report_factor_classes
    WHERE has_hours AND energy_source <> 'measured' AND cpu_util_unknown
    UNION ALL
    SELECT 6, 'mem_w_per_gb', NULL, mem_w_per_gb, 'W/GB', mem_source, mem_as_of, jobs
    FROM report_factor_classes WHERE has_hours AND energy_source <> 'measured'
    UNION ALL
    -- the annual factor, where it gave all or part of a job's intensity (a stored series the
    -- rest: the next rows)
    SELECT 7, 'carbon_g_per_kwh', grid, carbon_annual_g_per_kwh, 'gCO2e/kWh',
        carbon_annual_source, carbon_as_of, jobs
    FROM report_factor_classes WHERE has_energy AND annual_part
    UNION ALL
    -- a stored series, by its mean over the run time of the report's jobs it covers
    SELECT 7.5, 'intensity_series', series_zone || ' (' || series_kind || ', ' || series_basis
            || ')',
        fsum(series_weighted_s) OVER series / fsum(series_s) OVER series,
        'gCO2e/kWh', 'stored series, its mean over the covered run time of these jobs', NULL,
        jobs
    FROM report_factor_classes WHERE has_energy AND series_part
    WINDOW series AS (PARTITION BY series_zone, series_kind, series_basis)
    UNION ALL
    SELECT 8, 'price_usd_low', cloud_prices || ': ' || cloud_gpu, price_usd_low,
        'USD/device-h', price_low_source, price_as_of, jobs
    FROM report_factor_classes WHERE has_gpu_hours AND price_usd_low IS NOT NULL
    UNION ALL
    SELECT 9, 'price_usd_high', cloud_prices || ': ' || cloud_gpu, price_usd_high,
        'USD/device-h', price_high_source, price_as_of, jobs
    FROM report_factor_classes WHERE has_gpu_hours AND price_usd_high IS NOT NULL
    UNION ALL
    SELECT 10, 'electricity_usd_per_kwh', NULL, electricity_usd_per_kwh, 'USD/kWh',
        electricity_source, electricity_as_of, jobs
    FROM report_factor_classes WHERE has_energy
    UNION ALL
    -- the embodied constants: a GPU job's server and GPU, a CPU-only job's server, the life;
    -- the owned servers' prices where set (they share that life)
    SELECT
        11 + list_position(['server_kg', 'gpus_per_server', 'gpu_kg', 'cpu_server_kg',
            'cores_per_server', 'lifetime_years', 'lifetime_use', 'server_usd',
            'cpu_server_usd'], e.key) / 100,
        e.key, CASE WHEN e.key = 'gpu_kg' THEN gpu_model END,
        CASE e.key
            WHEN 'server_kg' THEN server_kg WHEN 'gpus_per_server' THEN gpus_per_server
            WHEN 'gpu_kg' THEN gpu_kg WHEN 'cpu_server_kg' THEN cpu_server_kg
            WHEN 'cores_per_server' THEN cores_per_server
            WHEN 'server_usd' THEN server_usd WHEN 'cpu_server_usd' THEN cpu_server_usd
            WHEN 'lifetime_years' THEN lifetime_years ELSE lifetime_use END,
        CASE
            WHEN e.key IN ('server_usd', 'cpu_server_usd') THEN 'USD per server'
            WHEN e.key IN ('server_kg', 'cpu_server_kg') THEN 'kg CO2e per server'
            WHEN e.key = 'gpu_kg' THEN 'kg CO2e per GPU'
            WHEN e.key = 'gpus_per_server' THEN 'GPUs'
            WHEN e.key = 'cores_per_server' THEN 'cores'
            WHEN e.key = 'lifetime_years' THEN 'years'
            ELSE 'fraction' END,
        CASE WHEN e.key = 'gpu_kg' THEN gpu_kg_source ELSE e.source END,
        CASE WHEN e.key <> 'gpu_kg' OR gpu_kg_source = e.source THEN e.as_of END, jobs
    FROM report_factor_classes, unnest(embodied_sources) AS u(e)
    WHERE has_hours AND CASE
        WHEN e.key IN ('server_kg', 'gpus_per_server', 'gpu_kg', 'server_usd') THEN has_gpus
        WHEN e.key IN ('cpu_server_kg', 'cores_per_server', 'cpu_server_usd') THEN no_gpus
        ELSE TRUE END
    UNION ALL
    SELECT 12, 'wue_l_per_kwh', NULL, wue_l_per_kwh, 'L/kWh', wue_source, wue_as_of, jobs
    FROM report_factor_classes WHERE has_energy
    UNION ALL
    SELECT 13, 'ewif_l_per_kwh', water_country, ewif_l_per_kwh, 'L/kWh', ewif_source,
        ewif_as_of, jobs
    FROM report_factor_classes WHERE has_energy AND ewif_l_per_kwh IS NOT NULL
)
SELECT factor, key, value, unit, source, as_of, CAST(sum(jobs) AS BIGINT) AS jobs
FROM used
GROUP BY ord, factor, key, value, unit, source, as_of
ORDER BY ord, key NULLS FIRST, value, source;
