-- Creates the temp table `sens_trials` for sensitivity/curve.sql: the runs of the temp table
-- `sens_runs` that have a score, one trial each.
CREATE OR REPLACE TEMP TABLE sens_trials AS
SELECT sweep_key, run_name, score, gpu_hours, energy_kwh, co2e_kg, cloud_cost_usd_low,
    cloud_cost_usd_high
FROM sens_runs
WHERE score IS NOT NULL;
