-- SQLite, an MLflow tracking database: every experiment tag (experiment id, key, value).
SELECT CAST(experiment_id AS TEXT) AS experiment_id, key, value FROM experiment_tags;
