-- Creates temp table mlflow_gpu: per MLflow run, the GPUs its system metrics name
-- (gpus_seen), the measured GPU energy (energy_j: trapezoid over each GPU's
-- power_usage_watts samples, clipped to the run's start and end, an interval longer than
-- $gap_factor x that series' median interval left out), the average draw over the measured
-- intervals (power_w, summed over GPUs), the seconds measured (covered_s, best GPU), the
-- mean utilisation (gpu_util, fraction) and the largest GPU memory in use (gpu_mem_gb, GiB,
-- summed over GPUs; mem_aligned false when it had to be the sum of per-GPU peaks).
-- Inputs: mlflow_runs, mlflow_metric_keys, mlflow_points and mlflow_gpu_keys (each key's
-- node, GPU index and metric).
CREATE OR REPLACE TEMP TABLE mlflow_gpu AS
WITH runs AS (
    -- a run still going is clipped at its start only
    SELECT run_id, start_ms, CASE WHEN status IN ('RUNNING', 'SCHEDULED', '1', '2')
        THEN NULL ELSE end_ms END AS end_ms
    FROM mlflow_runs
),
samples AS (
    SELECT p.run_id, k.node, k.gpu, k.metric, p.ts_ms, avg(p.value) AS value  -- one per time
    FROM mlflow_points p
    JOIN mlflow_gpu_keys k USING (key)
    WHERE p.value IS NOT NULL AND NOT isnan(p.value)
    GROUP BY ALL
),
steps AS (
    SELECT
        run_id, node, gpu,
        lag(ts_ms) OVER w AS t0, ts_ms AS t1,
        lag(value) OVER w AS v0, value AS v1
    FROM samples
    WHERE metric = 'power_usage_watts'
    WINDOW w AS (PARTITION BY run_id, node, gpu ORDER BY ts_ms)
),
intervals AS (
    SELECT *, t1 - t0 AS dt, median(t1 - t0) OVER (PARTITION BY run_id, node, gpu) AS median_dt
    FROM steps
    WHERE t0 IS NOT NULL
),
clipped AS (
    SELECT
        i.run_id, i.node, i.gpu, i.t0, i.dt, i.v0, i.v1,
        greatest(i.t0, coalesce(r.start_ms, i.t0)) AS a,
        least(i.t1, coalesce(r.end_ms, i.t1)) AS b
    FROM intervals i
    JOIN runs r USING (run_id)
    WHERE i.dt <= $gap_factor * i.median_dt
),
per_gpu AS (
    -- linear interpolation gives the power at the clipped ends a and b
    SELECT
        run_id, node, gpu,
        fsum(
            ((v0 + (v1 - v0) * (a - t0) / dt) + (v0 + (v1 - v0) * (b - t0) / dt)) / 2
            * (b - a) / 1000.0
        ) AS energy_j,
        fsum(b - a) / 1000.0 AS covered_s
    FROM clipped
    WHERE b > a
    GROUP BY ALL
),
energy AS (
    SELECT
        run_id,
        fsum(energy_j) AS energy_j,
        fsum(energy_j / covered_s) AS power_w,
        max(covered_s) AS covered_s
    FROM per_gpu
    GROUP BY run_id
),
util AS (
    SELECT s.run_id, avg(s.value) / 100.0 AS gpu_util
    FROM samples s
    JOIN runs r USING (run_id)
    WHERE s.metric = 'utilization_percentage'
      AND (r.start_ms IS NULL OR s.ts_ms >= r.start_ms)
      AND (r.end_ms IS NULL OR s.ts_ms <= r.end_ms)
    GROUP BY s.run_id
),
mem_samples AS (
    -- GiB from MLflow's decimal MB (NVIDIA) or GB (ROCm), within the run like utilisation
    -- (samples holds one value per GPU and time already)
    SELECT s.run_id, s.node, s.gpu, s.ts_ms, s.value * CASE s.metric
        WHEN 'memory_usage_megabytes' THEN 1e6 ELSE 1e9 END / 1073741824.0 AS gib
    FROM samples s
    JOIN runs r USING (run_id)
    WHERE s.metric IN ('memory_usage_megabytes', 'memory_usage_gigabytes')
      AND (r.start_ms IS NULL OR s.ts_ms >= r.start_ms)
      AND (r.end_ms IS NULL OR s.ts_ms <= r.end_ms)
),
mem_moments AS (
    -- MLflow logs all GPUs of a process in one round, at one timestamp: a node's moment
    SELECT run_id, node, ts_ms, fsum(gib) AS gib, count(*) AS gpus
    FROM mem_samples
    GROUP BY ALL
),
mem_nodes AS (
    SELECT
        run_id, node, max(m.gib) AS peak_of_sum, min(m.gpus) AS fewest,
        any_value(g.gpus) AS gpus, any_value(g.sum_of_peaks) AS sum_of_peaks
    FROM mem_moments m
    JOIN (
        SELECT run_id, node, count(*) AS gpus, fsum(peak) AS sum_of_peaks
        FROM (SELECT run_id, node, gpu, max(gib) AS peak FROM mem_samples GROUP BY ALL)
        GROUP BY ALL
    ) g USING (run_id, node)
    GROUP BY ALL
),
mem AS (
    -- the peak of the sum when every moment holds all of a node's GPUs; else (the GPUs
    -- sampled at other times) the sum of their peaks, an upper bound, said so; nodes added
    SELECT
        run_id,
        fsum(CASE WHEN fewest = gpus THEN peak_of_sum ELSE sum_of_peaks END) AS gpu_mem_gb,
        bool_and(fewest = gpus) AS mem_aligned
    FROM mem_nodes
    GROUP BY run_id
),
seen AS (
    SELECT m.run_id, count(DISTINCT k.node || '/' || k.gpu) AS gpus_seen
    FROM mlflow_metric_keys m
    JOIN mlflow_gpu_keys k USING (key)
    GROUP BY m.run_id
)
SELECT
    r.run_id,
    seen.gpus_seen,
    energy.energy_j,
    energy.power_w,
    energy.covered_s,
    util.gpu_util,
    mem.gpu_mem_gb,
    mem.mem_aligned
FROM runs r
LEFT JOIN seen USING (run_id)
LEFT JOIN energy USING (run_id)
LEFT JOIN util USING (run_id)
LEFT JOIN mem USING (run_id);
