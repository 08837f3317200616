-- Creates the temp table `report_footprint` when no footprint settings are configured: the
-- jobs of `report_jobs` with the columns the view `report_base` reads (report/base.sql),
-- GPU-hours (gpus x elapsed, as summary/gpu_hours.sql counts them) and every footprint column
-- NULL. gpu_model is the job log's; gpu_util_mean the GPUs' mean use (footprint/macros.sql),
-- idle below $idle_below; store and month as report/footprint.sql gives them.
CREATE OR REPLACE TEMP TABLE report_footprint AS
SELECT
    c.uid, c.source, c.cluster, c.project, c.sweep, c.src_file, c.run, c.job_id, c.user_name,
    c.gpu_model, c.state,
    coalesce(c.gpus, 0) AS gpus,
    greatest(coalesce(c.elapsed_s, 0), 0) / 3600.0 AS hours,
    coalesce(c.gpus, 0) * greatest(coalesce(c.elapsed_s, 0), 0) / 3600.0 AS gpu_hours,
    NULL::DOUBLE AS energy_kwh, NULL::DOUBLE AS measured_energy_kwh, NULL::DOUBLE AS co2e_kg,
    NULL::DOUBLE AS carbon_g_per_kwh, NULL::DOUBLE AS pue,
    NULL::DOUBLE AS cloud_cost_usd_low, NULL::DOUBLE AS cloud_cost_usd_high,
    false AS price_missing, NULL::DOUBLE AS electricity_cost_usd,
    gpu_util_mean(c.gpus, c.gpu_util, c.gpu_util_peak) AS gpu_util_mean,
    CAST($idle_below AS DOUBLE) AS idle_below,
    NULL::DOUBLE AS embodied_kg, NULL::DOUBLE AS water_l, false AS water_missing,
    NULL::DOUBLE AS owned_cost_usd, false AS owned_missing,
    group_store(c.source, c.src_file, c.cluster) AS store,
    strftime(timezone('UTC', coalesce(c.start_ts, c.submit_ts, c.end_ts)), '%Y-%m') AS month
FROM counted_jobs c
SEMI JOIN report_jobs j USING (uid);
