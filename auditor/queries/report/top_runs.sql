-- Returns the $limit single jobs of the temp table `report_base` with the most GPU-hours
-- (uid, run, name, project, sweep, user_name, state, gpu_model, gpus, hours, gpu_hours,
-- energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high), largest first, then by uid.
SELECT
    uid, run, name, project, sweep, user_name, state, gpu_model, gpus, hours, gpu_hours,
    energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high
FROM report_base
WHERE gpu_hours > 0
ORDER BY gpu_hours DESC, uid
LIMIT $limit;
