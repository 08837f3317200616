-- SQLite, an MLflow tracking database: (run id, key) of every system GPU metric key
-- (system/gpu_N_*, system/<node>/gpu_N_*) of the runs of the experiments in :ids (and in
-- :runs unless NULL).
SELECT run_uuid AS run_id, key
FROM latest_metrics
WHERE key LIKE 'system/%gpu\_%' ESCAPE '\'
  AND run_uuid IN (
    SELECT run_uuid FROM runs
    WHERE (:ids IS NULL OR CAST(experiment_id AS TEXT) IN (SELECT value FROM json_each(:ids)))
      AND (:runs IS NULL OR run_uuid IN (SELECT value FROM json_each(:runs)))
  );
