-- Spark SQL, not DuckDB: returns the groups of summary/footprint.sql and summary/named.sql
-- over the temp view `lake_jobs` (every row of a lake, docs/lake.md), computed by Spark from
-- the footprint each row holds, in the same columns and order: group_key (the key for :by;
-- sweep and run keys come precomputed as sweep_key and run_key), project (for a sweep or run),
-- jobs and the figures, sorted by key. Aggregates as footprint/macros.sql defines them: a
-- weighted mean is a sum of products over a sum, a cost NULL when one of its jobs has no price.
-- :project (NULL: all) and :include_running pick the rows as footprint/params.sql does.
WITH picked AS (
    SELECT
        coalesce(CASE :by
            WHEN 'project' THEN project
            WHEN 'sweep' THEN sweep_key
            WHEN 'run' THEN run_key
            WHEN 'user' THEN user_name
            WHEN 'month' THEN date_format(coalesce(start_ts, submit_ts, end_ts), 'yyyy-MM')
            WHEN 'gpu_model' THEN gpu_model  -- the model the log names, as summaries group
            WHEN 'state' THEN state
            WHEN 'all' THEN 'all'
        END, '(none)') AS group_key,
        CASE WHEN :by IN ('sweep', 'run') THEN coalesce(project, '(none)') END AS group_project,
        coalesce(gpus, 0.0D) * elapsed_s AS gpu_seconds,
        gpu_util_mean AS u,
        *
    FROM lake_jobs
    WHERE (:project IS NULL OR project = :project)
      AND (:include_running OR included)
)
SELECT
    group_key,
    group_project AS project,
    count(*) AS jobs,
    sum(gpu_seconds) / 3600.0D AS gpu_hours,
    sum(gpu_seconds * gpu_fraction) / 3600.0D AS gpu_equiv_hours,
    sum(gpu_seconds * u) / nullif(sum(gpu_seconds) FILTER (WHERE u IS NOT NULL), 0.0D)
        AS gpu_util,
    coalesce(sum(gpu_seconds) FILTER (WHERE u IS NOT NULL), 0.0D) / nullif(sum(gpu_seconds), 0.0D)
        AS util_coverage,
    coalesce(sum(gpu_seconds) FILTER (WHERE u < idle_below), 0.0D) / 3600.0D AS idle_gpu_hours,
    coalesce(sum(gpu_seconds) FILTER (WHERE u IS NOT NULL) - sum(gpu_seconds * u), 0.0D)
        / 3600.0D AS unused_gpu_hours,
    sum(energy_kwh) AS energy_kwh,
    sum(co2e_kg) AS co2e_kg,
    CASE WHEN bool_or(price_missing) THEN NULL ELSE sum(cloud_cost_usd_low) END
        AS cloud_cost_usd_low,
    CASE WHEN bool_or(price_missing) THEN NULL ELSE sum(cloud_cost_usd_high) END
        AS cloud_cost_usd_high,
    sum(electricity_cost_usd) AS electricity_cost_usd,
    sum(measured_energy_kwh) / nullif(sum(energy_kwh), 0.0D) AS measured_share,
    CASE WHEN bool_or(owned_missing) THEN NULL ELSE sum(owned_cost_usd) END AS owned_cost_usd,
    sum(embodied_kg) AS embodied_kg,
    sum(co2e_kg) + sum(embodied_kg) AS co2e_total_kg,
    CASE WHEN bool_or(water_missing) THEN NULL ELSE sum(water_l) END AS water_l,
    sum(energy_gpu_kwh) AS energy_gpu_kwh,
    sum(energy_cpu_kwh) AS energy_cpu_kwh,
    sum(energy_mem_kwh) AS energy_mem_kwh,
    sum(energy_overhead_kwh) AS energy_overhead_kwh,
    sum(energy_measured_kwh) AS energy_measured_kwh,
    coalesce(sum(energy_kwh) FILTER (WHERE u < idle_below), 0.0D) AS idle_energy_kwh,
    coalesce(sum(co2e_kg) FILTER (WHERE u < idle_below), 0.0D) AS idle_co2e_kg,
    CASE WHEN bool_or(price_missing) FILTER (WHERE u < idle_below) THEN NULL
        ELSE coalesce(sum(cloud_cost_usd_low) FILTER (WHERE u < idle_below), 0.0D) END
        AS idle_cloud_cost_usd_low,
    CASE WHEN bool_or(price_missing) FILTER (WHERE u < idle_below) THEN NULL
        ELSE coalesce(sum(cloud_cost_usd_high) FILTER (WHERE u < idle_below), 0.0D) END
        AS idle_cloud_cost_usd_high,
    coalesce(sum(energy_kwh * (1 - u)), 0.0D) AS unused_energy_kwh,
    coalesce(sum(co2e_kg * (1 - u)), 0.0D) AS unused_co2e_kg,
    CASE WHEN bool_or(price_missing) FILTER (WHERE u IS NOT NULL) THEN NULL
        ELSE coalesce(sum(cloud_cost_usd_low * (1 - u)), 0.0D) END AS unused_cloud_cost_usd_low,
    CASE WHEN bool_or(price_missing) FILTER (WHERE u IS NOT NULL) THEN NULL
        ELSE coalesce(sum(cloud_cost_usd_high * (1 - u)), 0.0D) END AS unused_cloud_cost_usd_high,
    count_if(gpu_power_defaulted) AS default_gpu_power_jobs,
    count_if(carbon_defaulted) AS default_carbon_jobs
FROM picked
GROUP BY group_key, group_project
ORDER BY group_key, project NULLS LAST
