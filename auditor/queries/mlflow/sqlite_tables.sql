-- SQLite, any database: the name of every table (to tell an MLflow tracking database and its
-- schema's age before reading it).
SELECT name FROM sqlite_master WHERE type = 'table';
