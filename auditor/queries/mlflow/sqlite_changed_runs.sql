-- SQLite, an MLflow tracking database: the ids, as one JSON array, of the runs of the
-- experiments in :ids (a JSON array of ids; NULL for all) that may have changed at or after
-- :since_ms (epoch ms): started, ended or logged a metric since, or not ended yet (running,
-- scheduled). Tags and params carry no time in the store: a run changed only by them is not
-- found. Each test is one indexed look-up per run.
SELECT coalesce(json_group_array(r.run_uuid), '[]')
FROM runs r
WHERE (:ids IS NULL OR CAST(r.experiment_id AS TEXT) IN (SELECT value FROM json_each(:ids)))
  AND (r.end_time IS NULL
       OR r.status IN ('RUNNING', 'SCHEDULED')
       OR r.end_time >= :since_ms
       OR r.start_time >= :since_ms
       OR EXISTS (SELECT 1 FROM latest_metrics m
                  WHERE m.run_uuid = r.run_uuid AND m.timestamp >= :since_ms));
