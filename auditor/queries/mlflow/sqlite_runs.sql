-- SQLite, an MLflow tracking database: the runs of the experiments in :ids (a JSON array of
-- ids; NULL for all) and, when :runs is not NULL, in :runs (a JSON array of run ids), in the
-- columns of auditor.ingest.mlflow.raw.Run, with the newest metric timestamp of each run.
SELECT
    r.run_uuid AS run_id, CAST(r.experiment_id AS TEXT) AS experiment_id, r.name AS run_name,
    r.user_id, r.status, r.start_time AS start_ms, r.end_time AS end_ms, r.lifecycle_stage,
    m.last_ms AS last_metric_ms, NULL AS origin
FROM runs r
LEFT JOIN (
    SELECT run_uuid, max(timestamp) AS last_ms FROM latest_metrics GROUP BY run_uuid
) m USING (run_uuid)
WHERE (:ids IS NULL OR CAST(r.experiment_id AS TEXT) IN (SELECT value FROM json_each(:ids)))
  AND (:runs IS NULL OR r.run_uuid IN (SELECT value FROM json_each(:runs)));
