-- SQLite, an MLflow tracking database: every experiment (id as text, name, lifecycle stage).
SELECT CAST(experiment_id AS TEXT) AS experiment_id, name, lifecycle_stage FROM experiments;
