-- Creates the temp table `summary_grouped` for summary/named.sql: one row per group of the
-- temp view `summary_keyed` over the temp view `footprint` (summary/keyed.sql), in one pass,
-- with summary/gpu_hours.sql's figures (jobs, gpu_hours, gpu_equiv_hours, gpu_util,
-- util_coverage, idle_gpu_hours, unused_gpu_hours) and the footprint: energy_kwh, co2e_kg,
-- cloud_cost_usd_low, cloud_cost_usd_high, electricity_cost_usd, measured_share
-- (footprint_sums), the energy split (energy_gpu_kwh, energy_cpu_kwh, energy_mem_kwh,
-- energy_overhead_kwh, energy_measured_kwh: they add up to energy_kwh), the footprint of the
-- idle and unused GPU-hours (idle_*, unused_*; the macros are in footprint/macros.sql),
-- default_gpu_power_jobs, default_carbon_jobs; after the footprint sums: owned_cost_usd
-- (NULL when a job of the group has no server price), embodied_kg,
-- co2e_total_kg (co2e_kg + embodied_kg) and water_l (NULL when a job of the group has none).
CREATE OR REPLACE TEMP TABLE summary_grouped AS
SELECT * EXCLUDE (sums, energy_gpu_kwh, energy_cpu_kwh, energy_mem_kwh, energy_overhead_kwh,
        energy_measured_kwh, idle_energy_kwh, idle_co2e_kg, idle_cloud_cost_usd_low,
        idle_cloud_cost_usd_high, unused_energy_kwh, unused_co2e_kg, unused_cloud_cost_usd_low,
        unused_cloud_cost_usd_high, default_gpu_power_jobs, default_carbon_jobs, embodied_kg,
        water_l, owned_cost_usd),
    sums.*, owned_cost_usd, embodied_kg, sums.co2e_kg + embodied_kg AS co2e_total_kg, water_l, energy_gpu_kwh, energy_cpu_kwh, energy_mem_kwh, energy_overhead_kwh,
    energy_measured_kwh, idle_energy_kwh, idle_co2e_kg, idle_cloud_cost_usd_low, idle_cloud_cost_usd_high,
    unused_energy_kwh, unused_co2e_kg, unused_cloud_cost_usd_low, unused_cloud_cost_usd_high,
    default_gpu_power_jobs, default_carbon_jobs
FROM (
    SELECT
        COLUMNS('^group_'),
        count(*) AS jobs,
        fsum(gpus * elapsed_s) / 3600.0 AS gpu_hours,  -- as summary/gpu_hours.sql adds them
        fsum(gpus * elapsed_s * gpu_fraction) / 3600.0 AS gpu_equiv_hours,
        use_mean(gpus * elapsed_s, gpu_util_mean) AS gpu_util,
        use_coverage(gpus * elapsed_s, gpu_util_mean) AS util_coverage,
        idle_hours(gpus * elapsed_s, gpu_util_mean, idle_below) AS idle_gpu_hours,
        unused_hours(gpus * elapsed_s, gpu_util_mean) AS unused_gpu_hours,
        footprint_sums(energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high,
            price_missing, electricity_cost_usd, measured_energy_kwh) AS sums,
        fsum(energy_gpu_kwh) AS energy_gpu_kwh,
        fsum(energy_cpu_kwh) AS energy_cpu_kwh,
        fsum(energy_mem_kwh) AS energy_mem_kwh,
        fsum(energy_overhead_kwh) AS energy_overhead_kwh,
        fsum(energy_measured_kwh) AS energy_measured_kwh,
        idle_share(energy_kwh, gpu_util_mean, idle_below) AS idle_energy_kwh,
        idle_share(co2e_kg, gpu_util_mean, idle_below) AS idle_co2e_kg,
        idle_priced(cloud_cost_usd_low, price_missing, gpu_util_mean, idle_below)
            AS idle_cloud_cost_usd_low,
        idle_priced(cloud_cost_usd_high, price_missing, gpu_util_mean, idle_below)
            AS idle_cloud_cost_usd_high,
        unused_share(energy_kwh, gpu_util_mean) AS unused_energy_kwh,
        unused_share(co2e_kg, gpu_util_mean) AS unused_co2e_kg,
        unused_priced(cloud_cost_usd_low, price_missing, gpu_util_mean)
            AS unused_cloud_cost_usd_low,
        unused_priced(cloud_cost_usd_high, price_missing, gpu_util_mean)
            AS unused_cloud_cost_usd_high,
        count(*) FILTER (WHERE gpu_power_defaulted) AS default_gpu_power_jobs,
        count(*) FILTER (WHERE carbon_defaulted) AS default_carbon_jobs,
        fsum(embodied_kg) AS embodied_kg,
        priced_sum(water_l, water_missing) AS water_l,
        priced_sum(owned_cost_usd, owned_missing) AS owned_cost_usd
    FROM summary_keyed
    GROUP BY ALL
);
