-- SQLite, an MLflow tracking database: tags and params (run id, 'tag'|'param', key, value)
-- of the runs of the experiments in :ids (a JSON array of ids; NULL for all).
WITH chosen AS (
    SELECT run_uuid FROM runs
    WHERE :ids IS NULL OR CAST(experiment_id AS TEXT) IN (SELECT value FROM json_each(:ids))
)
SELECT run_uuid AS run_id, 'tag' AS kind, key, value
FROM tags WHERE run_uuid IN (SELECT run_uuid FROM chosen)
UNION ALL
SELECT run_uuid AS run_id, 'param' AS kind, key, value
FROM params WHERE run_uuid IN (SELECT run_uuid FROM chosen);
