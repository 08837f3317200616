-- Creates the temp view `factor_class_values`: for each class of footprint/classes.sql
-- (class_no), every factor report/factors_used.sql lists that the class alone decides, with
-- its source and as_of, named as the temp view `footprint` (footprint/job.sql) names them:
-- carbon_annual_g_per_kwh and carbon_annual_source are the class's annual intensity (a
-- stored series may replace it over part of a run). The factors that depend on the job too
-- are in its factor_class (report/factor_class_jobs.sql).
CREATE OR REPLACE TEMP VIEW factor_class_values AS
SELECT
    class_no,
    pue, pue_source, pue_as_of,
    gpu_model, gpu_power_w, gpu_power_source, gpu_power_as_of,
    gpu_idle_w, gpu_idle_source, gpu_idle_as_of,
    cpu_power_w_per_core, cpu_power_source, cpu_power_as_of,
    mem_w_per_gb, mem_source, mem_as_of,
    grid, carbon_g_per_kwh AS carbon_annual_g_per_kwh,
    carbon_source AS carbon_annual_source, carbon_as_of,
    cloud_prices, cloud_gpu, price_usd_low, price_usd_high, price_low_source,
    price_high_source, price_as_of,
    electricity_usd_per_kwh, electricity_source, electricity_as_of,
    embodied_sources, server_kg, gpus_per_server, gpu_kg, gpu_kg_source, cpu_server_kg,
    cores_per_server, lifetime_years, lifetime_use, server_usd, cpu_server_usd,
    wue_l_per_kwh, wue_source, wue_as_of, water_country, ewif_l_per_kwh, ewif_source,
    ewif_as_of
FROM footprint_classes;
