-- Creates the temp table `report_base` when no footprint settings are configured: the jobs of
-- `report_jobs` with GPU-hours (gpus x elapsed, as summary/gpu_hours.sql counts them) and every
-- footprint column NULL. Same columns as report/base.sql.
CREATE OR REPLACE TEMP TABLE report_base AS
SELECT
    c.uid, c.source, c.cluster, c.project, c.sweep,
    -- where a sweep is named (summary/group_names.sql): an MLflow run's store, else the cluster
    group_store(c.source, c.src_file, c.cluster) AS store,
    coalesce(c.run, c.job_id) AS run, j.name, c.user_name,
    coalesce(c.gpu_model, '(none)') AS gpu_model,
    coalesce(c.state, '(none)') AS state,
    strftime(j.job_date, '%Y-%m') AS month,
    coalesce(c.gpus, 0) AS gpus,
    greatest(coalesce(c.elapsed_s, 0), 0) / 3600.0 AS hours,
    coalesce(c.gpus, 0) * greatest(coalesce(c.elapsed_s, 0), 0) / 3600.0 AS gpu_hours,
    NULL::DOUBLE AS energy_kwh, NULL::DOUBLE AS measured_energy_kwh, NULL::DOUBLE AS co2e_kg,
    NULL::DOUBLE AS carbon_g_per_kwh, NULL::DOUBLE AS pue, NULL::VARCHAR AS cloud_prices,
    NULL::DOUBLE AS cloud_cost_usd_low, NULL::DOUBLE AS cloud_cost_usd_high,
    false AS price_missing, NULL::DOUBLE AS electricity_cost_usd
FROM counted_jobs c
JOIN report_jobs j USING (uid);
