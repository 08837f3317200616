-- Returns the $limit single jobs of the temp view `report_base` with the most GPU-hours
-- (uid, run, name, project, sweep, user_name, state, gpu_model, gpus, hours, gpu_hours,
-- energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high), largest first, then by uid;
-- the name is the job's in the temp view `report_jobs`.
WITH top AS (
    SELECT
        uid, run, project, sweep, user_name, state, gpu_model, gpus, hours, gpu_hours,
        energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high
    FROM report_base
    WHERE gpu_hours > 0
    ORDER BY gpu_hours DESC, uid
    LIMIT $limit
)
SELECT
    t.uid, t.run, j.name, t.project, t.sweep, t.user_name, t.state, t.gpu_model, t.gpus,
    t.hours, t.gpu_hours, t.energy_kwh, t.co2e_kg, t.cloud_cost_usd_low, t.cloud_cost_usd_high
FROM top t
JOIN report_jobs j USING (uid)
ORDER BY t.gpu_hours DESC, t.uid;
