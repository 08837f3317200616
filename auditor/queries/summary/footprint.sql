-- Creates the temp table `summary_grouped` for summary/named.sql: one row per group of the
-- temp view `summary_keyed` over the temp view `footprint` (summary/keyed.sql), in one pass,
-- with summary/gpu_hours.sql's figures (jobs, gpu_hours, gpu_equiv_hours, gpu_util,
-- util_coverage, idle_gpu_hours, unused_gpu_hours: gpu_use_sums) and the footprint:
-- energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high, electricity_cost_usd,
-- measured_share (footprint_sums), the footprint of the idle and unused GPU-hours
-- (idle_*, unused_*: waste_sums; the macros in footprint/macros.sql), default_gpu_power_jobs,
-- default_carbon_jobs.
CREATE OR REPLACE TEMP TABLE summary_grouped AS
SELECT * EXCLUDE (used, sums, waste, default_gpu_power_jobs, default_carbon_jobs), used.*,
    sums.*, waste.*, default_gpu_power_jobs, default_carbon_jobs
FROM (
    SELECT
        COLUMNS('^group_'),
        count(*) AS jobs,
        fsum(gpus * elapsed_s) / 3600.0 AS gpu_hours,  -- as summary/gpu_hours.sql adds them
        fsum(gpus * elapsed_s * gpu_fraction) / 3600.0 AS gpu_equiv_hours,
        gpu_use_sums(gpus * elapsed_s / 3600.0, gpu_util_mean, idle_below) AS used,
        footprint_sums(energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high,
            price_missing, electricity_cost_usd, measured_energy_kwh) AS sums,
        waste_sums(gpu_util_mean, idle_below, energy_kwh, co2e_kg, cloud_cost_usd_low,
            cloud_cost_usd_high, price_missing) AS waste,
        count(*) FILTER (WHERE gpu_power_defaulted) AS default_gpu_power_jobs,
        count(*) FILTER (WHERE carbon_defaulted) AS default_carbon_jobs
    FROM summary_keyed
    GROUP BY ALL
);
