-- Creates the temp view `report_base`: one row per job of the report with its footprint, from
-- the temp table `report_footprint` (report/footprint.sql, or report/footprint_gpu.sql without
-- footprint settings). gpu_model is the model the footprint used (the job log's, else the
-- partition's, cluster's or site's; the job log's without settings), '(none)' when unknown;
-- run the job's run, else its job id, and run_key what tells runs apart (runs that merely
-- share a name are two, summary/group_names.sql; an MLflow run is its own); gpu_util_mean
-- the GPUs' mean use (footprint/macros.sql) and idle_below the mean under which they idled;
-- embodied_kg, water_l (water_missing: no EWIF) and owned_cost_usd (owned_missing: no server
-- price) as footprint/job.sql gives them. A view: the table holds each job once, and these
-- are cheap to compute in each query.
CREATE OR REPLACE TEMP VIEW report_base AS
SELECT
    uid, source, cluster, project, sweep, store,
    coalesce(run, job_id) AS run, user_name,
    {'source': source, 'store': store,
        'run': CASE WHEN source = 'mlflow' THEN uid ELSE coalesce(run, job_id) END} AS run_key,
    coalesce(gpu_model, '(none)') AS gpu_model,
    coalesce(state, '(none)') AS state,
    month,
    gpus, hours, gpu_hours, energy_kwh, measured_energy_kwh, co2e_kg,
    carbon_g_per_kwh, pue, cloud_cost_usd_low, cloud_cost_usd_high,
    price_missing, electricity_cost_usd, gpu_util_mean, idle_below,
    embodied_kg, water_l, water_missing, owned_cost_usd, owned_missing
FROM report_footprint;
