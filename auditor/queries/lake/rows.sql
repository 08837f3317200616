-- Creates the table `lake_scratch.lake_rows` (lake/attach_scratch.sql): one row per counted job of {{jobs}} (counted_jobs, or
-- the jobs table when no MLflow run is linked to a Slurm job) that the temp view `footprint`
-- priced (footprint/job.sql, computed with running jobs), as `auditor export lake` writes it
-- (docs/lake.md lists every column): the canonical job columns (tags as JSON text), the
-- footprint each summary sums, per-job idle and unused GPU-hours and their footprint, the
-- sweep and run keys of `summary --by sweep|run` (from the temp tables {{sweep_names}} and
-- {{run_names}}, summary/group_names.sql), the partition (cluster, year and month of the
-- job's start, else submit, else end, UTC; NULL for a job with no time) and
-- $fingerprint. $since and $until (dates, either NULL) keep the jobs dated in that range,
-- as footprint/running_left_out.sql dates them. Explicit types: nothing Spark cannot read.
CREATE OR REPLACE TABLE lake_scratch.lake_rows AS
WITH dated AS (
    SELECT
        c.*,
        timezone('UTC', coalesce(c.start_ts, c.submit_ts, c.end_ts)) AS utc_time,
        coalesce(c.project, '(none)') AS key_project,
        group_store(c.source, c.src_file, c.cluster) AS key_store,  -- store/macros.sql
        run_ident(c.source, c.job_id) AS key_ident
    FROM {{jobs}} c
    WHERE ($since IS NULL OR CAST(timezone('UTC', coalesce(c.start_ts, c.submit_ts, c.end_ts))
            AS DATE) >= $since)
      AND ($until IS NULL OR CAST(timezone('UTC', coalesce(c.start_ts, c.submit_ts, c.end_ts))
            AS DATE) <= $until)
)
SELECT
    -- the canonical job (auditor/schema.py), as counted
    CAST(c.uid AS VARCHAR) AS uid,
    CAST(c.source AS VARCHAR) AS source,
    CAST(c.cluster AS VARCHAR) AS cluster,
    CAST(c.job_id AS VARCHAR) AS job_id,
    CAST(c.run AS VARCHAR) AS run,
    CAST(c.name AS VARCHAR) AS name,
    CAST(c.user_name AS VARCHAR) AS user_name,
    CAST(c.account AS VARCHAR) AS account,
    CAST(c.partition AS VARCHAR) AS partition,
    CAST(c.project AS VARCHAR) AS project,
    CAST(c.sweep AS VARCHAR) AS sweep,
    CAST(c.state AS VARCHAR) AS state,
    CAST(c.submit_ts AS TIMESTAMPTZ) AS submit_ts,
    CAST(c.start_ts AS TIMESTAMPTZ) AS start_ts,
    CAST(c.end_ts AS TIMESTAMPTZ) AS end_ts,
    CAST(c.elapsed_s AS DOUBLE) AS elapsed_s,
    CAST(c.running AS BOOLEAN) AS running,
    CAST(c.gpus AS DOUBLE) AS gpus,
    CAST(c.gpu_model AS VARCHAR) AS gpu_model,
    CAST(c.cpus AS DOUBLE) AS cpus,
    CAST(c.mem_gb AS DOUBLE) AS mem_gb,
    CAST(c.mem_req_gb AS DOUBLE) AS mem_req_gb,
    CAST(c.nodes AS BIGINT) AS nodes,
    CAST(c.energy_j AS DOUBLE) AS energy_j,
    CAST(c.power_w AS DOUBLE) AS power_w,
    CAST(c.cpu_util AS DOUBLE) AS cpu_util,
    CAST(c.gpu_util AS DOUBLE) AS gpu_util,
    CAST(c.max_rss_gb AS DOUBLE) AS max_rss_gb,
    CAST(c.gpu_util_peak AS DOUBLE) AS gpu_util_peak,
    CAST(c.gpu_mem_gb AS DOUBLE) AS gpu_mem_gb,
    CAST(c.gpu_util_from AS VARCHAR) AS gpu_util_from,
    CAST(c.gpu_peak_from AS VARCHAR) AS gpu_peak_from,
    CAST(c.gpu_mem_from AS VARCHAR) AS gpu_mem_from,
    CAST(c.grid AS VARCHAR) AS grid,
    CAST(to_json(c.tags) AS VARCHAR) AS tags,  -- a JSON object: Parquet readers lack MAP
    CAST(c.src_file AS VARCHAR) AS src_file,
    CAST(c.src_line AS BIGINT) AS src_line,
    CAST(c.ingest_id AS BIGINT) AS ingest_id,
    -- counted in totals, and whether its energy was measured
    CAST(NOT coalesce(c.running, false) AS BOOLEAN) AS included,
    CAST(f.measured_kwh IS NOT NULL AS BOOLEAN) AS measured,
    CAST(f.energy_source AS VARCHAR) AS energy_source,
    -- what priced it
    CAST(f.gpu_model AS VARCHAR) AS priced_gpu_model,
    CAST(f.gpu_fraction AS DOUBLE) AS gpu_fraction,
    CAST(f.grid AS VARCHAR) AS priced_grid,
    CAST(f.pue AS DOUBLE) AS pue,
    CAST(f.gpu_power_w AS DOUBLE) AS gpu_power_w,
    CAST(f.carbon_g_per_kwh AS DOUBLE) AS carbon_g_per_kwh,
    CAST(f.cloud_gpu AS VARCHAR) AS cloud_gpu,
    CAST(f.price_usd_low AS DOUBLE) AS price_usd_low,
    CAST(f.price_usd_high AS DOUBLE) AS price_usd_high,
    CAST(f.electricity_usd_per_kwh AS DOUBLE) AS electricity_usd_per_kwh,
    CAST(f.server_usd AS DOUBLE) AS server_usd,
    CAST(f.gpus_per_server AS DOUBLE) AS gpus_per_server,
    -- the footprint (footprint/job.sql)
    CAST(f.hours AS DOUBLE) AS hours,
    CAST(f.gpu_hours AS DOUBLE) AS gpu_hours,
    CAST(f.gpu_equiv_hours AS DOUBLE) AS gpu_equiv_hours,
    CAST(f.energy_kwh AS DOUBLE) AS energy_kwh,
    CAST(f.measured_energy_kwh AS DOUBLE) AS measured_energy_kwh,
    CAST(f.energy_gpu_kwh AS DOUBLE) AS energy_gpu_kwh,
    CAST(f.energy_cpu_kwh AS DOUBLE) AS energy_cpu_kwh,
    CAST(f.energy_mem_kwh AS DOUBLE) AS energy_mem_kwh,
    CAST(f.energy_overhead_kwh AS DOUBLE) AS energy_overhead_kwh,
    CAST(f.energy_measured_kwh AS DOUBLE) AS energy_measured_kwh,
    CAST(f.it_energy_kwh AS DOUBLE) AS it_energy_kwh,
    CAST(f.co2e_kg AS DOUBLE) AS co2e_kg,
    CAST(f.cloud_cost_usd_low AS DOUBLE) AS cloud_cost_usd_low,
    CAST(f.cloud_cost_usd_high AS DOUBLE) AS cloud_cost_usd_high,
    CAST(f.price_missing AS BOOLEAN) AS price_missing,
    CAST(f.electricity_cost_usd AS DOUBLE) AS electricity_cost_usd,
    CAST(f.embodied_kg AS DOUBLE) AS embodied_kg,
    CAST(f.co2e_total_kg AS DOUBLE) AS co2e_total_kg,
    CAST(f.owned_cost_usd AS DOUBLE) AS owned_cost_usd,
    CAST(f.owned_missing AS BOOLEAN) AS owned_missing,
    CAST(f.water_l AS DOUBLE) AS water_l,
    CAST(f.water_missing AS BOOLEAN) AS water_missing,
    CAST(f.gpu_power_defaulted AS BOOLEAN) AS gpu_power_defaulted,
    CAST(f.carbon_defaulted AS BOOLEAN) AS carbon_defaulted,
    -- GPU use: the mean a summary weighs (NULL: none), and the job's share of idle and unused
    -- GPU-hours and of their footprint, as footprint/macros.sql adds them per group
    CAST(f.gpu_util_mean AS DOUBLE) AS gpu_util_mean,
    CAST(f.idle_below AS DOUBLE) AS idle_below,
    CAST(CASE WHEN f.gpu_util_mean < f.idle_below THEN f.gpus * f.elapsed_s / 3600.0
        ELSE 0.0 END AS DOUBLE) AS idle_gpu_hours,
    CAST(CASE WHEN f.gpu_util_mean IS NOT NULL
        THEN f.gpus * f.elapsed_s * (1 - f.gpu_util_mean) / 3600.0 ELSE 0.0 END AS DOUBLE)
        AS unused_gpu_hours,
    CAST(CASE WHEN f.gpu_util_mean < f.idle_below THEN f.energy_kwh ELSE 0.0 END AS DOUBLE)
        AS idle_energy_kwh,
    CAST(CASE WHEN f.gpu_util_mean < f.idle_below THEN f.co2e_kg ELSE 0.0 END AS DOUBLE)
        AS idle_co2e_kg,
    CAST(CASE WHEN f.gpu_util_mean < f.idle_below THEN f.cloud_cost_usd_low ELSE 0.0 END
        AS DOUBLE) AS idle_cloud_cost_usd_low,
    CAST(CASE WHEN f.gpu_util_mean < f.idle_below THEN f.cloud_cost_usd_high ELSE 0.0 END
        AS DOUBLE) AS idle_cloud_cost_usd_high,
    CAST(coalesce(f.energy_kwh * (1 - f.gpu_util_mean), 0.0) AS DOUBLE) AS unused_energy_kwh,
    CAST(coalesce(f.co2e_kg * (1 - f.gpu_util_mean), 0.0) AS DOUBLE) AS unused_co2e_kg,
    CAST(CASE WHEN f.gpu_util_mean IS NOT NULL THEN f.cloud_cost_usd_low * (1 - f.gpu_util_mean)
        ELSE 0.0 END AS DOUBLE) AS unused_cloud_cost_usd_low,
    CAST(CASE WHEN f.gpu_util_mean IS NOT NULL THEN f.cloud_cost_usd_high * (1 - f.gpu_util_mean)
        ELSE 0.0 END AS DOUBLE) AS unused_cloud_cost_usd_high,
    -- the keys of summary --by sweep and --by run, and what tells groups of one name apart
    CAST(coalesce(s.group_key, c.key_project || '/' || coalesce(c.sweep, '(none)')) AS VARCHAR)
        AS sweep_key,
    CAST(coalesce(r.group_key, c.key_project || '/' || coalesce(c.run, c.job_id)) AS VARCHAR)
        AS run_key,
    CAST(c.key_store AS VARCHAR) AS store_key,
    CAST(c.key_ident AS VARCHAR) AS run_ident,
    CAST($fingerprint AS VARCHAR) AS settings_fingerprint,
    CAST(year(c.utc_time) AS INTEGER) AS year,
    CAST(month(c.utc_time) AS INTEGER) AS month
FROM dated c
JOIN footprint f ON f.uid = c.uid
LEFT JOIN {{sweep_names}} s
    ON s.source = c.source AND s.store = c.key_store AND s.project = c.key_project
    AND s.ident = '' AND s.name = coalesce(c.sweep, '(none)')
LEFT JOIN {{run_names}} r
    ON r.source = c.source AND r.store = c.key_store AND r.project = c.key_project
    AND r.ident = c.key_ident AND r.name = coalesce(c.run, c.job_id);
