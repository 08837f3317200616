-- Materialises the temp view `footprint` (computed once for the report's jobs) as the temp
-- table `report_footprint`, with the columns the report's queries read per job: those of
-- report/footprint_gpu.sql, which report/base.sql reads, and the run times, GPU-equivalent
-- hours and server prices of summary/rnd_table.sql. Its factors with their sources are
-- report/factor_classes.sql's, a row per class: a million rows of every factor's source and
-- as_of would outgrow the memory limit and spill.
CREATE OR REPLACE TEMP TABLE report_footprint AS
SELECT
    uid, source, cluster, project, sweep, src_file, run, job_id, user_name, gpu_model, state,
    gpus, hours, gpu_hours, energy_kwh, measured_energy_kwh, co2e_kg, carbon_g_per_kwh, pue,
    cloud_prices, cloud_cost_usd_low, cloud_cost_usd_high, price_missing,
    electricity_cost_usd, gpu_util_mean, idle_below, embodied_kg, water_l, water_missing,
    owned_cost_usd, owned_missing,
    start_ts, end_ts, gpu_equiv_hours, server_usd, gpus_per_server
FROM footprint;
