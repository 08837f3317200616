-- Creates the temp table `summary_grouped` for summary/named.sql: one row per group of the
-- temp view `summary_keyed` over the temp view `footprint` (summary/keyed.sql), in one pass,
-- with summary/gpu_hours.sql's figures (jobs, gpu_hours, gpu_equiv_hours) and the footprint:
-- energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high, electricity_cost_usd,
-- measured_share (footprint_sums, footprint/macros.sql), default_gpu_power_jobs,
-- default_carbon_jobs.
CREATE OR REPLACE TEMP TABLE summary_grouped AS
SELECT * EXCLUDE (sums, default_gpu_power_jobs, default_carbon_jobs), sums.*,
    default_gpu_power_jobs, default_carbon_jobs
FROM (
    SELECT
        COLUMNS('^group_'),
        count(*) AS jobs,
        fsum(gpus * elapsed_s) / 3600.0 AS gpu_hours,  -- as summary/gpu_hours.sql adds them
        fsum(gpus * elapsed_s * gpu_fraction) / 3600.0 AS gpu_equiv_hours,
        footprint_sums(energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high,
            price_missing, electricity_cost_usd, measured_energy_kwh) AS sums,
        count(*) FILTER (WHERE gpu_power_defaulted) AS default_gpu_power_jobs,
        count(*) FILTER (WHERE carbon_defaulted) AS default_carbon_jobs
    FROM summary_keyed
    GROUP BY ALL
);
