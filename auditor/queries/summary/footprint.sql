-- Creates the temp table `summary_grouped` for summary/named.sql: one row per group of the
-- temp view `summary_keyed` over the temp view `footprint` (summary/keyed.sql), in one pass,
-- with summary/gpu_hours.sql's figures (jobs, gpu_hours, gpu_equiv_hours) and the footprint:
-- energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high, electricity_cost_usd,
-- measured_share, default_gpu_power_jobs, default_carbon_jobs. A group's cloud cost is NULL
-- when one of its jobs has no price: a partial sum would mislead. measured_share is the
-- measured part of the group's energy (NULL when it has none).
CREATE OR REPLACE TEMP TABLE summary_grouped AS
SELECT
    COLUMNS('^group_'),
    count(*) AS jobs,
    fsum(gpus * elapsed_s) / 3600.0 AS gpu_hours,  -- as summary/gpu_hours.sql adds them
    fsum(gpus * elapsed_s * gpu_fraction) / 3600.0 AS gpu_equiv_hours,
    fsum(energy_kwh) AS energy_kwh,
    fsum(co2e_kg) AS co2e_kg,
    priced_sum(cloud_cost_usd_low, price_missing) AS cloud_cost_usd_low,
    priced_sum(cloud_cost_usd_high, price_missing) AS cloud_cost_usd_high,
    fsum(electricity_cost_usd) AS electricity_cost_usd,
    fsum(measured_energy_kwh) / nullif(fsum(energy_kwh), 0) AS measured_share,
    count(*) FILTER (WHERE gpu_power_defaulted) AS default_gpu_power_jobs,
    count(*) FILTER (WHERE carbon_defaulted) AS default_carbon_jobs
FROM summary_keyed
GROUP BY ALL;
