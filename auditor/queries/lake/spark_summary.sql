-- Spark SQL, not DuckDB: returns the groups of summary/footprint.sql and summary/named.sql
-- over the temp view `lake_jobs` (every row of a lake, docs/lake.md), computed by Spark from
-- the footprint each row holds, in the same columns and order: group_key (the key for :by;
-- sweep and run keys come precomputed as sweep_key and run_key), project (for a sweep or run),
-- jobs and the figures, sorted by key. Aggregates as footprint/macros.sql defines them: a
-- weighted mean is a sum of products over a sum, a cost NULL when one of its jobs has no price.
-- Sums are as near exact as DuckDB's compensated fsum, where a plain sum of doubles puts a
-- total that ends in half a cent on either side of it: each figure x is split into a multiple
-- of 2^-20 (of 1 for GPU-seconds), whose plain sum is exact up to 2^33 (2^53), and the rest
-- x - that, under 2^-20, whose plain sum errs far below a double's last digit of the total.
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
        gpu_util_mean AS u,
        idle_below,
        price_missing,
        owned_missing,
        water_missing,
        gpu_power_defaulted,
        carbon_defaulted,
        coalesce(gpus, 0.0D) * elapsed_s AS gs,
        coalesce(gpus, 0.0D) * elapsed_s * gpu_fraction AS gs_equiv,
        coalesce(gpus, 0.0D) * elapsed_s * gpu_util_mean AS gs_used,
        energy_kwh AS energy,
        co2e_kg AS co2e,
        cloud_cost_usd_low AS cloud_low,
        cloud_cost_usd_high AS cloud_high,
        electricity_cost_usd AS electricity,
        measured_energy_kwh AS measured,
        owned_cost_usd AS owned,
        embodied_kg AS embodied,
        water_l AS water,
        energy_gpu_kwh AS e_gpu,
        energy_cpu_kwh AS e_cpu,
        energy_mem_kwh AS e_mem,
        energy_overhead_kwh AS e_overhead,
        energy_measured_kwh AS e_measured,
        energy_kwh * (1 - gpu_util_mean) AS unused_energy,
        co2e_kg * (1 - gpu_util_mean) AS unused_co2e,
        cloud_cost_usd_low * (1 - gpu_util_mean) AS unused_low,
        cloud_cost_usd_high * (1 - gpu_util_mean) AS unused_high
    FROM lake_jobs
    WHERE (:project IS NULL OR project = :project)
      AND (:include_running OR included)
),
parts AS (
    SELECT
        group_key,
        group_project,
        u,
        idle_below,
        price_missing,
        owned_missing,
        water_missing,
        gpu_power_defaulted,
        carbon_defaulted,
        CAST(floor(gs) AS DOUBLE) AS gs_a,
        gs - CAST(floor(gs) AS DOUBLE) AS gs_b,
        CAST(floor(gs_equiv) AS DOUBLE) AS gs_equiv_a,
        gs_equiv - CAST(floor(gs_equiv) AS DOUBLE) AS gs_equiv_b,
        CAST(floor(gs_used) AS DOUBLE) AS gs_used_a,
        gs_used - CAST(floor(gs_used) AS DOUBLE) AS gs_used_b,
        CAST(floor(energy * 1048576.0D) AS DOUBLE) / 1048576.0D AS energy_a,
        energy - CAST(floor(energy * 1048576.0D) AS DOUBLE) / 1048576.0D AS energy_b,
        CAST(floor(co2e * 1048576.0D) AS DOUBLE) / 1048576.0D AS co2e_a,
        co2e - CAST(floor(co2e * 1048576.0D) AS DOUBLE) / 1048576.0D AS co2e_b,
        CAST(floor(cloud_low * 1048576.0D) AS DOUBLE) / 1048576.0D AS cloud_low_a,
        cloud_low - CAST(floor(cloud_low * 1048576.0D) AS DOUBLE) / 1048576.0D AS cloud_low_b,
        CAST(floor(cloud_high * 1048576.0D) AS DOUBLE) / 1048576.0D AS cloud_high_a,
        cloud_high - CAST(floor(cloud_high * 1048576.0D) AS DOUBLE) / 1048576.0D AS cloud_high_b,
        CAST(floor(electricity * 1048576.0D) AS DOUBLE) / 1048576.0D AS electricity_a,
        electricity - CAST(floor(electricity * 1048576.0D) AS DOUBLE) / 1048576.0D AS electricity_b,
        CAST(floor(measured * 1048576.0D) AS DOUBLE) / 1048576.0D AS measured_a,
        measured - CAST(floor(measured * 1048576.0D) AS DOUBLE) / 1048576.0D AS measured_b,
        CAST(floor(owned * 1048576.0D) AS DOUBLE) / 1048576.0D AS owned_a,
        owned - CAST(floor(owned * 1048576.0D) AS DOUBLE) / 1048576.0D AS owned_b,
        CAST(floor(embodied * 1048576.0D) AS DOUBLE) / 1048576.0D AS embodied_a,
        embodied - CAST(floor(embodied * 1048576.0D) AS DOUBLE) / 1048576.0D AS embodied_b,
        CAST(floor(water * 1048576.0D) AS DOUBLE) / 1048576.0D AS water_a,
        water - CAST(floor(water * 1048576.0D) AS DOUBLE) / 1048576.0D AS water_b,
        CAST(floor(e_gpu * 1048576.0D) AS DOUBLE) / 1048576.0D AS e_gpu_a,
        e_gpu - CAST(floor(e_gpu * 1048576.0D) AS DOUBLE) / 1048576.0D AS e_gpu_b,
        CAST(floor(e_cpu * 1048576.0D) AS DOUBLE) / 1048576.0D AS e_cpu_a,
        e_cpu - CAST(floor(e_cpu * 1048576.0D) AS DOUBLE) / 1048576.0D AS e_cpu_b,
        CAST(floor(e_mem * 1048576.0D) AS DOUBLE) / 1048576.0D AS e_mem_a,
        e_mem - CAST(floor(e_mem * 1048576.0D) AS DOUBLE) / 1048576.0D AS e_mem_b,
        CAST(floor(e_overhead * 1048576.0D) AS DOUBLE) / 1048576.0D AS e_overhead_a,
        e_overhead - CAST(floor(e_overhead * 1048576.0D) AS DOUBLE) / 1048576.0D AS e_overhead_b,
        CAST(floor(e_measured * 1048576.0D) AS DOUBLE) / 1048576.0D AS e_measured_a,
        e_measured - CAST(floor(e_measured * 1048576.0D) AS DOUBLE) / 1048576.0D AS e_measured_b,
        CAST(floor(unused_energy * 1048576.0D) AS DOUBLE) / 1048576.0D AS unused_energy_a,
        unused_energy - CAST(floor(unused_energy * 1048576.0D) AS DOUBLE) / 1048576.0D
            AS unused_energy_b,
        CAST(floor(unused_co2e * 1048576.0D) AS DOUBLE) / 1048576.0D AS unused_co2e_a,
        unused_co2e - CAST(floor(unused_co2e * 1048576.0D) AS DOUBLE) / 1048576.0D AS unused_co2e_b,
        CAST(floor(unused_low * 1048576.0D) AS DOUBLE) / 1048576.0D AS unused_low_a,
        unused_low - CAST(floor(unused_low * 1048576.0D) AS DOUBLE) / 1048576.0D AS unused_low_b,
        CAST(floor(unused_high * 1048576.0D) AS DOUBLE) / 1048576.0D AS unused_high_a,
        unused_high - CAST(floor(unused_high * 1048576.0D) AS DOUBLE) / 1048576.0D AS unused_high_b
    FROM picked
),
sums AS (
    SELECT
        group_key,
        group_project,
        count(*) AS jobs,
        sum(gs_a) + sum(gs_b) AS gs,
        sum(gs_equiv_a) + sum(gs_equiv_b) AS gs_equiv,
        sum(gs_used_a) + sum(gs_used_b) AS gs_used,
        sum(gs_a) FILTER (WHERE u IS NOT NULL) + sum(gs_b) FILTER (WHERE u IS NOT NULL) AS gs_known,
        sum(gs_a) FILTER (WHERE u < idle_below) + sum(gs_b) FILTER (WHERE u < idle_below)
            AS gs_idle,
        sum(energy_a) + sum(energy_b) AS energy_kwh,
        sum(co2e_a) + sum(co2e_b) AS co2e_kg,
        bool_or(price_missing) AS price_missing,
        sum(cloud_low_a) + sum(cloud_low_b) AS cloud_cost_usd_low,
        sum(cloud_high_a) + sum(cloud_high_b) AS cloud_cost_usd_high,
        sum(electricity_a) + sum(electricity_b) AS electricity_cost_usd,
        sum(measured_a) + sum(measured_b) AS measured_energy_kwh,
        bool_or(owned_missing) AS owned_missing,
        sum(owned_a) + sum(owned_b) AS owned_cost_usd,
        sum(embodied_a) + sum(embodied_b) AS embodied_kg,
        bool_or(water_missing) AS water_missing,
        sum(water_a) + sum(water_b) AS water_l,
        sum(e_gpu_a) + sum(e_gpu_b) AS energy_gpu_kwh,
        sum(e_cpu_a) + sum(e_cpu_b) AS energy_cpu_kwh,
        sum(e_mem_a) + sum(e_mem_b) AS energy_mem_kwh,
        sum(e_overhead_a) + sum(e_overhead_b) AS energy_overhead_kwh,
        sum(e_measured_a) + sum(e_measured_b) AS energy_measured_kwh,
        sum(energy_a) FILTER (WHERE u < idle_below) + sum(energy_b) FILTER (WHERE u < idle_below)
            AS idle_energy_kwh,
        sum(co2e_a) FILTER (WHERE u < idle_below) + sum(co2e_b) FILTER (WHERE u < idle_below)
            AS idle_co2e_kg,
        bool_or(price_missing) FILTER (WHERE u < idle_below) AS idle_price_missing,
        sum(cloud_low_a) FILTER (WHERE u < idle_below)
            + sum(cloud_low_b) FILTER (WHERE u < idle_below)
            AS idle_low,
        sum(cloud_high_a) FILTER (WHERE u < idle_below)
            + sum(cloud_high_b) FILTER (WHERE u < idle_below)
            AS idle_high,
        sum(unused_energy_a) + sum(unused_energy_b) AS unused_energy_kwh,
        sum(unused_co2e_a) + sum(unused_co2e_b) AS unused_co2e_kg,
        bool_or(price_missing) FILTER (WHERE u IS NOT NULL) AS unused_price_missing,
        sum(unused_low_a) + sum(unused_low_b) AS unused_low,
        sum(unused_high_a) + sum(unused_high_b) AS unused_high,
        count_if(gpu_power_defaulted) AS default_gpu_power_jobs,
        count_if(carbon_defaulted) AS default_carbon_jobs
    FROM parts
    GROUP BY group_key, group_project
)
SELECT
    group_key,
    group_project AS project,
    jobs,
    gs / 3600.0D AS gpu_hours,
    gs_equiv / 3600.0D AS gpu_equiv_hours,
    gs_used / nullif(gs_known, 0.0D) AS gpu_util,
    coalesce(gs_known, 0.0D) / nullif(gs, 0.0D) AS util_coverage,
    coalesce(gs_idle, 0.0D) / 3600.0D AS idle_gpu_hours,
    coalesce(gs_known - gs_used, 0.0D) / 3600.0D AS unused_gpu_hours,
    energy_kwh,
    co2e_kg,
    CASE WHEN price_missing THEN NULL ELSE cloud_cost_usd_low END AS cloud_cost_usd_low,
    CASE WHEN price_missing THEN NULL ELSE cloud_cost_usd_high END AS cloud_cost_usd_high,
    electricity_cost_usd,
    measured_energy_kwh / nullif(energy_kwh, 0.0D) AS measured_share,
    CASE WHEN owned_missing THEN NULL ELSE owned_cost_usd END AS owned_cost_usd,
    embodied_kg,
    co2e_kg + embodied_kg AS co2e_total_kg,
    CASE WHEN water_missing THEN NULL ELSE water_l END AS water_l,
    energy_gpu_kwh,
    energy_cpu_kwh,
    energy_mem_kwh,
    energy_overhead_kwh,
    energy_measured_kwh,
    coalesce(idle_energy_kwh, 0.0D) AS idle_energy_kwh,
    coalesce(idle_co2e_kg, 0.0D) AS idle_co2e_kg,
    CASE WHEN idle_price_missing THEN NULL ELSE coalesce(idle_low, 0.0D) END
        AS idle_cloud_cost_usd_low,
    CASE WHEN idle_price_missing THEN NULL ELSE coalesce(idle_high, 0.0D) END
        AS idle_cloud_cost_usd_high,
    coalesce(unused_energy_kwh, 0.0D) AS unused_energy_kwh,
    coalesce(unused_co2e_kg, 0.0D) AS unused_co2e_kg,
    CASE WHEN unused_price_missing THEN NULL ELSE coalesce(unused_low, 0.0D) END
        AS unused_cloud_cost_usd_low,
    CASE WHEN unused_price_missing THEN NULL ELSE coalesce(unused_high, 0.0D) END
        AS unused_cloud_cost_usd_high,
    default_gpu_power_jobs,
    default_carbon_jobs
FROM sums
ORDER BY group_key, project NULLS LAST
