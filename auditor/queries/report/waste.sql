-- Returns the waste of the jobs of the temp table `report_base`, one row, each job counted
-- once. Failed: the jobs whose state is one of $states (jobs, gpu_hours, energy_kwh, co2e_kg,
-- cloud_cost_usd_low|high). Idle: the other jobs whose GPUs idled, a mean use below their
-- idle_below, a peak of 0 counting as a mean of 0 (idle_jobs, idle_gpu_hours, idle_energy_kwh,
-- idle_co2e_kg, idle_cloud_cost_usd_low|high; footprint/macros.sql); failed_idle_jobs the
-- failed jobs that idled too. waste_*: both together. Over every job: gpu_util (mean use,
-- weighted by GPU-hours), util_coverage, no_use_gpu_hours (GPU-hours no log gives a mean for),
-- unused_gpu_hours, idle_below_min|max, and the all_* totals the shares are of. Costs are
-- NULL when a job they add has no price; kWh, CO2e and costs are NULL without footprint
-- settings (no job has an energy).
WITH jobs AS (
    SELECT
        *,
        list_contains($states, state) AS failed,
        gpu_hours * 3600.0 AS gpu_seconds,  -- what the use macros add
        -- a failed job's use is hidden from the idle macros: it is waste once, as failed
        CASE WHEN NOT list_contains($states, state) THEN gpu_util_mean END AS kept_u
    FROM report_base
),
sums AS (
    SELECT
        count(*) FILTER (WHERE failed) AS jobs,
        coalesce(fsum(gpu_hours) FILTER (WHERE failed), 0.0) AS gpu_hours,
        count(*) FILTER (WHERE kept_u < idle_below) AS idle_jobs,
        idle_hours(gpu_seconds, kept_u, idle_below) AS idle_gpu_hours,
        count(*) FILTER (WHERE failed AND gpu_util_mean < idle_below) AS failed_idle_jobs,
        use_mean(gpu_seconds, gpu_util_mean) AS gpu_util,
        use_coverage(gpu_seconds, gpu_util_mean) AS util_coverage,
        coalesce(fsum(gpu_hours) FILTER (WHERE gpu_util_mean IS NULL), 0.0) AS no_use_gpu_hours,
        unused_hours(gpu_seconds, gpu_util_mean) AS unused_gpu_hours,
        min(idle_below) AS idle_below_min,
        max(idle_below) AS idle_below_max,
        count(*) AS all_jobs,
        coalesce(fsum(gpu_hours), 0.0) AS all_gpu_hours,
        CASE WHEN count(energy_kwh) > 0 THEN {
            'energy_kwh': coalesce(fsum(energy_kwh) FILTER (WHERE failed), 0.0),
            'co2e_kg': coalesce(fsum(co2e_kg) FILTER (WHERE failed), 0.0),
            'cloud_cost_usd_low': CASE WHEN bool_or(price_missing) FILTER (WHERE failed)
                THEN NULL ELSE coalesce(fsum(cloud_cost_usd_low) FILTER (WHERE failed), 0.0) END,
            'cloud_cost_usd_high': CASE WHEN bool_or(price_missing) FILTER (WHERE failed)
                THEN NULL ELSE coalesce(fsum(cloud_cost_usd_high) FILTER (WHERE failed), 0.0) END,
            'idle_energy_kwh': idle_share(energy_kwh, kept_u, idle_below),
            'idle_co2e_kg': idle_share(co2e_kg, kept_u, idle_below),
            'idle_cloud_cost_usd_low':
                idle_priced(cloud_cost_usd_low, price_missing, kept_u, idle_below),
            'idle_cloud_cost_usd_high':
                idle_priced(cloud_cost_usd_high, price_missing, kept_u, idle_below),
            'all_energy_kwh': fsum(energy_kwh),
            'all_co2e_kg': fsum(co2e_kg),
            'all_cloud_cost_usd_low': priced_sum(cloud_cost_usd_low, price_missing),
            'all_cloud_cost_usd_high': priced_sum(cloud_cost_usd_high, price_missing)
        } END AS fp
    FROM jobs
),
flat AS (SELECT * EXCLUDE (fp), fp.* FROM sums)
SELECT
    *,
    gpu_hours + idle_gpu_hours AS waste_gpu_hours,
    energy_kwh + idle_energy_kwh AS waste_energy_kwh,
    co2e_kg + idle_co2e_kg AS waste_co2e_kg,
    cloud_cost_usd_low + idle_cloud_cost_usd_low AS waste_cloud_cost_usd_low,
    cloud_cost_usd_high + idle_cloud_cost_usd_high AS waste_cloud_cost_usd_high
FROM flat;
