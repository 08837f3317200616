-- SQLite, an MLflow tracking database: every experiment tag (experiment id, key, value).
SELECT CAST(experiment_id AS TEXT), key, value FROM experiment_tags;
