-- Materialises the footprint computed once for the report's jobs ({{rows}}: the temp view
-- `factor_class_jobs`, report/factor_class_jobs.sql, or over a lake its temp view
-- `footprint`, lake/report_footprint.sql) as the temp table `report_footprint`, with the
-- columns the report's queries read per job: those the view `report_base` shows
-- (report/base.sql), the run times, GPU-equivalent hours and server prices of
-- summary/rnd_table.sql, and factor_class, which report/factor_classes.sql groups the jobs by
-- (NULL over a lake, whose factor classes are stored). store is where a sweep is named
-- (summary/group_names.sql): an MLflow run's store, else the cluster; month the job's (its
-- start, else submit, else end, in UTC, as report/jobs.sql dates it). A million rows of every
-- factor's source and as_of would outgrow the memory limit and spill: those are a class's.
CREATE OR REPLACE TEMP TABLE report_footprint AS
SELECT
    uid, source, cluster, project, sweep, src_file, run, job_id, user_name, gpu_model, state,
    gpus, hours, gpu_hours, energy_kwh, measured_energy_kwh, co2e_kg, carbon_g_per_kwh, pue,
    cloud_cost_usd_low, cloud_cost_usd_high, price_missing,
    electricity_cost_usd, gpu_util_mean, idle_below, embodied_kg, water_l, water_missing,
    owned_cost_usd, owned_missing,
    start_ts, end_ts, gpu_equiv_hours, server_usd, gpus_per_server,
    group_store(source, src_file, cluster) AS store,
    strftime(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)), '%Y-%m') AS month,
    factor_class
FROM {{rows}};
