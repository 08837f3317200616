-- SQLite, an MLflow tracking database: the runs of the experiments in :ids (a JSON array of
-- ids; NULL for all), in the columns of auditor.ingest.mlflow.RUNS, with the newest metric
-- timestamp of each run.
SELECT
    r.run_uuid, CAST(r.experiment_id AS TEXT), r.name, r.user_id, r.status,
    r.start_time, r.end_time, r.lifecycle_stage, m.last_ms, NULL
FROM runs r
LEFT JOIN (
    SELECT run_uuid, max(timestamp) AS last_ms FROM latest_metrics GROUP BY run_uuid
) m USING (run_uuid)
WHERE :ids IS NULL OR CAST(r.experiment_id AS TEXT) IN (SELECT value FROM json_each(:ids));
