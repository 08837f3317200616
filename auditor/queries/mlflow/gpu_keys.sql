-- Creates temp table mlflow_gpu_keys: each distinct system GPU metric key of mlflow_points
-- and mlflow_metric_keys, parsed once by $gpu_re into (node, gpu index, metric). A table of
-- its own: as a CTE of mlflow/gpu, DuckDB moves the regular expression down to every point.
CREATE OR REPLACE TEMP TABLE mlflow_gpu_keys AS
SELECT
    key,
    regexp_extract(key, $gpu_re, 1) AS node,
    regexp_extract(key, $gpu_re, 2) AS gpu,
    regexp_extract(key, $gpu_re, 3) AS metric
FROM (SELECT key FROM mlflow_points UNION SELECT key FROM mlflow_metric_keys)
WHERE regexp_full_match(key, $gpu_re);
