-- SQLite, an MLflow tracking database: the full history (run id, key, timestamp ms, value)
-- of the GPU power, utilisation and memory metrics (MB from NVIDIA, GB from ROCm) of the runs
-- of the experiments in :ids (and in :runs unless NULL); NaN points are left out.
SELECT run_uuid AS run_id, key, timestamp AS ts_ms, value
FROM metrics
WHERE (key LIKE 'system/%gpu\_%\_power\_usage\_watts' ESCAPE '\'
       OR key LIKE 'system/%gpu\_%\_utilization\_percentage' ESCAPE '\'
       OR key LIKE 'system/%gpu\_%\_memory\_usage\_megabytes' ESCAPE '\'
       OR key LIKE 'system/%gpu\_%\_memory\_usage\_gigabytes' ESCAPE '\')
  AND NOT is_nan
  AND run_uuid IN (
    SELECT run_uuid FROM runs
    WHERE (:ids IS NULL OR CAST(experiment_id AS TEXT) IN (SELECT value FROM json_each(:ids)))
      AND (:runs IS NULL OR run_uuid IN (SELECT value FROM json_each(:runs)))
  );
