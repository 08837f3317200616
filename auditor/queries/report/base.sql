-- Creates the temp table `report_base`: one row per job of the report with its footprint, from
-- the temp table `report_footprint` (report/footprint.sql, or report/footprint_gpu.sql without
-- footprint settings). gpu_model is the model the footprint used (the job log's, else the
-- partition's, cluster's or site's; the job log's without settings), '(none)' when unknown;
-- gpu_util_mean the GPUs' mean use (footprint/macros.sql) and idle_below the mean under which
-- they idled; embodied_kg, water_l (water_missing: no EWIF) and owned_cost_usd (owned_missing:
-- no server price) as footprint/job.sql gives them.
CREATE OR REPLACE TEMP TABLE report_base AS
SELECT
    f.uid, f.source, f.cluster, f.project, f.sweep,
    -- where a sweep is named (summary/group_names.sql): an MLflow run's store, else the cluster
    group_store(f.source, f.src_file, f.cluster) AS store,
    coalesce(f.run, f.job_id) AS run, j.name, f.user_name,
    coalesce(f.gpu_model, '(none)') AS gpu_model,
    coalesce(f.state, '(none)') AS state,
    strftime(j.job_date, '%Y-%m') AS month,
    f.gpus, f.hours, f.gpu_hours, f.energy_kwh, f.measured_energy_kwh, f.co2e_kg,
    f.carbon_g_per_kwh, f.pue, f.cloud_prices, f.cloud_cost_usd_low, f.cloud_cost_usd_high,
    f.price_missing, f.electricity_cost_usd, f.gpu_util_mean, f.idle_below,
    f.embodied_kg, f.water_l, f.water_missing, f.owned_cost_usd, f.owned_missing
FROM report_footprint f
JOIN report_jobs j USING (uid);
