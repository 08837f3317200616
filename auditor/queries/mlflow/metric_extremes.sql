-- Returns, from the points of the metric histories registered as `points` (run_id, key, ts_ms,
-- value), the smallest and largest value of each run's metric as rows of mlflow_run_kv
-- (run_id, kind 'metric_min' | 'metric_max', key, value as text); NaN points are left out.
SELECT run_id, 'metric_min' AS kind, key, CAST(min(value) AS VARCHAR) AS value
FROM points
WHERE NOT isnan(value)
GROUP BY run_id, key
UNION ALL
SELECT run_id, 'metric_max' AS kind, key, CAST(max(value) AS VARCHAR) AS value
FROM points
WHERE NOT isnan(value)
GROUP BY run_id, key
ORDER BY run_id, key, kind;
