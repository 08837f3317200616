-- Creates the temp view `factor_class_rows` over the temp view `footprint`: per job, every
-- factor report/factors_used.sql lists, with its source and as_of, and the conditions under
-- which each factor counts (has_hours, has_gpus, no_gpus, has_energy, has_gpu_hours;
-- annual_part: the annual intensity gave all or part of the job's, series_part: a stored
-- series gave part of it); gpu_use and cpu_use only where no use is measured (elsewhere they
-- are the job's own figure, which lists no factor). Beside them, what the groupings of
-- report/factor_classes.sql and lake/factor_classes.sql need that is not a class: the uid,
-- cluster, project, times and running flag, and series_weighted, series_covered (a stored
-- series' mean intensity times the run time it covers, and that time).
CREATE OR REPLACE TEMP VIEW factor_class_rows AS
SELECT
    uid, cluster, project, start_ts, submit_ts, end_ts, running,
    hours > 0 AS has_hours, gpus > 0 AS has_gpus, gpus = 0 AS no_gpus,
    energy_kwh > 0 AS has_energy, gpu_hours > 0 AS has_gpu_hours,
    coalesce(series_covered_s < run_s, TRUE) AS annual_part,
    series_covered_s > 0 AS series_part,
    energy_source, gpu_util IS NULL AS gpu_util_unknown, cpu_util IS NULL AS cpu_util_unknown,
    pue, pue_source, pue_as_of,
    gpu_model, gpu_power_w, gpu_power_source, gpu_power_as_of,
    gpu_idle_w, gpu_idle_source, gpu_idle_as_of,
    CASE WHEN gpu_util IS NULL THEN gpu_use END AS gpu_use, gpu_use_source,
    cpu_power_w_per_core, cpu_power_source, cpu_power_as_of,
    CASE WHEN cpu_util IS NULL THEN cpu_use END AS cpu_use, cpu_use_source,
    mem_w_per_gb, mem_source, mem_as_of,
    grid, carbon_annual_g_per_kwh, carbon_annual_source, carbon_as_of,
    series_zone, series_kind, series_basis,
    cloud_prices, cloud_gpu, price_usd_low, price_usd_high, price_low_source,
    price_high_source, price_as_of,
    electricity_usd_per_kwh, electricity_source, electricity_as_of,
    embodied_sources, server_kg, gpus_per_server, gpu_kg, gpu_kg_source, cpu_server_kg,
    cores_per_server, lifetime_years, lifetime_use, server_usd, cpu_server_usd,
    wue_l_per_kwh, wue_source, wue_as_of, water_country, ewif_l_per_kwh, ewif_source,
    ewif_as_of,
    series_mean_g_per_kwh * series_covered_s AS series_weighted,
    series_covered_s AS series_covered
FROM footprint;
