-- Returns the curve of the temp table `sens_curve` (sensitivity/curve.sql) as the sensitivity
-- command shows it: sweep_key, n, expected_best, std, gpu_hours, energy_kwh, co2e_kg,
-- cloud_cost_usd_low, cloud_cost_usd_high; sorted by sweep_key, n.
SELECT sweep_key, n, expected_best, std, gpu_hours, energy_kwh, co2e_kg, cloud_cost_usd_low,
    cloud_cost_usd_high
FROM sens_curve
ORDER BY sweep_key, n;
