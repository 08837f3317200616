-- Returns summary.sql's columns (group_key, jobs, gpu_hours, gpu_equiv_hours) and the footprint of each group
-- of the temp view `footprint` (energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high,
-- electricity_cost_usd, measured_share, default_gpu_power_jobs, default_carbon_jobs), grouped
-- by $by as in summary.sql, in one pass.
-- A group's cloud cost is NULL when one of its jobs has no price: a partial sum would mislead.
-- measured_share is the measured part of the group's energy (NULL when it has none).
WITH keyed AS (
    SELECT
        CASE $by
            WHEN 'project' THEN project
            WHEN 'sweep' THEN sweep
            WHEN 'run' THEN cluster || ':' || run
            WHEN 'user' THEN user_name
            WHEN 'month' THEN strftime(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)), '%Y-%m')
            WHEN 'gpu_model' THEN logged_gpu_model
            WHEN 'state' THEN state
        END AS group_key,
        *
    FROM footprint
)
SELECT
    coalesce(group_key, '(none)') AS group_key,
    count(*) AS jobs,
    fsum(gpus * elapsed_s) / 3600.0 AS gpu_hours,  -- as summary.sql adds them
    fsum(gpus * elapsed_s * gpu_fraction) / 3600.0 AS gpu_equiv_hours,
    fsum(energy_kwh) AS energy_kwh,
    fsum(co2e_kg) AS co2e_kg,
    CASE WHEN bool_or(price_missing) THEN NULL ELSE fsum(cloud_cost_usd_low) END
        AS cloud_cost_usd_low,
    CASE WHEN bool_or(price_missing) THEN NULL ELSE fsum(cloud_cost_usd_high) END
        AS cloud_cost_usd_high,
    fsum(electricity_cost_usd) AS electricity_cost_usd,
    fsum(measured_energy_kwh) / nullif(fsum(energy_kwh), 0) AS measured_share,
    count(*) FILTER (WHERE gpu_power_defaulted) AS default_gpu_power_jobs,
    count(*) FILTER (WHERE carbon_defaulted) AS default_carbon_jobs
FROM keyed
GROUP BY ALL
ORDER BY group_key;
