-- Returns each column of the temp table `lake_rows` (lake/rows.sql) in order: name and
-- DuckDB type, for the lake's _schema.json.
SELECT column_name, data_type
FROM duckdb_columns()
WHERE table_name = 'lake_rows' AND database_name = 'temp'
ORDER BY column_index;
