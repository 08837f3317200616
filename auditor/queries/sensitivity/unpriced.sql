-- Creates the temp view `sens_unpriced`: the jobs of the temp view `footprint_jobs` with the
-- columns sensitivity/trials.sql reads from the footprint, for a store read without footprint
-- settings: GPU-hours as summaries count them, energy, CO2e and costs unknown (NULL).
CREATE OR REPLACE TEMP VIEW sens_unpriced AS
SELECT
    uid, source, cluster, job_id, run, project, sweep, src_file,
    coalesce(gpus, 0) * elapsed_s / 3600.0 AS gpu_hours,
    CAST(NULL AS DOUBLE) AS energy_kwh,
    CAST(NULL AS DOUBLE) AS co2e_kg,
    CAST(NULL AS DOUBLE) AS cloud_cost_usd_low,
    CAST(NULL AS DOUBLE) AS cloud_cost_usd_high,
    false AS price_missing
FROM footprint_jobs;
